// Activities: the row and its indexes (by subject — a contact also finds the activities it took part
// in —, by the account the subject resolves to, by owner, by time), each contact's last activity (for
// the power map) and each account's activity count and last activity (for the 360-degree view).

#include <algorithm>
#include <string>
#include <vector>

#include "opportunity/domain/activity.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/projections.h"
#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {
namespace {

std::string SubjectPrefix(absl::string_view tenant, v1::SubjectType type, absl::string_view subject_id) {
  return base::KeyBuilder().String(tenant).Uint64(type).String(subject_id).Release();
}

// The contacts an activity was with: the subject when it is a contact, and the participants.
std::vector<std::string> ContactsOf(const v1::ActivityLogged& e) {
  std::vector<std::string> contacts;
  if (e.subject_type() == v1::SUBJECT_TYPE_CONTACT) contacts.push_back(e.subject_id());
  for (const std::string& id : e.contact_ids()) {
    if (std::find(contacts.begin(), contacts.end(), id) == contacts.end()) contacts.push_back(id);
  }
  return contacts;
}

absl::Status PutIndexes(ReadModelTxn& txn, absl::string_view tenant, const v1::ActivityLogged& e, int64_t t) {
  const std::string& id = e.activity_id();
  SFA_RETURN_IF_ERROR(
      txn.Put(kActivityBySubjectCf, TimedKey(SubjectPrefix(tenant, e.subject_type(), e.subject_id()), t, id), ""));
  for (const std::string& contact : e.contact_ids()) {
    if (e.subject_type() == v1::SUBJECT_TYPE_CONTACT && contact == e.subject_id()) continue;
    SFA_RETURN_IF_ERROR(
        txn.Put(kActivityBySubjectCf, TimedKey(SubjectPrefix(tenant, v1::SUBJECT_TYPE_CONTACT, contact), t, id), ""));
  }
  if (!e.account_id().empty()) {
    SFA_RETURN_IF_ERROR(txn.Put(kActivityByAccountCf, TimedKey(Key(tenant, e.account_id()), t, id), ""));
  }
  SFA_RETURN_IF_ERROR(txn.Put(kActivityByOwnerCf, TimedKey(Key(tenant, e.owner_user_id()), t, id), ""));
  return txn.Put(kActivityByTimeCf, TimedKey(TenantPrefix(tenant), t, id), "");
}

absl::Status TouchContact(ReadModelTxn& txn, absl::string_view tenant, const std::string& contact_id, int64_t t) {
  const std::string key = Key(tenant, contact_id);
  absl::StatusOr<std::optional<std::string>> last = txn.Get(kActivityContactLastCf, key);
  if (!last.ok()) return last.status();
  if (last->has_value()) {
    absl::StatusOr<int64_t> previous = base::KeyReader(**last).Int64();
    if (!previous.ok()) return previous.status();
    if (*previous >= t) return absl::OkStatus();
  }
  return txn.Put(kActivityContactLastCf, key, base::KeyBuilder().Int64(t).Release());
}

absl::Status CountForAccount(ReadModelTxn& txn, absl::string_view tenant, const v1::ActivityLogged& e) {
  if (e.account_id().empty()) return absl::OkStatus();
  const std::string key = Key(tenant, e.account_id());
  absl::StatusOr<std::optional<v1::GetAccountResponse>> totals =
      ReadRow<v1::GetAccountResponse>(txn, kActivityAccountTotalsCf, key);
  if (!totals.ok()) return totals.status();
  v1::GetAccountResponse updated = totals->value_or(v1::GetAccountResponse());
  updated.set_activity_count(updated.activity_count() + 1);
  if (!updated.has_last_activity_at() || domain::ToTime(updated.last_activity_at()) < domain::ToTime(e.occurred_at())) {
    *updated.mutable_last_activity_at() = e.occurred_at();
  }
  return WriteRow(txn, kActivityAccountTotalsCf, key, updated);
}

v1::Activity ToRow(const v1::ActivityLogged& e, uint64_t version) {
  v1::Activity row;
  row.set_activity_id(e.activity_id());
  row.set_subject_type(e.subject_type());
  row.set_subject_id(e.subject_id());
  row.set_account_id(e.account_id());
  row.set_opportunity_id(e.opportunity_id());
  *row.mutable_contact_ids() = e.contact_ids();
  row.set_kind(e.kind());
  row.set_outcome(e.outcome());
  row.set_notes(e.notes());
  *row.mutable_occurred_at() = e.occurred_at();
  if (e.has_duration()) *row.mutable_duration() = e.duration();
  row.set_owner_user_id(e.owner_user_id());
  row.set_version(version);
  return row;
}

}  // namespace

std::vector<std::string> ActivityProjection::column_families() const {
  return {kActivitiesCf,     kActivityBySubjectCf,   kActivityByAccountCf,    kActivityByOwnerCf,
          kActivityByTimeCf, kActivityContactLastCf, kActivityAccountTotalsCf};
}

absl::Status ActivityProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() != domain::kActivityAggregate) return absl::OkStatus();
  absl::StatusOr<domain::ActivityPayload> payload = Decode<domain::ActivityPayload>(event);
  if (!payload.ok()) return payload.status();
  const v1::ActivityLogged& e = std::get<v1::ActivityLogged>(*payload);
  const std::string& tenant = event.tenant();
  const int64_t t = KeyMicros(domain::ToTime(e.occurred_at()));
  SFA_RETURN_IF_ERROR(PutIndexes(txn, tenant, e, t));
  for (const std::string& contact : ContactsOf(e)) SFA_RETURN_IF_ERROR(TouchContact(txn, tenant, contact, t));
  SFA_RETURN_IF_ERROR(CountForAccount(txn, tenant, e));
  return WriteRow(txn, kActivitiesCf, Key(tenant, e.activity_id()), ToRow(e, event.aggregate_version()));
}

}  // namespace sfa::opportunity::projections

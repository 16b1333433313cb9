// Contacts: the row, contacts of an account by name, and by normalized e-mail (CreateFromLead's lookup).

#include <string>
#include <vector>

#include "opportunity/domain/contact.h"
#include "opportunity/domain/lead_conversion.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/projections.h"
#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {
namespace {

// ContactCreated and ContactUpdated carry the whole contact under the same names.
template <typename Snapshot>
void ApplySnapshot(v1::Contact& row, const Snapshot& e) {
  row.set_contact_id(e.contact_id());
  row.set_account_id(e.account_id());
  row.set_name(e.name());
  row.set_title(e.title());
  row.set_email(e.email());
  row.set_phone(e.phone());
  row.set_buying_role(e.buying_role());
  row.set_reports_to_contact_id(e.reports_to_contact_id());
  row.set_influence(e.influence());
  row.set_attitude(e.attitude());
}

void ApplyTo(v1::Contact& row, const v1::ContactCreated& e) {
  ApplySnapshot(row, e);
  row.set_lead_id(e.lead_id());
}

void ApplyTo(v1::Contact& row, const v1::ContactUpdated& e) { ApplySnapshot(row, e); }

std::vector<std::string> AccountKeys(absl::string_view tenant, const v1::Contact& row) {
  return {Key(tenant, row.account_id(), row.name(), row.contact_id())};
}

std::vector<std::string> EmailKeys(absl::string_view tenant, const v1::Contact& row) {
  const std::string email = domain::NormalizeEmail(row.email());
  if (email.empty()) return {};
  return {Key(tenant, row.account_id(), email, row.contact_id())};
}

}  // namespace

std::vector<std::string> ContactProjection::column_families() const {
  return {kContactsCf, kContactsByAccountCf, kContactsByEmailCf};
}

absl::Status ContactProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() != domain::kContactAggregate) return absl::OkStatus();
  absl::StatusOr<domain::ContactPayload> payload = Decode<domain::ContactPayload>(event);
  if (!payload.ok()) return payload.status();
  const std::string key = Key(event.tenant(), event.aggregate_id());
  absl::StatusOr<std::optional<v1::Contact>> old = ReadRow<v1::Contact>(txn, kContactsCf, key);
  if (!old.ok()) return old.status();
  v1::Contact row = old->value_or(v1::Contact());
  std::visit([&](const auto& e) { ApplyTo(row, e); }, *payload);
  row.set_version(event.aggregate_version());
  if (!old->has_value()) *row.mutable_created_at() = event.occurred_at();
  *row.mutable_updated_at() = event.occurred_at();
  const std::vector<std::string> none;
  const std::string& tenant = event.tenant();
  SFA_RETURN_IF_ERROR(SyncIndex(txn, kContactsByAccountCf, old->has_value() ? AccountKeys(tenant, **old) : none,
                                AccountKeys(tenant, row)));
  SFA_RETURN_IF_ERROR(
      SyncIndex(txn, kContactsByEmailCf, old->has_value() ? EmailKeys(tenant, **old) : none, EmailKeys(tenant, row)));
  return WriteRow(txn, kContactsCf, key, row);
}

}  // namespace sfa::opportunity::projections

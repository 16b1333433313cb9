#include "opportunity/lookups.h"

#include "opportunity/domain/limits.h"
#include "opportunity/projections/keys.h"
#include "eventstore/read_model_scan.h"

namespace sfa::opportunity {
namespace {

// Walks `next` up from `parent_id`, stopping at a root, at `self_id` (a cycle) or past `max_depth`.
template <typename NextFn>
absl::StatusOr<domain::AncestorChain> Walk(const std::string& parent_id, const std::string& self_id, size_t max_depth,
                                           NextFn next) {
  domain::AncestorChain chain;
  std::string id = parent_id;
  while (!id.empty() && chain.ids.size() <= max_depth) {
    absl::StatusOr<std::optional<std::string>> up = next(id);
    if (!up.ok()) return up.status();
    if (!up->has_value()) break;  // a dangling link ends the chain
    if (chain.ids.empty()) chain.parent_exists = true;
    chain.ids.push_back(id);
    if (id == self_id) break;
    id = **up;
  }
  return chain;
}

absl::StatusOr<std::optional<std::string>> FirstIdUnder(const eventstore::EventStore& store, absl::string_view cf,
                                                        const std::string& prefix) {
  std::optional<std::string> found;
  absl::Status status = eventstore::ScanRange(store, cf, eventstore::PrefixRange(prefix), 1,
                                               [&](absl::string_view key, absl::string_view) {
                                                 base::KeyReader reader(key.substr(prefix.size()));
                                                 absl::StatusOr<std::string> id = reader.String();
                                                 if (id.ok()) found = *id;
                                                 return false;
                                               });
  if (!status.ok()) return status;
  return found;
}

}  // namespace

absl::StatusOr<domain::AncestorChain> Lookups::AccountChain(const std::string& tenant, const std::string& parent_id,
                                                            const std::string& self_id) const {
  return Walk(parent_id, self_id, domain::kMaxAccountDepth,
              [&](const std::string& id) -> absl::StatusOr<std::optional<std::string>> {
                absl::StatusOr<domain::AccountState> account = Load<domain::AccountState>(tenant, id);
                if (!account.ok()) return account.status();
                if (!account->exists) return std::optional<std::string>();
                return std::optional<std::string>(account->parent_account_id);
              });
}

absl::StatusOr<domain::AncestorChain> Lookups::ReportingChain(const std::string& tenant, const std::string& manager_id,
                                                              const std::string& self_id) const {
  return Walk(manager_id, self_id, domain::kMaxReportingDepth,
              [&](const std::string& id) -> absl::StatusOr<std::optional<std::string>> {
                absl::StatusOr<domain::ContactState> contact = Load<domain::ContactState>(tenant, id);
                if (!contact.ok()) return contact.status();
                if (!contact->exists) return std::optional<std::string>();
                return std::optional<std::string>(contact->reports_to_contact_id);
              });
}

absl::StatusOr<domain::SubjectInfo> Lookups::ActivitySubject(const std::string& tenant, v1::SubjectType type,
                                                             const std::string& id) const {
  domain::SubjectInfo info;
  switch (type) {
    case v1::SUBJECT_TYPE_ACCOUNT: {
      absl::StatusOr<domain::AccountState> account = Load<domain::AccountState>(tenant, id);
      if (!account.ok()) return account.status();
      info.exists = account->exists;
      info.account_id = id;
      info.owner_user_id = account->owner_user_id;
      return info;
    }
    case v1::SUBJECT_TYPE_CONTACT: {
      absl::StatusOr<domain::ContactState> contact = Load<domain::ContactState>(tenant, id);
      if (!contact.ok()) return contact.status();
      info.exists = contact->exists;
      info.account_id = contact->account_id;
      return info;
    }
    case v1::SUBJECT_TYPE_OPPORTUNITY: {
      absl::StatusOr<domain::OpportunityState> opportunity = Load<domain::OpportunityState>(tenant, id);
      if (!opportunity.ok()) return opportunity.status();
      info.exists = opportunity->exists;
      info.account_id = opportunity->account_id;
      info.opportunity_id = id;
      info.owner_user_id = opportunity->owner_user_id;
      return info;
    }
    case v1::SUBJECT_TYPE_LEAD:
      info.exists = true;  // the lead lives in the lead service
      return info;
    default:
      return info;
  }
}

absl::StatusOr<domain::SubjectInfo> Lookups::CommentSubject(const std::string& tenant, v1::SubjectType type,
                                                            const std::string& id) const {
  if (type == v1::SUBJECT_TYPE_OPPORTUNITY) return ActivitySubject(tenant, type, id);
  domain::SubjectInfo info;
  if (type != v1::SUBJECT_TYPE_ACTIVITY) return info;
  absl::StatusOr<domain::ActivityState> activity = Load<domain::ActivityState>(tenant, id);
  if (!activity.ok()) return activity.status();
  info.exists = activity->exists;
  info.account_id = activity->activity.account_id();
  info.opportunity_id = activity->activity.opportunity_id();
  info.owner_user_id = activity->activity.owner_user_id();
  return info;
}

absl::Status Lookups::Users(const std::string& tenant, const std::vector<std::string>& ids,
                            absl::flat_hash_map<std::string, domain::UserState>* users,
                            absl::flat_hash_map<std::string, std::string>* team_of) const {
  for (const std::string& id : ids) {
    absl::StatusOr<domain::UserState> user = Load<domain::UserState>(tenant, id);
    if (!user.ok()) return user.status();
    if (!user->exists) continue;
    (*users)[id] = *std::move(user);
    absl::StatusOr<std::optional<v1::User>> row =
        eventstore::GetRow<v1::User>(*store_, projections::kUsersCf, projections::Key(tenant, id));
    if (!row.ok()) return row.status();
    if (row->has_value() && !(*row)->team_id().empty()) (*team_of)[id] = (*row)->team_id();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> Lookups::AccountByName(const std::string& tenant,
                                                                  const std::string& normalized_name) const {
  return FirstIdUnder(*store_, projections::kAccountsByNameCf, projections::Key(tenant, normalized_name));
}

absl::StatusOr<std::optional<std::string>> Lookups::ContactByEmail(const std::string& tenant,
                                                                   const std::string& account_id,
                                                                   const std::string& normalized_email) const {
  return FirstIdUnder(*store_, projections::kContactsByEmailCf, projections::Key(tenant, account_id, normalized_email));
}

}  // namespace sfa::opportunity

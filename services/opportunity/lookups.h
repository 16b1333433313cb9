#ifndef SFA_SERVICES_OPPORTUNITY_LOOKUPS_H_
#define SFA_SERVICES_OPPORTUNITY_LOOKUPS_H_

// The facts a decider needs from other aggregates, looked up by the adapter before it decides: users,
// pipeline versions, parent and reporting chains, subjects of activities and comments, and the
// find-by-name / find-by-e-mail lookups of lead conversion. Aggregates are folded from their streams
// (the source of truth); the find-by lookups read the read models' indexes.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "eventstore/event_store.h"
#include "opportunity/aggregates.h"

namespace sfa::opportunity {

class Lookups {
 public:
  explicit Lookups(const eventstore::EventStore* store) : store_(store) {}

  template <typename State>
  absl::StatusOr<State> Load(const std::string& tenant, const std::string& id) const {
    return LoadState<State>(*store_, tenant, id);
  }

  // The chain above `parent_id` for hanging `self_id` under it (accounts: parent links).
  absl::StatusOr<domain::AncestorChain> AccountChain(const std::string& tenant, const std::string& parent_id,
                                                     const std::string& self_id) const;
  // The same for contacts' reports-to lines.
  absl::StatusOr<domain::AncestorChain> ReportingChain(const std::string& tenant, const std::string& manager_id,
                                                       const std::string& self_id) const;

  // What an activity's subject (ACCOUNT, CONTACT, OPPORTUNITY, LEAD) resolves to.
  absl::StatusOr<domain::SubjectInfo> ActivitySubject(const std::string& tenant, v1::SubjectType type,
                                                      const std::string& id) const;
  // What a comment's subject (ACTIVITY, OPPORTUNITY) resolves to.
  absl::StatusOr<domain::SubjectInfo> CommentSubject(const std::string& tenant, v1::SubjectType type,
                                                     const std::string& id) const;

  // The users of `ids` that exist, by id, and for each the team it is a member of (when any).
  absl::Status Users(const std::string& tenant, const std::vector<std::string>& ids,
                     absl::flat_hash_map<std::string, domain::UserState>* users,
                     absl::flat_hash_map<std::string, std::string>* team_of) const;

  // The tenant's account whose normalized name is `normalized_name` (the first by id), if any.
  absl::StatusOr<std::optional<std::string>> AccountByName(const std::string& tenant,
                                                           const std::string& normalized_name) const;
  // The account's contact with the normalized e-mail (the first by id), if any.
  absl::StatusOr<std::optional<std::string>> ContactByEmail(const std::string& tenant, const std::string& account_id,
                                                            const std::string& normalized_email) const;

 private:
  const eventstore::EventStore* store_;
};

}  // namespace sfa::opportunity

#endif  // SFA_SERVICES_OPPORTUNITY_LOOKUPS_H_

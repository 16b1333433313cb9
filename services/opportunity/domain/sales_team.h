#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_SALES_TEAM_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_SALES_TEAM_H_

// The sales-team aggregate: a manager, a region and the reps who report into it. Upserted whole.

#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/user.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kSalesTeamAggregate[] = "sales_team";

using SalesTeamPayload = std::variant<v1::SalesTeamUpserted>;
using SalesTeamEvent = Event<SalesTeamPayload>;

struct SalesTeamState {
  bool exists = false;
  // The team as last upserted (its delta fields describe that upsert).
  v1::SalesTeamUpserted team;
};

struct UpsertSalesTeam {
  v1::UpsertSalesTeamRequest request;  // validated: members unique
  // The manager and the members, looked up by the adapter; a missing key means "not found".
  absl::flat_hash_map<std::string, UserState> users;
  // Members who already belong to another team: user id -> that team's id.
  absl::flat_hash_map<std::string, std::string> other_team_of;
  absl::Time now;
};

SalesTeamState Evolve(SalesTeamState state, const SalesTeamEvent& event);

// Rules, checked for what the upsert changes: a new manager is an active MANAGER, DIRECTOR or ADMIN
// (manager_role); added members exist, are active and belong to no other team (member_of_another_team),
// since one team per rep keeps roll-ups additive. An unchanged team (member order aside) appends nothing.
absl::StatusOr<std::vector<SalesTeamEvent>> Decide(const SalesTeamState& state, const UpsertSalesTeam& command);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_SALES_TEAM_H_

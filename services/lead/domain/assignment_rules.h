#ifndef SFA_SERVICES_LEAD_DOMAIN_ASSIGNMENT_RULES_H_
#define SFA_SERVICES_LEAD_DOMAIN_ASSIGNMENT_RULES_H_

// The assignment-rules aggregate (one per tenant, stream id "default"): ordered rules that send a lead
// to a sales team, and the members' capacities that weigh and bound round-robin inside the team.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "lead/domain/conditions.h"
#include "lead/domain/event.h"
#include "lead/domain/round_robin.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/lead/v1/lead_service.pb.h"

namespace sfa::lead::domain {

inline constexpr char kAssignmentRulesAggregate[] = "assignment_rules";

using AssignmentRulesPayload = std::variant<v1::AssignmentRulesDefined>;
using AssignmentRulesEvent = Event<AssignmentRulesPayload>;

struct AssignmentRulesState {
  v1::AssignmentRulesDefined rules;  // rules_version 0: never defined
  absl::Time last_changed_at = absl::InfinitePast();
};

struct DefineAssignmentRules {
  v1::DefineAssignmentRulesRequest request;  // validated
  absl::Time now;
};

AssignmentRulesState Evolve(AssignmentRulesState state, const AssignmentRulesEvent& event);

// AssignmentRulesDefined with the next version; nothing when rules and capacities are unchanged.
absl::StatusOr<std::vector<AssignmentRulesEvent>> Decide(const AssignmentRulesState& state,
                                                         const DefineAssignmentRules& command);

// The first rule whose conditions hold for `facts`; nullptr when none does.
const v1::AssignmentRule* MatchRule(const AssignmentRulesState& state, const LeadFacts& facts);

// A member's maximum open leads: its listed capacity, else the default.
int32_t CapacityOf(const AssignmentRulesState& state, absl::string_view user_id);

// The team as round-robin sees it: `member_ids` (from the opportunity service's SalesTeamUpserted) with
// their capacities and `open_leads[i]` open leads each.
std::vector<TeamMember> Roster(const AssignmentRulesState& state, const std::vector<std::string>& member_ids,
                               const std::vector<int32_t>& open_leads);

// The round-robin pick inside `team_id`; FAILED_PRECONDITION team_at_capacity when every member is full
// (or the team has no members).
absl::StatusOr<RoundRobinPick> PickMember(absl::string_view team_id, const std::vector<TeamMember>& roster,
                                          uint64_t rotation_position);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_ASSIGNMENT_RULES_H_

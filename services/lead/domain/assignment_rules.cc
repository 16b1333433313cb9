#include "lead/domain/assignment_rules.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "lead/domain/support.h"

namespace sfa::lead::domain {

AssignmentRulesState Evolve(AssignmentRulesState state, const AssignmentRulesEvent& event) {
  state.rules = std::get<v1::AssignmentRulesDefined>(event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<AssignmentRulesEvent>> Decide(const AssignmentRulesState& state,
                                                         const DefineAssignmentRules& command) {
  const v1::DefineAssignmentRulesRequest& request = command.request;
  v1::AssignmentRulesDefined defined;
  defined.set_rules_version(state.rules.rules_version() + 1);
  *defined.mutable_rules() = request.rules();
  *defined.mutable_capacities() = request.capacities();
  defined.set_default_max_open_leads(request.default_max_open_leads());
  v1::AssignmentRulesDefined current = state.rules;
  current.set_rules_version(defined.rules_version());
  if (state.rules.rules_version() > 0 && google::protobuf::util::MessageDifferencer::Equals(current, defined)) {
    return std::vector<AssignmentRulesEvent>{};
  }
  std::vector<AssignmentRulesEvent> events;
  events.push_back({std::max(command.now, state.last_changed_at), std::move(defined)});
  return events;
}

const v1::AssignmentRule* MatchRule(const AssignmentRulesState& state, const LeadFacts& facts) {
  for (const v1::AssignmentRule& rule : state.rules.rules()) {
    if (AllHold(rule.conditions(), facts)) return &rule;
  }
  return nullptr;
}

int32_t CapacityOf(const AssignmentRulesState& state, absl::string_view user_id) {
  for (const v1::MemberCapacity& capacity : state.rules.capacities()) {
    if (capacity.user_id() == user_id) return capacity.max_open_leads();
  }
  return state.rules.default_max_open_leads();
}

std::vector<TeamMember> Roster(const AssignmentRulesState& state, const std::vector<std::string>& member_ids,
                               const std::vector<int32_t>& open_leads) {
  std::vector<TeamMember> roster;
  for (size_t i = 0; i < member_ids.size(); ++i) {
    roster.push_back(
        TeamMember{member_ids[i], CapacityOf(state, member_ids[i]), i < open_leads.size() ? open_leads[i] : 0});
  }
  return roster;
}

absl::StatusOr<RoundRobinPick> PickMember(absl::string_view team_id, const std::vector<TeamMember>& roster,
                                          uint64_t rotation_position) {
  std::optional<RoundRobinPick> pick = PickRoundRobin(roster, rotation_position);
  if (!pick) {
    return RuleViolation("team_at_capacity", absl::StrCat("every member of team ", team_id, " (", roster.size(),
                                                          " members) is at capacity"));
  }
  return *pick;
}

}  // namespace sfa::lead::domain

#include "lead/domain/assignment_rules.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lead/domain/decider_table.h"
#include "lead/domain/test_fixtures.h"

namespace sfa::lead::domain {
namespace {

using E = AssignmentRulesEvent;

constexpr char kRules[] = R"pb(
  rules {
    rule_id: "india_hot"
    conditions { field: "company.country" operator: CONDITION_OPERATOR_EQUALS values: "India" }
    conditions { field: "score.fit" operator: CONDITION_OPERATOR_AT_LEAST number: 30 }
    team_id: "india_senior"
  }
  rules {
    rule_id: "india"
    conditions { field: "company.country" operator: CONDITION_OPERATOR_EQUALS values: "India" }
    team_id: "india"
  }
  rules { rule_id: "rest" team_id: "global" }
  capacities { user_id: "u3" max_open_leads: 40 }
  default_max_open_leads: 20)pb";

DefineAssignmentRules Define(absl::string_view rules, int day) {
  return DefineAssignmentRules{Pb<v1::DefineAssignmentRulesRequest>(TextProto(R"pb(request_id: "q1")pb", rules)),
                               Day(day)};
}

E Defined(int version, absl::string_view rules, int day) {
  return E{Day(day), Pb<v1::AssignmentRulesDefined>(TextProto("rules_version:", version, rules))};
}

TEST(AssignmentRulesDeciderTest, DefineAssignmentRules) {
  RunDeciderTable<AssignmentRulesState>(std::vector<DeciderCase<E, DefineAssignmentRules>>{
      {.name = "first", .when = Define(kRules, 0), .then = {Defined(1, kRules, 0)}},
      {.name = "changed",
       .given = {Defined(1, kRules, 0)},
       .when = Define(R"pb(default_max_open_leads: 5)pb", 1),
       .then = {Defined(2, R"pb(default_max_open_leads: 5)pb", 1)}},
      {.name = "unchanged: nothing", .given = {Defined(1, kRules, 0)}, .when = Define(kRules, 1)},
  });
}

TEST(AssignmentRulesTest, FirstMatchingRuleWins) {
  const AssignmentRulesState state = Fold(AssignmentRulesState{}, std::vector<E>{Defined(1, kRules, 0)});
  LeadFacts facts;
  facts.company.set_country("India");
  facts.fit = 45;
  ASSERT_NE(MatchRule(state, facts), nullptr);
  EXPECT_EQ(MatchRule(state, facts)->rule_id(), "india_hot");
  facts.fit = 10;
  EXPECT_EQ(MatchRule(state, facts)->rule_id(), "india");
  facts.company.set_country("Germany");
  EXPECT_EQ(MatchRule(state, facts)->rule_id(), "rest");
  EXPECT_EQ(MatchRule(AssignmentRulesState{}, facts), nullptr);
}

TEST(AssignmentRulesTest, RosterTakesListedOrDefaultCapacity) {
  const AssignmentRulesState state = Fold(AssignmentRulesState{}, std::vector<E>{Defined(1, kRules, 0)});
  const std::vector<TeamMember> roster = Roster(state, {"u1", "u3"}, {7, 40});
  ASSERT_EQ(roster.size(), 2u);
  EXPECT_EQ(roster[0].capacity, 20);
  EXPECT_EQ(roster[0].open_leads, 7);
  EXPECT_EQ(roster[1].capacity, 40);
  // u3 is full, so round-robin goes to u1 whatever the position.
  EXPECT_EQ(PickRoundRobin(roster, 1)->member, 0u);
  ASSERT_TRUE(PickMember("t1", roster, 1).ok());
  const absl::Status full = PickMember("t1", Roster(state, {"u3"}, {40}), 0).status();
  EXPECT_EQ(full.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(full.message(), "team_at_capacity: every member of team t1 (1 members) is at capacity");
}

}  // namespace
}  // namespace sfa::lead::domain

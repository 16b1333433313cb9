#include "lead/domain/scoring.h"

#include <vector>

#include "gtest/gtest.h"
#include "lead/domain/decider_table.h"
#include "lead/domain/test_fixtures.h"

namespace sfa::lead::domain {
namespace {

LeadFacts Facts() {
  LeadFacts facts;
  facts.source.set_channel("Organic Search");
  facts.company.set_industry("Banking");
  facts.company.set_employees(250);
  facts.company.set_country("India");
  facts.attributes["occupation"] = "Working Professional";
  return facts;
}

v1::Condition Cond(absl::string_view text) { return Pb<v1::Condition>(text); }

TEST(ConditionsTest, Operators) {
  const LeadFacts facts = Facts();
  EXPECT_TRUE(
      Holds(Cond(R"pb(field: "channel" operator: CONDITION_OPERATOR_EQUALS values: " organic search")pb"), facts));
  EXPECT_FALSE(
      Holds(Cond(R"pb(field: "channel" operator: CONDITION_OPERATOR_NOT_EQUALS values: "Organic Search")pb"), facts));
  EXPECT_TRUE(Holds(
      Cond(R"pb(field: "company.country" operator: CONDITION_OPERATOR_IN values: "US" values: "india")pb"), facts));
  EXPECT_TRUE(
      Holds(Cond(R"pb(field: "attributes.occupation" operator: CONDITION_OPERATOR_CONTAINS values: "professional")pb"),
            facts));
  EXPECT_TRUE(
      Holds(Cond(R"pb(field: "company.employees" operator: CONDITION_OPERATOR_AT_LEAST number: 250)pb"), facts));
  EXPECT_FALSE(
      Holds(Cond(R"pb(field: "company.employees" operator: CONDITION_OPERATOR_AT_MOST number: 249)pb"), facts));
  EXPECT_FALSE(Holds(Cond(R"pb(field: "company.city" operator: CONDITION_OPERATOR_IS_SET)pb"), facts));
  EXPECT_FALSE(
      Holds(Cond(R"pb(field: "attributes.missing" operator: CONDITION_OPERATOR_AT_LEAST number: 0)pb"), facts));
  // A score the caller did not supply makes score conditions false.
  EXPECT_FALSE(Holds(Cond(R"pb(field: "score.fit" operator: CONDITION_OPERATOR_AT_MOST number: 100)pb"), facts));
  LeadFacts scored = facts;
  scored.fit = 40;
  EXPECT_TRUE(Holds(Cond(R"pb(field: "score.fit" operator: CONDITION_OPERATOR_AT_LEAST number: 40)pb"), scored));
  EXPECT_TRUE(IsKnownConditionField("attributes.x", false));
  EXPECT_FALSE(IsKnownConditionField("attributes.", false));
  EXPECT_FALSE(IsKnownConditionField("score.fit", false));
  EXPECT_TRUE(IsKnownConditionField("score.fit", true));
  EXPECT_FALSE(IsKnownConditionField("tags", true));
}

TEST(ScoringTest, FitSumsMatchedRulesAndExplainsEveryRule) {
  const auto model = Pb<v1::ScoringModel>(R"pb(
    fit_rules {
      rule_id: "banking"
      description: "Banking"
      conditions { field: "company.industry" operator: CONDITION_OPERATOR_EQUALS values: "banking" }
      points: 20
    }
    fit_rules {
      rule_id: "big_indian"
      conditions { field: "company.country" operator: CONDITION_OPERATOR_EQUALS values: "India" }
      conditions { field: "company.employees" operator: CONDITION_OPERATOR_AT_LEAST number: 1000 }
      points: 30
    }
    fit_rules {
      rule_id: "student"
      conditions { field: "attributes.occupation" operator: CONDITION_OPERATOR_EQUALS values: "Student" }
      points: -10
    }
    fit_rules {
      rule_id: "professional"
      conditions { field: "attributes.occupation" operator: CONDITION_OPERATOR_CONTAINS values: "professional" }
      points: 15
    })pb");
  const FitScore score = ScoreFit(model, Facts());
  EXPECT_EQ(score.points, 35);
  ASSERT_EQ(score.rules.size(), 4u);
  EXPECT_EQ(score.rules[0].ShortDebugString(), R"(rule_id: "banking" description: "Banking" matched: true points: 20)");
  EXPECT_EQ(score.rules[1].ShortDebugString(), R"(rule_id: "big_indian")");
  EXPECT_FALSE(score.rules[2].matched());
  EXPECT_EQ(score.rules[3].points(), 15);
}

TEST(ScoringTest, BehaviourDecaysWithHalfLifePerKind) {
  const auto model = Pb<v1::ScoringModel>(R"pb(
    engagement_weights { kind: ENGAGEMENT_KIND_PAGE_VIEW points_per_count: 2 points_per_minute: 1 }
    engagement_weights { kind: ENGAGEMENT_KIND_FORM_SUBMIT points_per_count: 20 }
    behaviour_half_life { seconds: 604800 })pb");
  const absl::Time now = Day(14);
  const std::vector<Engagement> engagements = {
      {v1::ENGAGEMENT_KIND_PAGE_VIEW, 5, 150, Day(14)},  // 10 + 2 whole minutes, fresh: 12
      {v1::ENGAGEMENT_KIND_PAGE_VIEW, 4, 0, Day(7)},     // 8, one half-life old: 4
      {v1::ENGAGEMENT_KIND_FORM_SUBMIT, 1, 0, Day(0)},   // 20, two half-lives old: 5
      {v1::ENGAGEMENT_KIND_CALL, 3, 600, Day(13)},       // no weight: counted, no points
      {v1::ENGAGEMENT_KIND_FORM_SUBMIT, 1, 0, Day(15)},  // after now: full 20
  };
  const BehaviourScore score = ScoreBehaviour(model, engagements, now);
  EXPECT_DOUBLE_EQ(score.points, 12 + 4 + 5 + 20);
  ASSERT_EQ(score.kinds.size(), 3u);
  EXPECT_EQ(score.kinds[0].kind(), v1::ENGAGEMENT_KIND_PAGE_VIEW);
  EXPECT_EQ(score.kinds[0].count(), 9);
  EXPECT_EQ(score.kinds[0].duration_seconds(), 150);
  EXPECT_DOUBLE_EQ(score.kinds[0].points(), 16);
  EXPECT_EQ(score.kinds[1].kind(), v1::ENGAGEMENT_KIND_FORM_SUBMIT);
  EXPECT_DOUBLE_EQ(score.kinds[1].points(), 25);
  EXPECT_EQ(score.kinds[2].kind(), v1::ENGAGEMENT_KIND_CALL);
  EXPECT_DOUBLE_EQ(score.kinds[2].points(), 0);
}

TEST(ScoringTest, NoHalfLifeMeansNoDecay) {
  const auto model =
      Pb<v1::ScoringModel>(R"pb(engagement_weights { kind: ENGAGEMENT_KIND_WEBINAR points_per_count: 7 })pb");
  const BehaviourScore score = ScoreBehaviour(model, {{v1::ENGAGEMENT_KIND_WEBINAR, 1, 0, Day(0)}}, Day(400));
  EXPECT_DOUBLE_EQ(score.points, 7);
}

}  // namespace
}  // namespace sfa::lead::domain

#include "quote/domain/approval_policy.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using E = ApprovalPolicyEvent;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kRules[] = R"pb(rules { rule_id: "discount-10" min_discount_bp: 1000 approver_roles: "sales_manager" }
                               rules {
                                 rule_id: "big-deal"
                                 min_net_amount { minor_units: 10000000 currency: "USD" }
                                 approver_roles: "sales_manager"
                                 approver_roles: "finance"
                               }
                               rules {
                                 rule_id: "discount-30"
                                 min_discount_bp: 3000
                                 approver_roles: "vp_sales"
                                 approver_roles: "finance"
                               })pb";

DefineApprovalPolicy Define(absl::string_view rules, int day) {
  return DefineApprovalPolicy{Pb<v1::DefineApprovalPolicyRequest>(TextProto(R"pb(request_id: "q1")pb", rules)),
                              Day(day)};
}

E Defined(absl::string_view rules, int version, int day) {
  return E{Day(day), Pb<v1::ApprovalPolicyDefined>(TextProto("policy {", rules, "version:", version, "}"))};
}

TEST(ApprovalPolicyDeciderTest, DefineApprovalPolicy) {
  RunDeciderTable<ApprovalPolicyState>(std::vector<DeciderCase<E, DefineApprovalPolicy>>{
      {.name = "first", .when = Define(kRules, 0), .then = {Defined(kRules, 1, 0)}},
      {.name = "an empty first policy is still a version", .when = Define("", 0), .then = {Defined("", 1, 0)}},
      {.name = "changed", .given = {Defined(kRules, 1, 0)}, .when = Define("", 2), .then = {Defined("", 2, 2)}},
      {.name = "unchanged: nothing", .given = {Defined(kRules, 1, 0)}, .when = Define(kRules, 1)},
  });
}

v1::QuoteTotals Totals(int discount_bp, int64_t net, absl::string_view currency = "USD") {
  return Pb<v1::QuoteTotals>(TextProto("discount_bp:", discount_bp, MoneyField("net_total", net, currency)));
}

TEST(RequiredApproverRolesTest, TheUnionOfTriggeringRulesInRuleOrder) {
  const v1::ApprovalPolicy policy = Pb<v1::ApprovalPolicy>(kRules);
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(500, 100)), IsEmpty());
  // A discount rule triggers above its threshold, not at it.
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(1000, 100)), IsEmpty());
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(1001, 100)), ElementsAre("sales_manager"));
  // An amount rule triggers at its threshold; sales_manager appears once.
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(1500, 10000000)), ElementsAre("sales_manager", "finance"));
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(0, 9999999)), IsEmpty());
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(3500, 100)), ElementsAre("sales_manager", "vp_sales", "finance"));
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(3500, 20000000)),
              ElementsAre("sales_manager", "finance", "vp_sales"));
  // An amount rule in another currency never triggers.
  EXPECT_THAT(RequiredApproverRoles(policy, Totals(0, 20000000, "EUR")), IsEmpty());
  EXPECT_THAT(RequiredApproverRoles(v1::ApprovalPolicy(), Totals(9000, 1)), IsEmpty());
}

TEST(RequiredApproverRolesTest, WhichConditionsARuleHas) {
  // Neither threshold: any discount at all.
  const v1::ApprovalPolicy any_discount =
      Pb<v1::ApprovalPolicy>(R"pb(rules { rule_id: "r" approver_roles: "manager" })pb");
  EXPECT_THAT(RequiredApproverRoles(any_discount, Totals(0, 100)), IsEmpty());
  EXPECT_THAT(RequiredApproverRoles(any_discount, Totals(1, 100)), ElementsAre("manager"));
  // An amount alone: discounts do not matter.
  const v1::ApprovalPolicy amount_only =
      Pb<v1::ApprovalPolicy>(R"pb(rules {
                                    rule_id: "r"
                                    min_net_amount { minor_units: 500 currency: "USD" }
                                    approver_roles: "manager"
                                  })pb");
  EXPECT_THAT(RequiredApproverRoles(amount_only, Totals(9000, 100)), IsEmpty());
  EXPECT_THAT(RequiredApproverRoles(amount_only, Totals(0, 500)), ElementsAre("manager"));
  // Both: either.
  const v1::ApprovalPolicy either = Pb<v1::ApprovalPolicy>(R"pb(rules {
                                                                  rule_id: "r"
                                                                  min_discount_bp: 2000
                                                                  min_net_amount { minor_units: 500 currency: "USD" }
                                                                  approver_roles: "manager"
                                                                })pb");
  EXPECT_THAT(RequiredApproverRoles(either, Totals(2001, 100)), ElementsAre("manager"));
  EXPECT_THAT(RequiredApproverRoles(either, Totals(0, 500)), ElementsAre("manager"));
  EXPECT_THAT(RequiredApproverRoles(either, Totals(2000, 499)), IsEmpty());
}

TEST(RequiredApproverRolesTest, RequirementForCarriesThePolicyVersion) {
  ApprovalPolicyState state;
  state.policy = Pb<v1::ApprovalPolicy>(TextProto(kRules, "version: 4"));
  const ApprovalRequirement requirement = RequirementFor(state, Totals(1500, 100));
  EXPECT_THAT(requirement.roles, ElementsAre("sales_manager"));
  EXPECT_EQ(requirement.policy_version, 4u);
}

}  // namespace
}  // namespace sfa::quote::domain

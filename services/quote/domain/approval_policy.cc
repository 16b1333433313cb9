#include "quote/domain/approval_policy.h"

#include <algorithm>
#include <utility>

#include "google/protobuf/util/message_differencer.h"

namespace sfa::quote::domain {
namespace {

bool Triggers(const v1::ApprovalRule& rule, const v1::QuoteTotals& totals) {
  const bool has_discount_condition = rule.min_discount_bp() > 0 || !rule.has_min_net_amount();
  if (has_discount_condition && totals.discount_bp() > rule.min_discount_bp()) return true;
  if (!rule.has_min_net_amount()) return false;
  const common::v1::Money& threshold = rule.min_net_amount();
  return threshold.currency() == totals.net_total().currency() &&
         totals.net_total().minor_units() >= threshold.minor_units();
}

}  // namespace

ApprovalPolicyState Evolve(ApprovalPolicyState state, const ApprovalPolicyEvent& event) {
  state.policy = std::get<v1::ApprovalPolicyDefined>(event.payload).policy();
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<ApprovalPolicyEvent>> Decide(const ApprovalPolicyState& state,
                                                        const DefineApprovalPolicy& command) {
  v1::ApprovalPolicy policy;
  *policy.mutable_rules() = command.request.rules();
  policy.set_version(state.policy.version());
  if (state.policy.version() > 0 && google::protobuf::util::MessageDifferencer::Equals(state.policy, policy)) {
    return std::vector<ApprovalPolicyEvent>{};
  }
  policy.set_version(state.policy.version() + 1);
  v1::ApprovalPolicyDefined defined;
  *defined.mutable_policy() = std::move(policy);
  std::vector<ApprovalPolicyEvent> events;
  events.push_back({std::max(command.now, state.last_changed_at), std::move(defined)});
  return events;
}

std::vector<std::string> RequiredApproverRoles(const v1::ApprovalPolicy& policy, const v1::QuoteTotals& totals) {
  std::vector<std::string> roles;
  for (const v1::ApprovalRule& rule : policy.rules()) {
    if (!Triggers(rule, totals)) continue;
    for (const std::string& role : rule.approver_roles()) {
      if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
    }
  }
  return roles;
}

ApprovalRequirement RequirementFor(const ApprovalPolicyState& policy, const v1::QuoteTotals& totals) {
  return ApprovalRequirement{RequiredApproverRoles(policy.policy, totals), policy.policy.version()};
}

}  // namespace sfa::quote::domain

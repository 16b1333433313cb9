#ifndef SFA_SERVICES_QUOTE_DOMAIN_APPROVAL_POLICY_H_
#define SFA_SERVICES_QUOTE_DOMAIN_APPROVAL_POLICY_H_

// The approval-policy aggregate — the tenant's one set of discount and amount rules (stream id "default"),
// versioned — and the chain of approver roles a quote's totals require under it.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "quote/domain/event.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

inline constexpr char kApprovalPolicyAggregate[] = "approval_policy";
inline constexpr char kSingletonId[] = "default";

using ApprovalPolicyPayload = std::variant<v1::ApprovalPolicyDefined>;
using ApprovalPolicyEvent = Event<ApprovalPolicyPayload>;

struct ApprovalPolicyState {
  // policy.version() 0: never defined (no rules: nothing needs approval).
  v1::ApprovalPolicy policy;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct DefineApprovalPolicy {
  v1::DefineApprovalPolicyRequest request;  // validated
  absl::Time now;
};

ApprovalPolicyState Evolve(ApprovalPolicyState state, const ApprovalPolicyEvent& event);

// ApprovalPolicyDefined with version + 1; nothing when the rules are the current ones.
absl::StatusOr<std::vector<ApprovalPolicyEvent>> Decide(const ApprovalPolicyState& state,
                                                        const DefineApprovalPolicy& command);

// The chain of roles that must approve a quote with these totals: the roles of every rule that triggers,
// in rule order, each role once (at its first appearance). A rule triggers when
// - its discount condition holds: discount_bp > min_discount_bp, the condition being present when
//   min_discount_bp > 0 or the rule has no min_net_amount (a rule with neither set triggers on any
//   discount); or
// - its amount condition holds: min_net_amount is set, in the net total's currency, and
//   net_total >= min_net_amount. An amount rule in another currency never triggers.
std::vector<std::string> RequiredApproverRoles(const v1::ApprovalPolicy& policy, const v1::QuoteTotals& totals);

// What the quote deciders are given: the chain and the policy version it was computed under.
struct ApprovalRequirement {
  std::vector<std::string> roles = {};
  uint64_t policy_version = 0;
};

ApprovalRequirement RequirementFor(const ApprovalPolicyState& policy, const v1::QuoteTotals& totals);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_APPROVAL_POLICY_H_

#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_ACCOUNT_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_ACCOUNT_H_

// The account aggregate: a customer company and its place in a corporate tree (parent_account_id).

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/support.h"
#include "opportunity/domain/user.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kAccountAggregate[] = "account";

using AccountPayload = std::variant<v1::AccountCreated, v1::AccountUpdated, v1::AccountParentChanged>;
using AccountEvent = Event<AccountPayload>;

struct AccountState {
  bool exists = false;
  std::string account_id;
  std::string name;
  std::string parent_account_id;
  std::string industry;
  int64_t employees = 0;
  std::optional<common::v1::Money> annual_revenue;
  std::string region;
  std::string owner_user_id;
  std::string lead_id;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct CreateAccount {
  v1::CreateAccountRequest request;  // validated; account_id filled in
  // The chain above parent_account_id (when set).
  AncestorChain parent;
  // The owner (when owner_user_id is set).
  UserState owner;
  absl::Time now;
  // The lead whose conversion creates the account (CreateFromLead); empty otherwise.
  std::string lead_id = {};
};

struct UpdateAccount {
  v1::UpdateAccountRequest request;  // validated
  // The chain above the new parent_account_id (when set and not empty).
  AncestorChain parent;
  // The new owner (when owner_user_id is set and not empty).
  UserState owner;
  absl::Time now;
};

AccountState Evolve(AccountState state, const AccountEvent& event);

// AccountCreated. ALREADY_EXISTS for a taken id; the parent must exist and the tree stay within
// kMaxAccountDepth levels (account_tree_too_deep); an owner must be active.
absl::StatusOr<std::vector<AccountEvent>> Decide(const AccountState& state, const CreateAccount& command);

// AccountUpdated for changed attributes, AccountParentChanged for a new parent; nothing when nothing
// changes. A parent that would make a cycle is refused (account_parent_cycle).
absl::StatusOr<std::vector<AccountEvent>> Decide(const AccountState& state, const UpdateAccount& command);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_ACCOUNT_H_

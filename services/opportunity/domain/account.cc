#include "opportunity/domain/account.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "opportunity/domain/limits.h"

namespace sfa::opportunity::domain {
namespace {

void Apply(AccountState& state, const v1::AccountCreated& e) {
  state.exists = true;
  state.account_id = e.account_id();
  state.name = e.name();
  state.parent_account_id = e.parent_account_id();
  state.industry = e.industry();
  state.employees = e.employees();
  state.annual_revenue = e.has_annual_revenue() ? std::optional(e.annual_revenue()) : std::nullopt;
  state.region = e.region();
  state.owner_user_id = e.owner_user_id();
  state.lead_id = e.lead_id();
}

void Apply(AccountState& state, const v1::AccountUpdated& e) {
  state.name = e.name();
  state.industry = e.industry();
  state.employees = e.employees();
  state.annual_revenue = e.has_annual_revenue() ? std::optional(e.annual_revenue()) : std::nullopt;
  state.region = e.region();
  state.owner_user_id = e.owner_user_id();
}

void Apply(AccountState& state, const v1::AccountParentChanged& e) {
  state.parent_account_id = e.to_parent_account_id();
}

absl::Status CheckParent(absl::string_view account_id, absl::string_view parent_id, const AncestorChain& chain) {
  return CheckParentLink("parent_account_id", account_id, parent_id, chain, kMaxAccountDepth, "account_parent_cycle",
                         "account_tree_too_deep");
}

// The attributes of `state` after applying the fields `request` sets; changed_fields lists those that
// changed, in field-number order.
v1::AccountUpdated Updated(const AccountState& state, const v1::UpdateAccountRequest& request) {
  v1::AccountUpdated out;
  out.set_account_id(state.account_id);
  out.set_parent_account_id(state.parent_account_id);
  auto text = [&](const char* field, bool has, const std::string& requested, const std::string& current,
                  std::string* (v1::AccountUpdated::*mutable_field)()) {
    const std::string& value = has ? requested : current;
    *(out.*mutable_field)() = value;
    if (value != current) out.add_changed_fields(field);
  };
  text("name", request.has_name(), request.name(), state.name, &v1::AccountUpdated::mutable_name);
  text("industry", request.has_industry(), request.industry(), state.industry, &v1::AccountUpdated::mutable_industry);
  out.set_employees(request.has_employees() ? request.employees() : state.employees);
  if (out.employees() != state.employees) out.add_changed_fields("employees");
  if (request.has_annual_revenue()) {
    *out.mutable_annual_revenue() = request.annual_revenue();
    if (!state.annual_revenue || !SameMoney(*state.annual_revenue, request.annual_revenue())) {
      out.add_changed_fields("annual_revenue");
    }
  } else if (state.annual_revenue) {
    *out.mutable_annual_revenue() = *state.annual_revenue;
  }
  text("region", request.has_region(), request.region(), state.region, &v1::AccountUpdated::mutable_region);
  text("owner_user_id", request.has_owner_user_id(), request.owner_user_id(), state.owner_user_id,
       &v1::AccountUpdated::mutable_owner_user_id);
  return out;
}

}  // namespace

AccountState Evolve(AccountState state, const AccountEvent& event) {
  std::visit([&](const auto& payload) { Apply(state, payload); }, event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<AccountEvent>> Decide(const AccountState& state, const CreateAccount& command) {
  const v1::CreateAccountRequest& request = command.request;
  if (state.exists) return absl::AlreadyExistsError(absl::StrCat("account ", request.account_id(), " already exists"));
  if (!request.parent_account_id().empty()) {
    SFA_RETURN_IF_ERROR(CheckParent(request.account_id(), request.parent_account_id(), command.parent));
  }
  if (!request.owner_user_id().empty()) {
    SFA_RETURN_IF_ERROR(CheckActiveUser(command.owner, "owner_user_id", request.owner_user_id()));
  }
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now);
  if (!at.ok()) return at.status();
  v1::AccountCreated created;
  created.set_account_id(request.account_id());
  created.set_name(request.name());
  created.set_parent_account_id(request.parent_account_id());
  created.set_industry(request.industry());
  created.set_employees(request.employees());
  if (request.has_annual_revenue()) *created.mutable_annual_revenue() = request.annual_revenue();
  created.set_region(request.region());
  created.set_owner_user_id(request.owner_user_id());
  created.set_lead_id(command.lead_id);
  std::vector<AccountEvent> events;
  events.push_back({*at, std::move(created)});
  return events;
}

absl::StatusOr<std::vector<AccountEvent>> Decide(const AccountState& state, const UpdateAccount& command) {
  const v1::UpdateAccountRequest& request = command.request;
  if (!state.exists) return absl::NotFoundError(absl::StrCat("account ", request.account_id(), " not found"));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  std::vector<AccountEvent> events;
  v1::AccountUpdated updated = Updated(state, request);
  if (!updated.changed_fields().empty()) {
    if (updated.owner_user_id() != state.owner_user_id && !updated.owner_user_id().empty()) {
      SFA_RETURN_IF_ERROR(CheckActiveUser(command.owner, "owner_user_id", updated.owner_user_id()));
    }
    events.push_back({*at, std::move(updated)});
  }
  if (request.has_parent_account_id() && request.parent_account_id() != state.parent_account_id) {
    if (!request.parent_account_id().empty()) {
      SFA_RETURN_IF_ERROR(CheckParent(state.account_id, request.parent_account_id(), command.parent));
    }
    v1::AccountParentChanged moved;
    moved.set_account_id(state.account_id);
    moved.set_from_parent_account_id(state.parent_account_id);
    moved.set_to_parent_account_id(request.parent_account_id());
    events.push_back({*at, std::move(moved)});
  }
  return events;
}

}  // namespace sfa::opportunity::domain

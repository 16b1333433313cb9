#include "opportunity/domain/sales_team.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "opportunity/domain/support.h"

namespace sfa::opportunity::domain {
namespace {

const UserState& Lookup(const UpsertSalesTeam& command, const std::string& user_id) {
  static const UserState* const kMissing = new UserState();
  const auto it = command.users.find(user_id);
  return it == command.users.end() ? *kMissing : it->second;
}

// Rules apply to what the upsert changes: a team whose unchanged manager or members were deactivated
// since can still be renamed or have those members removed.
absl::Status CheckManager(const SalesTeamState& state, const UpsertSalesTeam& command) {
  const std::string& id = command.request.manager_user_id();
  if (state.exists && state.team.manager_user_id() == id) return absl::OkStatus();
  const UserState& manager = Lookup(command, id);
  SFA_RETURN_IF_ERROR(CheckActiveUser(manager, "manager_user_id", id));
  if (manager.user.role() == v1::USER_ROLE_REP) {
    return RuleViolation("manager_role", absl::StrCat("manager_user_id ", id,
                                                      " is a REP; a team is managed by a MANAGER, DIRECTOR or ADMIN"));
  }
  return absl::OkStatus();
}

absl::Status CheckMembers(const SalesTeamState& state, const UpsertSalesTeam& command) {
  const absl::flat_hash_set<std::string> before(state.team.member_user_ids().begin(),
                                                state.team.member_user_ids().end());
  for (const std::string& id : command.request.member_user_ids()) {
    if (before.contains(id)) continue;
    SFA_RETURN_IF_ERROR(CheckActiveUser(Lookup(command, id), "member_user_ids", id));
    const auto other = command.other_team_of.find(id);
    if (other != command.other_team_of.end() && other->second != command.request.team_id()) {
      return RuleViolation("member_of_another_team", absl::StrCat("member ", id, " already belongs to team ",
                                                                  other->second, "; remove it there first"));
    }
  }
  return absl::OkStatus();
}

bool SameMembers(const v1::SalesTeamUpserted& team, const v1::UpsertSalesTeamRequest& request) {
  const absl::flat_hash_set<std::string> before(team.member_user_ids().begin(), team.member_user_ids().end());
  const absl::flat_hash_set<std::string> after(request.member_user_ids().begin(), request.member_user_ids().end());
  return before == after;
}

bool Unchanged(const SalesTeamState& state, const v1::UpsertSalesTeamRequest& request) {
  return state.exists && state.team.name() == request.name() &&
         state.team.manager_user_id() == request.manager_user_id() && state.team.region() == request.region() &&
         SameMembers(state.team, request);
}

v1::SalesTeamUpserted Upserted(const SalesTeamState& state, const v1::UpsertSalesTeamRequest& request) {
  v1::SalesTeamUpserted team;
  team.set_team_id(request.team_id());
  team.set_name(request.name());
  team.set_manager_user_id(request.manager_user_id());
  team.set_region(request.region());
  *team.mutable_member_user_ids() = request.member_user_ids();
  const absl::flat_hash_set<std::string> before(state.team.member_user_ids().begin(),
                                                state.team.member_user_ids().end());
  const absl::flat_hash_set<std::string> after(request.member_user_ids().begin(), request.member_user_ids().end());
  for (const std::string& id : request.member_user_ids()) {
    if (!before.contains(id)) team.add_added_member_user_ids(id);
  }
  for (const std::string& id : state.team.member_user_ids()) {
    if (!after.contains(id)) team.add_removed_member_user_ids(id);
  }
  if (state.exists && state.team.manager_user_id() != request.manager_user_id()) {
    team.set_previous_manager_user_id(state.team.manager_user_id());
  }
  return team;
}

}  // namespace

SalesTeamState Evolve(SalesTeamState state, const SalesTeamEvent& event) {
  state.exists = true;
  state.team = std::get<v1::SalesTeamUpserted>(event.payload);
  return state;
}

absl::StatusOr<std::vector<SalesTeamEvent>> Decide(const SalesTeamState& state, const UpsertSalesTeam& command) {
  if (Unchanged(state, command.request)) return std::vector<SalesTeamEvent>();
  SFA_RETURN_IF_ERROR(CheckManager(state, command));
  SFA_RETURN_IF_ERROR(CheckMembers(state, command));
  std::vector<SalesTeamEvent> events;
  events.push_back({command.now, Upserted(state, command.request)});
  return events;
}

}  // namespace sfa::opportunity::domain

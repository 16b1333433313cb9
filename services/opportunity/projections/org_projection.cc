// Users and sales teams. A user row carries the team the user belongs to, kept in step by the team's
// membership delta (SalesTeamUpserted.added/removed_member_user_ids).

#include <string>
#include <vector>

#include "opportunity/domain/sales_team.h"
#include "opportunity/domain/user.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/projections.h"
#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {
namespace {

absl::Status ApplyUser(const EventEnvelope& event, ReadModelTxn& txn) {
  absl::StatusOr<domain::UserPayload> payload = Decode<domain::UserPayload>(event);
  if (!payload.ok()) return payload.status();
  const v1::UserUpserted& e = std::get<v1::UserUpserted>(*payload);
  const std::string key = Key(event.tenant(), e.user_id());
  absl::StatusOr<std::optional<v1::User>> old = ReadRow<v1::User>(txn, kUsersCf, key);
  if (!old.ok()) return old.status();
  v1::User row = old->value_or(v1::User());
  row.set_user_id(e.user_id());
  row.set_display_name(e.display_name());
  row.set_email(e.email());
  row.set_role(e.role());
  row.set_deactivated(e.deactivated());
  row.set_version(event.aggregate_version());
  if (!old->has_value()) *row.mutable_created_at() = event.occurred_at();
  *row.mutable_updated_at() = event.occurred_at();
  return WriteRow(txn, kUsersCf, key, row);
}

// Sets (or, when `team_id` is empty, clears) the team of a user row. A user removed from a team that is
// no longer its own (it moved on) keeps its new team.
absl::Status SetUserTeam(ReadModelTxn& txn, absl::string_view tenant, const std::string& user_id,
                         const std::string& team_id, const std::string& only_if_team) {
  const std::string key = Key(tenant, user_id);
  absl::StatusOr<std::optional<v1::User>> user = ReadRow<v1::User>(txn, kUsersCf, key);
  if (!user.ok()) return user.status();
  if (!user->has_value()) return absl::OkStatus();
  if (!only_if_team.empty() && (*user)->team_id() != only_if_team) return absl::OkStatus();
  (*user)->set_team_id(team_id);
  return WriteRow(txn, kUsersCf, key, **user);
}

std::vector<std::string> MemberKeys(absl::string_view tenant, const v1::SalesTeam& team) {
  std::vector<std::string> keys;
  for (const std::string& user : team.member_user_ids()) keys.push_back(Key(tenant, team.team_id(), user));
  return keys;
}

absl::Status ApplyTeam(const EventEnvelope& event, ReadModelTxn& txn) {
  absl::StatusOr<domain::SalesTeamPayload> payload = Decode<domain::SalesTeamPayload>(event);
  if (!payload.ok()) return payload.status();
  const v1::SalesTeamUpserted& e = std::get<v1::SalesTeamUpserted>(*payload);
  const std::string key = Key(event.tenant(), e.team_id());
  absl::StatusOr<std::optional<v1::SalesTeam>> old = ReadRow<v1::SalesTeam>(txn, kTeamsCf, key);
  if (!old.ok()) return old.status();
  v1::SalesTeam row;
  row.set_team_id(e.team_id());
  row.set_name(e.name());
  row.set_manager_user_id(e.manager_user_id());
  row.set_region(e.region());
  *row.mutable_member_user_ids() = e.member_user_ids();
  row.set_version(event.aggregate_version());
  *row.mutable_created_at() = old->has_value() ? (*old)->created_at() : event.occurred_at();
  *row.mutable_updated_at() = event.occurred_at();
  const std::vector<std::string> before =
      old->has_value() ? MemberKeys(event.tenant(), **old) : std::vector<std::string>();
  SFA_RETURN_IF_ERROR(SyncIndex(txn, kTeamMembersCf, before, MemberKeys(event.tenant(), row)));
  for (const std::string& user : e.removed_member_user_ids()) {
    SFA_RETURN_IF_ERROR(SetUserTeam(txn, event.tenant(), user, "", e.team_id()));
  }
  for (const std::string& user : e.added_member_user_ids()) {
    SFA_RETURN_IF_ERROR(SetUserTeam(txn, event.tenant(), user, e.team_id(), ""));
  }
  return WriteRow(txn, kTeamsCf, key, row);
}

}  // namespace

std::vector<std::string> OrgProjection::column_families() const { return {kUsersCf, kTeamsCf, kTeamMembersCf}; }

absl::Status OrgProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() == domain::kUserAggregate) return ApplyUser(event, txn);
  if (event.aggregate_type() == domain::kSalesTeamAggregate) return ApplyTeam(event, txn);
  return absl::OkStatus();
}

}  // namespace sfa::opportunity::projections

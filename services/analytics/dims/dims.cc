#include "analytics/dims/dims.h"

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "eventstore/read_model_rows.h"
#include "eventstore/read_model_scan.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::dims {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using sfa::common::v1::EventEnvelope;

std::string Key(const std::string& tenant, const std::string& id) {
  return base::KeyBuilder().String(tenant).String(id).Release();
}

template <typename Message>
absl::StatusOr<Message> Parse(const EventEnvelope& event) {
  Message message;
  if (!message.ParseFromString(event.payload())) {
    return absl::DataLossError(absl::StrCat("unreadable ", Message::descriptor()->name()));
  }
  return message;
}

template <typename Message>
bool Is(const EventEnvelope& event) {
  return event.payload_type() == Message::descriptor()->full_name();
}

absl::Status ApplyTeam(const std::string& tenant, const ov1::SalesTeamUpserted& team, eventstore::ReadModelTxn& txn) {
  if (absl::Status s = eventstore::WriteRow(txn, kTeamsCf, Key(tenant, team.team_id()), team); !s.ok()) return s;
  for (const std::string& user : team.member_user_ids()) {
    if (absl::Status s = txn.Put(kUsersCf, Key(tenant, user), team.team_id()); !s.ok()) return s;
  }
  for (const std::string& user : team.removed_member_user_ids()) {
    absl::StatusOr<std::optional<std::string>> current = txn.Get(kUsersCf, Key(tenant, user));
    if (!current.ok()) return current.status();
    if (current->has_value() && **current == team.team_id()) {
      if (absl::Status s = txn.Delete(kUsersCf, Key(tenant, user)); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

// Accounts are kept as an AccountCreated carrying the latest industry and region.
absl::Status ApplyAccount(const std::string& tenant, const std::string& account_id, const std::string& industry,
                          const std::string& region, eventstore::ReadModelTxn& txn) {
  ov1::AccountCreated row;
  row.set_account_id(account_id);
  row.set_industry(industry);
  row.set_region(region);
  return eventstore::WriteRow(txn, kAccountsCf, Key(tenant, account_id), row);
}

}  // namespace

std::vector<std::string> DimsProjection::column_families() const { return {kUsersCf, kTeamsCf, kAccountsCf}; }

absl::Status DimsProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (Is<ov1::SalesTeamUpserted>(event)) {
    absl::StatusOr<ov1::SalesTeamUpserted> team = Parse<ov1::SalesTeamUpserted>(event);
    if (!team.ok()) return team.status();
    return ApplyTeam(event.tenant(), *team, txn);
  }
  if (Is<ov1::AccountCreated>(event)) {
    absl::StatusOr<ov1::AccountCreated> account = Parse<ov1::AccountCreated>(event);
    if (!account.ok()) return account.status();
    return ApplyAccount(event.tenant(), account->account_id(), account->industry(), account->region(), txn);
  }
  if (Is<ov1::AccountUpdated>(event)) {
    absl::StatusOr<ov1::AccountUpdated> account = Parse<ov1::AccountUpdated>(event);
    if (!account.ok()) return account.status();
    return ApplyAccount(event.tenant(), account->account_id(), account->industry(), account->region(), txn);
  }
  return absl::OkStatus();
}

std::string Lookup::TeamOf(const std::string& user_id) {
  if (auto it = team_of_.find(user_id); it != team_of_.end()) return it->second;
  absl::StatusOr<std::optional<std::string>> team = eventstore::GetValue(store_, kUsersCf, Key(tenant_, user_id));
  std::string out = team.ok() && team->has_value() ? **team : "";
  team_of_.emplace(user_id, out);
  return out;
}

std::string Lookup::RegionOfTeam(const std::string& team_id) {
  if (team_id.empty()) return "";
  if (auto it = region_of_team_.find(team_id); it != region_of_team_.end()) return it->second;
  absl::StatusOr<std::optional<ov1::SalesTeamUpserted>> team =
      eventstore::GetRow<ov1::SalesTeamUpserted>(store_, kTeamsCf, Key(tenant_, team_id));
  std::string out = team.ok() && team->has_value() ? (*team)->region() : "";
  region_of_team_.emplace(team_id, out);
  return out;
}

std::string Lookup::IndustryOf(const std::string& account_id) {
  if (account_id.empty()) return "";
  if (auto it = industry_of_.find(account_id); it != industry_of_.end()) return it->second;
  absl::StatusOr<std::optional<ov1::AccountCreated>> account =
      eventstore::GetRow<ov1::AccountCreated>(store_, kAccountsCf, Key(tenant_, account_id));
  std::string out = account.ok() && account->has_value() ? (*account)->industry() : "";
  industry_of_.emplace(account_id, out);
  return out;
}

std::vector<std::string> Lookup::MembersOf(const std::string& team_id) {
  absl::StatusOr<std::optional<ov1::SalesTeamUpserted>> team =
      eventstore::GetRow<ov1::SalesTeamUpserted>(store_, kTeamsCf, Key(tenant_, team_id));
  if (!team.ok() || !team->has_value()) return {};
  return {(*team)->member_user_ids().begin(), (*team)->member_user_ids().end()};
}

std::vector<std::string> Lookup::TeamsIn(const std::string& region) {
  std::vector<std::string> out;
  const absl::Status scanned = eventstore::ForEachInPrefix(
      store_, kTeamsCf, base::KeyBuilder().String(tenant_).Release(),
      [&](absl::string_view, absl::string_view value) -> absl::Status {
        ov1::SalesTeamUpserted team;
        if (!team.ParseFromString(std::string(value))) return absl::DataLossError("unreadable team row");
        if (team.region() == region) out.push_back(team.team_id());
        return absl::OkStatus();
      });
  if (!scanned.ok()) return {};
  return out;
}

std::vector<std::string> Lookup::Keys(v1::GroupBy group_by, const DealKeys& deal) {
  switch (group_by) {
    case v1::GROUP_BY_OWNER:
      return {deal.owner_user_id};
    case v1::GROUP_BY_TEAM:
      return {TeamOf(deal.owner_user_id)};
    case v1::GROUP_BY_REGION:
      return {RegionOfTeam(TeamOf(deal.owner_user_id))};
    case v1::GROUP_BY_LEAD_SOURCE:
      return {deal.lead_source};
    case v1::GROUP_BY_PRODUCT:
      if (deal.product_ids.empty()) return {""};
      return deal.product_ids;
    case v1::GROUP_BY_INDUSTRY:
      return {IndustryOf(deal.account_id)};
    default:
      return {"all"};
  }
}

absl::Status ValidateGroupBy(v1::GroupBy group_by, const std::string& field, const std::vector<v1::GroupBy>& allowed) {
  if (!v1::GroupBy_IsValid(group_by)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": unknown value ", static_cast<int>(group_by)));
  }
  if (allowed.empty() || group_by == v1::GROUP_BY_UNSPECIFIED) return absl::OkStatus();
  for (v1::GroupBy g : allowed) {
    if (g == group_by) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", v1::GroupBy_Name(group_by), " is not supported by this query"));
}

}  // namespace sfa::analytics::dims

// Accounts: the row, the tree's children index (by name, so GetAccountTree lists siblings by name), and
// the owner and normalized-name indexes. Index entries move when the indexed field changes.

#include <string>
#include <vector>

#include "opportunity/domain/account.h"
#include "opportunity/domain/lead_conversion.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/projections.h"
#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {
namespace {

void ApplyTo(v1::Account& row, const v1::AccountCreated& e) {
  row.set_account_id(e.account_id());
  row.set_name(e.name());
  row.set_parent_account_id(e.parent_account_id());
  row.set_industry(e.industry());
  row.set_employees(e.employees());
  if (e.has_annual_revenue()) *row.mutable_annual_revenue() = e.annual_revenue();
  row.set_region(e.region());
  row.set_owner_user_id(e.owner_user_id());
  row.set_lead_id(e.lead_id());
}

void ApplyTo(v1::Account& row, const v1::AccountUpdated& e) {
  row.set_name(e.name());
  row.set_industry(e.industry());
  row.set_employees(e.employees());
  if (e.has_annual_revenue()) {
    *row.mutable_annual_revenue() = e.annual_revenue();
  } else {
    row.clear_annual_revenue();
  }
  row.set_region(e.region());
  row.set_owner_user_id(e.owner_user_id());
}

void ApplyTo(v1::Account& row, const v1::AccountParentChanged& e) {
  row.set_parent_account_id(e.to_parent_account_id());
}

std::vector<std::string> ChildKeys(absl::string_view tenant, const v1::Account& row) {
  if (row.parent_account_id().empty()) return {};
  return {Key(tenant, row.parent_account_id(), row.name(), row.account_id())};
}

std::vector<std::string> OwnerKeys(absl::string_view tenant, const v1::Account& row) {
  if (row.owner_user_id().empty()) return {};
  return {Key(tenant, row.owner_user_id(), row.account_id())};
}

std::vector<std::string> NameKeys(absl::string_view tenant, const v1::Account& row) {
  return {Key(tenant, domain::NormalizeAccountName(row.name()), row.account_id())};
}

absl::Status SyncIndexes(ReadModelTxn& txn, absl::string_view tenant, const std::optional<v1::Account>& before,
                         const v1::Account& after) {
  const v1::Account none;
  const v1::Account& old = before.has_value() ? *before : none;
  const bool existed = before.has_value();
  SFA_RETURN_IF_ERROR(SyncIndex(txn, kAccountChildrenCf, existed ? ChildKeys(tenant, old) : std::vector<std::string>(),
                                ChildKeys(tenant, after)));
  SFA_RETURN_IF_ERROR(SyncIndex(txn, kAccountsByOwnerCf, existed ? OwnerKeys(tenant, old) : std::vector<std::string>(),
                                OwnerKeys(tenant, after)));
  return SyncIndex(txn, kAccountsByNameCf, existed ? NameKeys(tenant, old) : std::vector<std::string>(),
                   NameKeys(tenant, after));
}

}  // namespace

std::vector<std::string> AccountProjection::column_families() const {
  return {kAccountsCf, kAccountChildrenCf, kAccountsByOwnerCf, kAccountsByNameCf};
}

absl::Status AccountProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() != domain::kAccountAggregate) return absl::OkStatus();
  absl::StatusOr<domain::AccountPayload> payload = Decode<domain::AccountPayload>(event);
  if (!payload.ok()) return payload.status();
  const std::string key = Key(event.tenant(), event.aggregate_id());
  absl::StatusOr<std::optional<v1::Account>> old = ReadRow<v1::Account>(txn, kAccountsCf, key);
  if (!old.ok()) return old.status();
  v1::Account row = old->value_or(v1::Account());
  std::visit([&](const auto& e) { ApplyTo(row, e); }, *payload);
  row.set_version(event.aggregate_version());
  if (!old->has_value()) *row.mutable_created_at() = event.occurred_at();
  *row.mutable_updated_at() = event.occurred_at();
  SFA_RETURN_IF_ERROR(SyncIndexes(txn, event.tenant(), *old, row));
  return WriteRow(txn, kAccountsCf, key, row);
}

}  // namespace sfa::opportunity::projections

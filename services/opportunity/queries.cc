// Queries on the sales organisation, pipelines, accounts and contacts.

#include "opportunity/queries.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/key_codec.h"
#include "opportunity/domain/limits.h"
#include "opportunity/domain/support.h"
#include "opportunity/domain/validation.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/rows.h"
#include "eventstore/read_model_scan.h"
#include "opportunity/query_support.h"

namespace sfa::opportunity {
namespace {

namespace p = projections;

constexpr int kViewListLimit = 100;       // entries per list in GetAccount
constexpr size_t kMaxTreeNodes = 10'000;  // GetAccountTree
constexpr size_t kMaxContactsCounted = 1'000'000;

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Shared pieces (query_support.h)

std::string RowKey(const std::string& tenant, const std::string& id) { return p::Key(tenant, id); }
std::string TenantPrefixOf(const std::string& tenant) { return p::TenantPrefix(tenant); }

absl::StatusOr<std::string> IdAt(absl::string_view key, absl::string_view layout) {
  base::KeyReader reader(key);
  std::string last;
  for (const char part : layout) {
    absl::Status status;
    if (part == 's') {
      absl::StatusOr<std::string> s = reader.String();
      status = s.status();
      if (s.ok()) last = *std::move(s);
    } else if (part == 'i') {
      status = reader.Int64().status();
    } else {
      status = reader.Uint64().status();
    }
    if (!status.ok()) return absl::DataLossError(absl::StrCat("malformed index key: ", status.message()));
  }
  return last;
}

v1::OpportunitySummary Summary(const v1::Opportunity& o) {
  v1::OpportunitySummary s;
  s.set_opportunity_id(o.opportunity_id());
  s.set_account_id(o.account_id());
  s.set_pipeline_id(o.pipeline_id());
  s.set_name(o.name());
  s.set_owner_user_id(o.owner_user_id());
  if (o.has_amount()) *s.mutable_amount() = o.amount();
  s.set_stage_id(o.stage_id());
  s.set_status(o.status());
  s.set_probability_percent(o.probability_percent());
  s.set_forecast_category(o.forecast_category());
  if (o.has_expected_close_date()) *s.mutable_expected_close_date() = o.expected_close_date();
  if (!o.stage_history().empty()) *s.mutable_stage_entered_at() = o.stage_history().rbegin()->entered_at();
  if (o.has_closed_at()) *s.mutable_closed_at() = o.closed_at();
  s.set_version(o.version());
  return s;
}

// ---------------------------------------------------------------------------------------------------
// Views

absl::StatusOr<v1::User> Queries::User(const std::string& tenant, const std::string& id) const {
  return RequiredRow<v1::User>(*store_, p::kUsersCf, p::Key(tenant, id), "user_id", id);
}

absl::StatusOr<v1::SalesTeam> Queries::Team(const std::string& tenant, const std::string& id) const {
  return RequiredRow<v1::SalesTeam>(*store_, p::kTeamsCf, p::Key(tenant, id), "team_id", id);
}

absl::StatusOr<v1::Pipeline> Queries::Pipeline(const std::string& tenant, const std::string& id,
                                               uint32_t version) const {
  absl::StatusOr<v1::Pipeline> latest =
      RequiredRow<v1::Pipeline>(*store_, p::kPipelinesCf, p::Key(tenant, id), "pipeline_id", id);
  if (!latest.ok() || version == 0 || version == latest->pipeline_version()) return latest;
  const std::string key = base::KeyBuilder().String(tenant).String(id).Uint64(version).Release();
  absl::StatusOr<v1::Pipeline> old = RequiredRow<v1::Pipeline>(*store_, p::kPipelineVersionsCf, key, "pipeline_version",
                                                               absl::StrCat(version, " of pipeline ", id));
  if (old.ok()) old->set_latest_pipeline_version(latest->pipeline_version());
  return old;
}

absl::StatusOr<v1::Account> Queries::Account(const std::string& tenant, const std::string& id) const {
  return RequiredRow<v1::Account>(*store_, p::kAccountsCf, p::Key(tenant, id), "account_id", id);
}

absl::StatusOr<v1::Contact> Queries::Contact(const std::string& tenant, const std::string& id) const {
  return RequiredRow<v1::Contact>(*store_, p::kContactsCf, p::Key(tenant, id), "contact_id", id);
}

// ---------------------------------------------------------------------------------------------------
// Sales organisation and pipelines

absl::StatusOr<v1::ListUsersResponse> Queries::ListUsers(const std::string& tenant,
                                                         const v1::ListUsersRequest& r) const {
  v1::ListUsersResponse out;
  auto keep = [&](const v1::User& u) {
    return (r.role() == v1::USER_ROLE_UNSPECIFIED || u.role() == r.role()) &&
           (r.include_deactivated() || !u.deactivated()) && (r.team_id().empty() || u.team_id() == r.team_id());
  };
  auto add = [&](v1::User u) { *out.add_users() = std::move(u); };
  absl::StatusOr<std::string> next;
  if (!r.team_id().empty()) {
    const std::string prefix = p::Key(tenant, r.team_id());
    next = ListThroughIndex<v1::User>(
        *store_, tenant, p::kTeamMembersCf, "sss", p::kUsersCf,
        {{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), domain::PageSize(r.page_size())}, keep, add);
  } else {
    next = ListRows<v1::User>(*store_, tenant, p::kUsersCf, r.page_token(), domain::PageSize(r.page_size()), keep, add);
  }
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<v1::ListSalesTeamsResponse> Queries::ListSalesTeams(const std::string& tenant,
                                                                   const v1::ListSalesTeamsRequest& r) const {
  v1::ListSalesTeamsResponse out;
  absl::StatusOr<std::string> next = ListRows<v1::SalesTeam>(
      *store_, tenant, p::kTeamsCf, r.page_token(), domain::PageSize(r.page_size()),
      [&](const v1::SalesTeam& t) {
        return (r.region().empty() || t.region() == r.region()) &&
               (r.manager_user_id().empty() || t.manager_user_id() == r.manager_user_id());
      },
      [&](v1::SalesTeam t) { *out.add_sales_teams() = std::move(t); });
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<v1::ListPipelinesResponse> Queries::ListPipelines(const std::string& tenant,
                                                                 const v1::ListPipelinesRequest& r) const {
  v1::ListPipelinesResponse out;
  absl::StatusOr<std::string> next = ListRows<v1::Pipeline>(
      *store_, tenant, p::kPipelinesCf, r.page_token(), domain::PageSize(r.page_size()),
      [](const v1::Pipeline&) { return true; }, [&](v1::Pipeline x) { *out.add_pipelines() = std::move(x); });
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Accounts

namespace {

// Children of an account as (name, id), by name; at most `limit`.
absl::Status Children(const eventstore::EventStore& store, const std::string& tenant, const std::string& id,
                      size_t limit, std::vector<v1::AccountRef>* out) {
  absl::Status parse_error;
  absl::Status status = eventstore::ScanRange(store, p::kAccountChildrenCf, eventstore::PrefixRange(p::Key(tenant, id)), limit,
                                     [&](absl::string_view key, absl::string_view) {
                                       base::KeyReader reader(key);
                                       reader.String().IgnoreError();  // tenant
                                       reader.String().IgnoreError();  // parent
                                       absl::StatusOr<std::string> name = reader.String();
                                       absl::StatusOr<std::string> child = reader.String();
                                       if (!name.ok() || !child.ok()) {
                                         parse_error = absl::DataLossError("malformed account children key");
                                         return false;
                                       }
                                       v1::AccountRef& ref = out->emplace_back();
                                       ref.set_account_id(*child);
                                       ref.set_name(*name);
                                       return true;
                                     });
  return status.ok() ? parse_error : status;
}

void MergeTotals(const v1::GetAccountResponse& deals, const v1::GetAccountResponse& activity,
                 v1::GetAccountResponse* out) {
  out->set_open_count(deals.open_count());
  out->set_won_count(deals.won_count());
  out->set_lost_count(deals.lost_count());
  *out->mutable_open_amount() = deals.open_amount();
  *out->mutable_weighted_open_amount() = deals.weighted_open_amount();
  *out->mutable_won_amount() = deals.won_amount();
  *out->mutable_lost_amount() = deals.lost_amount();
  out->set_activity_count(activity.activity_count());
  if (activity.has_last_activity_at()) *out->mutable_last_activity_at() = activity.last_activity_at();
}

template <typename Message>
absl::StatusOr<Message> RowOrEmpty(const eventstore::EventStore& store, absl::string_view cf, const std::string& key) {
  absl::StatusOr<std::optional<Message>> row = eventstore::GetRow<Message>(store, cf, key);
  if (!row.ok()) return row.status();
  return row->value_or(Message());
}

}  // namespace

absl::StatusOr<v1::GetAccountResponse> Queries::GetAccount(const std::string& tenant,
                                                           const v1::GetAccountRequest& r) const {
  v1::GetAccountResponse out;
  absl::StatusOr<v1::Account> account = Account(tenant, r.account_id());
  if (!account.ok()) return account.status();
  if (!account->parent_account_id().empty()) {
    absl::StatusOr<v1::Account> parent = Account(tenant, account->parent_account_id());
    if (parent.ok()) {
      out.mutable_parent()->set_account_id(parent->account_id());
      out.mutable_parent()->set_name(parent->name());
    }
  }
  std::vector<v1::AccountRef> children;
  SFA_RETURN_IF_ERROR(Children(*store_, tenant, r.account_id(), kViewListLimit, &children));
  for (v1::AccountRef& child : children) *out.add_children() = std::move(child);
  SFA_RETURN_IF_ERROR(AddContacts(tenant, r.account_id(), &out));
  SFA_RETURN_IF_ERROR(AddOpportunities(tenant, r.account_id(), &out));
  const std::string key = p::Key(tenant, r.account_id());
  absl::StatusOr<v1::GetAccountResponse> deals =
      RowOrEmpty<v1::GetAccountResponse>(*store_, p::kOppAccountTotalsCf, key);
  if (!deals.ok()) return deals.status();
  absl::StatusOr<v1::GetAccountResponse> activity =
      RowOrEmpty<v1::GetAccountResponse>(*store_, p::kActivityAccountTotalsCf, key);
  if (!activity.ok()) return activity.status();
  MergeTotals(*deals, *activity, &out);
  *out.mutable_account() = *std::move(account);
  return out;
}

absl::Status Queries::AddContacts(const std::string& tenant, const std::string& account_id,
                                  v1::GetAccountResponse* out) const {
  std::vector<std::string> ids;
  int count = 0;
  absl::Status status = eventstore::ScanRange(*store_, p::kContactsByAccountCf, eventstore::PrefixRange(p::Key(tenant, account_id)),
                                     kMaxContactsCounted, [&](absl::string_view key, absl::string_view) {
                                       if (count++ < kViewListLimit) {
                                         absl::StatusOr<std::string> id = IdAt(key, "ssss");
                                         if (id.ok()) ids.push_back(*id);
                                       }
                                       return true;
                                     });
  SFA_RETURN_IF_ERROR(status);
  out->set_contact_count(count);
  for (const std::string& id : ids) {
    absl::StatusOr<v1::Contact> contact = Contact(tenant, id);
    if (!contact.ok()) return contact.status();
    *out->add_contacts() = *std::move(contact);
  }
  return absl::OkStatus();
}

absl::Status Queries::AddOpportunities(const std::string& tenant, const std::string& account_id,
                                       v1::GetAccountResponse* out) const {
  for (const uint64_t closed : {0, 1}) {
    const std::string prefix = base::KeyBuilder(p::Key(tenant, account_id)).Uint64(closed).Release();
    std::vector<std::string> ids;
    SFA_RETURN_IF_ERROR(eventstore::ScanRange(*store_, p::kOppRecentCf, eventstore::PrefixRange(prefix), kViewListLimit,
                                     [&](absl::string_view key, absl::string_view) {
                                       absl::StatusOr<std::string> id = IdAt(key, "ssuis");
                                       if (id.ok()) ids.push_back(*id);
                                       return true;
                                     }));
    for (const std::string& id : ids) {
      absl::StatusOr<v1::Opportunity> opportunity = Opportunity(tenant, id);
      if (!opportunity.ok()) return opportunity.status();
      *(closed ? out->add_closed_opportunities() : out->add_open_opportunities()) = Summary(*opportunity);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GetAccountTreeResponse> Queries::GetAccountTree(const std::string& tenant,
                                                                   const v1::GetAccountTreeRequest& r) const {
  absl::StatusOr<v1::Account> account = Account(tenant, r.account_id());
  if (!account.ok()) return account.status();
  // Up to the root; the parent-cycle rule keeps this short, the visited set makes sure of it.
  absl::flat_hash_set<std::string> visited = {account->account_id()};
  while (!account->parent_account_id().empty()) {
    absl::StatusOr<v1::Account> parent = Account(tenant, account->parent_account_id());
    if (!parent.ok() || !visited.insert(parent->account_id()).second) break;
    account = std::move(parent);
  }
  v1::GetAccountTreeResponse out;
  out.set_root_account_id(account->account_id());
  std::vector<int> parent_of;
  SFA_RETURN_IF_ERROR(AddTreeNode(tenant, *account, 0, -1, &out, &parent_of));
  // Children follow their parents, so a backward pass rolls every node up into its parent.
  for (int i = out.nodes_size() - 1; i > 0; --i) {
    v1::AccountTreeNode* parent = out.mutable_nodes(parent_of[i]);
    for (const common::v1::Money& m : out.nodes(i).rolled_up_won_revenue()) {
      p::AddMoney(parent->mutable_rolled_up_won_revenue(), m, +1);
    }
    for (const common::v1::Money& m : out.nodes(i).rolled_up_open_pipeline()) {
      p::AddMoney(parent->mutable_rolled_up_open_pipeline(), m, +1);
    }
  }
  return out;
}

absl::Status Queries::AddTreeNode(const std::string& tenant, const v1::Account& account, int depth, int parent,
                                  v1::GetAccountTreeResponse* out, std::vector<int>* parent_of) const {
  if (static_cast<size_t>(out->nodes_size()) >= kMaxTreeNodes) {
    return absl::ResourceExhaustedError(absl::StrCat("the account tree has more than ", kMaxTreeNodes, " accounts"));
  }
  const int index = out->nodes_size();
  v1::AccountTreeNode* node = out->add_nodes();
  parent_of->push_back(parent);
  node->set_account_id(account.account_id());
  node->set_name(account.name());
  node->set_parent_account_id(account.parent_account_id());
  node->set_depth(depth);
  node->set_industry(account.industry());
  node->set_region(account.region());
  node->set_owner_user_id(account.owner_user_id());
  absl::StatusOr<v1::GetAccountResponse> totals =
      RowOrEmpty<v1::GetAccountResponse>(*store_, p::kOppAccountTotalsCf, p::Key(tenant, account.account_id()));
  if (!totals.ok()) return totals.status();
  *node->mutable_won_revenue() = totals->won_amount();
  *node->mutable_open_pipeline() = totals->open_amount();
  *node->mutable_rolled_up_won_revenue() = totals->won_amount();
  *node->mutable_rolled_up_open_pipeline() = totals->open_amount();
  std::vector<v1::AccountRef> children;
  SFA_RETURN_IF_ERROR(Children(*store_, tenant, account.account_id(), kMaxTreeNodes + 1, &children));
  out->mutable_nodes(index)->set_child_count(static_cast<int32_t>(children.size()));
  // Depth is bounded by the tree-depth rule (kMaxAccountDepth), so the recursion is too.
  for (const v1::AccountRef& ref : children) {
    absl::StatusOr<v1::Account> child = Account(tenant, ref.account_id());
    if (!child.ok()) return child.status();
    SFA_RETURN_IF_ERROR(AddTreeNode(tenant, *child, depth + 1, index, out, parent_of));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListAccountsResponse> Queries::ListAccounts(const std::string& tenant,
                                                               const v1::ListAccountsRequest& r) const {
  v1::ListAccountsResponse out;
  auto keep = [&](const v1::Account& a) {
    return (r.owner_user_id().empty() || a.owner_user_id() == r.owner_user_id()) &&
           (r.parent_account_id().empty() || a.parent_account_id() == r.parent_account_id()) &&
           (r.industry().empty() || a.industry() == r.industry()) && (r.region().empty() || a.region() == r.region());
  };
  auto add = [&](v1::Account a) { *out.add_accounts() = std::move(a); };
  const int size = domain::PageSize(r.page_size());
  absl::StatusOr<std::string> next;
  if (!r.parent_account_id().empty()) {
    const std::string prefix = p::Key(tenant, r.parent_account_id());
    next = ListThroughIndex<v1::Account>(*store_, tenant, p::kAccountChildrenCf, "ssss", p::kAccountsCf,
                                         {{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), size}, keep, add);
  } else if (!r.owner_user_id().empty()) {
    const std::string prefix = p::Key(tenant, r.owner_user_id());
    next = ListThroughIndex<v1::Account>(*store_, tenant, p::kAccountsByOwnerCf, "sss", p::kAccountsCf,
                                         {{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), size}, keep, add);
  } else {
    next = ListRows<v1::Account>(*store_, tenant, p::kAccountsCf, r.page_token(), size, keep, add);
  }
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<v1::ListContactsResponse> Queries::ListContacts(const std::string& tenant,
                                                               const v1::ListContactsRequest& r) const {
  v1::ListContactsResponse out;
  auto keep = [&](const v1::Contact& c) {
    return r.buying_role() == v1::BUYING_ROLE_UNSPECIFIED || c.buying_role() == r.buying_role();
  };
  auto add = [&](v1::Contact c) { *out.add_contacts() = std::move(c); };
  const int size = domain::PageSize(r.page_size());
  absl::StatusOr<std::string> next;
  if (!r.account_id().empty()) {
    const std::string prefix = p::Key(tenant, r.account_id());
    next = ListThroughIndex<v1::Contact>(*store_, tenant, p::kContactsByAccountCf, "ssss", p::kContactsCf,
                                         {{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), size}, keep, add);
  } else {
    next = ListRows<v1::Contact>(*store_, tenant, p::kContactsCf, r.page_token(), size, keep, add);
  }
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

}  // namespace sfa::opportunity

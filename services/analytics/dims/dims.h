#ifndef SFA_SERVICES_ANALYTICS_DIMS_DIMS_H_
#define SFA_SERVICES_ANALYTICS_DIMS_DIMS_H_

// What deals are grouped by, besides their own fields: the sales organisation (user -> team, team ->
// manager and region) and the accounts (industry, region), kept from the opportunity topic by the `dims`
// projection. Grouping joins at query time, with the CURRENT organisation: a deal counts for the team its
// owner belongs to when the question is asked (the figures a manager expects for "my team"), and a read
// model keyed by owner never depends on the order in which org and deal events arrived.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "sfa/analytics/v1/analytics_service.pb.h"

namespace sfa::analytics::dims {

inline constexpr char kUsersCf[] = "rm_an_dim_user";        // t|user -> team id (the latest team naming them)
inline constexpr char kTeamsCf[] = "rm_an_dim_team";        // t|team -> opportunity.v1.SalesTeamUpserted
inline constexpr char kAccountsCf[] = "rm_an_dim_account";  // t|account -> industry, region

class DimsProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "dims"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// A deal's own grouping fields (what its events carry).
struct DealKeys {
  std::string owner_user_id;
  std::string account_id;
  std::string lead_source;
  std::vector<std::string> product_ids;
};

// Query-time lookups for one tenant, cached for the life of one query. Unknown ids give "".
class Lookup {
 public:
  Lookup(const eventstore::EventStore& store, std::string tenant) : store_(store), tenant_(std::move(tenant)) {}

  std::string TeamOf(const std::string& user_id);
  std::string RegionOfTeam(const std::string& team_id);
  std::string IndustryOf(const std::string& account_id);
  // The team's members now (empty for an unknown team), and the teams whose region is `region`.
  std::vector<std::string> MembersOf(const std::string& team_id);
  std::vector<std::string> TeamsIn(const std::string& region);

  // The group keys of a deal under `group_by` (several for GROUP_BY_PRODUCT; "" when the deal has no value
  // for it, e.g. an owner in no team; {"all"} for GROUP_BY_UNSPECIFIED).
  std::vector<std::string> Keys(v1::GroupBy group_by, const DealKeys& deal);

 private:
  const eventstore::EventStore& store_;
  std::string tenant_;
  absl::flat_hash_map<std::string, std::string> team_of_, region_of_team_, industry_of_;
};

// INVALID_ARGUMENT naming `field` when group_by is not a known value, or not one of `allowed` (when given).
absl::Status ValidateGroupBy(v1::GroupBy group_by, const std::string& field, const std::vector<v1::GroupBy>& allowed = {});

}  // namespace sfa::analytics::dims

#endif  // SFA_SERVICES_ANALYTICS_DIMS_DIMS_H_

#ifndef SFA_SERVICES_ANALYTICS_FORECAST_SNAPSHOT_H_
#define SFA_SERVICES_ANALYTICS_FORECAST_SNAPSHOT_H_

// What a forecast made at one instant knows, in the stats library's terms: the open deals whose dates put
// them near the period, the wins already in it, the odds and slippage learned from history before the
// instant, and the expected wins of deals not yet created (the run-rate). GetForecast reads one snapshot
// (now); BacktestForecast one per period (at its start, from the as-of spans).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "analytics/stats/forecast.h"
#include "eventstore/event_store.h"

namespace sfa::analytics::forecast {

// Each observed new-deal win enters the simulation this many times, each copy with 1 / (copies x windows)
// chance: the count of new wins is then Binomial(copies x n, 1 / (copies x K)), within 1 - 1/(copies x K)
// of the Poisson(n / K) variance the run-rate implies.
inline constexpr int kRunRateCopies = 8;
// The run-rate looks back this far (whole windows of the period's length; at least one window).
inline constexpr absl::Duration kRunRateLookback = absl::Hours(24 * 365 + 6);

struct SnapshotSpec {
  stats::Period period;
  // The forecast's instant. `now`: the open deals as they are (the open index), statistics from every
  // month; otherwise the state known at as_of (events before it) and statistics from the whole calendar
  // months before as_of's month.
  absl::Time as_of;
  bool now = false;
  // Read what HISTORICAL and MONTE_CARLO need (learned inputs, the slippage window, the run-rate).
  bool learned = false;
  // For GROUP_BY_TEAM: the team of an owner (query-time join); unset = no team.
  std::function<std::string(const std::string& owner)> team_of;
};

struct Snapshot {
  // Open deals whose expected close is in the period, and the period's wins before as_of (category
  // kClosed, expected_close = won at): StageWeighted and RollUp.
  std::vector<stats::OpenDeal> by_expected_close;
  // Open deals whose first expected close is within the period widened by the learned slippage, then the
  // run-rate's synthetic deals: Historical and MonteCarlo.
  std::vector<stats::OpenDeal> by_first_expected_close;
  stats::LearnedInputs learned;
  // Distinct deals per currency among everything read (the currency choice).
  std::map<std::string, int64_t> deals_by_currency;
};

// `pipelines` are known pipeline ids of the tenant.
absl::StatusOr<Snapshot> ReadSnapshot(const eventstore::EventStore& store, const std::string& tenant,
                                      const std::vector<std::string>& pipelines, const SnapshotSpec& spec);

// Wins of the pipelines in [from, to) per currency: (count, amount).
absl::StatusOr<std::map<std::string, std::pair<int64_t, int64_t>>> WinsByCurrency(
    const eventstore::EventStore& store, const std::string& tenant, const std::vector<std::string>& pipelines,
    absl::Time from, absl::Time to);

// The currency with the most deals (ties: the first in code order); "" when there is none.
std::string MainCurrency(const std::map<std::string, int64_t>& deals_by_currency);

// Keeps the deals in `currency`.
std::vector<stats::OpenDeal> InCurrency(std::vector<stats::OpenDeal> deals, const std::string& currency);

}  // namespace sfa::analytics::forecast

#endif  // SFA_SERVICES_ANALYTICS_FORECAST_SNAPSHOT_H_

#ifndef SFA_SERVICES_ANALYTICS_STATS_FORECAST_H_
#define SFA_SERVICES_ANALYTICS_STATS_FORECAST_H_

// The won amount a period can expect from the deals open at a moment, by three methods — configured
// stage probabilities (StageWeighted), learned odds and close-date slippage (Historical) and a
// simulation of the same (MonteCarlo, with P10/P50/P90) — and the roll-up of forecast categories.
// Amounts stay in minor units of their currency: every result line is one (group, currency).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "analytics/stats/durations.h"

namespace sfa::analytics::stats {

// [start, end).
struct Period {
  absl::Time start;
  absl::Time end;
};

// As the opportunity service's ForecastCategory (without UNSPECIFIED).
enum class ForecastCategory { kPipeline, kBestCase, kCommit, kClosed, kOmitted };

// A deal as the read model sees it at the forecast's moment. A deal in category kClosed is a won deal:
// its expected_close is when it was won. The forecast methods skip those (they are not open); RollUp
// counts them as closed. Every other deal, kOmitted included, is open and forecast.
struct OpenDeal {
  int64_t amount_minor = 0;
  std::string currency;
  std::string stage_id;
  int32_t configured_probability_percent = 0;  // 0..100 (clamped)
  ForecastCategory forecast_category = ForecastCategory::kPipeline;
  std::optional<absl::Time> expected_close;
  std::string owner_id;
  std::string team_id;
};

// What the history taught, as the read models hold it.
struct LearnedInputs {
  // P(win | currently in stage), e.g. WinProbabilities' p_win. A stage missing here falls back to the
  // deal's configured probability (and the deal is counted in deals_using_configured_probability).
  absl::flat_hash_map<std::string, double> win_probability;
  // Actual close - expected close of won deals. Empty: deals close exactly on their expected date.
  SlippageHistogram slippage;
  // Per stage, the time from the forecast's moment until close of deals that had no expected close;
  // used for deals without one (and for deals so overdue that slippage gives no chance of closing later).
  absl::flat_hash_map<std::string, DurationHistogram> time_to_close;
};

enum class GroupBy { kTotal, kOwner, kTeam };

struct Quantiles {
  double p10 = 0;
  double p50 = 0;
  double p90 = 0;
};

// One (group, currency) of a forecast.
struct ForecastLine {
  std::string group;  // owner or team id; empty for GroupBy::kTotal
  std::string currency;
  int64_t deals = 0;  // open deals of the line (whether or not they can close in the period)
  double expected_minor = 0;
  // MonteCarlo and NormalApproximation: quantiles of the won amount.
  std::optional<Quantiles> quantiles;
  int64_t deals_using_configured_probability = 0;
  // Deals with no close timing at all (no usable expected close, no time-to-close of their stage):
  // they count as not closing in the period.
  int64_t deals_without_timing = 0;
};

// Σ amount × configured probability over deals whose expected close is in the period.
// Lines ordered by (group, currency).
std::vector<ForecastLine> StageWeighted(absl::Span<const OpenDeal> deals, const Period& period, GroupBy group_by);

// The chance that an open deal closes inside the period, knowing it is still open at `as_of`: with
// expected close e and slippage S, P(e + S in [max(start, as_of), end) | e + S >= as_of); without e (or
// when no observed slippage is that late), from the stage's time to close counted from as_of.
// nullopt when neither applies.
std::optional<double> CloseInPeriodProbability(const OpenDeal& deal, const Period& period, absl::Time as_of,
                                               const EmpiricalCdf& slippage, const EmpiricalCdf* stage_time_to_close);

// Σ amount × P(win | stage) × CloseInPeriodProbability.
std::vector<ForecastLine> Historical(absl::Span<const OpenDeal> deals, const Period& period, absl::Time as_of,
                                     const LearnedInputs& learned, GroupBy group_by);

inline constexpr int kMaxMonteCarloRuns = 1'000'000;

struct MonteCarloOptions {
  int runs = 10'000;  // 1..kMaxMonteCarloRuns
  uint64_t seed = 1;
};

// Per run, every deal independently wins with P(win | stage) and closes at its expected close plus a
// sampled slippage; the run's total is the won amount closing in the period. Lines carry the mean and
// the nearest-rank P10/P50/P90 of the run totals. Deterministic for a seed; a deal's draw depends only
// on (seed, run, its index in `deals`), so a run's group totals add up to its overall total.
// O(deals × runs) time, O(deals + runs) memory. INVALID_ARGUMENT for runs outside 1..kMaxMonteCarloRuns.
absl::StatusOr<std::vector<ForecastLine>> MonteCarlo(absl::Span<const OpenDeal> deals, const Period& period,
                                                     absl::Time as_of, const LearnedInputs& learned, GroupBy group_by,
                                                     const MonteCarloOptions& options);

// The normal approximation of MonteCarlo's total: mean Σ a·q, variance Σ a²·q·(1 - q) for a deal of
// amount a closing won in the period with probability q; quantiles mean ± 1.2816 σ. O(deals). Good when a
// line has many deals of which none dominates; checked against the simulation in forecast_test.cc.
std::vector<ForecastLine> NormalApproximation(absl::Span<const OpenDeal> deals, const Period& period, absl::Time as_of,
                                              const LearnedInputs& learned, GroupBy group_by);

// Amounts per forecast category of the deals expected to close (closed deals: closed) in the period, and
// the cumulative views a forecast call shows.
struct RollUpLine {
  std::string group;
  std::string currency;
  int64_t pipeline_minor = 0;
  int64_t best_case_minor = 0;
  int64_t commit_minor = 0;
  int64_t closed_minor = 0;
  int64_t omitted_minor = 0;

  int64_t CommitForecastMinor() const { return closed_minor + commit_minor; }
  int64_t BestCaseForecastMinor() const { return closed_minor + commit_minor + best_case_minor; }
  int64_t OpenPipelineMinor() const { return pipeline_minor + best_case_minor + commit_minor; }
};

std::vector<RollUpLine> RollUp(absl::Span<const OpenDeal> deals, const Period& period, GroupBy group_by);

}  // namespace sfa::analytics::stats

#endif  // SFA_SERVICES_ANALYTICS_STATS_FORECAST_H_

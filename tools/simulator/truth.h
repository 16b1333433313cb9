#ifndef SFA_TOOLS_SIMULATOR_TRUTH_H_
#define SFA_TOOLS_SIMULATOR_TRUTH_H_

// What the analytics service's statistics and forecasts are checked against: the analytic odds of the
// TRUE chain, the duration and slippage distributions, and per period the amounts actually won (exact,
// from the histories), with the figures a forecast made at the period's start could have used.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "tools/simulator/simulation.h"

namespace sfa::tools::simulator {

struct StageTruth {
  std::string stage_id;
  std::string name;
  int configured_percent = 0;
  // Analytic, from the TRUE chain.
  double p_win = 0;
  double p_lost = 0;
  double expected_transitions = 0;
  // Time in stage per visit (days): the lognormal's median, sigma, mean and quantiles.
  double median_days = 0;
  double sigma = 0;
  double mean_days = 0;
  double p80_days = 0;
  double p90_days = 0;
  // Empirical, over the complete histories (beyond the horizon too).
  int64_t first_visits = 0;      // deals that entered the stage at least once
  int64_t first_visit_wins = 0;  // of them, won
  int64_t visits = 0;            // entries, repeated visits included
  // Exits observed before the horizon (what the service's data holds), by destination: open stages in
  // model order, then won, then lost; and P(win) of the chain those counts define (-1 when unknown).
  std::vector<int64_t> exits_observed;
  double p_win_observed = -1;
  // The same over the complete histories.
  std::vector<int64_t> exits_all;
  double p_win_all = -1;
};

struct PeriodTruth {
  int64_t start = 0;  // Unix seconds, midnight UTC; [start, end)
  int64_t end = 0;
  bool observed = false;  // end <= horizon: the service's data holds the whole period
  int64_t created = 0;
  int64_t won = 0;
  int64_t won_cents = 0;  // final amounts of deals won in the period: the forecasts' "actual"
  int64_t lost = 0;
  // Known at the period's start (steps before it): deals open then, their amounts, and of them those
  // expected to close in the period.
  int64_t open_at_start = 0;
  int64_t open_at_start_cents = 0;
  int64_t expected_in_period = 0;
  int64_t expected_in_period_cents = 0;
  // Σ amount × configured probability over the deals expected to close in the period: what
  // STAGE_WEIGHTED forecasts; and the same with the TRUE P(win | stage).
  double stage_weighted_configured_cents = 0;
  double stage_weighted_true_cents = 0;
  // Of the deals won in the period, those already open at its start (the rest were created in it).
  int64_t won_open_at_start = 0;
  int64_t won_open_at_start_cents = 0;
};

struct SlippageTruth {
  // The model for won deals: win date - first expected close = shift + LogNormal(median, sigma) days.
  double shift_days = 0;
  double median_days = 0;
  double sigma = 0;
  double mean_days = 0;  // analytic
  double p10_days = 0;
  double p50_days = 0;
  double p90_days = 0;
  // Lost deals' first date: creation + LogNormal(plan_median, plan_sigma) days.
  double plan_median_days = 0;
  double plan_sigma = 0;
  // Empirical over the won deals: close dates are whole days, so the realised slippage is the sampled
  // one plus [0, 1) day; clamped wins had their first date moved to the day after creation.
  int64_t deals = 0;
  int64_t clamped = 0;
  double empirical_mean_days = 0;
  double empirical_p10_days = 0;
  double empirical_p50_days = 0;
  double empirical_p90_days = 0;
  double share_pushed_out = 0;  // slippage > 0
  int64_t revisions = 0;        // close-date push-outs of all deals
};

struct TruthReport {
  uint64_t seed = 0;
  int64_t deals = 0;
  std::string from;  // "2023-01-01"
  std::string to;    // inclusive
  int64_t horizon = 0;
  std::string configured;  // "true" / "skewed"
  std::vector<StageTruth> stages;
  // Σ initial(s) P(win | s): the chance that a new deal is won.
  double new_deal_win_probability = 0;
  int64_t won = 0;
  int64_t lost = 0;
  int64_t forced_lost = 0;
  int64_t won_cents = 0;
  // At the horizon.
  int64_t won_before_horizon = 0;
  int64_t lost_before_horizon = 0;
  int64_t open_at_horizon = 0;
  // Steps written by the sinks (before the horizon), by StepKind.
  std::vector<int64_t> steps_by_kind;
  int64_t steps_before_horizon = 0;
  SlippageTruth slippage;
  // Calendar months and quarters from `from` to 12 months past the horizon.
  std::vector<PeriodTruth> months;
  std::vector<PeriodTruth> quarters;
};

// One pass over every deal (streaming; only the slippage sample, 4 bytes a deal, is kept).
absl::StatusOr<TruthReport> ComputeTruth(const Simulation& simulation);

// The report as a JSON document (times RFC 3339, money in USD cents).
std::string TruthJson(const TruthReport& truth);

// A few lines for a terminal: the stages' odds and the outcome counts.
std::string TruthText(const TruthReport& truth);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_TRUTH_H_

#ifndef SFA_SERVICES_ANALYTICS_STATS_BACKTEST_H_
#define SFA_SERVICES_ANALYTICS_STATS_BACKTEST_H_

// How a forecast method did over past periods: per-period error against what was actually won, MAPE,
// bias and, for interval forecasts, how often P10..P90 held the actual. Pure arithmetic over what the
// caller forecast with only the data known at each period's start.

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"

namespace sfa::analytics::stats {

struct PeriodOutcome {
  double forecast_minor = 0;
  double actual_minor = 0;
  // Both or neither; p10 <= p90.
  std::optional<double> p10_minor;
  std::optional<double> p90_minor;
};

struct PeriodError {
  double error_minor = 0;  // forecast - actual
  // |error| / |actual|; absent when the actual is 0 (no relative error is defined).
  std::optional<double> absolute_percentage_error;
  // p10 <= actual <= p90; absent without an interval.
  std::optional<bool> covered;
};

struct BacktestSummary {
  std::vector<PeriodError> periods;  // in input order
  // Mean of absolute_percentage_error over the periods that have one (a fraction: 0.1 is 10%).
  std::optional<double> mape;
  int64_t periods_without_mape = 0;  // actual 0, left out of the MAPE
  // Mean signed error (forecast - actual); positive means the method over-forecast.
  std::optional<double> mean_error_minor;
  // Σ (forecast - actual) / Σ |actual|: the bias as a fraction of what was won; absent when nothing was.
  std::optional<double> relative_bias;
  // Fraction of the periods with an interval whose interval held the actual.
  std::optional<double> interval_coverage;
  int64_t periods_with_interval = 0;
};

BacktestSummary Summarise(absl::Span<const PeriodOutcome> periods);

}  // namespace sfa::analytics::stats

#endif  // SFA_SERVICES_ANALYTICS_STATS_BACKTEST_H_

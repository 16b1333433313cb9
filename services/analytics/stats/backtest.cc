#include "analytics/stats/backtest.h"

#include <cmath>

namespace sfa::analytics::stats {

BacktestSummary Summarise(absl::Span<const PeriodOutcome> periods) {
  BacktestSummary summary;
  double ape_sum = 0, error_sum = 0, actual_sum = 0;
  int64_t ape_count = 0, covered = 0;
  for (const PeriodOutcome& period : periods) {
    PeriodError error;
    error.error_minor = period.forecast_minor - period.actual_minor;
    if (period.actual_minor != 0) {
      error.absolute_percentage_error = std::abs(error.error_minor) / std::abs(period.actual_minor);
      ape_sum += *error.absolute_percentage_error;
      ++ape_count;
    } else {
      ++summary.periods_without_mape;
    }
    if (period.p10_minor.has_value() && period.p90_minor.has_value()) {
      error.covered = *period.p10_minor <= period.actual_minor && period.actual_minor <= *period.p90_minor;
      ++summary.periods_with_interval;
      covered += *error.covered ? 1 : 0;
    }
    error_sum += error.error_minor;
    actual_sum += std::abs(period.actual_minor);
    summary.periods.push_back(error);
  }
  if (ape_count > 0) summary.mape = ape_sum / ape_count;
  if (!periods.empty()) summary.mean_error_minor = error_sum / periods.size();
  if (actual_sum > 0) summary.relative_bias = error_sum / actual_sum;
  if (summary.periods_with_interval > 0) {
    summary.interval_coverage = static_cast<double>(covered) / summary.periods_with_interval;
  }
  return summary;
}

}  // namespace sfa::analytics::stats

#include "analytics/stats/backtest.h"

#include <vector>

#include "gtest/gtest.h"

namespace sfa::analytics::stats {
namespace {

PeriodOutcome Point(double forecast, double actual) {
  PeriodOutcome outcome;
  outcome.forecast_minor = forecast;
  outcome.actual_minor = actual;
  return outcome;
}

PeriodOutcome Ranged(double forecast, double actual, double p10, double p90) {
  PeriodOutcome outcome = Point(forecast, actual);
  outcome.p10_minor = p10;
  outcome.p90_minor = p90;
  return outcome;
}

TEST(BacktestTest, ErrorsMapeBiasAndCoverage) {
  const std::vector<PeriodOutcome> periods = {
      Ranged(110, 100, 90, 130),   // +10%, held
      Ranged(150, 200, 120, 180),  // -25%, missed
      Point(40, 0),                // no APE, no interval
      Ranged(300, 300, 300, 300),  // exact: the bounds are inclusive
  };
  const BacktestSummary summary = Summarise(periods);
  ASSERT_EQ(summary.periods.size(), 4u);
  EXPECT_DOUBLE_EQ(summary.periods[0].error_minor, 10);
  EXPECT_DOUBLE_EQ(*summary.periods[0].absolute_percentage_error, 0.10);
  EXPECT_DOUBLE_EQ(*summary.periods[1].absolute_percentage_error, 0.25);
  EXPECT_FALSE(summary.periods[2].absolute_percentage_error.has_value());
  EXPECT_FALSE(summary.periods[2].covered.has_value());
  EXPECT_TRUE(*summary.periods[0].covered);
  EXPECT_FALSE(*summary.periods[1].covered);
  EXPECT_TRUE(*summary.periods[3].covered);

  EXPECT_DOUBLE_EQ(*summary.mape, (0.10 + 0.25 + 0.0) / 3);
  EXPECT_EQ(summary.periods_without_mape, 1);
  EXPECT_DOUBLE_EQ(*summary.mean_error_minor, (10 - 50 + 40 + 0) / 4.0);
  EXPECT_DOUBLE_EQ(*summary.relative_bias, 0.0 / 600);
  EXPECT_EQ(summary.periods_with_interval, 3);
  EXPECT_DOUBLE_EQ(*summary.interval_coverage, 2.0 / 3);
}

TEST(BacktestTest, OverForecastingShowsAsPositiveBias) {
  const std::vector<PeriodOutcome> periods = {Point(120, 100), Point(330, 300)};
  const BacktestSummary summary = Summarise(periods);
  EXPECT_DOUBLE_EQ(*summary.relative_bias, 50.0 / 400);
  EXPECT_DOUBLE_EQ(*summary.mape, (0.20 + 0.10) / 2);
  EXPECT_FALSE(summary.interval_coverage.has_value());
}

TEST(BacktestTest, NothingToSummarise) {
  const BacktestSummary none = Summarise({});
  EXPECT_FALSE(none.mape.has_value());
  EXPECT_FALSE(none.mean_error_minor.has_value());
  EXPECT_FALSE(none.relative_bias.has_value());
  EXPECT_FALSE(none.interval_coverage.has_value());
  const std::vector<PeriodOutcome> all_zero = {Point(5, 0)};
  const BacktestSummary zero = Summarise(all_zero);
  EXPECT_FALSE(zero.mape.has_value());
  EXPECT_EQ(zero.periods_without_mape, 1);
  EXPECT_FALSE(zero.relative_bias.has_value());
  EXPECT_DOUBLE_EQ(*zero.mean_error_minor, 5);
}

}  // namespace
}  // namespace sfa::analytics::stats

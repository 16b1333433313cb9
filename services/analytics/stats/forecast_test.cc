#include "analytics/stats/forecast.h"

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::analytics::stats {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);
const Period kPeriod{kStart, kStart + absl::Hours(24 * 30)};

absl::Duration Days(double d) { return absl::Seconds(d * 86400); }

OpenDeal Deal(int64_t amount, std::string stage, int32_t percent, std::optional<absl::Time> close,
              std::string owner = "ann", std::string team = "east", std::string currency = "EUR") {
  OpenDeal deal;
  deal.amount_minor = amount;
  deal.currency = std::move(currency);
  deal.stage_id = std::move(stage);
  deal.configured_probability_percent = percent;
  deal.expected_close = close;
  deal.owner_id = std::move(owner);
  deal.team_id = std::move(team);
  return deal;
}

// Uniform on [from, to] days.
EmpiricalCdf UniformDays(double from, double to) { return EmpiricalCdf({from * 86400, to * 86400}, {0.0, 1.0}); }

TEST(StageWeightedTest, SumsConfiguredProbabilityOfDealsExpectedInThePeriod) {
  std::vector<OpenDeal> deals = {
      Deal(1000, "qualify", 10, kStart + Days(1)), Deal(2000, "propose", 50, kStart + Days(29), "bob"),
      Deal(4000, "propose", 50, kPeriod.end),  // just after the period
      Deal(8000, "propose", 150, kStart),      // percent clamped to 100
      Deal(500, "propose", 50, std::nullopt),      Deal(300, "negotiate", 80, kStart + Days(3), "ann", "east", "USD"),
  };
  deals.push_back(Deal(9999, "won", 100, kStart + Days(2)));
  deals.back().forecast_category = ForecastCategory::kClosed;  // already won: not forecast

  const std::vector<ForecastLine> total = StageWeighted(deals, kPeriod, GroupBy::kTotal);
  ASSERT_EQ(total.size(), 2u);
  EXPECT_EQ(total[0].currency, "EUR");
  EXPECT_DOUBLE_EQ(total[0].expected_minor, 100 + 1000 + 8000);
  EXPECT_EQ(total[0].deals, 5);
  EXPECT_EQ(total[0].deals_without_timing, 1);
  EXPECT_EQ(total[1].currency, "USD");
  EXPECT_DOUBLE_EQ(total[1].expected_minor, 240);
  EXPECT_FALSE(total[0].quantiles.has_value());

  const std::vector<ForecastLine> by_owner = StageWeighted(deals, kPeriod, GroupBy::kOwner);
  ASSERT_EQ(by_owner.size(), 3u);
  EXPECT_EQ(by_owner[0].group, "ann");
  EXPECT_DOUBLE_EQ(by_owner[0].expected_minor, 100 + 8000);
  EXPECT_EQ(by_owner[1].group, "ann");
  EXPECT_EQ(by_owner[1].currency, "USD");
  EXPECT_EQ(by_owner[2].group, "bob");
  EXPECT_DOUBLE_EQ(by_owner[2].expected_minor, 1000);
}

TEST(CloseInPeriodProbabilityTest, WithoutSlippageTheExpectedDateIsTheCloseDate) {
  const EmpiricalCdf none;
  const absl::Time as_of = kStart - Days(2);
  EXPECT_EQ(CloseInPeriodProbability(Deal(1, "s", 0, kStart + Days(3)), kPeriod, as_of, none, nullptr), 1.0);
  EXPECT_EQ(CloseInPeriodProbability(Deal(1, "s", 0, kPeriod.end), kPeriod, as_of, none, nullptr), 0.0);
  EXPECT_EQ(CloseInPeriodProbability(Deal(1, "s", 0, kStart - Days(1)), kPeriod, as_of, none, nullptr), 0.0);
  // Overdue (expected before as_of) with nothing else to go on: no timing.
  EXPECT_EQ(CloseInPeriodProbability(Deal(1, "s", 0, kStart - Days(5)), kPeriod, as_of, none, nullptr), std::nullopt);
  EXPECT_EQ(CloseInPeriodProbability(Deal(1, "s", 0, std::nullopt), kPeriod, as_of, none, nullptr), std::nullopt);
}

TEST(CloseInPeriodProbabilityTest, SlippageConditionedOnStillBeingOpen) {
  const EmpiricalCdf slippage = UniformDays(-10, 10);
  // e = start + 5d, as_of = start - 1d: P(S > -6d) = 0.8; P(-5d <= S < 25d) = 0.75.
  EXPECT_NEAR(
      *CloseInPeriodProbability(Deal(1, "s", 0, kStart + Days(5)), kPeriod, kStart - Days(1), slippage, nullptr),
      0.75 / 0.8, 1e-12);
  // Overdue by 5 days at the period's start: it is still open, so S > 5d, and all of that is in the period.
  EXPECT_NEAR(*CloseInPeriodProbability(Deal(1, "s", 0, kStart - Days(5)), kPeriod, kStart, slippage, nullptr), 1.0,
              1e-12);
  // e = end - 2d: P(S < 2d) = 0.6.
  EXPECT_NEAR(*CloseInPeriodProbability(Deal(1, "s", 0, kPeriod.end - Days(2)), kPeriod, kStart, slippage, nullptr),
              0.6, 1e-12);
  // Later than any observed slippage: the stage's time to close from as_of takes over.
  const EmpiricalCdf time_to_close = UniformDays(0, 60);
  const OpenDeal stale = Deal(1, "s", 0, kStart - Days(20));
  EXPECT_NEAR(*CloseInPeriodProbability(stale, kPeriod, kStart, slippage, &time_to_close), 0.5, 1e-12);
  EXPECT_EQ(CloseInPeriodProbability(stale, kPeriod, kStart, slippage, nullptr), std::nullopt);
  // No expected close: time to close, counted from as_of, over the part of the period after as_of.
  EXPECT_NEAR(
      *CloseInPeriodProbability(Deal(1, "s", 0, std::nullopt), kPeriod, kStart + Days(15), slippage, &time_to_close),
      0.25, 1e-12);
  // A period that ended before as_of holds no close.
  EXPECT_EQ(
      CloseInPeriodProbability(Deal(1, "s", 0, kStart + Days(25)), kPeriod, kPeriod.end + Days(1), slippage, nullptr),
      0.0);
}

LearnedInputs Learned() {
  LearnedInputs learned;
  learned.win_probability = {{"qualify", 0.1}, {"propose", 0.4}, {"negotiate", 0.7}};
  return learned;  // no slippage: deals close on their expected date
}

TEST(HistoricalTest, LearnedProbabilityTimesCloseChance) {
  LearnedInputs learned = Learned();
  learned.time_to_close["qualify"].Add(Days(10), 1);  // all within [0, 1h .. 10d]: inside 30 days
  const std::vector<OpenDeal> deals = {
      Deal(1000, "qualify", 50, std::nullopt),
      Deal(2000, "propose", 50, kStart + Days(10), "bob", "west"),
      Deal(4000, "negotiate", 50, kPeriod.end + Days(1)),
      Deal(8000, "mystery", 25, kStart + Days(1), "bob", "west"),  // stage not learned: configured 25%
      Deal(16000, "propose", 25, std::nullopt),                    // no timing at all
  };
  const std::vector<ForecastLine> total = Historical(deals, kPeriod, kStart, learned, GroupBy::kTotal);
  ASSERT_EQ(total.size(), 1u);
  EXPECT_DOUBLE_EQ(total[0].expected_minor, 100 + 800 + 2000);
  EXPECT_EQ(total[0].deals, 5);
  EXPECT_EQ(total[0].deals_using_configured_probability, 1);
  EXPECT_EQ(total[0].deals_without_timing, 1);

  const std::vector<ForecastLine> by_team = Historical(deals, kPeriod, kStart, learned, GroupBy::kTeam);
  ASSERT_EQ(by_team.size(), 2u);
  EXPECT_EQ(by_team[0].group, "east");
  EXPECT_DOUBLE_EQ(by_team[0].expected_minor, 100);
  EXPECT_EQ(by_team[1].group, "west");
  EXPECT_DOUBLE_EQ(by_team[1].expected_minor, 2800);
}

// n deals over three owners, amounts 1..100 units, expected closes spread over two periods, slippage
// N(5d, 10d).
struct Book {
  std::vector<OpenDeal> deals;
  LearnedInputs learned;
};

Book RandomBook(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Book book;
  book.learned = Learned();
  std::normal_distribution<double> slip(5, 10);
  for (int k = 0; k < 20'000; ++k) book.learned.slippage.Add(Days(slip(rng)));
  const char* stages[] = {"qualify", "propose", "negotiate"};
  const char* owners[] = {"ann", "bob", "cyd"};
  std::uniform_int_distribution<int> pick(0, 2);
  std::uniform_int_distribution<int64_t> amount(100, 10'000);
  std::uniform_real_distribution<double> close(-10, 60);
  for (int k = 0; k < n; ++k) {
    book.deals.push_back(Deal(amount(rng), stages[pick(rng)], 50, kStart + Days(close(rng)), owners[pick(rng)]));
  }
  return book;
}

TEST(MonteCarloTest, DeterministicForASeedAndCentredOnHistorical) {
  const Book book = RandomBook(2000, 3);
  const MonteCarloOptions options{.runs = 4000, .seed = 42};
  auto first = MonteCarlo(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal, options);
  auto again = MonteCarlo(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal, options);
  auto other = MonteCarlo(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal, {.runs = 4000, .seed = 43});
  ASSERT_TRUE(first.ok() && again.ok() && other.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].expected_minor, (*again)[0].expected_minor);
  EXPECT_EQ((*first)[0].quantiles->p10, (*again)[0].quantiles->p10);
  EXPECT_NE((*first)[0].expected_minor, (*other)[0].expected_minor);

  const std::vector<ForecastLine> historical = Historical(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal);
  const std::vector<ForecastLine> normal =
      NormalApproximation(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal);
  const double sigma = (normal[0].quantiles->p90 - normal[0].quantiles->p50) / 1.2815515655446004;
  // The mean of 4000 runs is within 4 standard errors of the exact expectation.
  EXPECT_NEAR((*first)[0].expected_minor, historical[0].expected_minor, 4 * sigma / std::sqrt(4000.0));
  EXPECT_DOUBLE_EQ(normal[0].expected_minor, historical[0].expected_minor);
  const Quantiles& q = *(*first)[0].quantiles;
  EXPECT_LT(q.p10, q.p50);
  EXPECT_LT(q.p50, q.p90);
}

TEST(MonteCarloTest, GroupTotalsAddUpRunByRun) {
  const Book book = RandomBook(3000, 5);
  const MonteCarloOptions options{.runs = 500, .seed = 9};
  auto total = MonteCarlo(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal, options);
  auto by_owner = MonteCarlo(book.deals, kPeriod, kStart, book.learned, GroupBy::kOwner, options);
  ASSERT_TRUE(total.ok() && by_owner.ok());
  ASSERT_EQ(by_owner->size(), 3u);
  double sum = 0;
  int64_t deals = 0;
  for (const ForecastLine& line : *by_owner) {
    sum += line.expected_minor;
    deals += line.deals;
  }
  // Means are sums of the same per-run draws: equal to rounding, far tighter than sampling noise.
  EXPECT_NEAR(sum, (*total)[0].expected_minor, 1e-6 * sum);
  EXPECT_EQ(deals, 3000);
}

TEST(MonteCarloTest, CertainDealsAlwaysCountAndDrawsHaveTheirProbability) {
  LearnedInputs learned;
  learned.win_probability = {{"sure", 1.0}, {"maybe", 0.3}};
  const std::vector<OpenDeal> sure = {Deal(700, "sure", 0, kStart), Deal(300, "sure", 0, kStart + Days(2))};
  auto result = MonteCarlo(sure, kPeriod, kStart, learned, GroupBy::kTotal, {.runs = 100, .seed = 1});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result)[0].quantiles->p10, 1000);
  EXPECT_EQ((*result)[0].quantiles->p90, 1000);

  const std::vector<OpenDeal> maybe = {Deal(1, "maybe", 0, kStart)};
  result = MonteCarlo(maybe, kPeriod, kStart, learned, GroupBy::kTotal, {.runs = 200'000, .seed = 5});
  ASSERT_TRUE(result.ok());
  EXPECT_NEAR((*result)[0].expected_minor, 0.3, 4 * std::sqrt(0.3 * 0.7 / 200'000));
  // Won in 30% of runs: the 10th and 50th percentiles are 0, the 90th is the amount.
  EXPECT_EQ((*result)[0].quantiles->p10, 0);
  EXPECT_EQ((*result)[0].quantiles->p50, 0);
  EXPECT_EQ((*result)[0].quantiles->p90, 1);
}

TEST(MonteCarloTest, RefusesRunsOutOfRange) {
  const std::vector<OpenDeal> none;
  EXPECT_EQ(MonteCarlo(none, kPeriod, kStart, {}, GroupBy::kTotal, {.runs = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MonteCarlo(none, kPeriod, kStart, {}, GroupBy::kTotal, {.runs = kMaxMonteCarloRuns + 1}).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto empty = MonteCarlo(none, kPeriod, kStart, {}, GroupBy::kTotal, {.runs = 10});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(NormalApproximationTest, MatchesTheSimulationOnManyDeals) {
  const Book book = RandomBook(10'000, 17);
  auto simulated = MonteCarlo(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal, {.runs = 20'000, .seed = 3});
  ASSERT_TRUE(simulated.ok());
  const std::vector<ForecastLine> normal =
      NormalApproximation(book.deals, kPeriod, kStart, book.learned, GroupBy::kTotal);
  const Quantiles& s = *(*simulated)[0].quantiles;
  const Quantiles& n = *normal[0].quantiles;
  const double sigma = (n.p90 - n.p50) / 1.2815515655446004;
  // Sampling error of a simulated decile with 20,000 runs is ~0.013 sigma; skew adds little here.
  EXPECT_NEAR(s.p10, n.p10, 0.05 * sigma);
  EXPECT_NEAR(s.p50, n.p50, 0.05 * sigma);
  EXPECT_NEAR(s.p90, n.p90, 0.05 * sigma);
}

TEST(RollUpTest, CategoriesAndCumulativeViews) {
  std::vector<OpenDeal> deals = {
      Deal(1, "s", 0, kStart),        Deal(2, "s", 0, kStart),  Deal(4, "s", 0, kStart),
      Deal(8, "s", 0, kStart),        Deal(16, "s", 0, kStart), Deal(32, "s", 0, kPeriod.end),  // outside
      Deal(64, "s", 0, std::nullopt),  // no date: not in any period
  };
  deals[0].forecast_category = ForecastCategory::kPipeline;
  deals[1].forecast_category = ForecastCategory::kBestCase;
  deals[2].forecast_category = ForecastCategory::kCommit;
  deals[3].forecast_category = ForecastCategory::kClosed;
  deals[4].forecast_category = ForecastCategory::kOmitted;
  deals[5].forecast_category = ForecastCategory::kCommit;
  deals[6].forecast_category = ForecastCategory::kCommit;
  const std::vector<RollUpLine> lines = RollUp(deals, kPeriod, GroupBy::kTotal);
  ASSERT_EQ(lines.size(), 1u);
  const RollUpLine& line = lines[0];
  EXPECT_EQ(line.pipeline_minor, 1);
  EXPECT_EQ(line.best_case_minor, 2);
  EXPECT_EQ(line.commit_minor, 4);
  EXPECT_EQ(line.closed_minor, 8);
  EXPECT_EQ(line.omitted_minor, 16);
  EXPECT_EQ(line.CommitForecastMinor(), 12);
  EXPECT_EQ(line.BestCaseForecastMinor(), 14);
  EXPECT_EQ(line.OpenPipelineMinor(), 7);
  EXPECT_TRUE(RollUp({}, kPeriod, GroupBy::kOwner).empty());
}

}  // namespace
}  // namespace sfa::analytics::stats

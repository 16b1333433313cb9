// The statistics against synthetic truth: deals walk a known 5-stage chain (with backward moves), close
// with a known slippage, and what the library learns and forecasts is compared with what the truth
// implies and with what the simulated deals actually do.

#include <algorithm>
#include <array>
#include <cmath>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/stats/backtest.h"
#include "analytics/stats/forecast.h"
#include "analytics/stats/markov.h"
#include "gtest/gtest.h"

namespace sfa::analytics::stats {
namespace {

constexpr int kStages = 5;
constexpr int kWon = kStages;
constexpr int kLost = kStages + 1;

// Row k: the chances of moving from stage k to stages 0..4, WON, LOST.
constexpr std::array<std::array<double, kStages + 2>, kStages> kTruth = {{
    {0.00, 0.60, 0.00, 0.00, 0.00, 0.00, 0.40},
    {0.10, 0.00, 0.55, 0.00, 0.00, 0.00, 0.35},
    {0.00, 0.15, 0.05, 0.50, 0.00, 0.00, 0.30},  // includes a repeated visit (3 -> 3)
    {0.00, 0.00, 0.15, 0.00, 0.60, 0.00, 0.25},
    {0.00, 0.00, 0.00, 0.15, 0.00, 0.65, 0.20},
}};

std::string StageId(int k) { return absl::StrCat("stage-", k + 1); }

// P(win | stage) and expected steps of the true chain by fixed-point iteration (w = R_won + Q w,
// t = 1 + Q t) — independent of the elimination under test.
struct Analytic {
  std::array<double, kStages> p_win{};
  std::array<double, kStages> steps{};
};

Analytic SolveByIteration() {
  Analytic a;
  for (int iteration = 0; iteration < 10'000; ++iteration) {
    Analytic next;
    for (int k = 0; k < kStages; ++k) {
      next.p_win[k] = kTruth[k][kWon];
      next.steps[k] = 1;
      for (int j = 0; j < kStages; ++j) {
        next.p_win[k] += kTruth[k][j] * a.p_win[j];
        next.steps[k] += kTruth[k][j] * a.steps[j];
      }
    }
    a = next;
  }
  return a;
}

class Chain {
 public:
  Chain() {
    for (int k = 0; k < kStages; ++k) rows_[k] = std::discrete_distribution<int>(kTruth[k].begin(), kTruth[k].end());
  }
  // Walks a deal from `stage` to WON or LOST, counting every step when `counts` is given.
  template <typename Rng>
  bool Walk(int stage, Rng& rng, TransitionCounts* counts) const {
    while (true) {
      const int next = rows_[stage](rng);
      if (next >= kStages) {
        if (counts != nullptr) counts->AddOutcome(StageId(stage), next == kWon ? Outcome::kWon : Outcome::kLost);
        return next == kWon;
      }
      if (counts != nullptr) counts->Add(StageId(stage), StageId(next));
      stage = next;
    }
  }

 private:
  mutable std::array<std::discrete_distribution<int>, kStages> rows_;
};

TEST(SelfCheckTest, LearnedWinProbabilitiesMatchTheTruthOn20000Deals) {
  const Analytic truth = SolveByIteration();
  const Chain chain;
  std::mt19937_64 rng(2024);
  std::bernoulli_distribution starts_later(0.2);
  TransitionCounts counts;
  for (int deal = 0; deal < 20'000; ++deal) chain.Walk(starts_later(rng) ? 1 : 0, rng, &counts);

  // What a read model would store and read back.
  absl::StatusOr<TransitionCounts> stored = TransitionCounts::Parse(counts.Serialize());
  ASSERT_TRUE(stored.ok());
  absl::StatusOr<std::vector<StageOdds>> learned = WinProbabilities(*stored);
  ASSERT_TRUE(learned.ok()) << learned.status();
  ASSERT_EQ(learned->size(), static_cast<size_t>(kStages));
  for (int k = 0; k < kStages; ++k) {
    const StageOdds& odds = (*learned)[k];
    ASSERT_EQ(odds.stage_id, StageId(k));
    EXPECT_NEAR(*odds.p_win, truth.p_win[k], 0.03) << odds.stage_id;
    EXPECT_NEAR(*odds.expected_steps, truth.steps[k], 0.05 * truth.steps[k]) << odds.stage_id;
    EXPECT_NEAR(*odds.p_win + *odds.p_lost, 1.0, 1e-9);
  }
}

// Close timing of the synthetic world: slippage is a mix of on-time-ish N(0, 7d) (60%) and late
// Exp(mean 30d) (40%); deals without a close date close Exp(mean 30 x (5 - stage) days) after as_of.
absl::Duration Days(double d) { return absl::Seconds(d * 86400); }

struct World {
  template <typename Rng>
  static double SlippageDays(Rng& rng) {
    std::bernoulli_distribution late(0.4);
    if (late(rng)) return std::exponential_distribution<double>(1.0 / 30)(rng);
    return std::normal_distribution<double>(0, 7)(rng);
  }
  static double MeanDaysToClose(int stage) { return 30.0 * (kStages - stage); }

  LearnedInputs TruthAsInputs(std::mt19937_64& rng) const {
    LearnedInputs inputs;
    const Analytic truth = SolveByIteration();
    for (int k = 0; k < kStages; ++k) inputs.win_probability[StageId(k)] = truth.p_win[k];
    for (int n = 0; n < 200'000; ++n) inputs.slippage.Add(Days(SlippageDays(rng)));
    for (int k = 0; k < kStages; ++k) {
      std::exponential_distribution<double> days(1.0 / MeanDaysToClose(k));
      for (int n = 0; n < 50'000; ++n) inputs.time_to_close[StageId(k)].Add(Days(days(rng)));
    }
    return inputs;
  }
};

// One period's open deals at its start and what they actually won inside it.
struct PeriodBook {
  Period period;
  std::vector<OpenDeal> deals;
  double actual_minor = 0;
};

// Configured probabilities that are wrong: far too optimistic early, as a badly tuned pipeline.
constexpr std::array<int, kStages> kConfiguredPercent = {50, 60, 75, 85, 95};

PeriodBook SimulatePeriod(int index, int deals, const Chain& chain) {
  std::mt19937_64 rng(index);
  PeriodBook book;
  const absl::Time start = absl::FromUnixSeconds(1'600'000'000) + Days(91 * index);
  book.period = {start, start + Days(91)};
  std::uniform_int_distribution<int> stage_of(0, kStages - 1);
  std::uniform_real_distribution<double> log_amount(std::log(1e3), std::log(1e5));
  std::uniform_real_distribution<double> expected_offset(-20, 150);
  std::bernoulli_distribution dated(0.7);
  for (int n = 0; n < deals; ++n) {
    OpenDeal deal;
    const int stage = stage_of(rng);
    deal.stage_id = StageId(stage);
    deal.amount_minor = static_cast<int64_t>(std::exp(log_amount(rng))) * 100;
    deal.currency = "EUR";
    deal.configured_probability_percent = kConfiguredPercent[stage];
    deal.owner_id = absl::StrCat("rep-", n % 7);
    absl::Time close;
    if (dated(rng)) {
      deal.expected_close = start + Days(expected_offset(rng));
      // Still open at the start, so the slippage drawn is one that lands after it.
      do {
        close = *deal.expected_close + Days(World::SlippageDays(rng));
      } while (close < start);
    } else {
      close = start + Days(std::exponential_distribution<double>(1.0 / World::MeanDaysToClose(stage))(rng));
    }
    const bool won = chain.Walk(stage, rng, nullptr);
    if (won && close >= book.period.start && close < book.period.end) book.actual_minor += deal.amount_minor;
    book.deals.push_back(std::move(deal));
  }
  return book;
}

struct Coverage {
  int periods = 0;
  int held = 0;
  int below_p10 = 0;
  int above_p90 = 0;
};

Coverage MonteCarloCoverage(int periods, int deals, int runs, const LearnedInputs& inputs, const Chain& chain) {
  Coverage coverage;
  for (int index = 0; index < periods; ++index) {
    const PeriodBook book = SimulatePeriod(index, deals, chain);
    auto forecast = MonteCarlo(book.deals, book.period, book.period.start, inputs, GroupBy::kTotal,
                               {.runs = runs, .seed = 1000 + static_cast<uint64_t>(index)});
    EXPECT_TRUE(forecast.ok());
    const Quantiles& q = *(*forecast)[0].quantiles;
    ++coverage.periods;
    coverage.held += q.p10 <= book.actual_minor && book.actual_minor <= q.p90 ? 1 : 0;
    coverage.below_p10 += book.actual_minor < q.p10 ? 1 : 0;
    coverage.above_p90 += book.actual_minor > q.p90 ? 1 : 0;
  }
  return coverage;
}

TEST(SelfCheckTest, MonteCarloP10ToP90HoldsTheActualWhenInputsAreTheTruth) {
  std::mt19937_64 rng(77);
  const LearnedInputs truth = World().TruthAsInputs(rng);
  const Chain chain;
  // Seeds 0..49, fixed before the first run. A calibrated P10..P90 holds the actual with probability
  // 0.8, so the count over 50 periods is Binomial(50, 0.8): 40 ± 2.8, and "at least 40" is a coin flip
  // even for a perfect method (these seeds give 39). The bound asserted is the one a calibrated method
  // meets but for a 1-in-30 draw; calibration itself is checked two-sided on 400 periods below.
  const Coverage fifty = MonteCarloCoverage(50, 300, 2000, truth, chain);
  std::cout << "P10-P90 held the actual in " << fifty.held << " of 50 periods (" << fifty.below_p10 << " below P10, "
            << fifty.above_p90 << " above P90)\n";
  EXPECT_GE(fifty.held, 35);

  // Coverage 80% ± 2.5 sd, each tail 10% ± 3 sd: too narrow and too wide intervals both fail.
  const Coverage many = MonteCarloCoverage(400, 300, 1000, truth, chain);
  std::cout << "P10-P90 held the actual in " << many.held << " of 400 periods (" << many.below_p10 << " below P10, "
            << many.above_p90 << " above P90)\n";
  EXPECT_NEAR(many.held / 400.0, 0.80, 0.05);
  EXPECT_NEAR(many.below_p10 / 400.0, 0.10, 0.045);
  EXPECT_NEAR(many.above_p90 / 400.0, 0.10, 0.045);
}

TEST(SelfCheckTest, LearnedMethodsBeatWrongConfiguredProbabilitiesInABacktest) {
  const Chain chain;
  std::mt19937_64 rng(5);
  // Learn from 20,000 earlier deals rather than being handed the truth.
  TransitionCounts counts;
  std::uniform_int_distribution<int> stage_of(0, kStages - 1);
  for (int deal = 0; deal < 20'000; ++deal) chain.Walk(stage_of(rng), rng, &counts);
  LearnedInputs learned = World().TruthAsInputs(rng);
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(counts);
  ASSERT_TRUE(odds.ok());
  for (const StageOdds& stage : *odds) learned.win_probability[stage.stage_id] = *stage.p_win;

  std::vector<PeriodOutcome> stage_weighted, historical, monte_carlo;
  for (int index = 0; index < 40; ++index) {
    const PeriodBook book = SimulatePeriod(500 + index, 300, chain);
    const Period& p = book.period;
    PeriodOutcome outcome;
    outcome.actual_minor = book.actual_minor;
    outcome.forecast_minor = StageWeighted(book.deals, p, GroupBy::kTotal)[0].expected_minor;
    stage_weighted.push_back(outcome);
    outcome.forecast_minor = Historical(book.deals, p, p.start, learned, GroupBy::kTotal)[0].expected_minor;
    historical.push_back(outcome);
    auto mc = MonteCarlo(book.deals, p, p.start, learned, GroupBy::kTotal, {.runs = 2000, .seed = 7});
    ASSERT_TRUE(mc.ok());
    outcome.forecast_minor = (*mc)[0].expected_minor;
    outcome.p10_minor = (*mc)[0].quantiles->p10;
    outcome.p90_minor = (*mc)[0].quantiles->p90;
    monte_carlo.push_back(outcome);
  }
  const BacktestSummary sw = Summarise(stage_weighted);
  const BacktestSummary hist = Summarise(historical);
  const BacktestSummary mc = Summarise(monte_carlo);
  std::cout << "MAPE stage-weighted " << *sw.mape << " (bias " << *sw.relative_bias << "), historical " << *hist.mape
            << " (bias " << *hist.relative_bias << "), monte carlo " << *mc.mape << ", coverage "
            << *mc.interval_coverage << "\n";
  EXPECT_LT(*hist.mape, *sw.mape);
  EXPECT_LT(*mc.mape, *sw.mape);
  EXPECT_GT(*sw.relative_bias, 0.2);  // the optimistic configuration shows as over-forecasting
  EXPECT_LT(std::abs(*hist.relative_bias), 0.1);
}

}  // namespace
}  // namespace sfa::analytics::stats

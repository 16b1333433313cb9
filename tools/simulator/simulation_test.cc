#include "tools/simulator/simulation.h"

#include <cmath>
#include <vector>

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"
#include "tools/simulator/chain.h"

namespace sfa::tools::simulator {
namespace {

Simulation Make(uint64_t seed, int64_t deals, ModelConfig model = DefaultModel()) {
  SimulationOptions options;
  options.seed = seed;
  options.deals = deals;
  absl::StatusOr<Simulation> sim = Simulation::Create(std::move(model), options);
  EXPECT_TRUE(sim.ok()) << sim.status();
  return *std::move(sim);
}

TEST(SimulationTest, SameSeedSameHistories) {
  const Simulation a = Make(42, 500);
  const Simulation b = Make(42, 500);
  for (int64_t i = 0; i < 500; ++i) {
    ASSERT_EQ(a.CreatedAt(i), b.CreatedAt(i));
    ASSERT_EQ(a.Deal(i), b.Deal(i)) << "deal " << i;
  }
  // Any order, any thread: deal i depends on nothing but i.
  const DealHistory later = a.Deal(400);
  a.Deal(3);
  EXPECT_EQ(a.Deal(400), later);
}

TEST(SimulationTest, OtherSeedOtherHistories) {
  const Simulation a = Make(42, 500);
  const Simulation b = Make(43, 500);
  int same = 0;
  for (int64_t i = 0; i < 500; ++i) same += a.Deal(i) == b.Deal(i);
  EXPECT_EQ(same, 0);
  EXPECT_NE(a.CreatedAt(0), b.CreatedAt(0));
}

// A change to the model, the samplers or the seeding changes this deal: keep it deliberate.
TEST(SimulationTest, Seed1Deal0IsPinned) {
  const Simulation sim = Make(1, 1000);
  const DealHistory deal = sim.Deal(0);
  EXPECT_EQ(sim.CreatedAt(0), 1672673225);  // 2023-01-02T15:27:05Z
  EXPECT_EQ(deal.steps.size(), 8u);
  EXPECT_EQ(deal.closed_at, 1677851634);
  EXPECT_EQ(deal.FinalAmountCents(), 877300);
  EXPECT_FALSE(deal.won);
}

TEST(SimulationTest, HistoriesAreWellFormed) {
  const Simulation sim = Make(5, 2000);
  const ModelConfig& model = sim.model();
  for (int64_t i = 0; i < sim.deals(); ++i) {
    const DealHistory deal = sim.Deal(i);
    ASSERT_GE(deal.created_at, sim.start());
    ASSERT_LT(deal.created_at, sim.horizon());
    if (i > 0) {
      ASSERT_LE(sim.CreatedAt(i - 1), deal.created_at);
    }
    ASSERT_GE(deal.steps.size(), 2u);
    ASSERT_EQ(deal.steps.front().kind, StepKind::kCreate);
    ASSERT_EQ(deal.steps.front().at, deal.created_at);
    ASSERT_GT(model.initial[deal.steps.front().stage], 0);
    const Step& close = deal.steps.back();
    ASSERT_EQ(close.kind, deal.won ? StepKind::kWon : StepKind::kLost);
    ASSERT_EQ(close.at, deal.closed_at);
    if (deal.won) {
      ASSERT_GT(model.chain.to_won[close.stage], 0) << "won from a stage that never wins";
    }
    for (size_t k = 1; k < deal.steps.size(); ++k) {
      const Step& prev = deal.steps[k - 1];
      const Step& step = deal.steps[k];
      ASSERT_LE(prev.at, step.at);
      ASSERT_NE(step.kind, StepKind::kCreate);
      if (step.kind == StepKind::kMove) {
        ASSERT_NE(step.stage, prev.stage);
        ASSERT_GT(model.chain.to_open[prev.stage][step.stage], 0);
      } else {
        ASSERT_EQ(step.stage, prev.stage);
      }
      if (step.kind == StepKind::kCloseDate) {
        ASSERT_GT(step.expected_close, step.at);
      }
      if (step.kind != StepKind::kAmount) {
        ASSERT_EQ(step.amount_cents, prev.amount_cents);
      }
      // Every step changes something (a no-op command would not be replayable by request id).
      if (step.kind == StepKind::kAmount) {
        ASSERT_NE(step.amount_cents, prev.amount_cents);
      }
      if (step.kind == StepKind::kCloseDate) {
        ASSERT_NE(step.expected_close, prev.expected_close);
      }
      ASSERT_GE(step.amount_cents, 50'000) << "at least min_usd 500";
      ASSERT_EQ(step.amount_cents % 100, 0) << "whole dollars";
      ASSERT_EQ(step.expected_close % kSecondsPerDay, 0) << "midnight UTC";
    }
  }
}

// The heart of the truth: how often deals that reached a stage were won, against the analytic
// P(win | stage) of the chain they were drawn from (first visits: one independent draw per deal).
TEST(SimulationTest, EmpiricalWinsFromEachStageMatchTheChain) {
  const Simulation sim = Make(2024, 50'000);
  const ModelConfig& model = sim.model();
  absl::StatusOr<ChainSolution> truth = SolveChain(model.chain);
  ASSERT_TRUE(truth.ok());
  const size_t n = model.stages.size();
  std::vector<int64_t> reached(n, 0), won(n, 0);
  for (int64_t i = 0; i < sim.deals(); ++i) {
    const DealHistory deal = sim.Deal(i);
    std::vector<bool> seen(n, false);
    for (const Step& step : deal.steps) seen[step.stage] = true;
    for (size_t s = 0; s < n; ++s) {
      reached[s] += seen[s];
      won[s] += seen[s] && deal.won;
    }
  }
  for (size_t s = 0; s < n; ++s) {
    ASSERT_GT(reached[s], 2000) << model.stages[s].stage_id;
    EXPECT_NEAR(static_cast<double>(won[s]) / reached[s], truth->p_win[s], 0.01) << model.stages[s].stage_id;
  }
}

TEST(SimulationTest, ArrivalsAreUniformOverTheRange) {
  const Simulation sim = Make(3, 36'000);
  std::vector<int> per_month(36, 0);
  for (int64_t i = 0; i < sim.deals(); ++i) {
    const absl::CivilMonth month(absl::ToCivilMonth(absl::FromUnixSeconds(sim.CreatedAt(i)), absl::UTCTimeZone()));
    ++per_month[(month.year() - 2023) * 12 + month.month() - 1];
  }
  for (int m = 0; m < 36; ++m) {
    const absl::CivilMonth month = absl::CivilMonth(2023, 1) + m;
    const double days = static_cast<double>(absl::CivilDay(month + 1) - absl::CivilDay(month));
    const double expected = 36'000 * days / 1096;
    EXPECT_NEAR(per_month[m], expected, 6 * std::sqrt(expected)) << "month " << m;
  }
}

// Won deals close shift + LogNormal(median, sigma) days after their first expected date (plus the
// [0, 1) day the date loses to midnight). The slippage is drawn independently of the cycle, so wins with a
// long cycle (whose first date is never clamped to the day after creation) show it undistorted.
TEST(SimulationTest, WinsSlipAsModelled) {
  const Simulation sim = Make(17, 100'000);
  const SlippageModel& s = sim.model().slippage;
  std::vector<double> slippage;
  int64_t wins = 0, clamped = 0;
  for (int64_t i = 0; i < sim.deals(); ++i) {
    const DealHistory deal = sim.Deal(i);
    if (!deal.won) continue;
    ++wins;
    clamped += deal.expected_close_clamped;
    if (deal.closed_at - deal.created_at < 100 * kSecondsPerDay) continue;
    slippage.push_back(static_cast<double>(deal.closed_at - deal.first_expected_close) / kSecondsPerDay);
  }
  ASSERT_GT(slippage.size(), 3000u);
  EXPECT_LT(clamped, wins / 20) << "the model holds for almost every win";
  double sum = 0;
  int early = 0;
  for (double x : slippage) {
    sum += x;
    early += x < 0;
  }
  const double model_mean = s.shift_days + s.median_days * std::exp(s.sigma * s.sigma / 2) + 0.5;
  EXPECT_NEAR(sum / slippage.size(), model_mean, 1.0);
  std::nth_element(slippage.begin(), slippage.begin() + slippage.size() / 2, slippage.end());
  EXPECT_NEAR(slippage[slippage.size() / 2], s.shift_days + s.median_days + 0.5, 1.0);
  // P(slippage < 0) = Phi(log(10 / 15) / 0.8) = 0.306 (a little less: the half day of rounding).
  EXPECT_NEAR(static_cast<double>(early) / slippage.size(), 0.30, 0.03);
}

TEST(SimulationTest, RefusesBadOptions) {
  SimulationOptions options;
  options.deals = 0;
  EXPECT_FALSE(Simulation::Create(DefaultModel(), options).ok());
  options.deals = 10;
  options.to = options.from - 1;
  EXPECT_FALSE(Simulation::Create(DefaultModel(), options).ok());
  ModelConfig bad = DefaultModel();
  bad.chain.to_lost[0] += 0.1;
  EXPECT_EQ(ValidateModel(bad).code(), absl::StatusCode::kInvalidArgument);
  bad = DefaultModel();
  bad.chain.to_open[1][1] = 0.05;
  bad.chain.to_lost[1] -= 0.05;
  EXPECT_EQ(ValidateModel(bad).code(), absl::StatusCode::kInvalidArgument) << "self-loop";
}

TEST(SimulationTest, ConfiguredProbabilities) {
  const ModelConfig truthful = DefaultModel(ConfiguredProbabilities::kTrue);
  absl::StatusOr<ChainSolution> truth = SolveChain(truthful.chain);
  ASSERT_TRUE(truth.ok());
  const ModelConfig skewed = DefaultModel(ConfiguredProbabilities::kSkewed);
  for (size_t i = 0; i < truthful.stages.size(); ++i) {
    EXPECT_NEAR(truthful.stages[i].configured_percent, 100 * truth->p_win[i], 0.5);
    EXPECT_EQ(skewed.stages[i].configured_percent, SkewedPercents()[i]);
    EXPECT_GT(skewed.stages[i].configured_percent - 100 * truth->p_win[i], 10) << "skewed is far off";
  }
  EXPECT_EQ(skewed.chain.to_won, truthful.chain.to_won) << "only the configuration differs";
}

}  // namespace
}  // namespace sfa::tools::simulator

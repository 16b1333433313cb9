#include "tools/simulator/truth.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <map>

#include "gtest/gtest.h"
#include "tools/simulator/chain.h"

namespace sfa::tools::simulator {
namespace {

Simulation Make(uint64_t seed, int64_t deals, ConfiguredProbabilities configured = ConfiguredProbabilities::kTrue) {
  SimulationOptions options;
  options.seed = seed;
  options.deals = deals;
  absl::StatusOr<Simulation> sim = Simulation::Create(DefaultModel(configured), options);
  EXPECT_TRUE(sim.ok()) << sim.status();
  return *std::move(sim);
}

TEST(TruthTest, OddsAreTheChainsAndCountsAddUp) {
  const Simulation sim = Make(4, 3000);
  absl::StatusOr<TruthReport> truth = ComputeTruth(sim);
  ASSERT_TRUE(truth.ok()) << truth.status();
  absl::StatusOr<ChainSolution> chain = SolveChain(sim.model().chain);
  ASSERT_EQ(truth->stages.size(), chain->p_win.size());
  for (size_t i = 0; i < truth->stages.size(); ++i) {
    EXPECT_DOUBLE_EQ(truth->stages[i].p_win, chain->p_win[i]);
    EXPECT_NEAR(truth->stages[i].p_win_observed, chain->p_win[i], 0.08);
    EXPECT_GE(truth->stages[i].p80_days, truth->stages[i].median_days);
  }
  EXPECT_EQ(truth->won + truth->lost, 3000);
  EXPECT_EQ(truth->won_before_horizon + truth->lost_before_horizon + truth->open_at_horizon, 3000);
  EXPECT_EQ(truth->steps_by_kind[static_cast<int>(StepKind::kCreate)], 3000);
  EXPECT_EQ(truth->steps_by_kind[static_cast<int>(StepKind::kWon)], truth->won_before_horizon);
}

// The actuals the backtests are compared with, recomputed here the plain way.
TEST(TruthTest, PeriodActualsAreExact) {
  const Simulation sim = Make(5, 3000, ConfiguredProbabilities::kSkewed);
  absl::StatusOr<TruthReport> truth = ComputeTruth(sim);
  ASSERT_TRUE(truth.ok());
  std::map<int64_t, int64_t> won_by_quarter_start;
  std::map<int64_t, double> weighted_by_quarter_start;
  for (int64_t i = 0; i < sim.deals(); ++i) {
    const DealHistory deal = sim.Deal(i);
    for (const PeriodTruth& q : truth->quarters) {
      if (deal.won && deal.closed_at >= q.start && deal.closed_at < q.end) {
        won_by_quarter_start[q.start] += deal.FinalAmountCents();
      }
      if (deal.created_at >= q.start || deal.closed_at < q.start) continue;
      const Step* known = nullptr;
      for (const Step& step : deal.steps) {
        if (step.at < q.start) known = &step;
      }
      if (known->expected_close >= q.start && known->expected_close < q.end) {
        weighted_by_quarter_start[q.start] +=
            known->amount_cents * sim.model().stages[known->stage].configured_percent / 100.0;
      }
    }
  }
  int64_t observed_won = 0;
  for (const PeriodTruth& q : truth->quarters) {
    EXPECT_EQ(q.won_cents, won_by_quarter_start[q.start]);
    EXPECT_NEAR(q.stage_weighted_configured_cents, weighted_by_quarter_start[q.start], 1.0);
    EXPECT_EQ(q.observed, q.end <= sim.horizon());
    if (q.observed) observed_won += q.won;
  }
  EXPECT_EQ(observed_won, truth->won_before_horizon);
  EXPECT_EQ(truth->quarters.front().start, sim.start());
  EXPECT_EQ(truth->months.size(), 48u) << "36 months of data and 12 beyond the horizon";
}

TEST(TruthTest, JsonIsAValidDocument) {
  const Simulation sim = Make(6, 500);
  absl::StatusOr<TruthReport> truth = ComputeTruth(sim);
  ASSERT_TRUE(truth.ok());
  google::protobuf::Struct doc;
  const auto parsed = google::protobuf::util::JsonStringToMessage(TruthJson(*truth), &doc);
  ASSERT_TRUE(parsed.ok()) << parsed.ToString() << TruthJson(*truth).substr(0, 400);
  EXPECT_EQ(doc.fields().at("deals").number_value(), 500);
  EXPECT_EQ(doc.fields().at("horizon").string_value(), "2026-01-01T00:00:00Z");
  const auto& stages = doc.fields().at("stages").list_value();
  ASSERT_EQ(stages.values_size(), 5);
  EXPECT_EQ(stages.values(0).struct_value().fields().at("stage_id").string_value(), "prospect");
  EXPECT_NEAR(stages.values(4).struct_value().fields().at("p_win").number_value(), truth->stages[4].p_win, 1e-9);
  EXPECT_EQ(doc.fields().at("quarters").list_value().values_size(), 16);
}

}  // namespace
}  // namespace sfa::tools::simulator

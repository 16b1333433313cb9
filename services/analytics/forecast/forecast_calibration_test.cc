// How well calibrated the MONTE_CARLO interval and the HISTORICAL mean are, over many more periods than
// the acceptance test can afford: several simulations (seeds), every month after six months of history
// backtested with the read models alone (test_store.h, no server). Label `soak` (minutes; not in the fast
// set). Prints per seed and pooled figures; asserts the pooled P10-P90 coverage >= 80 % and the pooled
// HISTORICAL total within 5 % of what was won.
//
// Defaults: seeds 1-4, 20,000 deals each over 2016-2025 (456 periods in all). Override with
// FC_SEEDS=<n> (seeds 1..n), FC_DEALS, FC_YEARS (ending 2025), FC_PERIOD=month|quarter.

#include <cstdlib>
#include <iostream>

#include "absl/time/civil_time.h"
#include "analytics/forecast/forecast.h"
#include "analytics/forecast/snapshot.h"
#include "analytics/forecast/test_store.h"
#include "eventstore/test_util.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "tools/simulator/event_sink.h"
#include "tools/simulator/model.h"
#include "tools/simulator/simulation.h"
#include "tools/simulator/truth.h"

namespace sfa::analytics::forecast {
namespace {

namespace sim = ::sfa::tools::simulator;
using google::protobuf::util::TimeUtil;

int64_t EnvInt(const char* name, int64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::atoll(v);
}

struct Tally {
  int periods = 0, covered = 0, below = 0, above = 0;
  double forecast[4] = {0, 0, 0, 0};  // by method
  double ape[4] = {0, 0, 0, 0};
  int with_actual = 0;
  double actual = 0;
};

TEST(ForecastCalibrationTest, IntervalsHoldTheActualInEightyPercentOfPeriods) {
  const int seeds = static_cast<int>(EnvInt("FC_SEEDS", 4));
  const int years = static_cast<int>(EnvInt("FC_YEARS", 10));
  const bool quarters = std::getenv("FC_PERIOD") != nullptr && std::string(std::getenv("FC_PERIOD")) == "quarter";
  Tally all;
  for (int seed = 1; seed <= seeds; ++seed) {
    sim::SimulationOptions options;
    options.seed = seed;
    options.deals = EnvInt("FC_DEALS", 20'000);
    options.from = absl::CivilDay(2026 - years, 1, 1);
    options.to = absl::CivilDay(2025, 12, 31);
    absl::StatusOr<sim::Simulation> simulation =
        sim::Simulation::Create(sim::DefaultModel(sim::ConfiguredProbabilities::kSkewed), options);
    ASSERT_TRUE(simulation.ok()) << simulation.status();
    absl::StatusOr<sim::TruthReport> truth = sim::ComputeTruth(*simulation);
    ASSERT_TRUE(truth.ok()) << truth.status();
    eventstore::testing::TempDir dir("forecast-calibration");
    absl::StatusOr<std::unique_ptr<testing::TestStore>> store = testing::TestStore::Open(dir.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    sim::EventSinkOptions sink;
    sink.tenant = "acme";
    ASSERT_TRUE(sim::EmitEvents(*simulation, sink, [&](const sfa::common::v1::EventEnvelope& e) {
                  return (*store)->Add(e);
                }).ok());
    ASSERT_TRUE((*store)->Flush().ok());

    std::vector<const sim::PeriodTruth*> periods;
    const auto& source = quarters ? truth->quarters : truth->months;
    for (size_t i = quarters ? 2 : 6; i < source.size() && source[i].observed; ++i) periods.push_back(&source[i]);
    Tally t;
    if (std::getenv("FC_DIAG") != nullptr) {  // the run-rate's expectation against the new deals' wins
      double run_rate = 0, open = 0, open_won = 0, new_won = 0;
      for (const sim::PeriodTruth* p : periods) {
        SnapshotSpec spec;
        spec.period = {absl::FromUnixSeconds(p->start), absl::FromUnixSeconds(p->end)};
        spec.as_of = spec.period.start;
        spec.learned = true;
        absl::StatusOr<Snapshot> snap = ReadSnapshot((*store)->store(), "acme", {sim::kPipelineId}, spec);
        ASSERT_TRUE(snap.ok()) << snap.status();
        std::vector<stats::OpenDeal> rr, rest;
        for (const stats::OpenDeal& d : snap->by_first_expected_close)
          (d.stage_id[0] == '\x01' ? rr : rest).push_back(d);
        for (auto* part : {&rr, &rest}) {
          auto lines = stats::Historical(*part, spec.period, spec.as_of, snap->learned, stats::GroupBy::kTotal);
          (part == &rr ? run_rate : open) += lines.empty() ? 0 : lines[0].expected_minor;
        }
        open_won += static_cast<double>(p->won_open_at_start_cents);
        new_won += static_cast<double>(p->won_cents - p->won_open_at_start_cents);
      }
      std::cout << "run-rate " << run_rate / new_won << " of new deals' wins; open deals " << open / open_won
                << " of their wins\n";
    }
    double won = 0, won_by_new = 0;  // new: deals created inside the period
    for (const sim::PeriodTruth* p : periods) {
      won += static_cast<double>(p->won_cents);
      won_by_new += static_cast<double>(p->won_cents - p->won_open_at_start_cents);
    }
    for (v1::ForecastMethod method :
         {v1::FORECAST_METHOD_STAGE_WEIGHTED, v1::FORECAST_METHOD_HISTORICAL, v1::FORECAST_METHOD_MONTE_CARLO}) {
      for (size_t from = 0; from < periods.size(); from += kMaxBacktestPeriods) {
        v1::BacktestForecastRequest request;
        request.set_method(method);
        request.set_pipeline_id(sim::kPipelineId);
        request.set_currency("USD");
        request.set_seed(100 + seed);
        for (size_t i = from; i < periods.size() && i < from + kMaxBacktestPeriods; ++i) {
          v1::Period* p = request.add_periods();
          *p->mutable_start() = TimeUtil::SecondsToTimestamp(periods[i]->start);
          *p->mutable_end() = TimeUtil::SecondsToTimestamp(periods[i]->end);
        }
        absl::StatusOr<v1::BacktestForecastResponse> r =
            Backtest((*store)->store(), "acme", request, absl::FromUnixSeconds(simulation->horizon()));
        ASSERT_TRUE(r.ok()) << r.status();
        for (const v1::BacktestPeriod& p : r->periods()) {
          t.forecast[method] += static_cast<double>(p.forecast().minor_units());
          if (p.has_error()) t.ape[method] += std::abs(p.error());
          if (method != v1::FORECAST_METHOD_MONTE_CARLO) continue;
          ++t.periods;
          t.actual += static_cast<double>(p.actual().minor_units());
          t.with_actual += p.has_error() ? 1 : 0;
          const int64_t a = p.actual().minor_units();
          if (a < p.p10().minor_units()) {
            ++t.below;
          } else if (a > p.p90().minor_units()) {
            ++t.above;
          } else {
            ++t.covered;
          }
        }
      }
    }
    std::cout << "seed " << seed << ": " << t.periods << " periods; MAPE weighted " << t.ape[1] / t.with_actual
              << " historical " << t.ape[2] / t.with_actual << " monte carlo " << t.ape[3] / t.with_actual
              << "; forecast/actual weighted " << t.forecast[1] / t.actual << " historical " << t.forecast[2] / t.actual
              << "; P10-P90 held " << t.covered << " (below " << t.below << ", above " << t.above
              << "); won by deals created in the period " << 100 * won_by_new / won << " %\n";
    all.periods += t.periods;
    all.covered += t.covered;
    all.below += t.below;
    all.above += t.above;
    all.actual += t.actual;
    all.with_actual += t.with_actual;
    for (int m = 1; m <= 3; ++m) {
      all.forecast[m] += t.forecast[m];
      all.ape[m] += t.ape[m];
    }
  }
  std::cout << "all: " << all.periods << " periods; P10-P90 held " << all.covered << " ("
            << 100.0 * all.covered / all.periods << " %; below " << all.below << ", above " << all.above
            << "); historical / actual " << all.forecast[2] / all.actual << "; MAPE weighted "
            << all.ape[1] / all.with_actual << " historical " << all.ape[2] / all.with_actual << "\n";
  EXPECT_GE(all.covered * 5, all.periods * 4);
  EXPECT_NEAR(all.forecast[2] / all.actual, 1.0, 0.05);
}

}  // namespace
}  // namespace sfa::analytics::forecast

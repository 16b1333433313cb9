// The forecast on simulated history, through the analytics service's gRPC API (testing/harness.h: every
// read model, events through the same de-duplicating apply Kafka uses).
//
// 20,000 deals created over ten years (2016-2025) by tools/simulator with the SKEWED configured
// probabilities (30/45/60/75/90 % where the chain's truth is 12/19/31/52/75 %). Ten years rather than
// three give 114 monthly backtest periods (after six months of history), enough for "P10-P90 holds the
// actual in >= 80 % of periods" to say something: a calibrated 80 % interval over 30 periods meets it only
// ~60 % of the time. The seed is the simulator's default (1), fixed before any run.
//
// Checked: every period's actual equals the simulator's truth (won_cents) and every STAGE_WEIGHTED
// forecast its stage_weighted_configured_cents (the as-of state of every deal at every period start is
// exact); HISTORICAL and MONTE_CARLO beat STAGE_WEIGHTED on MAPE; HISTORICAL's total is within 5 % of the
// total actually won; MONTE_CARLO's P10-P90 held the actual in at least 80 % of the periods.

#include <grpcpp/grpcpp.h>

#include <iostream>
#include <memory>

#include "absl/time/civil_time.h"
#include "analytics/forecast/forecast.h"
#include "analytics/testing/harness.h"
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

constexpr int kWarmUpMonths = 6;

class ForecastAcceptanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::Harness>> harness = testing::Harness::Start(dir_.Sub("data"));
    ASSERT_TRUE(harness.ok()) << harness.status();
    harness_ = *std::move(harness);
  }

  eventstore::testing::TempDir dir_{"forecast-acceptance"};
  std::unique_ptr<testing::Harness> harness_;
};

// One method's backtest over `months` (at most kMaxBacktestPeriods per request).
std::vector<v1::BacktestPeriod> Backtest(testing::Harness& h, v1::ForecastMethod method,
                                         const std::vector<sim::PeriodTruth>& months) {
  std::vector<v1::BacktestPeriod> out;
  for (size_t from = 0; from < months.size(); from += kMaxBacktestPeriods) {
    v1::BacktestForecastRequest request;
    request.set_method(method);
    request.set_pipeline_id(sim::kPipelineId);
    request.set_currency(sim::kCurrency);
    request.set_runs(2000);
    request.set_seed(11);
    for (size_t m = from; m < months.size() && m < from + kMaxBacktestPeriods; ++m) {
      v1::Period* p = request.add_periods();
      *p->mutable_start() = TimeUtil::SecondsToTimestamp(months[m].start);
      *p->mutable_end() = TimeUtil::SecondsToTimestamp(months[m].end);
    }
    v1::BacktestForecastResponse response;
    grpc::Status status = h.stub().BacktestForecast(testing::Harness::Context("acme").get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    out.insert(out.end(), response.periods().begin(), response.periods().end());
  }
  return out;
}

struct Scores {
  double mape = 0;
  double forecast_over_actual = 0;
  int covered = 0, below = 0, above = 0;
};

Scores Score(const std::vector<v1::BacktestPeriod>& periods) {
  Scores s;
  double ape = 0, forecast = 0, actual = 0;
  int with_actual = 0;
  for (const v1::BacktestPeriod& p : periods) {
    forecast += static_cast<double>(p.forecast().minor_units());
    actual += static_cast<double>(p.actual().minor_units());
    if (p.has_error()) {
      ape += std::abs(p.error());
      ++with_actual;
    }
    if (!p.has_p10()) continue;
    if (p.actual().minor_units() < p.p10().minor_units()) {
      ++s.below;
    } else if (p.actual().minor_units() > p.p90().minor_units()) {
      ++s.above;
    } else {
      ++s.covered;
    }
  }
  s.mape = ape / with_actual;
  s.forecast_over_actual = forecast / actual;
  return s;
}

TEST_F(ForecastAcceptanceTest, LearnedForecastsBeatWrongStageProbabilitiesAndTheirIntervalsHoldTheActual) {
  sim::SimulationOptions options;
  options.seed = 1;
  options.deals = 20'000;
  options.from = absl::CivilDay(2016, 1, 1);
  options.to = absl::CivilDay(2025, 12, 31);
  absl::StatusOr<sim::Simulation> simulation =
      sim::Simulation::Create(sim::DefaultModel(sim::ConfiguredProbabilities::kSkewed), options);
  ASSERT_TRUE(simulation.ok()) << simulation.status();
  absl::StatusOr<sim::TruthReport> truth = sim::ComputeTruth(*simulation);
  ASSERT_TRUE(truth.ok()) << truth.status();

  const absl::Time started = absl::Now();
  std::vector<sfa::common::v1::EventEnvelope> batch;
  sim::EventSinkOptions sink;
  sink.tenant = "acme";
  absl::StatusOr<sim::EventSinkStats> emitted =
      sim::EmitEvents(*simulation, sink, [&](const sfa::common::v1::EventEnvelope& e) -> absl::Status {
        batch.push_back(e);
        if (batch.size() < 20'000) return absl::OkStatus();
        absl::Status fed = harness_->Feed(batch, 1000);
        batch.clear();
        return fed;
      });
  ASSERT_TRUE(emitted.ok()) << emitted.status();
  ASSERT_TRUE(harness_->Feed(batch, 1000).ok());
  std::cout << "fed " << emitted->envelopes << " envelopes of " << emitted->deals << " deals in "
            << absl::Now() - started << "\n";

  std::vector<sim::PeriodTruth> months;
  for (size_t m = kWarmUpMonths; m < truth->months.size() && truth->months[m].observed; ++m) {
    months.push_back(truth->months[m]);
  }
  ASSERT_EQ(months.size(), 114u);

  const std::vector<v1::BacktestPeriod> weighted = Backtest(*harness_, v1::FORECAST_METHOD_STAGE_WEIGHTED, months);
  const std::vector<v1::BacktestPeriod> historical = Backtest(*harness_, v1::FORECAST_METHOD_HISTORICAL, months);
  const std::vector<v1::BacktestPeriod> monte_carlo = Backtest(*harness_, v1::FORECAST_METHOD_MONTE_CARLO, months);
  ASSERT_EQ(weighted.size(), months.size());
  ASSERT_EQ(historical.size(), months.size());
  ASSERT_EQ(monte_carlo.size(), months.size());
  for (size_t i = 0; i < months.size(); ++i) {
    SCOPED_TRACE(TimeUtil::ToString(weighted[i].period().start()));
    EXPECT_EQ(weighted[i].actual().minor_units(), months[i].won_cents);
    EXPECT_EQ(monte_carlo[i].actual().minor_units(), months[i].won_cents);
    EXPECT_NEAR(static_cast<double>(weighted[i].forecast().minor_units()), months[i].stage_weighted_configured_cents,
                1.0);
  }

  const Scores w = Score(weighted), h = Score(historical), mc = Score(monte_carlo);
  std::cout << "periods " << months.size() << "\n"
            << "STAGE_WEIGHTED MAPE " << w.mape << " forecast/actual " << w.forecast_over_actual << "\n"
            << "HISTORICAL     MAPE " << h.mape << " forecast/actual " << h.forecast_over_actual << "\n"
            << "MONTE_CARLO    MAPE " << mc.mape << " forecast/actual " << mc.forecast_over_actual << " P10-P90 held "
            << mc.covered << " (below P10 " << mc.below << ", above P90 " << mc.above << ")\n";
  EXPECT_LT(h.mape, w.mape);
  EXPECT_LT(mc.mape, w.mape);
  EXPECT_NEAR(h.forecast_over_actual, 1.0, 0.05);
  EXPECT_GE(mc.covered * 5, static_cast<int>(months.size()) * 4)
      << "P10-P90 held " << mc.covered << " of " << months.size();

  // Now (long after the data ends) nothing can still close in a past month: HISTORICAL and MONTE_CARLO
  // expect what was won in it; STAGE_WEIGHTED adds its share of the deals still open with a date in it.
  for (v1::ForecastMethod method :
       {v1::FORECAST_METHOD_STAGE_WEIGHTED, v1::FORECAST_METHOD_HISTORICAL, v1::FORECAST_METHOD_MONTE_CARLO}) {
    v1::GetForecastRequest request;
    *request.mutable_period()->mutable_start() = TimeUtil::SecondsToTimestamp(months.back().start);
    *request.mutable_period()->mutable_end() = TimeUtil::SecondsToTimestamp(months.back().end);
    request.set_method(method);
    v1::GetForecastResponse response;
    grpc::Status status = harness_->stub().GetForecast(testing::Harness::Context("acme").get(), request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.currency(), "USD");
    ASSERT_EQ(response.groups_size(), 1);
    EXPECT_EQ(response.groups(0).closed_won().minor_units(), months.back().won_cents);
    if (method == v1::FORECAST_METHOD_STAGE_WEIGHTED) {
      EXPECT_GT(response.groups(0).expected().minor_units(), months.back().won_cents);
    } else {
      EXPECT_EQ(response.groups(0).expected().minor_units(), months.back().won_cents);
    }
  }
}

TEST_F(ForecastAcceptanceTest, TheServiceAnswersBadRequestsWithTheirCodes) {
  v1::GetForecastRequest request;
  v1::GetForecastResponse response;
  grpc::Status status = harness_->stub().GetForecast(testing::Harness::Context("acme").get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("period"), std::string::npos) << status.error_message();

  *request.mutable_period()->mutable_start() = TimeUtil::SecondsToTimestamp(1'700'000'000);
  *request.mutable_period()->mutable_end() = TimeUtil::SecondsToTimestamp(1'702'000'000);
  request.set_method(v1::FORECAST_METHOD_HISTORICAL);
  request.set_pipeline_id("nope");
  status = harness_->stub().GetForecast(testing::Harness::Context("acme").get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();

  v1::BacktestForecastRequest backtest;
  backtest.set_method(v1::FORECAST_METHOD_MONTE_CARLO);
  *backtest.add_periods() = request.period();
  backtest.set_currency("dollars");
  v1::BacktestForecastResponse out;
  status = harness_->stub().BacktestForecast(testing::Harness::Context("acme").get(), backtest, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("currency"), std::string::npos) << status.error_message();
}

}  // namespace
}  // namespace sfa::analytics::forecast

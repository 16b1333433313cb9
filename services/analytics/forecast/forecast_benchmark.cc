// GetForecast (each method) and GetPipeline(as_of) over a large simulated book: p50 / p99 latency of the
// queries as the service runs them (forecast::Forecast, AnalyticsServiceImpl::Pipeline), without gRPC.
//
// The book: SFA_FORECAST_BENCH_DEALS simulated deals (default 1,000,000; tools/simulator, seed 1, skewed
// probabilities, created 2023-2025) applied to the read models these queries read (dims, stage_stats,
// pipeline_as_of, forecast) through the de-duplicating apply Kafka uses. Loading takes minutes; with
// SFA_FORECAST_BENCH_DIR=<dir> the store is written there once and reused by later runs (a marker file
// records what was loaded and how long it took).
//
//   SFA_FORECAST_BENCH_DIR=/tmp/fc-bench build-forecast/services/analytics/forecast/analytics_forecast_benchmark

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "analytics/analytics_service.h"
#include "analytics/forecast/forecast.h"
#include "analytics/forecast/test_store.h"
#include "eventstore/test_util.h"
#include "google/protobuf/util/time_util.h"
#include "tools/simulator/event_sink.h"
#include "tools/simulator/model.h"
#include "tools/simulator/simulation.h"

namespace sfa::analytics::forecast {
namespace {

namespace sim = ::sfa::tools::simulator;
using google::protobuf::util::TimeUtil;

constexpr char kTenant[] = "acme";

absl::Time Day(int y, int m, int d, int h = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, h, 0, 0), absl::UTCTimeZone());
}

class Book {
 public:
  static Book& Get() {
    static Book* book = new Book();
    return *book;
  }
  eventstore::EventStore& store() { return store_->store(); }
  AnalyticsServiceImpl& service() { return *service_; }

 private:
  Book() {
    const char* deals_env = std::getenv("SFA_FORECAST_BENCH_DEALS");
    const int64_t deals = deals_env != nullptr ? std::atoll(deals_env) : 1'000'000;
    const char* dir_env = std::getenv("SFA_FORECAST_BENCH_DIR");
    if (dir_env == nullptr) temp_ = std::make_unique<eventstore::testing::TempDir>("forecast-bench");
    const std::string dir = dir_env != nullptr ? std::string(dir_env) : temp_->path();
    std::filesystem::create_directories(dir);
    const std::string marker = dir + "/loaded";
    // Bump the layout tag when the read models change, so an old directory is reloaded.
    const std::string expected = absl::StrCat("deals=", deals, " seed=1 skewed 2023-01-01..2025-12-31 layout=2");
    std::string found;
    if (std::ifstream in(marker); in) std::getline(in, found);
    if (found != expected) std::filesystem::remove_all(dir + "/db");
    absl::StatusOr<std::unique_ptr<testing::TestStore>> store = testing::TestStore::Open(dir + "/db");
    if (!store.ok()) Die(store.status());
    store_ = *std::move(store);
    if (found != expected) {
      Load(deals, marker, expected);
    } else {
      std::string line;
      std::ifstream in(marker);
      std::getline(in, line);
      std::getline(in, line);
      std::cerr << "reusing " << dir << " (" << found << "; " << line << ")\n";
    }
    service_ = std::make_unique<AnalyticsServiceImpl>(&store_->store());
  }

  void Load(int64_t deals, const std::string& marker, const std::string& expected) {
    sim::SimulationOptions options;
    options.seed = 1;
    options.deals = deals;
    absl::StatusOr<sim::Simulation> simulation =
        sim::Simulation::Create(sim::DefaultModel(sim::ConfiguredProbabilities::kSkewed), options);
    if (!simulation.ok()) Die(simulation.status());
    const absl::Time start = absl::Now();
    sim::EventSinkOptions sink;
    sink.tenant = kTenant;
    int64_t next_report = 1'000'000;
    absl::StatusOr<sim::EventSinkStats> emitted =
        sim::EmitEvents(*simulation, sink, [&](const sfa::common::v1::EventEnvelope& e) -> absl::Status {
          if (static_cast<int64_t>(e.global_position()) >= next_report) {
            std::cerr << "  " << next_report << " envelopes after " << absl::Now() - start << "\n";
            next_report += 1'000'000;
          }
          return store_->Add(e, 2000);
        });
    if (!emitted.ok()) Die(emitted.status());
    if (absl::Status s = store_->Flush(); !s.ok()) Die(s);
    const std::string took = absl::StrCat("loaded ", emitted->envelopes, " envelopes (", emitted->deals, " deals) in ",
                                          absl::FormatDuration(absl::Now() - start));
    std::cerr << took << "\n";
    std::ofstream(marker) << expected << "\n" << took << "\n";
  }

  [[noreturn]] static void Die(const absl::Status& s) {
    std::cerr << "forecast benchmark setup failed: " << s << "\n";
    std::exit(1);
  }

  std::unique_ptr<eventstore::testing::TempDir> temp_;
  std::unique_ptr<testing::TestStore> store_;
  std::unique_ptr<AnalyticsServiceImpl> service_;
};

// Times each iteration and reports the p50 / p99 (ms) as counters.
template <typename Query>
void Measure(benchmark::State& state, Query query) {
  std::vector<double> ms;
  for (auto _ : state) {
    const absl::Time start = absl::Now();
    query(state);
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))]; };
  state.counters["p50_ms"] = at(0.50);
  state.counters["p99_ms"] = at(0.99);
}

// Next month's forecast, asked at the end of the data (2026-01-01, the horizon: every deal still open then
// is open), for the whole tenant or by owner.
void BM_GetForecast(benchmark::State& state) {
  Book& book = Book::Get();
  v1::GetForecastRequest request;
  *request.mutable_period()->mutable_start() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(Day(2026, 1, 1)));
  *request.mutable_period()->mutable_end() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(Day(2026, 2, 1)));
  request.set_method(static_cast<v1::ForecastMethod>(state.range(0)));
  request.set_group_by(static_cast<v1::GroupBy>(state.range(1)));
  request.set_pipeline_id(sim::kPipelineId);
  int64_t groups = 0;
  Measure(state, [&](benchmark::State& s) {
    absl::StatusOr<v1::GetForecastResponse> r = Forecast(book.store(), kTenant, request, Day(2026, 1, 1));
    if (!r.ok()) s.SkipWithError(r.status().ToString().c_str());
    groups = r.ok() ? r->groups_size() : 0;
    benchmark::DoNotOptimize(r);
  });
  state.SetLabel(absl::StrCat(v1::ForecastMethod_Name(request.method()), " ", v1::GroupBy_Name(request.group_by()),
                              ", ", groups, " groups"));
}
BENCHMARK(BM_GetForecast)
    ->ArgsProduct({{v1::FORECAST_METHOD_STAGE_WEIGHTED, v1::FORECAST_METHOD_HISTORICAL,
                    v1::FORECAST_METHOD_MONTE_CARLO},
                   {v1::GROUP_BY_UNSPECIFIED, v1::GROUP_BY_OWNER}})
    ->Iterations(50)
    ->Unit(benchmark::kMillisecond);

// A past month's forecast as it stood at the month's start (what one period of a backtest reads).
void BM_BacktestOnePeriod(benchmark::State& state) {
  Book& book = Book::Get();
  v1::BacktestForecastRequest request;
  request.set_method(static_cast<v1::ForecastMethod>(state.range(0)));
  request.set_pipeline_id(sim::kPipelineId);
  request.set_currency("USD");
  v1::Period* p = request.add_periods();
  *p->mutable_start() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(Day(2025, 6, 1)));
  *p->mutable_end() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(Day(2025, 7, 1)));
  Measure(state, [&](benchmark::State& s) {
    absl::StatusOr<v1::BacktestForecastResponse> r = Backtest(book.store(), kTenant, request, Day(2026, 1, 1));
    if (!r.ok()) s.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  });
  state.SetLabel(v1::ForecastMethod_Name(request.method()));
}
BENCHMARK(BM_BacktestOnePeriod)
    ->Arg(v1::FORECAST_METHOD_STAGE_WEIGHTED)
    ->Arg(v1::FORECAST_METHOD_HISTORICAL)
    ->Arg(v1::FORECAST_METHOD_MONTE_CARLO)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond);

// GetPipeline as of instants spread over the history (each inside a day: day sums + that day's events).
void BM_GetPipelineAsOf(benchmark::State& state) {
  Book& book = Book::Get();
  const std::vector<absl::Time> instants = {Day(2023, 3, 15, 12), Day(2024, 1, 10, 9), Day(2024, 8, 20, 17),
                                            Day(2025, 6, 1, 3), Day(2025, 12, 30, 23)};
  size_t i = 0;
  int64_t count = 0;
  Measure(state, [&](benchmark::State& s) {
    v1::GetPipelineRequest request;
    *request.mutable_as_of() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(instants[i++ % instants.size()]));
    if (state.range(0) != 0) request.set_pipeline_id(sim::kPipelineId);
    absl::StatusOr<v1::GetPipelineResponse> r = book.service().Pipeline(kTenant, request, absl::Now());
    if (!r.ok()) s.SkipWithError(r.status().ToString().c_str());
    count = r.ok() ? r->count() : 0;
    benchmark::DoNotOptimize(r);
  });
  state.SetLabel(absl::StrCat(state.range(0) != 0 ? "pipeline sim" : "all pipelines", ", last count ", count));
}
BENCHMARK(BM_GetPipelineAsOf)->Arg(0)->Arg(1)->Iterations(100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sfa::analytics::forecast

BENCHMARK_MAIN();

// The forecast methods at the sizes the analytics issue names — Monte Carlo 10,000 deals x 10,000 runs
// and 1,000,000 deals x 1,000 runs, Historical and the normal approximation over 1,000,000 deals — and
// the chain solve at 200 stages. Single-threaded; wall time per call.
//
//   cmake -S . -B build-stats -G Ninja && ninja -C build-stats analytics_stats_benchmark &&
//   build-stats/services/analytics/stats/analytics_stats_benchmark

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/stats/durations.h"
#include "analytics/stats/forecast.h"
#include "analytics/stats/markov.h"
#include "benchmark/benchmark.h"

namespace sfa::analytics::stats {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);
const Period kQuarter{kStart, kStart + absl::Hours(24 * 91)};

absl::Duration Days(double d) { return absl::Seconds(d * 86400); }

// n open deals over 8 stages and 1,000 owners (100 teams); 80% with an expected close in the next
// 200 days; learned probabilities, slippage N(5d, 15d) and per-stage time to close.
struct Book {
  std::vector<OpenDeal> deals;
  LearnedInputs learned;
};

const Book& BookOf(int n) {
  static auto* books = new std::vector<std::pair<int, Book>>();
  for (const auto& [size, book] : *books) {
    if (size == n) return book;
  }
  std::mt19937_64 rng(n);
  Book book;
  std::normal_distribution<double> slip(5, 15);
  for (int k = 0; k < 100'000; ++k) book.learned.slippage.Add(Days(slip(rng)));
  for (int s = 0; s < 8; ++s) {
    const std::string stage = absl::StrCat("stage-", s);
    book.learned.win_probability[stage] = 0.1 + 0.1 * s;
    std::exponential_distribution<double> days(1.0 / (20 * (8 - s)));
    for (int k = 0; k < 10'000; ++k) book.learned.time_to_close[stage].Add(Days(days(rng)));
  }
  std::uniform_int_distribution<int> stage(0, 7), owner(0, 999);
  std::uniform_real_distribution<double> close(-10, 200), log_amount(std::log(1e3), std::log(1e6));
  std::bernoulli_distribution dated(0.8);
  book.deals.reserve(n);
  for (int k = 0; k < n; ++k) {
    OpenDeal deal;
    deal.amount_minor = static_cast<int64_t>(std::exp(log_amount(rng))) * 100;
    deal.currency = "EUR";
    deal.stage_id = absl::StrCat("stage-", stage(rng));
    deal.configured_probability_percent = 50;
    if (dated(rng)) deal.expected_close = kStart + Days(close(rng));
    const int o = owner(rng);
    deal.owner_id = absl::StrCat("rep-", o);
    deal.team_id = absl::StrCat("team-", o / 10);
    book.deals.push_back(std::move(deal));
  }
  books->emplace_back(n, std::move(book));
  return books->back().second;
}

void BM_MonteCarlo(benchmark::State& state) {
  const Book& book = BookOf(static_cast<int>(state.range(0)));
  const int runs = static_cast<int>(state.range(1));
  const GroupBy group_by = state.range(2) == 0 ? GroupBy::kTotal : GroupBy::kOwner;
  for (auto _ : state) {
    auto lines = MonteCarlo(book.deals, kQuarter, kStart, book.learned, group_by, {.runs = runs, .seed = 1});
    benchmark::DoNotOptimize(lines);
  }
  state.counters["deal_runs_per_s"] =
      benchmark::Counter(static_cast<double>(state.range(0)) * runs, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MonteCarlo)
    ->ArgNames({"deals", "runs", "by_owner"})
    ->Args({10'000, 10'000, 0})
    ->Args({10'000, 10'000, 1})
    ->Args({1'000'000, 1'000, 0})
    ->Args({1'000'000, 1'000, 1})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

void BM_Historical(benchmark::State& state) {
  const Book& book = BookOf(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(Historical(book.deals, kQuarter, kStart, book.learned, GroupBy::kOwner));
  }
}
BENCHMARK(BM_Historical)->Arg(10'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_NormalApproximation(benchmark::State& state) {
  const Book& book = BookOf(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(NormalApproximation(book.deals, kQuarter, kStart, book.learned, GroupBy::kTotal));
  }
}
BENCHMARK(BM_NormalApproximation)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_StageWeighted(benchmark::State& state) {
  const Book& book = BookOf(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(StageWeighted(book.deals, kQuarter, GroupBy::kTotal));
}
BENCHMARK(BM_StageWeighted)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// A chain of n stages, each moving on, back, to a random other stage, or closing.
void BM_WinProbabilities(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> any(0, n - 1);
  TransitionCounts counts;
  auto id = [](int k) { return absl::StrCat("stage-", 1000 + k); };
  for (int k = 0; k < n; ++k) {
    if (k + 1 < n) counts.Add(id(k), id(k + 1), 60);
    if (k > 0) counts.Add(id(k), id(k - 1), 10);
    for (int j = 0; j < 5; ++j) counts.Add(id(k), id(any(rng)), 2);
    counts.AddOutcome(id(k), Outcome::kLost, 20);
    if (k + 1 == n) counts.AddOutcome(id(k), Outcome::kWon, 60);
  }
  for (auto _ : state) benchmark::DoNotOptimize(WinProbabilities(counts));
}
BENCHMARK(BM_WinProbabilities)->Arg(10)->Arg(200)->Unit(benchmark::kMicrosecond);

void BM_Percentile(benchmark::State& state) {
  DurationHistogram h;
  std::mt19937_64 rng(1);
  std::lognormal_distribution<double> days(std::log(10.0), 1.0);
  for (int k = 0; k < 100'000; ++k) h.Add(Days(days(rng)));
  for (auto _ : state) benchmark::DoNotOptimize(h.Percentile(0.8));
}
BENCHMARK(BM_Percentile)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sfa::analytics::stats

BENCHMARK_MAIN();

// Durable append throughput (fsync on) at 1, 16 and 64 concurrent writers, and ReadAll throughput.
// Runs in a directory on the real disk (SFA_BENCH_DIR, default the current directory), not tmpfs.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "eventstore/event_store.h"

namespace sfa::eventstore {
namespace {

std::string BenchDir(const std::string& name) {
  const char* base = std::getenv("SFA_BENCH_DIR");
  std::string dir = absl::StrCat(base ? base : ".", "/sfa-bench-", name, "-", getpid());
  std::filesystem::remove_all(dir);
  return dir;
}

std::unique_ptr<EventStore> OpenStore(const std::string& dir, bool sync, base::MetricsRegistry* metrics) {
  EventStoreOptions o;
  o.metrics = metrics;
  o.path = dir;
  o.service = "bench";
  o.sync = sync;
  auto s = EventStore::Open(o);
  if (!s.ok()) std::abort();
  return std::move(*s);
}

// A ~200-byte payload, about the size of a stage-change event.
const std::string kPayload(200, 'p');

std::mutex g_mu;
std::unique_ptr<EventStore> g_store;
std::unique_ptr<base::MetricsRegistry> g_metrics;
std::string g_dir;

// Mean appends per group commit, read back from the store's own histogram.
double MeanGroupSize(base::MetricsRegistry& metrics) {
  base::Histogram& h = metrics.AddHistogram("sfa_eventstore_group_commit_size", "", {"service"}).WithLabels({"bench"});
  return h.count() == 0 ? 0 : h.sum() / static_cast<double>(h.count());
}

void BM_DurableAppend(benchmark::State& state) {
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(g_mu);
    g_dir = BenchDir("append");
    g_metrics = std::make_unique<base::MetricsRegistry>();
    g_store = OpenStore(g_dir, /*sync=*/true, g_metrics.get());
  }
  // Google Benchmark starts the timed loop only after every thread reached it.
  uint64_t n = 0;
  for (auto _ : state) {
    AppendRequest req;
    req.stream = {"bench", "opportunity", absl::StrCat("t", state.thread_index(), "-", n % 100)};
    req.context.request_id = absl::StrCat("t", state.thread_index(), "-", n);
    req.events.push_back({"sfa.bench.Happened", kPayload, absl::InfinitePast(), ""});
    auto r = g_store->Append(std::move(req));
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    ++n;
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0) {
    std::lock_guard<std::mutex> lock(g_mu);
    state.counters["mean_group"] = MeanGroupSize(*g_metrics);
    g_store.reset();
    std::filesystem::remove_all(g_dir);
  }
}
BENCHMARK(BM_DurableAppend)->Threads(1)->Threads(16)->Threads(64)->UseRealTime()->MinTime(3.0);

void BM_ReadAll(benchmark::State& state) {
  const std::string dir = BenchDir("readall");
  base::MetricsRegistry metrics;
  auto store = OpenStore(dir, /*sync=*/false, &metrics);
  constexpr int kEvents = 200'000;
  for (int i = 0; i < kEvents; i += 100) {
    AppendRequest req;
    req.stream = {"bench", "opportunity", absl::StrCat("o", i)};
    for (int j = 0; j < 100; ++j) req.events.push_back({"sfa.bench.Happened", kPayload, absl::InfinitePast(), ""});
    if (!store->Append(std::move(req)).ok()) std::abort();
  }
  uint64_t events = 0;
  for (auto _ : state) {
    for (uint64_t from = 1;;) {
      auto page = store->ReadAll(from, 1000);
      if (!page.ok() || page->empty()) break;
      events += page->size();
      from = page->back().global_position() + 1;
    }
  }
  state.SetItemsProcessed(events);
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_ReadAll)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace sfa::eventstore

BENCHMARK_MAIN();

// PriceBasket for 10 and 100 lines with a realistic promotion set, and the exact optimiser's hard cases:
// 100 lines x 30 candidate promotions that all apply alone, mostly stackable, few exclusivity groups,
// with spend thresholds that other discounts cannot (binding:0) or can (binding:1) switch off. Every
// benchmark makes 2,000 calls, each on a different basket, times each call and reports p50 / p99 / max
// in microseconds as counters.
//
//   ninja -C build-pricing quote_pricing_benchmark && build-pricing/services/quote/pricing/quote_pricing_benchmark

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "quote/pricing/engine.h"
#include "quote/pricing/line_pricing.h"
#include "quote/pricing/optimiser.h"
#include "quote/pricing/promotions.h"
#include "quote/pricing/test_support.h"

namespace sfa::quote::pricing {
namespace {

using namespace fixtures;  // NOLINT

constexpr int kProducts = 40;

std::string ProductId(int k) { return absl::StrCat("prod-", k); }

double ThreadCpuMicros() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// Calls `call` once per iteration, timing each; reports wall-clock latency percentiles (p50_us, p99_us,
// max_us) and the same for the thread's CPU time (cpu_p50_us, cpu_p99_us), which other processes on a
// shared machine do not inflate.
template <typename Call>
void TimeEach(benchmark::State& state, Call call) {
  std::vector<double> wall, cpu;
  wall.reserve(state.max_iterations);
  cpu.reserve(state.max_iterations);
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = ThreadCpuMicros();
    call();
    cpu.push_back(ThreadCpuMicros() - cpu_start);
    wall.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(wall.begin(), wall.end());
  std::sort(cpu.begin(), cpu.end());
  auto at = [](const std::vector<double>& sorted, double q) {
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(q * static_cast<double>(sorted.size())))];
  };
  state.counters["p50_us"] = at(wall, 0.50);
  state.counters["p99_us"] = at(wall, 0.99);
  state.counters["max_us"] = wall.back();
  state.counters["cpu_p50_us"] = at(cpu, 0.50);
  state.counters["cpu_p99_us"] = at(cpu, 0.99);
}

// A catalogue of kProducts products (every third with a colour attribute and two SKUs) and a book with
// tiered entries (range and slab alternating) and attribute adjustments.
PricingInput Catalogue() {
  PricingInput input;
  input.price_book = Book("std");
  for (int k = 0; k < kProducts; ++k) {
    const bool coloured = k % 3 == 0;
    input.products[ProductId(k)] = coloured ? Product(ProductId(k), {"colour"}) : Product(ProductId(k));
    v1::PriceBookEntry entry = Entry(ProductId(k), 1000 + 137 * k);
    entry.set_tier_mode(k % 2 == 0 ? v1::TIER_MODE_RANGE : v1::TIER_MODE_SLAB);
    *entry.add_tiers() = PercentTier(10, 500);
    *entry.add_tiers() = UnitTier(50, 800 + 100 * k);
    if (coloured) {
      for (const char* colour : {"red", "blue"}) {
        const std::string sku = absl::StrCat(ProductId(k), "-", colour);
        input.skus[sku] = Sku(sku, ProductId(k), {{"colour", colour}});
        v1::AttributeAdjustment* a = entry.add_adjustments();
        a->set_attribute("colour");
        a->set_value(colour);
        a->set_percent_bp(colour[0] == 'r' ? 750 : -250);
      }
    }
    *input.price_book.add_entries() = entry;
  }
  input.date = Day(1);
  return input;
}

std::vector<v1::QuoteLine> Lines(const PricingInput& catalogue, int count, std::mt19937_64& random) {
  std::vector<v1::QuoteLine> lines;
  for (int i = 0; i < count; ++i) {
    const int k = static_cast<int>(random() % kProducts);
    const std::string sku = k % 3 == 0 ? absl::StrCat(ProductId(k), random() % 2 ? "-red" : "-blue") : "";
    lines.push_back(Line(absl::StrCat(i + 1), ProductId(k), 1 + static_cast<int64_t>(random() % 60), sku,
                         random() % 5 == 0 ? 500 : 0));
  }
  return lines;
}

// What a sales team runs at once: spend tiers in one group, a bulk deal, a BXGY, a category sale, a VIP
// deal that does not stack, and two that cannot apply (expired, used up).
std::vector<v1::Promotion> RealisticPromotions() {
  std::vector<v1::Promotion> out;
  const int64_t thresholds[] = {50'000, 200'000, 1'000'000};
  for (int t = 0; t < 3; ++t) {
    v1::Promotion spend = SpendPercent(absl::StrCat("spend-", t), thresholds[t], 300 + 200 * t);
    spend.set_exclusivity_group("spend");
    out.push_back(spend);
  }
  out.push_back(SpendAmount("big-order", 2'000'000, 50'000));
  out.push_back(QuantityPercent("bulk", 200, 300));
  out.push_back(BuyXGetY("bxgy", ProductId(1), 3, ProductId(2), 1, 10000));
  v1::Promotion category = SpendPercent("category", 0, 1000);
  for (int k = 0; k < 5; ++k) category.add_eligible_product_ids(ProductId(k));
  out.push_back(category);
  v1::Promotion vip = SpendPercent("vip", 0, 1200);
  vip.set_stackable(false);
  out.push_back(vip);
  v1::Promotion expired = SpendPercent("expired", 0, 2000);
  expired.mutable_valid_to()->set_seconds(absl::ToUnixSeconds(Day(0)));
  out.push_back(expired);
  v1::Promotion used_up = SpendPercent("used-up", 0, 2000);
  used_up.set_usage_quota(100);
  used_up.set_used(100);
  out.push_back(used_up);
  return out;
}

// 2,000 different baskets of `lines` lines (seeds 1..2000) against the realistic promotions: the latency
// distribution over baskets.
void BM_PriceBasket(benchmark::State& state) {
  std::vector<PricingInput> inputs(2000, Catalogue());
  for (size_t k = 0; k < inputs.size(); ++k) {
    std::mt19937_64 random(k + 1);
    inputs[k].lines = Lines(inputs[k], static_cast<int>(state.range(0)), random);
    inputs[k].promotions = RealisticPromotions();
  }
  size_t next = 0;
  TimeEach(state, [&] {
    absl::StatusOr<v1::Pricing> pricing = PriceBasket(inputs[next++ % inputs.size()]);
    if (!pricing.ok()) std::abort();
    benchmark::DoNotOptimize(pricing);
  });
}
BENCHMARK(BM_PriceBasket)->ArgName("lines")->Arg(10)->Arg(100)->Iterations(2000)->Unit(benchmark::kMicrosecond);

// 30 promotions that each apply alone to the basket (total T, `units` units): 27 stackable, 3 not;
// three exclusivity groups of three, the rest ungrouped; 6 BUY_X_GET_Y, 6 quantity percents, 12 spend
// percents and 6 spend amounts; a third of them on an overlapping range of half the products. Spend
// thresholds: `binding` in [T/2, T] (T/4 on a range), so that earlier discounts switch later promotions
// off; else at most T/20, which the basket keeps whatever applies.
std::vector<v1::Promotion> HardPromotions(int64_t total, int64_t units, std::mt19937_64& random, bool binding) {
  const int64_t low = binding ? total / 2 : 0, high = binding ? total : total / 20;
  auto uniform = [&](int64_t low, int64_t high) { return std::uniform_int_distribution<int64_t>(low, high)(random); };
  std::vector<v1::Promotion> out;
  for (int k = 0; k < 30; ++k) {
    const std::string id = absl::StrCat("hard-", k < 10 ? "0" : "", k);
    v1::Promotion p;
    switch (k % 5) {
      case 0:
        p = QuantityPercent(id, uniform(0, binding ? units : units / 5), static_cast<int32_t>(uniform(100, 1500)));
        break;
      case 1:
        p = BuyXGetY(id, ProductId(static_cast<int>(uniform(0, 9))), uniform(1, 3),
                     ProductId(static_cast<int>(uniform(0, 9))), 1, static_cast<int32_t>(uniform(2000, 10000)));
        break;
      case 2:
      case 3:
        p = SpendPercent(id, uniform(low, high), static_cast<int32_t>(uniform(100, 1500)));
        break;
      default:
        p = SpendAmount(id, uniform(low, high), uniform(total / 100, total / 20));
    }
    if (k % 5 != 1 && uniform(0, 2) == 0) {
      // An overlapping range of products instead of every line.
      const int from = static_cast<int>(uniform(0, kProducts / 2));
      for (int j = from; j < from + kProducts / 2; ++j) p.add_eligible_product_ids(ProductId(j));
      if (p.kind() == v1::PROMOTION_KIND_SPEND_THRESHOLD) {
        p.mutable_threshold_amount()->set_minor_units(binding ? total / 4 : total / 20);
      }
    }
    if (k < 9) p.set_exclusivity_group(absl::StrCat("group-", k % 3));
    p.set_stackable(k % 10 != 9);
    out.push_back(p);
  }
  return out;
}

struct HardCase {
  PricingInput input;
  std::vector<PromotionLine> lines;  // as the optimiser sees them
  ScreenedPromotions screened;
};

// 100 lines priced from the catalogue and HardPromotions for them: `binding` spend thresholds in [T/2, T]
// (earlier discounts switch later promotions off), else at most T/20 (every promotion applies whatever
// else does, and the search is about stacking and groups alone).
HardCase MakeHardCase(uint64_t seed, bool binding) {
  std::mt19937_64 random(seed);
  HardCase out;
  out.input = Catalogue();
  out.input.lines = Lines(out.input, 100, random);
  const EntryIndex entries(out.input.price_book);
  int64_t total = 0, units = 0;
  for (const v1::QuoteLine& line : out.input.lines) {
    const v1::Sku* sku = line.sku_id().empty() ? nullptr : &out.input.skus.at(line.sku_id());
    const absl::StatusOr<LineBase> base =
        PriceLineBase(line, out.input.price_book, *entries.Find(line.product_id(), line.sku_id()), sku);
    if (!base.ok()) std::abort();
    out.lines.push_back(
        {line.product_id(), line.sku_id(), line.quantity(), base->amount, kBasisPoints - line.manual_discount_bp()});
    total += ToMinorHalfEven(base->amount);
    units += line.quantity();
  }
  out.input.promotions = HardPromotions(total, units, random, binding);
  out.screened = ScreenPromotions(out.input.promotions, out.lines, "USD", Day(1));
  return out;
}

std::vector<HardCase> HardCases(bool binding) {
  std::vector<HardCase> cases;
  for (uint64_t seed = 1; seed <= 2000; ++seed) cases.push_back(MakeHardCase(seed, binding));
  return cases;
}

// The optimiser alone on 2,000 hard cases, one call each; args: binding thresholds, combinations kept.
void BM_OptimiserHard(benchmark::State& state) {
  const std::vector<HardCase> cases = HardCases(state.range(0) != 0);
  size_t next = 0;
  int64_t max_nodes = 0;
  double nodes = 0, candidates = 0;
  TimeEach(state, [&] {
    const HardCase& hard = cases[next++ % cases.size()];
    absl::StatusOr<SearchResult> result =
        FindBestCombinations(hard.screened.candidates, hard.lines, {.keep = static_cast<int>(state.range(1))});
    if (!result.ok()) std::abort();
    max_nodes = std::max(max_nodes, result->stats.nodes);
    nodes += static_cast<double>(result->stats.nodes);
    candidates += static_cast<double>(hard.screened.candidates.size());
  });
  state.counters["mean_nodes"] = nodes / static_cast<double>(state.iterations());
  state.counters["max_nodes"] = static_cast<double>(max_nodes);
  state.counters["mean_candidates"] = candidates / static_cast<double>(state.iterations());
}
BENCHMARK(BM_OptimiserHard)
    ->ArgNames({"binding", "keep"})
    ->Args({0, 1})
    ->Args({0, 3})
    ->Args({1, 1})
    ->Args({1, 3})
    ->Iterations(2000)
    ->Unit(benchmark::kMicrosecond);

// The whole PriceBasket (pricing, optimiser keeping 3, waterfalls, alternatives) on 2,000 hard cases.
void BM_PriceBasketHard(benchmark::State& state) {
  const std::vector<HardCase> cases = HardCases(state.range(0) != 0);
  size_t next = 0;
  TimeEach(state, [&] {
    absl::StatusOr<v1::Pricing> pricing = PriceBasket(cases[next++ % cases.size()].input);
    if (!pricing.ok()) std::abort();
    benchmark::DoNotOptimize(pricing);
  });
}
BENCHMARK(BM_PriceBasketHard)->ArgName("binding")->Arg(0)->Arg(1)->Iterations(2000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sfa::quote::pricing

BENCHMARK_MAIN();

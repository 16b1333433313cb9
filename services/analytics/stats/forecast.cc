#include "analytics/stats/forecast.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

// The simulation's inner loop is compiled for AVX-512 (x86-64-v4), AVX2 and the baseline and picked at load
// time, so the default (baseline x86-64) build still runs 8 or 16 lanes wide where the CPU has them. The
// draws are integer arithmetic: every variant gives the same totals.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SFA_STATS_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define SFA_STATS_VECTOR_CLONES
#endif

namespace sfa::analytics::stats {
namespace {

// A conditional close chance below this means "no observed slippage is that late".
constexpr double kMinTail = 1e-9;
// z of the 10th and 90th percentiles of the standard normal.
constexpr double kZ90 = 1.2815515655446004;

bool IsOpen(const OpenDeal& deal) { return deal.forecast_category != ForecastCategory::kClosed; }

bool ExpectedIn(const OpenDeal& deal, const Period& period) {
  return deal.expected_close.has_value() && *deal.expected_close >= period.start && *deal.expected_close < period.end;
}

double ConfiguredProbability(const OpenDeal& deal) {
  return std::clamp(deal.configured_probability_percent, 0, 100) / 100.0;
}

// Deals mapped to result lines: line_of[i] is deal i's line (-1 when not included); keys are the lines'
// (group, currency), sorted.
struct Lines {
  std::vector<int> line_of;
  std::vector<std::pair<std::string, std::string>> keys;
};

template <typename Include>
Lines GroupDeals(absl::Span<const OpenDeal> deals, GroupBy group_by, Include include) {
  auto group_of = [group_by](const OpenDeal& deal) -> absl::string_view {
    switch (group_by) {
      case GroupBy::kOwner:
        return deal.owner_id;
      case GroupBy::kTeam:
        return deal.team_id;
      case GroupBy::kTotal:
        break;
    }
    return {};
  };
  absl::flat_hash_map<std::pair<absl::string_view, absl::string_view>, int> first_seen;
  std::vector<std::pair<absl::string_view, absl::string_view>> seen;
  Lines lines;
  lines.line_of.assign(deals.size(), -1);
  for (size_t i = 0; i < deals.size(); ++i) {
    if (!include(deals[i])) continue;
    const auto key = std::make_pair(group_of(deals[i]), absl::string_view(deals[i].currency));
    const auto [it, inserted] = first_seen.try_emplace(key, static_cast<int>(seen.size()));
    if (inserted) seen.push_back(key);
    lines.line_of[i] = it->second;
  }
  // Renumber in key order.
  std::vector<int> order(seen.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return seen[a] < seen[b]; });
  std::vector<int> rank(seen.size());
  for (size_t r = 0; r < order.size(); ++r) {
    rank[order[r]] = static_cast<int>(r);
    lines.keys.emplace_back(std::string(seen[order[r]].first), std::string(seen[order[r]].second));
  }
  for (int& line : lines.line_of) {
    if (line >= 0) line = rank[line];
  }
  return lines;
}

std::vector<ForecastLine> EmptyLines(const Lines& lines) {
  std::vector<ForecastLine> out(lines.keys.size());
  for (size_t k = 0; k < out.size(); ++k) {
    out[k].group = lines.keys[k].first;
    out[k].currency = lines.keys[k].second;
  }
  return out;
}

// The learned inputs evaluated per deal: q = P(win) × P(close in the period).
class DealOdds {
 public:
  DealOdds(const LearnedInputs& learned, const Period& period, absl::Time as_of)
      : learned_(learned), period_(period), as_of_(as_of), slippage_(learned.slippage.Cdf()) {
    for (const auto& [stage, histogram] : learned.time_to_close) time_to_close_.emplace(stage, histogram.Cdf());
  }

  struct Odds {
    double q = 0;
    bool configured = false;  // no learned probability for the stage
    bool no_timing = false;
  };

  Odds Of(const OpenDeal& deal) const {
    Odds odds;
    const auto win = learned_.win_probability.find(deal.stage_id);
    odds.configured = win == learned_.win_probability.end();
    const double p_win = odds.configured ? ConfiguredProbability(deal) : std::clamp(win->second, 0.0, 1.0);
    const auto ttc = time_to_close_.find(deal.stage_id);
    const std::optional<double> p_close = CloseInPeriodProbability(
        deal, period_, as_of_, slippage_, ttc == time_to_close_.end() ? nullptr : &ttc->second);
    odds.no_timing = !p_close.has_value();
    odds.q = p_win * p_close.value_or(0.0);
    return odds;
  }

 private:
  const LearnedInputs& learned_;
  const Period period_;
  const absl::Time as_of_;
  const EmpiricalCdf slippage_;
  absl::flat_hash_map<std::string, EmpiricalCdf> time_to_close_;
};

void Count(const DealOdds::Odds& odds, ForecastLine& line) {
  ++line.deals;
  line.deals_using_configured_probability += odds.configured ? 1 : 0;
  line.deals_without_timing += odds.no_timing ? 1 : 0;
}

// --- Monte Carlo ---------------------------------------------------------------------------------------

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Chris Wellons' lowbias32 (hash-prospector): a 32-bit bijection with low avalanche bias, in 32-bit
// multiplies so that eight lanes fit an AVX2 register.
inline uint32_t Mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// A deal wins in the period iff (u >> 1) < threshold, u uniform on 32 bits: q is resolved to 2^-31 and
// q = 1 always wins.
uint32_t Threshold(double q) { return static_cast<uint32_t>(std::llround(std::clamp(q, 0.0, 1.0) * 2147483648.0)); }

// One deal in one run: its amount if it wins in the period, else 0. u = Mix32(Mix32(id ^ key_a) + key_b)
// is a stateless counter-based draw (the run's keys come from SplitMix64 of seed and run), so a loop over
// runs carries no dependency and vectorises.
inline int64_t Draw(uint32_t id, uint32_t threshold, int64_t amount, uint32_t key_a, uint32_t key_b) {
  const uint32_t u = Mix32(Mix32(id ^ key_a) + key_b);
  return amount & -static_cast<int64_t>((u >> 1) < threshold);  // branch-free select
}

// Adds one deal's draws to every run's total. Runs are the inner loop so that a line of any size (a rep
// with ten deals as well as the whole book) keeps the vector lanes full. Its trip count is blocked to a
// multiple of 16, which -O2's "very cheap" vectoriser cost model requires (it adds no epilogue); the tail
// is scalar.
SFA_STATS_VECTOR_CLONES void AddDraws(uint32_t id, uint32_t threshold, int64_t amount, const uint32_t* keys_a,
                                      const uint32_t* keys_b, int64_t* totals, size_t runs) {
  const size_t blocked = runs & ~size_t{15};
  for (size_t r = 0; r < blocked; ++r) totals[r] += Draw(id, threshold, amount, keys_a[r], keys_b[r]);
  for (size_t r = blocked; r < runs; ++r) totals[r] += Draw(id, threshold, amount, keys_a[r], keys_b[r]);
}

// The deals that can contribute (q > 0, amount != 0), laid out line by line.
struct Simulated {
  std::vector<uint32_t> ids;
  std::vector<uint32_t> thresholds;
  std::vector<int64_t> amounts;
  std::vector<size_t> begin;  // line k is [begin[k], begin[k + 1])
};

Simulated LayOut(const Lines& lines, const std::vector<double>& q, absl::Span<const OpenDeal> deals) {
  Simulated sim;
  sim.begin.assign(lines.keys.size() + 1, 0);
  for (size_t i = 0; i < deals.size(); ++i) {
    if (lines.line_of[i] >= 0 && q[i] > 0 && deals[i].amount_minor != 0) ++sim.begin[lines.line_of[i] + 1];
  }
  std::partial_sum(sim.begin.begin(), sim.begin.end(), sim.begin.begin());
  const size_t n = sim.begin.back();
  sim.ids.resize(n);
  sim.thresholds.resize(n);
  sim.amounts.resize(n);
  std::vector<size_t> next(sim.begin.begin(), sim.begin.end() - 1);
  for (size_t i = 0; i < deals.size(); ++i) {
    if (lines.line_of[i] < 0 || q[i] <= 0 || deals[i].amount_minor == 0) continue;
    const size_t at = next[lines.line_of[i]]++;
    sim.ids[at] = static_cast<uint32_t>(i);
    sim.thresholds[at] = Threshold(q[i]);
    sim.amounts[at] = deals[i].amount_minor;
  }
  return sim;
}

size_t Rank(double q, size_t n) { return std::clamp<size_t>(static_cast<size_t>(std::ceil(q * n)), 1, n) - 1; }

// Nearest-rank P10/P50/P90 (the ceil(q × n)-th smallest) of the run totals. Reorders `totals`; selecting
// the median first lets the other two search one half each.
Quantiles RunQuantiles(std::vector<int64_t>& totals) {
  const size_t n = totals.size();
  const size_t p10 = Rank(0.10, n), p50 = Rank(0.50, n), p90 = Rank(0.90, n);
  std::nth_element(totals.begin(), totals.begin() + p50, totals.end());
  Quantiles quantiles;
  quantiles.p50 = static_cast<double>(totals[p50]);
  std::nth_element(totals.begin(), totals.begin() + p10, totals.begin() + p50);
  quantiles.p10 = static_cast<double>(totals[p10]);
  if (p90 > p50) std::nth_element(totals.begin() + p50 + 1, totals.begin() + p90, totals.end());
  quantiles.p90 = static_cast<double>(totals[p90]);
  return quantiles;
}

}  // namespace

std::optional<double> CloseInPeriodProbability(const OpenDeal& deal, const Period& period, absl::Time as_of,
                                               const EmpiricalCdf& slippage, const EmpiricalCdf* stage_time_to_close) {
  const absl::Time from = std::max(period.start, as_of);
  const bool ended = period.end <= from;  // nothing closes before as_of
  if (deal.expected_close.has_value()) {
    const absl::Time expected = *deal.expected_close;
    if (slippage.empty() && expected >= as_of) {
      return !ended && expected >= from && expected < period.end ? 1.0 : 0.0;
    }
    if (!slippage.empty()) {
      const double tail = 1.0 - slippage.Cdf(as_of - expected);
      if (tail > kMinTail) {
        if (ended) return 0.0;
        const double inside = slippage.Cdf(period.end - expected) - slippage.Cdf(from - expected);
        return std::clamp(inside / tail, 0.0, 1.0);
      }
    }
  }
  if (stage_time_to_close == nullptr || stage_time_to_close->empty()) return std::nullopt;
  if (ended) return 0.0;
  return std::clamp(stage_time_to_close->Cdf(period.end - as_of) - stage_time_to_close->Cdf(from - as_of), 0.0, 1.0);
}

std::vector<ForecastLine> StageWeighted(absl::Span<const OpenDeal> deals, const Period& period, GroupBy group_by) {
  const Lines lines = GroupDeals(deals, group_by, IsOpen);
  std::vector<ForecastLine> out = EmptyLines(lines);
  for (size_t i = 0; i < deals.size(); ++i) {
    if (lines.line_of[i] < 0) continue;
    ForecastLine& line = out[lines.line_of[i]];
    const OpenDeal& deal = deals[i];
    ++line.deals;
    ++line.deals_using_configured_probability;
    if (!deal.expected_close.has_value()) ++line.deals_without_timing;
    if (ExpectedIn(deal, period)) line.expected_minor += deal.amount_minor * ConfiguredProbability(deal);
  }
  return out;
}

std::vector<ForecastLine> Historical(absl::Span<const OpenDeal> deals, const Period& period, absl::Time as_of,
                                     const LearnedInputs& learned, GroupBy group_by) {
  const Lines lines = GroupDeals(deals, group_by, IsOpen);
  std::vector<ForecastLine> out = EmptyLines(lines);
  const DealOdds odds_model(learned, period, as_of);
  for (size_t i = 0; i < deals.size(); ++i) {
    if (lines.line_of[i] < 0) continue;
    ForecastLine& line = out[lines.line_of[i]];
    const DealOdds::Odds odds = odds_model.Of(deals[i]);
    Count(odds, line);
    line.expected_minor += deals[i].amount_minor * odds.q;
  }
  return out;
}

std::vector<ForecastLine> NormalApproximation(absl::Span<const OpenDeal> deals, const Period& period, absl::Time as_of,
                                              const LearnedInputs& learned, GroupBy group_by) {
  const Lines lines = GroupDeals(deals, group_by, IsOpen);
  std::vector<ForecastLine> out = EmptyLines(lines);
  std::vector<double> variance(out.size(), 0.0);
  const DealOdds odds_model(learned, period, as_of);
  for (size_t i = 0; i < deals.size(); ++i) {
    if (lines.line_of[i] < 0) continue;
    ForecastLine& line = out[lines.line_of[i]];
    const DealOdds::Odds odds = odds_model.Of(deals[i]);
    Count(odds, line);
    const double amount = static_cast<double>(deals[i].amount_minor);
    line.expected_minor += amount * odds.q;
    variance[lines.line_of[i]] += amount * amount * odds.q * (1 - odds.q);
  }
  for (size_t k = 0; k < out.size(); ++k) {
    const double sigma = std::sqrt(variance[k]);
    const double mean = out[k].expected_minor;
    out[k].quantiles = Quantiles{mean - kZ90 * sigma, mean, mean + kZ90 * sigma};
  }
  return out;
}

absl::StatusOr<std::vector<ForecastLine>> MonteCarlo(absl::Span<const OpenDeal> deals, const Period& period,
                                                     absl::Time as_of, const LearnedInputs& learned, GroupBy group_by,
                                                     const MonteCarloOptions& options) {
  if (options.runs < 1 || options.runs > kMaxMonteCarloRuns) {
    return absl::InvalidArgumentError(absl::StrCat("monte carlo: runs must be 1..", kMaxMonteCarloRuns));
  }
  if (deals.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError("monte carlo: too many deals");
  }
  const Lines lines = GroupDeals(deals, group_by, IsOpen);
  std::vector<ForecastLine> out = EmptyLines(lines);
  const DealOdds odds_model(learned, period, as_of);
  std::vector<double> q(deals.size(), 0.0);
  for (size_t i = 0; i < deals.size(); ++i) {
    if (lines.line_of[i] < 0) continue;
    const DealOdds::Odds odds = odds_model.Of(deals[i]);
    Count(odds, out[lines.line_of[i]]);
    q[i] = odds.q;
  }
  const Simulated sim = LayOut(lines, q, deals);
  std::vector<uint32_t> keys_a(options.runs), keys_b(options.runs);
  for (int run = 0; run < options.runs; ++run) {
    const uint64_t key = SplitMix64(SplitMix64(options.seed) + static_cast<uint64_t>(run));
    keys_a[run] = static_cast<uint32_t>(key);
    keys_b[run] = static_cast<uint32_t>(key >> 32);
  }
  std::vector<int64_t> totals(options.runs);
  for (size_t k = 0; k < out.size(); ++k) {
    std::fill(totals.begin(), totals.end(), 0);
    for (size_t i = sim.begin[k]; i < sim.begin[k + 1]; ++i) {
      AddDraws(sim.ids[i], sim.thresholds[i], sim.amounts[i], keys_a.data(), keys_b.data(), totals.data(),
               totals.size());
    }
    double sum = 0;
    for (int64_t total : totals) sum += static_cast<double>(total);
    out[k].expected_minor = sum / options.runs;
    out[k].quantiles = RunQuantiles(totals);
  }
  return out;
}

std::vector<RollUpLine> RollUp(absl::Span<const OpenDeal> deals, const Period& period, GroupBy group_by) {
  const Lines lines = GroupDeals(deals, group_by, [&](const OpenDeal& deal) { return ExpectedIn(deal, period); });
  std::vector<RollUpLine> out(lines.keys.size());
  for (size_t k = 0; k < out.size(); ++k) {
    out[k].group = lines.keys[k].first;
    out[k].currency = lines.keys[k].second;
  }
  for (size_t i = 0; i < deals.size(); ++i) {
    if (lines.line_of[i] < 0) continue;
    RollUpLine& line = out[lines.line_of[i]];
    const int64_t amount = deals[i].amount_minor;
    switch (deals[i].forecast_category) {
      case ForecastCategory::kPipeline:
        line.pipeline_minor += amount;
        break;
      case ForecastCategory::kBestCase:
        line.best_case_minor += amount;
        break;
      case ForecastCategory::kCommit:
        line.commit_minor += amount;
        break;
      case ForecastCategory::kClosed:
        line.closed_minor += amount;
        break;
      case ForecastCategory::kOmitted:
        line.omitted_minor += amount;
        break;
    }
  }
  return out;
}

}  // namespace sfa::analytics::stats

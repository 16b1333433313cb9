#include "quote/pricing/future_bound.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace sfa::quote::pricing {
namespace {

// The product of keep factors is shrunk by this relative margin to stay a lower bound of what a line
// keeps: it is far above the double rounding of a product of even thousands of factors (~1e-13).
constexpr double kProductMargin = 1.0 - 1e-9;

// w y (1 - keep), rounded up: the most a line worth `weighted` can lose to percents whose keep factors
// multiply to `keep`.
__int128 Reduction(__int128 weighted, double keep) {
  if (keep >= 1.0) return 0;
  const double kept = std::floor(static_cast<double>(weighted) * keep * kProductMargin);
  return weighted - std::min<__int128>(kept <= 0 ? 0 : static_cast<__int128>(kept), weighted);
}

bool Subset(const std::vector<int>& a, const std::vector<int>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

}  // namespace

FutureBound::FutureBound(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines,
                         std::vector<int> order, std::vector<int> group_of)
    : candidates_(candidates), lines_(lines), order_(std::move(order)), group_of_(std::move(group_of)) {
  const size_t n = candidates.size();
  keep_factor_.assign(n, 1.0);
  subset_.assign(n * n, 0);
  for (size_t j = 0; j < n; ++j) {
    const Candidate& c = candidates[j];
    if (c.percent) {
      keep_factor_[j] = static_cast<double>(c.rate_denominator - c.rate_numerator) /
                        static_cast<double>(c.rate_denominator);
    }
    for (size_t p = 0; p < n; ++p) subset_[j * n + p] = Subset(c.lines, candidates[p].lines);
  }
  std::vector<int> group_slot;
  for (size_t position = 0; position < order_.size(); ++position) {
    const int g = group_of_[order_[position]];
    if (g >= static_cast<int>(group_slot.size())) group_slot.resize(g + 1, -1);
    if (g >= 0 && group_slot[g] >= 0) {
      slots_[group_slot[g]].positions.push_back(static_cast<int>(position));
      continue;
    }
    if (g >= 0) group_slot[g] = static_cast<int>(slots_.size());
    slots_.push_back({g, {static_cast<int>(position)}});
  }
  const size_t line_count = lines.size();
  weighted_.assign(line_count, 0);
  reduction_.assign(line_count, 0);
  keep_all_.assign(line_count, 1.0);
  keep_free_.assign(line_count, 1.0);
  slot_keep_all_.assign(line_count, 1.0);
  slot_keep_free_.assign(line_count, 1.0);
  in_slot_.assign(line_count, 0);
  in_all_.assign(line_count, 0);
  in_free_.assign(line_count, 0);
  tail_.assign(order_.size() + 1, 0);
}

void FutureBound::AddSlot(int slot_index, size_t position, const std::vector<Amount>& amounts) {
  const Slot& slot = slots_[slot_index];
  __int128 alone_all = 0, alone_free = 0, amount_all = 0, amount_free = 0;
  bool any_all = false, any_free = false;
  slot_lines_.clear();
  for (int p : slot.positions) {
    if (p < static_cast<int>(position)) continue;
    const int j = order_[p];
    const Candidate& c = candidates_[j];
    Amount basis = 0;
    __int128 weighted = 0;
    for (int i : c.lines) {
      basis += amounts[i];
      weighted += weighted_[i];
    }
    // Amounts only fall: a threshold missed now is missed for good.
    if (basis == 0 || basis < c.spend_threshold) continue;
    Usable u{j, p, slot_index, c.spend_threshold > 0, basis, 0, 0};
    if (c.percent) {
      const QuotientRemainder q = MulDiv(weighted, c.rate_numerator, c.rate_denominator);
      u.alone = q.quotient + (q.remainder > 0 ? 1 : 0);
    } else {
      u.alone = std::min<__int128>(std::min(c.amount_off, basis) * c.max_weight, weighted);
      u.amount_part = u.alone;
    }
    usable_.push_back(u);
    any_all = true;
    alone_all = std::max(alone_all, u.alone);
    amount_all = std::max(amount_all, u.amount_part);
    if (!u.threshold) {
      any_free = true;
      alone_free = std::max(alone_free, u.alone);
      amount_free = std::max(amount_free, u.amount_part);
    }
    for (int i : c.lines) {
      if (!in_slot_[i]) slot_lines_.push_back(i);
      in_slot_[i] = 1;
      if (!in_all_[i]) all_lines_.push_back(i);
      in_all_[i] = 1;
      if (c.percent) slot_keep_all_[i] = std::min(slot_keep_all_[i], keep_factor_[j]);
      if (u.threshold) continue;
      if (!in_free_[i]) free_lines_.push_back(i);
      in_free_[i] = 1;
      if (c.percent) slot_keep_free_[i] = std::min(slot_keep_free_[i], keep_factor_[j]);
    }
  }
  for (int i : slot_lines_) {
    keep_all_[i] *= slot_keep_all_[i];
    keep_free_[i] *= slot_keep_free_[i];
    slot_keep_all_[i] = slot_keep_free_[i] = 1.0;
    in_slot_[i] = 0;
  }
  all_.any |= any_all;
  all_.alone += alone_all;
  all_.amount_parts += amount_all;
  free_.any |= any_free;
  free_.alone += alone_free;
  free_.amount_parts += amount_free;
}

// When `last` is the last spend-threshold candidate that applies, its lines E had at least its threshold
// at its turn: up to and including it they lose at most basis - (1 - rate) x threshold (percent) or
// basis - threshold + amount_off (amount), worth at most its largest weight per unit. After it only
// threshold-free candidates apply (at most their value alone each). Lines outside E lose at most their
// per-line reductions plus the amount-type candidates reaching them.
__int128 FutureBound::LastThresholdCase(const Usable& last, __int128 all_reduction, __int128 b2) const {
  const Candidate& c = candidates_[last.candidate];
  Amount lost;
  if (c.percent) {
    lost = last.basis - MulDiv(c.spend_threshold, c.rate_denominator - c.rate_numerator, c.rate_denominator).quotient;
  } else {
    lost = std::min(last.basis, last.basis - c.spend_threshold + c.amount_off);
  }
  __int128 inside_reduction = 0;
  for (int i : c.lines) inside_reduction += reduction_[i];
  const size_t n = candidates_.size();
  __int128 outside_amounts = 0;
  for (size_t k = 0; k < usable_.size();) {
    __int128 slot_best = 0;
    const int slot = usable_[k].slot;
    for (; k < usable_.size() && usable_[k].slot == slot; ++k) {
      const Usable& q = usable_[k];
      if (q.amount_part > 0 && !subset_[q.candidate * n + last.candidate]) slot_best = std::max(slot_best, q.amount_part);
    }
    outside_amounts += slot_best;
  }
  const __int128 bound = lost * c.max_weight + tail_[last.position + 1] + (all_reduction - inside_reduction) +
                         outside_amounts;
  return std::min(bound, b2);
}

FutureBound::Result FutureBound::Compute(size_t position, const std::vector<Amount>& amounts,
                                         const std::vector<bool>& group_used) {
  for (size_t i = 0; i < lines_.size(); ++i) {
    weighted_[i] = amounts[i] * lines_[i].weight;
    keep_all_[i] = keep_free_[i] = 1.0;
  }
  all_ = free_ = Terms{};
  usable_.clear();
  all_lines_.clear();
  free_lines_.clear();
  for (size_t s = 0; s < slots_.size(); ++s) {
    const Slot& slot = slots_[s];
    if (slot.positions.back() < static_cast<int>(position)) continue;
    if (slot.group >= 0 && group_used[slot.group]) continue;
    AddSlot(static_cast<int>(s), position, amounts);
  }
  for (int i : all_lines_) {
    reduction_[i] = Reduction(weighted_[i], keep_all_[i]);
    all_.reduction += reduction_[i];
    all_.weighted += weighted_[i];
    in_all_[i] = 0;
  }
  for (int i : free_lines_) {
    free_.reduction += Reduction(weighted_[i], keep_free_[i]);
    free_.weighted += weighted_[i];
    in_free_[i] = 0;
  }
  Result result;
  result.any = all_.any;
  if (!all_.any) return result;
  // Every completion either applies no spend-threshold candidate, or has a last one that applies.
  __int128 cases = free_.any ? free_.Bound() : 0;
  if (std::any_of(usable_.begin(), usable_.end(), [](const Usable& u) { return u.threshold; })) {
    std::fill(tail_.begin() + position, tail_.end(), 0);
    for (const Usable& u : usable_) {
      if (!u.threshold) tail_[u.position] += u.alone;
    }
    for (size_t p = order_.size(); p-- > position;) tail_[p] += tail_[p + 1];
    const __int128 b2 = all_.reduction + all_.amount_parts;
    for (const Usable& u : usable_) {
      if (u.threshold) cases = std::max(cases, LastThresholdCase(u, all_.reduction, b2));
    }
  }
  result.value = std::min(all_.Bound(), cases);
  return result;
}

}  // namespace sfa::quote::pricing

#include "quote/pricing/future_bound.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace sfa::quote::pricing {
namespace {

// The products of keep factors are shrunk by this relative margin to stay lower bounds of what lines
// keep: far above the double rounding of products and sums of even thousands of terms (~1e-13).
constexpr double kProductMargin = 1.0 - 1e-9;
// Beyond this many combinations of group choices the bound takes every group's best at once instead.
constexpr size_t kMaxGroupChoices = 512;

// `weighted` less a lower bound of `kept` (a double of the same unit): an upper bound of what is lost.
__int128 LostAtMost(__int128 weighted, double kept) {
  const double floor = std::floor(kept * kProductMargin);
  return weighted - std::min<__int128>(floor <= 0 ? 0 : static_cast<__int128>(floor), weighted);
}

}  // namespace

FutureBound::FutureBound(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines,
                         std::vector<int> order, std::vector<int> group_of)
    : candidates_(candidates), order_(std::move(order)), group_of_(std::move(group_of)) {
  keep_factor_.assign(candidates.size(), 1.0);
  whole_basket_.assign(candidates.size(), 0);
  for (size_t j = 0; j < candidates.size(); ++j) {
    const Candidate& c = candidates[j];
    whole_basket_[j] = c.lines.size() == lines.size();
    if (c.percent) {
      keep_factor_[j] =
          static_cast<double>(c.rate_denominator - c.rate_numerator) / static_cast<double>(c.rate_denominator);
    }
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
  BuildClasses(lines);
}

// Classes: lines covered by the same stackable candidates; coarse classes: by the same grouped ones.
void FutureBound::BuildClasses(absl::Span<const PromotionLine> lines) {
  const absl::Span<const Candidate> candidates = candidates_;
  std::vector<std::vector<int>> covering(lines.size()), grouped_covering(lines.size());
  for (int j : order_) {
    for (int i : candidates[j].lines) {
      covering[i].push_back(j);
      if (group_of_[j] >= 0) grouped_covering[i].push_back(j);
    }
  }
  std::map<std::vector<int>, int> class_ids, coarse_ids;
  line_class_.resize(lines.size());
  weights_.resize(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    weights_[i] = lines[i].weight;
    auto [it, added] = class_ids.try_emplace(covering[i], class_count_);
    line_class_[i] = it->second;
    if (!added) {
      class_max_weight_[it->second] = std::max(class_max_weight_[it->second], lines[i].weight);
      continue;
    }
    ++class_count_;
    class_max_weight_.push_back(lines[i].weight);
    coarse_of_.push_back(
        coarse_ids.try_emplace(grouped_covering[i], static_cast<int>(coarse_ids.size())).first->second);
  }
  coarse_count_ = static_cast<int>(coarse_ids.size());
  classes_of_.assign(candidates.size(), {});
  coarse_classes_of_.assign(candidates.size(), {});
  for (const auto& [covering_candidates, k] : class_ids) {
    for (int j : covering_candidates) classes_of_[j].push_back(k);
  }
  for (const auto& [covering_candidates, k] : coarse_ids) {
    for (int j : covering_candidates) coarse_classes_of_[j].push_back(k);
  }
  keep_.assign(class_count_, 1.0);
  slot_keep_.assign(class_count_, 1.0);
  keep_ungrouped_.assign(class_count_, 1.0);
  in_slot_.assign(class_count_, 0);
  touched_.assign(class_count_, 0);
  coarse_weighted_.assign(coarse_count_, 0.0);
}

void FutureBound::Sum(const std::vector<Amount>& amounts, ClassSums& sums) const {
  sums.amount.assign(class_count_, 0);
  sums.weighted.assign(class_count_, 0);
  for (size_t i = 0; i < amounts.size(); ++i) {
    sums.amount[line_class_[i]] += amounts[i];
    sums.weighted[line_class_[i]] += amounts[i] * weights_[i];
  }
}

void FutureBound::AddSlot(const Slot& slot, size_t position, const ClassSums& sums) {
  __int128 alone = 0, amount_part = 0;
  bool any = false;
  slot_classes_.clear();
  if (slot.group >= 0) choices_.emplace_back();
  for (int p : slot.positions) {
    if (p < static_cast<int>(position)) continue;
    const int j = order_[p];
    const Candidate& c = candidates_[j];
    Amount basis = 0;
    __int128 weighted = 0;
    for (int k : classes_of_[j]) {
      basis += sums.amount[k];
      weighted += sums.weighted[k];
    }
    // Amounts only fall: a threshold missed now is missed for good.
    if (basis == 0 || basis < c.spend_threshold) continue;
    __int128 alone_j = 0, amount_j = 0;
    if (c.percent) {
      const QuotientRemainder q = MulDiv(weighted, c.rate_numerator, c.rate_denominator);
      alone_j = q.quotient + (q.remainder > 0 ? 1 : 0);
    } else {
      alone_j = amount_j = std::min<__int128>(std::min(c.amount_off, basis) * c.max_weight, weighted);
    }
    for (int k : classes_of_[j]) {
      if (!touched_[k]) touched_classes_.push_back(k);
      touched_[k] = 1;
      if (!c.percent) continue;
      if (!in_slot_[k]) slot_classes_.push_back(k);
      in_slot_[k] = 1;
      slot_keep_[k] = std::min(slot_keep_[k], keep_factor_[j]);
    }
    if (slot.group >= 0) choices_.back().push_back({j, amount_j});
    walk_.push_back({p, j, basis});
    any = true;
    alone = std::max(alone, alone_j);
    amount_part = std::max(amount_part, amount_j);
  }
  for (int k : slot_classes_) {
    keep_[k] *= slot_keep_[k];
    if (slot.group < 0) keep_ungrouped_[k] *= slot_keep_[k];
    slot_keep_[k] = 1.0;
    in_slot_[k] = 0;
  }
  if (slot.group >= 0 && choices_.back().empty()) choices_.pop_back();
  if (slot.group < 0) ungrouped_amounts_ += amount_part;
  any_ |= any;
  alone_ += alone;
  amount_parts_ += amount_part;
}

std::optional<__int128> FutureBound::GroupChoiceB2() {
  if (choices_.empty()) return std::nullopt;
  size_t combinations = 1;
  for (const std::vector<Choice>& members : choices_) {
    combinations *= members.size() + 1;
    if (combinations > kMaxGroupChoices) return std::nullopt;
  }
  products_.assign((choices_.size() + 1) * coarse_count_, 1.0);
  __int128 best = 0;
  EnumerateChoices(0, products_.data(), 0, best);
  return best;
}

// Depth-first over the groups' choices; `products` holds, per coarse class, the keep factors chosen so far.
void FutureBound::EnumerateChoices(size_t group, double* products, __int128 amounts, __int128& best) {
  if (group == choices_.size()) {
    double kept = 0;
    for (int k = 0; k < coarse_count_; ++k) kept += coarse_weighted_[k] * products[k];
    best = std::max(best, LostAtMost(touched_weighted_, kept) + ungrouped_amounts_ + amounts);
    return;
  }
  EnumerateChoices(group + 1, products, amounts, best);  // no member of this group applies
  double* next = products + coarse_count_;
  for (const Choice& choice : choices_[group]) {
    std::copy(products, products + coarse_count_, next);
    if (candidates_[choice.candidate].percent) {
      for (int k : coarse_classes_of_[choice.candidate]) next[k] *= keep_factor_[choice.candidate];
    }
    EnumerateChoices(group + 1, next, amounts + choice.amount_part, best);
  }
}

// B4 follows the usable candidates in application order with b, an upper bound of what the whole basket
// (amount Y) has lost so far. A candidate reaching lines E (amount Y_E now) takes at most rate x min(Y_E,
// Y - b), or min(amount_off, Y_E, Y - b): its lines cannot have lost less than b - (Y - Y_E), and the
// result is monotone in b, so the bound carries over. A spend threshold over the whole basket caps what
// may have been lost before it: it applies only if the basket lost at most Y - threshold, so with it the
// loss is at most b' + take(b') for b' = min(b, Y - threshold). Groups are ignored (all members may
// apply), which only loosens it. The loss is unweighted: B4 = b x the lines' largest weight.
__int128 FutureBound::ThresholdWalk(const ClassSums& sums) {
  std::sort(walk_.begin(), walk_.end(), [](const Step& a, const Step& b) { return a.position < b.position; });
  Amount basket = 0;
  int max_weight = 0;
  for (int k = 0; k < class_count_; ++k) {
    basket += sums.amount[k];
    if (touched_[k]) max_weight = std::max(max_weight, class_max_weight_[k]);
  }
  auto take = [&](const Candidate& c, Amount reachable) -> Amount {
    if (reachable <= 0) return 0;
    if (!c.percent) return std::min(c.amount_off, reachable);
    const QuotientRemainder q = MulDiv(reachable, c.rate_numerator, c.rate_denominator);
    return q.quotient + (q.remainder > 0 ? 1 : 0);
  };
  Amount lost = 0;
  for (const Step& step : walk_) {
    const Candidate& c = candidates_[step.candidate];
    if (c.spend_threshold > 0 && whole_basket_[step.candidate]) {
      const Amount before = std::min(lost, basket - c.spend_threshold);
      lost = std::max(lost, before + take(c, basket - before));
    } else {
      lost += take(c, std::min(step.basis, basket - lost));
    }
  }
  return std::min(lost, basket) * max_weight;
}

FutureBound::Result FutureBound::Compute(size_t position, const ClassSums& sums, const std::vector<bool>& group_used) {
  std::fill(keep_.begin(), keep_.end(), 1.0);
  std::fill(keep_ungrouped_.begin(), keep_ungrouped_.end(), 1.0);
  alone_ = amount_parts_ = ungrouped_amounts_ = touched_weighted_ = 0;
  any_ = false;
  choices_.clear();
  walk_.clear();
  touched_classes_.clear();
  for (const Slot& slot : slots_) {
    if (slot.positions.back() < static_cast<int>(position)) continue;
    if (slot.group >= 0 && group_used[slot.group]) continue;
    AddSlot(slot, position, sums);
  }
  __int128 lost = 0;
  std::fill(coarse_weighted_.begin(), coarse_weighted_.end(), 0.0);
  for (int k : touched_classes_) {
    touched_weighted_ += sums.weighted[k];
    lost += LostAtMost(sums.weighted[k], static_cast<double>(sums.weighted[k]) * keep_[k]);
    coarse_weighted_[coarse_of_[k]] += static_cast<double>(sums.weighted[k]) * keep_ungrouped_[k];
  }
  Result result;
  result.any = any_;
  const __int128 walk = any_ ? ThresholdWalk(sums) : 0;
  for (int k : touched_classes_) touched_[k] = 0;
  if (!any_) return result;
  __int128 b2 = lost + amount_parts_;
  if (const std::optional<__int128> by_choice = GroupChoiceB2()) b2 = std::min(b2, *by_choice);
  result.value = std::min({alone_, b2, touched_weighted_, walk});
  return result;
}

}  // namespace sfa::quote::pricing

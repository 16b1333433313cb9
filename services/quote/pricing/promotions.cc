#include "quote/pricing/promotions.h"

#include <algorithm>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "quote/pricing/price_book.h"

namespace sfa::quote::pricing {
namespace {

// Either a prepared candidate or why the promotion cannot apply.
using Prepared = std::variant<Candidate, std::string>;

__int128 Gcd(__int128 a, __int128 b) {
  while (b != 0) a = std::exchange(b, a % b);
  return a;
}

int KindRank(v1::PromotionKind kind) {
  switch (kind) {
    case v1::PROMOTION_KIND_BUY_X_GET_Y:
      return 0;
    case v1::PROMOTION_KIND_QUANTITY_THRESHOLD:
      return 1;
    default:
      return 2;
  }
}

bool Eligible(const v1::Promotion& promotion, const PromotionLine& line) {
  if (promotion.eligible_product_ids().empty() && promotion.eligible_sku_ids().empty()) return true;
  const auto& products = promotion.eligible_product_ids();
  const auto& skus = promotion.eligible_sku_ids();
  return std::find(products.begin(), products.end(), line.product_id) != products.end() ||
         (!line.sku_id.empty() && std::find(skus.begin(), skus.end(), line.sku_id) != skus.end());
}

int32_t MaxWeight(const std::vector<int>& indices, absl::Span<const PromotionLine> lines) {
  int32_t weight = 0;
  for (int i : indices) weight = std::max(weight, lines[i].weight);
  return weight;
}

// The benefit of a SPEND or QUANTITY promotion; "" when it is well formed.
std::string SetBenefit(const v1::Promotion& promotion, absl::string_view currency, Candidate& candidate) {
  switch (promotion.benefit_case()) {
    case v1::Promotion::kPercentOffBp:
      if (promotion.percent_off_bp() < 0 || promotion.percent_off_bp() > kBasisPoints) {
        return absl::StrCat("invalid_promotion: percent_off_bp ", promotion.percent_off_bp(), " outside 0..10000");
      }
      candidate.percent = true;
      candidate.rate_numerator = promotion.percent_off_bp();
      candidate.rate_denominator = kBasisPoints;
      return "";
    case v1::Promotion::kAmountOff:
      if (promotion.amount_off().currency() != currency) return "currency_mismatch";
      if (promotion.amount_off().minor_units() < 0 || promotion.amount_off().minor_units() > kMaxMinorUnits) {
        return "invalid_promotion: amount_off outside 0..kMaxMinorUnits";
      }
      candidate.amount_off = FromMinor(promotion.amount_off().minor_units());
      return "";
    default:
      return "invalid_promotion: no benefit";
  }
}

Prepared PrepareThreshold(const v1::Promotion& promotion, absl::Span<const PromotionLine> lines,
                          absl::string_view currency, Candidate candidate) {
  __int128 units = 0;
  Amount amount = 0;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    if (!Eligible(promotion, lines[i])) continue;
    candidate.lines.push_back(i);
    units += lines[i].units;
    amount += lines[i].amount;
  }
  if (std::string problem = SetBenefit(promotion, currency, candidate); !problem.empty()) return problem;
  if (candidate.lines.empty()) return std::string("no_eligible_lines");
  if (promotion.kind() == v1::PROMOTION_KIND_QUANTITY_THRESHOLD) {
    if (units < promotion.threshold_quantity()) return std::string("threshold_not_met");
    return candidate;
  }
  const common::v1::Money& threshold = promotion.threshold_amount();
  if (threshold.minor_units() != 0 && threshold.currency() != currency) return std::string("currency_mismatch");
  if (threshold.minor_units() < 0 || threshold.minor_units() > kMaxMinorUnits) {
    return std::string("invalid_promotion: threshold_amount outside 0..kMaxMinorUnits");
  }
  candidate.spend_threshold = FromMinor(threshold.minor_units());
  if (amount < candidate.spend_threshold) return std::string("threshold_not_met");
  return candidate;
}

Prepared PrepareBuyXGetY(const v1::Promotion& promotion, absl::Span<const PromotionLine> lines, Candidate candidate) {
  if (promotion.buy_quantity() <= 0 || promotion.get_quantity() <= 0 || promotion.buy_product_id().empty() ||
      promotion.get_product_id().empty()) {
    return std::string("invalid_promotion: buy_x_get_y needs products and quantities of at least 1");
  }
  if (promotion.get_percent_off_bp() < 0 || promotion.get_percent_off_bp() > kBasisPoints) {
    return absl::StrCat("invalid_promotion: get_percent_off_bp ", promotion.get_percent_off_bp(), " outside 0..10000");
  }
  __int128 buy_units = 0;
  __int128 get_units = 0;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    if (lines[i].product_id == promotion.buy_product_id()) buy_units += lines[i].units;
    if (lines[i].product_id != promotion.get_product_id()) continue;
    candidate.lines.push_back(i);
    get_units += lines[i].units;
  }
  if (buy_units == 0 || get_units == 0) return std::string("no_eligible_lines");
  const __int128 free_units =
      std::min<__int128>(buy_units / promotion.buy_quantity() * promotion.get_quantity(), get_units);
  if (free_units == 0) return std::string("threshold_not_met");
  candidate.percent = true;
  __int128 numerator = promotion.get_percent_off_bp() * free_units;
  __int128 denominator = kBasisPoints * get_units;
  const __int128 divisor = Gcd(numerator, denominator);
  candidate.rate_numerator = numerator / divisor;
  candidate.rate_denominator = denominator / divisor;
  return candidate;
}

Prepared Prepare(const v1::Promotion& promotion, absl::Span<const PromotionLine> lines, absl::string_view currency,
                 absl::Time date, int source) {
  if (!promotion.active()) return std::string("inactive");
  if (!ValidAt(promotion, date)) return std::string("not_valid_at_date");
  if (promotion.usage_quota() < 0) return std::string("invalid_promotion: negative usage_quota");
  if (promotion.usage_quota() > 0 && promotion.used() >= promotion.usage_quota()) {
    return std::string("quota_exhausted");
  }
  Candidate candidate;
  candidate.promotion_id = promotion.promotion_id();
  candidate.kind = promotion.kind();
  candidate.group = promotion.exclusivity_group();
  candidate.stackable = promotion.stackable();
  candidate.source = source;
  Prepared prepared;
  switch (promotion.kind()) {
    case v1::PROMOTION_KIND_SPEND_THRESHOLD:
    case v1::PROMOTION_KIND_QUANTITY_THRESHOLD:
      prepared = PrepareThreshold(promotion, lines, currency, std::move(candidate));
      break;
    case v1::PROMOTION_KIND_BUY_X_GET_Y:
      prepared = PrepareBuyXGetY(promotion, lines, std::move(candidate));
      break;
    default:
      return std::string("invalid_promotion: unknown kind");
  }
  if (Candidate* ready = std::get_if<Candidate>(&prepared)) ready->max_weight = MaxWeight(ready->lines, lines);
  return prepared;
}

// Largest remainder: floor shares of `total` in proportion to the amounts, then one more unit to the
// lines with the largest remainders (ties to the earlier line) until the shares sum to `total`.
void SpreadAmount(const Candidate& candidate, Amount total, Amount basis, std::vector<Amount>& amounts,
                  absl::Span<const PromotionLine> lines, std::vector<Amount>* shares, Application& out) {
  struct Share {
    Amount remainder;
    int line;
    Amount share;
  };
  std::vector<Share> spread;
  spread.reserve(candidate.lines.size());
  Amount left = total;
  for (int i : candidate.lines) {
    const QuotientRemainder split = MulDiv(total, amounts[i], basis);
    spread.push_back({split.remainder, i, split.quotient});
    left -= split.quotient;
  }
  if (left > 0) {
    std::partial_sort(spread.begin(), spread.begin() + static_cast<size_t>(left), spread.end(),
                      [](const Share& a, const Share& b) {
                        return a.remainder != b.remainder ? a.remainder > b.remainder : a.line < b.line;
                      });
    for (size_t k = 0; k < static_cast<size_t>(left); ++k) spread[k].share += 1;
  }
  for (const Share& s : spread) {
    if (s.share == 0) continue;
    amounts[s.line] -= s.share;
    out.discount += s.share;
    out.value += s.share * lines[s.line].weight;
    if (shares != nullptr) (*shares)[s.line] = s.share;
  }
}

}  // namespace

bool AppliesBefore(const Candidate& a, const Candidate& b) {
  return std::make_tuple(KindRank(a.kind), !a.percent, std::string_view(a.promotion_id), a.source) <
         std::make_tuple(KindRank(b.kind), !b.percent, std::string_view(b.promotion_id), b.source);
}

Application Apply(const Candidate& candidate, absl::Span<const PromotionLine> lines, std::vector<Amount>& amounts,
                  std::vector<Amount>* shares) {
  Application out;
  Amount basis = 0;
  if (candidate.spend_threshold > 0 || !candidate.percent) {
    for (int i : candidate.lines) basis += amounts[i];
    if (basis < candidate.spend_threshold) return out;
  }
  if (candidate.percent) {
    for (int i : candidate.lines) {
      const Amount share = MulDiv(amounts[i], candidate.rate_numerator, candidate.rate_denominator).quotient;
      if (share == 0) continue;
      amounts[i] -= share;
      out.discount += share;
      out.value += share * lines[i].weight;
      if (shares != nullptr) (*shares)[i] = share;
    }
  } else {
    const Amount total = std::min(candidate.amount_off, basis);
    if (total > 0) SpreadAmount(candidate, total, basis, amounts, lines, shares, out);
  }
  out.applied = out.discount > 0;
  return out;
}

ScreenedPromotions ScreenPromotions(absl::Span<const v1::Promotion> promotions, absl::Span<const PromotionLine> lines,
                                    absl::string_view currency, absl::Time date) {
  ScreenedPromotions out;
  absl::flat_hash_set<absl::string_view> seen;
  std::vector<Amount> amounts;
  for (int source = 0; source < static_cast<int>(promotions.size()); ++source) {
    const v1::Promotion& promotion = promotions[source];
    if (!seen.insert(promotion.promotion_id()).second) {
      out.refused.push_back({promotion.promotion_id(), "duplicate_promotion_id", source});
      continue;
    }
    Prepared prepared = Prepare(promotion, lines, currency, date, source);
    if (std::string* reason = std::get_if<std::string>(&prepared)) {
      out.refused.push_back({promotion.promotion_id(), std::move(*reason), source});
      continue;
    }
    Candidate& candidate = std::get<Candidate>(prepared);
    amounts.clear();
    for (const PromotionLine& line : lines) amounts.push_back(line.amount);
    if (!Apply(candidate, lines, amounts).applied) {
      out.refused.push_back({promotion.promotion_id(), "no_discount", source});
      continue;
    }
    out.candidates.push_back(std::move(candidate));
  }
  std::sort(out.candidates.begin(), out.candidates.end(), AppliesBefore);
  return out;
}

Evaluation Evaluate(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines,
                    absl::Span<const int> members, bool with_shares) {
  Evaluation out;
  out.amounts.reserve(lines.size());
  for (const PromotionLine& line : lines) out.amounts.push_back(line.amount);
  for (int member : members) {
    std::vector<Amount>* shares = nullptr;
    if (with_shares) shares = &out.shares.emplace_back(lines.size(), 0);
    const Application applied = Apply(candidates[member], lines, out.amounts, shares);
    out.value += applied.value;
    out.discount += applied.discount;
    if (applied.applied) ++out.applied;
  }
  return out;
}

std::string CombinationRefusal(absl::Span<const Candidate> candidates, absl::Span<const int> members) {
  if (members.size() > 1) {
    for (int member : members) {
      if (!candidates[member].stackable) return absl::StrCat("not_stackable with ", candidates[member].promotion_id);
    }
  }
  absl::flat_hash_map<absl::string_view, absl::string_view> group_members;
  for (int member : members) {
    const Candidate& candidate = candidates[member];
    if (candidate.group.empty()) continue;
    auto [it, inserted] = group_members.try_emplace(candidate.group, candidate.promotion_id);
    if (!inserted) {
      return absl::StrCat("exclusivity_group ", candidate.group, ": ", it->second, " and ", candidate.promotion_id);
    }
  }
  return "";
}

}  // namespace sfa::quote::pricing

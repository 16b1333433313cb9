#include "quote/pricing/engine.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "domain/field_checks.h"
#include "domain/support.h"
#include "quote/pricing/amount.h"
#include "quote/pricing/line_pricing.h"
#include "quote/pricing/optimiser.h"
#include "quote/pricing/promotions.h"

namespace sfa::quote::pricing {
namespace {

using ::sfa::domain::Invalid;
using ::sfa::domain::RuleViolation;

common::v1::Money Money(int64_t minor_units, const std::string& currency) {
  common::v1::Money money;
  money.set_minor_units(minor_units);
  money.set_currency(currency);
  return money;
}

absl::StatusOr<std::vector<v1::QuoteLine>> NormaliseLines(const std::vector<v1::QuoteLine>& lines) {
  std::vector<v1::QuoteLine> out = lines;
  absl::flat_hash_set<std::string> ids;
  for (size_t i = 0; i < out.size(); ++i) {
    v1::QuoteLine& line = out[i];
    const std::string field = absl::StrCat("lines[", i, "]");
    if (line.line_id().empty()) line.set_line_id(absl::StrCat(i + 1));
    if (!ids.insert(line.line_id()).second) {
      return Invalid(absl::StrCat(field, ".line_id"), absl::StrCat("repeats ", line.line_id()));
    }
    if (line.quantity() < 1 || line.quantity() > kMaxMinorUnits) {
      return Invalid(absl::StrCat(field, ".quantity"), absl::StrCat("must be 1..", kMaxMinorUnits));
    }
    if (line.manual_discount_bp() < 0 || line.manual_discount_bp() > kBasisPoints) {
      return Invalid(absl::StrCat(field, ".manual_discount_bp"), "must be 0..10000");
    }
  }
  return out;
}

absl::Status LineError(absl::string_view rule, const v1::QuoteLine& line, absl::string_view detail) {
  return RuleViolation(rule, absl::StrCat("line ", line.line_id(), " ", detail));
}

// The catalogue checks, the entry (a SKU's wins over its product's) and the line's price before promotions.
absl::StatusOr<LineBase> PriceLine(const v1::QuoteLine& line, const PricingInput& input, const EntryIndex& entries) {
  auto product = input.products.find(line.product_id());
  if (product == input.products.end()) {
    return LineError("unknown_product", line,
                     absl::StrCat("names product ", line.product_id(), ", which does not exist"));
  }
  if (!product->second.active()) {
    return LineError("product_inactive", line,
                     absl::StrCat("names product ", line.product_id(), ", which is inactive"));
  }
  const v1::Sku* sku = nullptr;
  if (line.sku_id().empty()) {
    if (product->second.attributes_size() > 0) {
      return LineError("sku_required", line,
                       absl::StrCat("needs a sku_id: product ", line.product_id(), " has attributes"));
    }
  } else {
    auto found = input.skus.find(line.sku_id());
    if (found == input.skus.end()) {
      return LineError("unknown_sku", line, absl::StrCat("names SKU ", line.sku_id(), ", which does not exist"));
    }
    sku = &found->second;
    if (sku->product_id() != line.product_id()) {
      return LineError(
          "sku_product_mismatch", line,
          absl::StrCat("names SKU ", line.sku_id(), " of product ", sku->product_id(), ", not of ", line.product_id()));
    }
    if (!sku->active()) {
      return LineError("sku_inactive", line, absl::StrCat("names SKU ", line.sku_id(), ", which is inactive"));
    }
  }
  const v1::PriceBookEntry* entry = entries.Find(line.product_id(), line.sku_id());
  if (entry == nullptr) {
    return RuleViolation("no_price", absl::StrCat("line ", line.line_id(), " (product ", line.product_id(), " / sku ",
                                                  line.sku_id().empty() ? "-" : line.sku_id(),
                                                  ") has no price in price book ", input.price_book.price_book_id()));
  }
  return PriceLineBase(line, input.price_book, *entry, sku);
}

// Appends a step shown rounded, its change the difference to the previous shown amount.
void AddStep(v1::PricedLine& priced, absl::string_view step, absl::string_view rule, int64_t shown, int64_t& previous,
             const std::string& currency) {
  v1::PricingStep* out = priced.add_waterfall();
  out->set_step(std::string(step));
  out->set_rule(std::string(rule));
  *out->mutable_amount() = Money(shown, currency);
  *out->mutable_change() = Money(shown - previous, currency);
  previous = shown;
}

struct LineTotals {
  int64_t list = 0;
  int64_t promotion_discount = 0;
  int64_t manual_discount = 0;
  int64_t net = 0;
};

// One priced line: its base steps, one step per promotion that took something off it, the manual
// discount on the exact amount after promotions, and the net rounded once.
LineTotals BuildLine(const v1::QuoteLine& line, const LineBase& base, size_t index,
                     absl::Span<const Candidate> candidates, const Combination& chosen, const Evaluation& evaluation,
                     const v1::PriceBook& book, v1::PricedLine& priced) {
  const std::string& currency = book.currency();
  *priced.mutable_line() = line;
  priced.set_price_book_id(book.price_book_id());
  *priced.mutable_list_unit_price() = Money(base.list_unit_price, currency);
  int64_t shown = 0;
  for (const ExactStep& step : base.steps)
    AddStep(priced, step.step, step.rule, ToMinorHalfEven(step.amount), shown, currency);
  LineTotals totals;
  totals.list = ToMinorHalfEven(base.list);
  const int64_t before_promotions = shown;
  Amount running = base.amount;
  for (size_t k = 0; k < chosen.members.size(); ++k) {
    const Amount share = evaluation.shares[k][index];
    if (share == 0) continue;
    running -= share;
    AddStep(priced, "promotion", absl::StrCat("promotion:", candidates[chosen.members[k]].promotion_id),
            ToMinorHalfEven(running), shown, currency);
  }
  totals.promotion_discount = before_promotions - shown;
  const int32_t manual = line.manual_discount_bp();
  const int64_t net =
      static_cast<int64_t>(DivideHalfEven(running * (kBasisPoints - manual), Amount{kBasisPoints} * kAmountScale));
  if (manual > 0) {
    const int64_t after_promotions = shown;
    AddStep(priced, "manual", absl::StrCat("manual:", manual, "bp"), net, shown, currency);
    totals.manual_discount = after_promotions - net;
  }
  AddStep(priced, "net", "net", net, shown, currency);
  *priced.mutable_net_amount() = Money(net, currency);
  totals.net = net;
  return totals;
}

v1::PromotionCombination CombinationProto(absl::Span<const Candidate> candidates, absl::Span<const int> members,
                                          __int128 value, std::string refused_because, const std::string& currency) {
  v1::PromotionCombination out;
  for (int member : members) out.add_promotion_ids(candidates[member].promotion_id);
  *out.mutable_discount() =
      Money(static_cast<int64_t>(DivideHalfEven(value, Amount{kBasisPoints} * kAmountScale)), currency);
  out.set_refused_because(std::move(refused_because));
  return out;
}

void AddAlternatives(absl::Span<const Candidate> candidates, absl::Span<const RefusedPromotion> refused,
                     absl::Span<const PromotionLine> lines, const SearchResult& search, const std::vector<int>& chosen,
                     const std::string& currency, v1::Pricing& pricing) {
  absl::flat_hash_set<std::vector<int>> listed;
  for (const Combination& combination : search.best) {
    listed.insert(combination.members);
    *pricing.add_alternatives() = CombinationProto(candidates, combination.members, combination.value, "", currency);
  }
  for (int j = 0; j < static_cast<int>(candidates.size()); ++j) {
    if (std::find(chosen.begin(), chosen.end(), j) != chosen.end()) continue;
    std::vector<int> members = chosen;
    members.insert(std::upper_bound(members.begin(), members.end(), j), j);
    if (!listed.insert(members).second) continue;
    const __int128 value = Evaluate(candidates, lines, members).value;
    *pricing.add_alternatives() =
        CombinationProto(candidates, members, value, CombinationRefusal(candidates, members), currency);
  }
  for (const RefusedPromotion& promotion : refused) {
    v1::PromotionCombination* out = pricing.add_alternatives();
    out->add_promotion_ids(promotion.promotion_id);
    *out->mutable_discount() = Money(0, currency);
    out->set_refused_because(promotion.reason);
  }
}

absl::Status CheckTotal(__int128 total, absl::string_view what) {
  if (total <= kMaxMinorUnits && total >= -kMaxMinorUnits) return absl::OkStatus();
  return RuleViolation("amount_too_large",
                       absl::StrCat("the quote's ", what, " exceeds ", kMaxMinorUnits, " minor units"));
}

}  // namespace

absl::StatusOr<v1::Pricing> PriceBasket(const PricingInput& input, const PricingOptions& options) {
  absl::StatusOr<std::vector<v1::QuoteLine>> lines = NormaliseLines(input.lines);
  if (!lines.ok()) return lines.status();
  const std::string& currency = input.price_book.currency();
  const EntryIndex entries(input.price_book);
  std::vector<LineBase> bases;
  std::vector<PromotionLine> promotion_lines;
  bases.reserve(lines->size());
  promotion_lines.reserve(lines->size());
  for (const v1::QuoteLine& line : *lines) {
    absl::StatusOr<LineBase> base = PriceLine(line, input, entries);
    if (!base.ok()) return base.status();
    promotion_lines.push_back(
        {line.product_id(), line.sku_id(), line.quantity(), base->amount, kBasisPoints - line.manual_discount_bp()});
    bases.push_back(*std::move(base));
  }

  const ScreenedPromotions screened = ScreenPromotions(input.promotions, promotion_lines, currency, input.date);
  absl::StatusOr<SearchResult> search = FindBestCombinations(
      screened.candidates, promotion_lines, {.keep = options.best_combinations, .max_nodes = options.max_search_nodes});
  if (!search.ok()) return search.status();
  // A combination worth nothing to the customer (it only discounts lines the rep already gave away) is
  // not applied: it would spend promotion quota for nothing.
  const Combination chosen =
      search->best.empty() || search->best.front().value <= 0 ? Combination{} : search->best.front();
  const Evaluation evaluation = Evaluate(screened.candidates, promotion_lines, chosen.members, /*with_shares=*/true);

  v1::Pricing pricing;
  __int128 list = 0, promotion_discount = 0, manual_discount = 0, net = 0;
  for (size_t i = 0; i < lines->size(); ++i) {
    const LineTotals totals = BuildLine((*lines)[i], bases[i], i, screened.candidates, chosen, evaluation,
                                        input.price_book, *pricing.add_lines());
    list += totals.list;
    promotion_discount += totals.promotion_discount;
    manual_discount += totals.manual_discount;
    net += totals.net;
  }
  SFA_RETURN_IF_ERROR(CheckTotal(list, "list total"));
  SFA_RETURN_IF_ERROR(CheckTotal(net, "net total"));
  for (int member : chosen.members) pricing.add_applied_promotion_ids(screened.candidates[member].promotion_id);
  AddAlternatives(screened.candidates, screened.refused, promotion_lines, *search, chosen.members, currency, pricing);

  v1::QuoteTotals* totals = pricing.mutable_totals();
  *totals->mutable_list_total() = Money(static_cast<int64_t>(list), currency);
  *totals->mutable_promotion_discount() = Money(static_cast<int64_t>(promotion_discount), currency);
  *totals->mutable_manual_discount() = Money(static_cast<int64_t>(manual_discount), currency);
  *totals->mutable_net_total() = Money(static_cast<int64_t>(net), currency);
  totals->set_discount_bp(list > 0 && net < list ? static_cast<int32_t>((list - net) * kBasisPoints / list) : 0);
  *pricing.mutable_priced_at() = ::sfa::domain::ToTimestamp(input.date);
  return pricing;
}

}  // namespace sfa::quote::pricing

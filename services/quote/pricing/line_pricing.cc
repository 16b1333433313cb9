#include "quote/pricing/line_pricing.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/support.h"

namespace sfa::quote::pricing {
namespace {

using ::sfa::domain::RuleViolation;

absl::Status LineError(absl::string_view rule, const v1::QuoteLine& line, absl::string_view detail) {
  return RuleViolation(rule, absl::StrCat("line ", line.line_id(), " ", detail));
}

absl::Status TooLarge(const v1::QuoteLine& line, absl::string_view what) {
  return LineError("amount_too_large", line, absl::StrCat(what, " exceeds ", kMaxMinorUnits, " minor units"));
}

// unit x quantity, refused beyond kMaxAmount instead of wrapping.
absl::StatusOr<Amount> Times(Amount unit, int64_t quantity, const v1::QuoteLine& line, absl::string_view what) {
  const Amount magnitude = unit < 0 ? -unit : unit;
  if (magnitude != 0 && quantity > kMaxAmount / magnitude) return TooLarge(line, what);
  return unit * quantity;
}

absl::Status CheckCurrency(const common::v1::Money& money, const v1::PriceBook& book, const v1::QuoteLine& line,
                           absl::string_view what) {
  if (money.currency() == book.currency()) return absl::OkStatus();
  return LineError(
      "currency_mismatch", line,
      absl::StrCat(what, " is in ", money.currency(), ", price book ", book.price_book_id(), " in ", book.currency()));
}

struct TierPrice {
  int64_t min_quantity = 1;
  Amount unit = 0;
};

absl::StatusOr<std::vector<TierPrice>> TierPrices(const v1::PriceBookEntry& entry, const v1::PriceBook& book,
                                                  Amount list_unit, const v1::QuoteLine& line) {
  std::vector<TierPrice> tiers;
  for (const v1::PriceTier& tier : entry.tiers()) {
    TierPrice price{std::max<int64_t>(tier.min_quantity(), 1), 0};
    switch (tier.price_case()) {
      case v1::PriceTier::kUnitPrice:
        SFA_RETURN_IF_ERROR(CheckCurrency(tier.unit_price(), book, line, "a tier's unit_price"));
        if (tier.unit_price().minor_units() < 0) return LineError("invalid_price_book", line, "has a negative tier");
        price.unit = FromMinor(tier.unit_price().minor_units());
        break;
      case v1::PriceTier::kPercentOffBp:
        if (tier.percent_off_bp() < 0 || tier.percent_off_bp() > kBasisPoints) {
          return LineError("invalid_price_book", line,
                           absl::StrCat("has a tier percent_off_bp ", tier.percent_off_bp(), " outside 0..10000"));
        }
        // Exact: list_unit is a multiple of 10^8, so the quotient has no remainder.
        price.unit = list_unit * (kBasisPoints - tier.percent_off_bp()) / kBasisPoints;
        break;
      default:
        return LineError("invalid_price_book", line, "has a tier without a price");
    }
    tiers.push_back(price);
  }
  std::stable_sort(tiers.begin(), tiers.end(),
                   [](const TierPrice& a, const TierPrice& b) { return a.min_quantity < b.min_quantity; });
  return tiers;
}

// Every unit at the price of the highest tier reached; nullopt-like (no step) when none is reached.
absl::StatusOr<std::optional<ExactStep>> RangeStep(const std::vector<TierPrice>& tiers, const v1::QuoteLine& line) {
  const TierPrice* reached = nullptr;
  for (const TierPrice& tier : tiers) {
    if (tier.min_quantity <= line.quantity()) reached = &tier;
  }
  if (reached == nullptr) return std::nullopt;
  absl::StatusOr<Amount> amount = Times(reached->unit, line.quantity(), line, "the tier amount");
  if (!amount.ok()) return amount.status();
  return ExactStep{"tier", absl::StrCat("tier:RANGE>=", reached->min_quantity), *amount};
}

// Each slab of units at its own tier's price; the rule lists the slabs up to the one the quantity ends in.
absl::StatusOr<std::optional<ExactStep>> SlabStep(const std::vector<TierPrice>& tiers, Amount list_unit,
                                                  const v1::QuoteLine& line) {
  const int64_t quantity = line.quantity();
  if (tiers.empty() || tiers.front().min_quantity > quantity) return std::nullopt;
  std::vector<std::string> slabs;
  Amount total = 0;
  int64_t start = 1;
  Amount unit = list_unit;
  auto add_slab = [&](int64_t last, bool open_ended) -> absl::Status {
    absl::StatusOr<Amount> amount = Times(unit, last - start + 1, line, "the slab amount");
    if (!amount.ok()) return amount.status();
    total += *amount;
    if (!InMoneyRange(total)) return TooLarge(line, "the slab amount");
    slabs.push_back(open_ended ? absl::StrCat(start, "+@", FormatMinor(unit))
                               : absl::StrCat(start, "-", last, "@", FormatMinor(unit)));
    return absl::OkStatus();
  };
  size_t next = 0;
  for (; next < tiers.size() && tiers[next].min_quantity <= quantity; ++next) {
    if (tiers[next].min_quantity > start) SFA_RETURN_IF_ERROR(add_slab(tiers[next].min_quantity - 1, false));
    start = tiers[next].min_quantity;
    unit = tiers[next].unit;
  }
  // The slab the quantity ends in: bounded by the next tier when there is one. Its label shows the slab
  // as configured; only the units up to the quantity are priced.
  const bool open_ended = next == tiers.size();
  absl::StatusOr<Amount> amount = Times(unit, quantity - start + 1, line, "the slab amount");
  if (!amount.ok()) return amount.status();
  total += *amount;
  if (!InMoneyRange(total)) return TooLarge(line, "the slab amount");
  slabs.push_back(open_ended ? absl::StrCat(start, "+@", FormatMinor(unit))
                             : absl::StrCat(start, "-", tiers[next].min_quantity - 1, "@", FormatMinor(unit)));
  return ExactStep{"tier", absl::StrCat("tier:SLAB ", absl::StrJoin(slabs, ",")), total};
}

const v1::AttributeAdjustment* FindAdjustment(const v1::PriceBookEntry& entry, absl::string_view attribute,
                                              absl::string_view value) {
  for (const v1::AttributeAdjustment& adjustment : entry.adjustments()) {
    if (adjustment.attribute() == attribute && adjustment.value() == value) return &adjustment;
  }
  return nullptr;
}

// The change an adjustment makes to a line whose amount after tiers is `after_tiers`.
absl::StatusOr<ExactStep> AttributeStep(const v1::AttributeAdjustment& adjustment, Amount before, Amount after_tiers,
                                        const v1::PriceBook& book, const v1::QuoteLine& line) {
  const std::string label = absl::StrCat("attribute:", adjustment.attribute(), "=", adjustment.value(), " ");
  switch (adjustment.adjustment_case()) {
    case v1::AttributeAdjustment::kAmount: {
      SFA_RETURN_IF_ERROR(CheckCurrency(adjustment.amount(), book, line, "an attribute adjustment"));
      const int64_t per_unit = adjustment.amount().minor_units();
      absl::StatusOr<Amount> change = Times(FromMinor(per_unit), line.quantity(), line, "an attribute adjustment");
      if (!change.ok()) return change.status();
      return ExactStep{"attribute", absl::StrCat(label, per_unit >= 0 ? "+" : "", per_unit), before + *change};
    }
    case v1::AttributeAdjustment::kPercentBp: {
      const int32_t bp = adjustment.percent_bp();
      if (bp < -kBasisPoints) {
        return LineError("invalid_price_book", line,
                         absl::StrCat("has an attribute adjustment of ", bp, "bp, below -10000"));
      }
      // after_tiers is a multiple of 10^4 (at most one basis-point factor so far): exact.
      return ExactStep{"attribute", absl::StrCat(label, FormatSignedBp(bp)),
                       before + DivideHalfEven(after_tiers * bp, kBasisPoints)};
    }
    default:
      return LineError("invalid_price_book", line, "has an attribute adjustment without an amount or percent");
  }
}

absl::Status AppendStep(LineBase& base, ExactStep step, const v1::QuoteLine& line) {
  if (!InMoneyRange(step.amount)) return TooLarge(line, absl::StrCat("the ", step.step, " amount"));
  if (step.amount < 0) {
    return LineError("negative_price", line,
                     absl::StrCat("would cost ", FormatMinor(step.amount), " after ", step.rule));
  }
  base.amount = step.amount;
  base.steps.push_back(std::move(step));
  return absl::OkStatus();
}

}  // namespace

EntryIndex::EntryIndex(const v1::PriceBook& book) {
  for (const v1::PriceBookEntry& entry : book.entries()) {
    if (!entry.sku_id().empty()) {
      by_sku_.try_emplace(entry.sku_id(), &entry);
    } else if (!entry.product_id().empty()) {
      by_product_.try_emplace(entry.product_id(), &entry);
    }
  }
}

const v1::PriceBookEntry* EntryIndex::Find(absl::string_view product_id, absl::string_view sku_id) const {
  if (!sku_id.empty()) {
    if (auto it = by_sku_.find(sku_id); it != by_sku_.end()) return it->second;
  }
  auto it = by_product_.find(product_id);
  return it == by_product_.end() ? nullptr : it->second;
}

absl::StatusOr<LineBase> PriceLineBase(const v1::QuoteLine& line, const v1::PriceBook& book,
                                       const v1::PriceBookEntry& entry, const v1::Sku* sku) {
  SFA_RETURN_IF_ERROR(CheckCurrency(entry.list_price(), book, line, "the list price"));
  LineBase base;
  base.list_unit_price = entry.list_price().minor_units();
  if (base.list_unit_price < 0) return LineError("invalid_price_book", line, "has a negative list price");
  if (base.list_unit_price > kMaxMinorUnits) return TooLarge(line, "the list price");
  const Amount list_unit = FromMinor(base.list_unit_price);
  absl::StatusOr<Amount> list = Times(list_unit, line.quantity(), line, "the list amount");
  if (!list.ok()) return list.status();
  base.list = *list;
  SFA_RETURN_IF_ERROR(AppendStep(base, {"list", absl::StrCat("price_book:", book.price_book_id()), *list}, line));

  absl::StatusOr<std::vector<TierPrice>> tiers = TierPrices(entry, book, list_unit, line);
  if (!tiers.ok()) return tiers.status();
  absl::StatusOr<std::optional<ExactStep>> tier =
      entry.tier_mode() == v1::TIER_MODE_SLAB ? SlabStep(*tiers, list_unit, line) : RangeStep(*tiers, line);
  if (!tier.ok()) return tier.status();
  if (tier->has_value()) SFA_RETURN_IF_ERROR(AppendStep(base, std::move(**tier), line));

  if (sku == nullptr) return base;
  const Amount after_tiers = base.amount;
  std::vector<std::pair<std::string, std::string>> values(sku->attribute_values().begin(),
                                                          sku->attribute_values().end());
  std::sort(values.begin(), values.end());
  for (const auto& [attribute, value] : values) {
    const v1::AttributeAdjustment* adjustment = FindAdjustment(entry, attribute, value);
    if (adjustment == nullptr) continue;
    absl::StatusOr<ExactStep> step = AttributeStep(*adjustment, base.amount, after_tiers, book, line);
    if (!step.ok()) return step.status();
    SFA_RETURN_IF_ERROR(AppendStep(base, std::move(*step), line));
  }
  return base;
}

}  // namespace sfa::quote::pricing

#ifndef SFA_SERVICES_QUOTE_PRICING_LINE_PRICING_H_
#define SFA_SERVICES_QUOTE_PRICING_LINE_PRICING_H_

// A line's price before promotions: the price-book entry that prices it, then list -> tier -> attribute
// adjustments, each step exact (see amount.h).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "quote/pricing/amount.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::quote::pricing {

// One waterfall step with the exact line amount after it; the Pricing message shows it rounded.
struct ExactStep {
  std::string step;  // "list", "tier", "attribute", "promotion", "manual", "net"
  std::string rule;
  Amount amount = 0;
};

// A book's entries by SKU and by product, so that a SKU entry wins over its product's entry.
class EntryIndex {
 public:
  explicit EntryIndex(const v1::PriceBook& book);
  // The SKU's entry when the book has one, else the product's (an entry without sku_id); nullptr when
  // neither exists. The first of duplicate entries counts.
  const v1::PriceBookEntry* Find(absl::string_view product_id, absl::string_view sku_id) const;

 private:
  absl::flat_hash_map<std::string, const v1::PriceBookEntry*> by_sku_;
  absl::flat_hash_map<std::string, const v1::PriceBookEntry*> by_product_;
};

struct LineBase {
  int64_t list_unit_price = 0;  // minor units
  // "list", then "tier" when the quantity reaches a tier, then one "attribute" step per adjustment that
  // matches the SKU's attribute values (in attribute-name order).
  std::vector<ExactStep> steps;
  Amount list = 0;    // list price x quantity
  Amount amount = 0;  // after tiers and attributes: what promotions see
};

// Tiers: RANGE prices every unit at the highest tier the quantity reaches; SLAB prices units
// [1, t1.min) at list, [t1.min, t2.min) at tier 1 and so on, like tax brackets. A tier is a unit price or
// a percent off the list price. Attribute adjustments, for each of the SKU's attribute values that has one:
// an amount per unit, or a percent of the line amount after tiers (so several percents do not compound).
//
// `line.quantity` >= 1 and `sku` (nullable) belongs to the line's product: the caller checked both.
// FAILED_PRECONDITION currency_mismatch (entry money in another currency than the book's),
// invalid_price_book (a malformed tier or adjustment), negative_price (adjustments below zero) and
// amount_too_large (beyond kMaxMinorUnits) name the line.
absl::StatusOr<LineBase> PriceLineBase(const v1::QuoteLine& line, const v1::PriceBook& book,
                                       const v1::PriceBookEntry& entry, const v1::Sku* sku);

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_LINE_PRICING_H_

#ifndef SFA_SERVICES_QUOTE_PRICING_ENGINE_H_
#define SFA_SERVICES_QUOTE_PRICING_ENGINE_H_

// Prices a basket: each line list -> tier -> attribute -> promotion -> manual discount -> net, with the
// promotions the exact optimiser chose, the alternatives it weighed, and the totals. Pure: no clock, no
// storage; the caller resolves the price book (ResolvePriceBook in price_book.h) and looks up the
// catalogue and the promotions.
//
// Rounding: every amount is computed exactly (amount.h: 10^-8 minor units, promotion shares truncated
// there) and rounded half-even to the minor unit once per line, on the net. The waterfall shows each
// step's amount rounded half-even too, with change = the difference of the shown amounts, so a line's
// shown steps add up to its net; the net itself comes from the exact value, never from the shown steps.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::quote::pricing {

struct PricingInput {
  // line_id is generated ("1", "2", ... by position) when empty.
  std::vector<v1::QuoteLine> lines;
  v1::PriceBook price_book;
  // The catalogue the lines name, by id.
  absl::flat_hash_map<std::string, v1::Product> products;
  absl::flat_hash_map<std::string, v1::Sku> skus;
  // Every candidate; the engine tells which can apply at `date` and why the others cannot.
  std::vector<v1::Promotion> promotions;
  absl::Time date;
};

struct PricingOptions {
  // How many of the best allowed combinations to list among the alternatives (the first is applied).
  int best_combinations = 3;
  // The optimiser's node budget; RESOURCE_EXHAUSTED beyond it rather than a combination not proved best.
  int64_t max_search_nodes = 2'000'000;
};

// The Pricing message: lines with their waterfalls, applied_promotion_ids (application order), the
// alternatives, totals (discount_bp = (list_total - net_total) x 10000 / list_total rounded down, 0 when
// the basket costs list or more) and priced_at = date.
//
// Alternatives: the best allowed combinations (the first is the one applied), then for each promotion
// that could apply but is not applied the combination "applied + it" (refused_because "not_stackable with
// x" or "exclusivity_group g: a and b", or empty when allowed but worth less), then each promotion that
// cannot apply at all, alone, with its reason (promotions.h). `discount` is what the combination takes off
// the customer's total (after manual discounts), rounded half-even.
//
// Errors: INVALID_ARGUMENT for a line's quantity below 1, manual_discount_bp outside 0..10000 or a
// duplicate line_id; FAILED_PRECONDITION naming the line for unknown_product, product_inactive,
// sku_required (the product has attributes), unknown_sku, sku_product_mismatch, sku_inactive, no_price
// ("no_price: line 2 (product p / sku s) has no price in price book b"), and line_pricing.h's rules;
// RESOURCE_EXHAUSTED when the optimiser's budget runs out.
absl::StatusOr<v1::Pricing> PriceBasket(const PricingInput& input, const PricingOptions& options = {});

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_ENGINE_H_

#ifndef SFA_SERVICES_QUOTE_PROJECTIONS_KEYS_H_
#define SFA_SERVICES_QUOTE_PROJECTIONS_KEYS_H_

// The column families and key layouts of the quote service's read models. Every key starts with the
// tenant (base::KeyBuilder parts). Quotes and orders are answered from their streams (the domain's
// QuoteAt / OrderView); these families hold the catalogue and what lists and the expiry sweep need.

#include <string>

#include "absl/strings/string_view.h"

namespace sfa::quote::projections {

inline constexpr char kProductsCf[] = "rm_quote_product";        // t|product -> v1::Product
inline constexpr char kSkusCf[] = "rm_quote_sku";                // t|product|sku -> v1::Sku
inline constexpr char kSkusByIdCf[] = "rm_quote_sku_by_id";      // t|sku -> v1::Sku
inline constexpr char kPriceBooksCf[] = "rm_quote_price_book";   // t|book -> v1::PriceBook
inline constexpr char kPromotionsCf[] = "rm_quote_promotion";    // t|promotion -> v1::Promotion
// t|quote -> v1::Quote summary (ids, name, status, latest_version, valid_until; no pricing)
inline constexpr char kQuotesCf[] = "rm_quote_quote";
inline constexpr char kQuoteIndexCf[] = "rm_quote_index";        // t|dimension|value|quote -> ""
// t|order -> v1::Order summary (ids, status, totals; no lines)
inline constexpr char kOrdersCf[] = "rm_quote_order";
inline constexpr char kOrderIndexCf[] = "rm_quote_order_index";  // t|dimension|value|order -> ""

// Index dimensions.
inline constexpr char kAll[] = "all";
inline constexpr char kByOpportunity[] = "opportunity";
inline constexpr char kByStatus[] = "status";
inline constexpr char kByAccount[] = "account";

std::string TenantPrefix(absl::string_view tenant);
std::string Key(absl::string_view tenant, absl::string_view a);
std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b);
std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b, absl::string_view c);

}  // namespace sfa::quote::projections

#endif  // SFA_SERVICES_QUOTE_PROJECTIONS_KEYS_H_

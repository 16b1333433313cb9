#ifndef SFA_SERVICES_QUOTE_PRICING_TEST_SUPPORT_H_
#define SFA_SERVICES_QUOTE_PRICING_TEST_SUPPORT_H_

// Test-only builders for the pricing tests: books, entries, tiers, catalogue and promotions in a few
// readable lines.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/support.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::quote::pricing::fixtures {

// 2024-03-01T00:00:00Z plus n days.
inline absl::Time Day(int n) {
  return absl::FromCivil(absl::CivilDay(2024, 3, 1), absl::UTCTimeZone()) + absl::Hours(24 * n);
}

inline common::v1::Money Usd(int64_t minor_units, const std::string& currency = "USD") {
  common::v1::Money money;
  money.set_minor_units(minor_units);
  money.set_currency(currency);
  return money;
}

inline v1::PriceTier UnitTier(int64_t min_quantity, int64_t unit_price) {
  v1::PriceTier tier;
  tier.set_min_quantity(min_quantity);
  *tier.mutable_unit_price() = Usd(unit_price);
  return tier;
}

inline v1::PriceTier PercentTier(int64_t min_quantity, int32_t percent_off_bp) {
  v1::PriceTier tier;
  tier.set_min_quantity(min_quantity);
  tier.set_percent_off_bp(percent_off_bp);
  return tier;
}

inline v1::PriceBookEntry Entry(const std::string& product_id, int64_t list_price, const std::string& sku_id = "") {
  v1::PriceBookEntry entry;
  entry.set_product_id(product_id);
  entry.set_sku_id(sku_id);
  *entry.mutable_list_price() = Usd(list_price);
  return entry;
}

inline v1::PriceBook Book(const std::string& id, std::initializer_list<v1::PriceBookEntry> entries = {}) {
  v1::PriceBook book;
  book.set_price_book_id(id);
  book.set_currency("USD");
  book.set_active(true);
  book.mutable_scope()->set_all(true);
  for (const v1::PriceBookEntry& entry : entries) *book.add_entries() = entry;
  return book;
}

inline v1::Product Product(const std::string& id, std::initializer_list<std::string> attributes = {}) {
  v1::Product product;
  product.set_product_id(id);
  product.set_active(true);
  for (const std::string& name : attributes) product.add_attributes()->set_name(name);
  return product;
}

inline v1::Sku Sku(const std::string& id, const std::string& product_id,
                   std::initializer_list<std::pair<std::string, std::string>> values = {}) {
  v1::Sku sku;
  sku.set_sku_id(id);
  sku.set_product_id(product_id);
  sku.set_active(true);
  for (const auto& [name, value] : values) (*sku.mutable_attribute_values())[name] = value;
  return sku;
}

inline v1::QuoteLine Line(const std::string& line_id, const std::string& product_id, int64_t quantity,
                          const std::string& sku_id = "", int32_t manual_discount_bp = 0) {
  v1::QuoteLine line;
  line.set_line_id(line_id);
  line.set_product_id(product_id);
  line.set_sku_id(sku_id);
  line.set_quantity(quantity);
  line.set_manual_discount_bp(manual_discount_bp);
  return line;
}

// An active, stackable promotion valid from Day(0) to Day(30) without a condition yet.
inline v1::Promotion Promo(const std::string& id, v1::PromotionKind kind) {
  v1::Promotion promotion;
  promotion.set_promotion_id(id);
  promotion.set_kind(kind);
  promotion.set_active(true);
  promotion.set_stackable(true);
  *promotion.mutable_valid_from() = ::sfa::domain::ToTimestamp(Day(0));
  *promotion.mutable_valid_to() = ::sfa::domain::ToTimestamp(Day(30));
  return promotion;
}

inline v1::Promotion SpendPercent(const std::string& id, int64_t threshold, int32_t percent_off_bp) {
  v1::Promotion promotion = Promo(id, v1::PROMOTION_KIND_SPEND_THRESHOLD);
  *promotion.mutable_threshold_amount() = Usd(threshold);
  promotion.set_percent_off_bp(percent_off_bp);
  return promotion;
}

inline v1::Promotion SpendAmount(const std::string& id, int64_t threshold, int64_t amount_off) {
  v1::Promotion promotion = Promo(id, v1::PROMOTION_KIND_SPEND_THRESHOLD);
  *promotion.mutable_threshold_amount() = Usd(threshold);
  *promotion.mutable_amount_off() = Usd(amount_off);
  return promotion;
}

inline v1::Promotion QuantityPercent(const std::string& id, int64_t threshold_quantity, int32_t percent_off_bp) {
  v1::Promotion promotion = Promo(id, v1::PROMOTION_KIND_QUANTITY_THRESHOLD);
  promotion.set_threshold_quantity(threshold_quantity);
  promotion.set_percent_off_bp(percent_off_bp);
  return promotion;
}

inline v1::Promotion BuyXGetY(const std::string& id, const std::string& buy_product, int64_t buy_quantity,
                              const std::string& get_product, int64_t get_quantity, int32_t get_percent_off_bp) {
  v1::Promotion promotion = Promo(id, v1::PROMOTION_KIND_BUY_X_GET_Y);
  promotion.set_buy_product_id(buy_product);
  promotion.set_buy_quantity(buy_quantity);
  promotion.set_get_product_id(get_product);
  promotion.set_get_quantity(get_quantity);
  promotion.set_get_percent_off_bp(get_percent_off_bp);
  return promotion;
}

}  // namespace sfa::quote::pricing::fixtures

#endif  // SFA_SERVICES_QUOTE_PRICING_TEST_SUPPORT_H_

#ifndef SFA_SERVICES_QUOTE_DOMAIN_SKU_H_
#define SFA_SERVICES_QUOTE_DOMAIN_SKU_H_

// The SKU aggregate: a product with one value for each of its attributes. Upserted whole.

#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "quote/domain/event.h"
#include "quote/domain/product.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

inline constexpr char kSkuAggregate[] = "sku";

using SkuPayload = std::variant<v1::SkuUpserted>;
using SkuEvent = Event<SkuPayload>;

struct SkuState {
  bool exists = false;
  // The SKU as last upserted; sku.version() is the stream version.
  v1::Sku sku;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct UpsertSku {
  v1::UpsertSkuRequest request;  // validated; sku.sku_id filled in
  ProductState product;          // the state of sku.product_id
  absl::Time now;
};

SkuState Evolve(SkuState state, const SkuEvent& event);

// SkuUpserted with the whole SKU and the next stream version; nothing when the request repeats the current
// SKU. NOT_FOUND for an unknown product; sku_product_changed when an existing SKU names another product;
// sku_attribute_mismatch unless attribute_values names each of the product's attributes exactly once with
// one of its values.
absl::StatusOr<std::vector<SkuEvent>> Decide(const SkuState& state, const UpsertSku& command);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_SKU_H_

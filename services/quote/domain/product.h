#ifndef SFA_SERVICES_QUOTE_DOMAIN_PRODUCT_H_
#define SFA_SERVICES_QUOTE_DOMAIN_PRODUCT_H_

// The product aggregate: a standard product unit (SPU) with the attributes its SKUs vary by and, for a
// bundle, its components. Upserted whole.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "quote/domain/event.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

inline constexpr char kProductAggregate[] = "product";

using ProductPayload = std::variant<v1::ProductUpserted>;
using ProductEvent = Event<ProductPayload>;

struct ProductState {
  bool exists = false;
  // The product as last upserted; product.version() is the stream version.
  v1::Product product;
  absl::Time last_changed_at = absl::InfinitePast();
};

// What the adapter found for one bundle component (the decider cannot read other products).
struct ComponentLookup {
  bool product_exists = false;
  // The product of the component's sku_id; empty when the component names no SKU or the SKU does not exist.
  std::string sku_product_id = {};
  // Every product the component product contains, directly or through its own components, as far as
  // kMaxBundleDepth levels.
  std::vector<std::string> contained_product_ids = {};
};

struct UpsertProduct {
  v1::UpsertProductRequest request;  // validated
  // One per request component, in order.
  std::vector<ComponentLookup> components;
  absl::Time now;
};

ProductState Evolve(ProductState state, const ProductEvent& event);

// ProductUpserted with the whole product and the next stream version; nothing when the request repeats
// the current product. A request's product.version is ignored. NOT_FOUND for a component product that does
// not exist or a component SKU that does not (component_sku_mismatch when it belongs to another product);
// bundle_contains_itself when a component is the product or contains it.
absl::StatusOr<std::vector<ProductEvent>> Decide(const ProductState& state, const UpsertProduct& command);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_PRODUCT_H_

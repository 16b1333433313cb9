#include "quote/domain/product.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using E = ProductEvent;
using absl::StatusCode;

constexpr char kShirt[] = R"pb(product_id: "shirt"
                               name: "Shirt"
                               series: "apparel"
                               attributes { name: "colour" values: "red" values: "blue" }
                               active: true)pb";
constexpr char kKit[] = R"pb(product_id: "kit"
                             name: "Starter kit"
                             components { product_id: "shirt" required: true min_quantity: 1 max_quantity: 2 }
                             components { product_id: "cap" sku_id: "cap-red" max_quantity: 1 }
                             active: true)pb";

UpsertProduct Upsert(absl::string_view product, std::vector<ComponentLookup> components = {}, int day = 0) {
  return UpsertProduct{Pb<v1::UpsertProductRequest>(TextProto(R"pb(request_id: "q1" product {)pb", product, "}")),
                       std::move(components), Day(day)};
}

E Upserted(absl::string_view product, int version, int day = 0) {
  return E{Day(day), Pb<v1::ProductUpserted>(TextProto("product {", product, "version:", version, "}"))};
}

const ComponentLookup kShirtFound{.product_exists = true};
const ComponentLookup kRedCapFound{.product_exists = true, .sku_product_id = "cap"};

TEST(ProductDeciderTest, UpsertProduct) {
  RunDeciderTable<ProductState>(std::vector<DeciderCase<E, UpsertProduct>>{
      {.name = "new", .when = Upsert(kShirt), .then = {Upserted(kShirt, 1)}},
      {.name = "unchanged: nothing", .given = {Upserted(kShirt, 1)}, .when = Upsert(kShirt, {}, 1)},
      {.name = "the request's version is the service's",
       .given = {Upserted(kShirt, 1)},
       .when = Upsert(TextProto(kShirt, "version: 9"), {}, 1)},
      {.name = "changed: the next version",
       .given = {Upserted(kShirt, 1)},
       .when = Upsert(TextProto(kShirt, R"pb(attributes { name: "size" values: "M" })pb"), {}, 2),
       .then = {Upserted(TextProto(kShirt, R"pb(attributes { name: "size" values: "M" })pb"), 2, 2)}},
      {.name = "a bundle of existing products",
       .when = Upsert(kKit, {kShirtFound, kRedCapFound}),
       .then = {Upserted(kKit, 1)}},
      {.name = "a component product that does not exist",
       .when = Upsert(kKit, {{}, kRedCapFound}),
       .code = StatusCode::kNotFound,
       .message = "product.components[0].product_id shirt not found"},
      {.name = "a component SKU that does not exist",
       .when = Upsert(kKit, {kShirtFound, {.product_exists = true}}),
       .code = StatusCode::kNotFound,
       .message = "product.components[1].sku_id cap-red not found"},
      {.name = "a component SKU of another product",
       .when = Upsert(kKit, {kShirtFound, {.product_exists = true, .sku_product_id = "hat"}}),
       .code = StatusCode::kFailedPrecondition,
       .message = "component_sku_mismatch: product.components[1].sku_id cap-red is a SKU of hat, not of cap"},
      {.name = "a bundle naming itself",
       .when = Upsert(TextProto(kKit, R"pb(components { product_id: "kit" max_quantity: 1 })pb"),
                      {kShirtFound, kRedCapFound, {.product_exists = true}}),
       .code = StatusCode::kFailedPrecondition,
       .message = "bundle_contains_itself: product.components[2] is product kit itself"},
      {.name = "a bundle inside a component bundle",
       .when = Upsert(kKit, {{.product_exists = true, .contained_product_ids = {"sock", "kit"}}, kRedCapFound}),
       .code = StatusCode::kFailedPrecondition,
       .message = "bundle_contains_itself: product.components[0] shirt contains kit itself"},
  });
}

}  // namespace
}  // namespace sfa::quote::domain

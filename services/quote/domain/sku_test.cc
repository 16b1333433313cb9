#include "quote/domain/sku.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using E = SkuEvent;
using absl::StatusCode;

ProductState Shirt() {
  ProductState state;
  state.exists = true;
  state.product = Pb<v1::Product>(R"pb(product_id: "shirt"
                                       name: "Shirt"
                                       attributes { name: "colour" values: "red" values: "blue" }
                                       attributes { name: "size" values: "M" values: "L" }
                                       version: 1)pb");
  return state;
}

std::string RedM(absl::string_view name = "Shirt red M") {
  return TextProto(R"pb(sku_id: "shirt-red-m"
                        product_id: "shirt"
                        attribute_values { key: "colour" value: "red" }
                        attribute_values { key: "size" value: "M" }
                        active: true)pb",
                   absl::StrCat("name: \"", name, "\""));
}

UpsertSku Upsert(absl::string_view sku, ProductState product = Shirt(), int day = 0) {
  return UpsertSku{Pb<v1::UpsertSkuRequest>(TextProto(R"pb(request_id: "q1" sku {)pb", sku, "}")), std::move(product),
                   Day(day)};
}

E Upserted(absl::string_view sku, int version, int day = 0) {
  return E{Day(day), Pb<v1::SkuUpserted>(TextProto("sku {", sku, "version:", version, "}"))};
}

TEST(SkuDeciderTest, UpsertSku) {
  const std::string red_m = RedM();
  const std::string red = R"pb(attribute_values { key: "colour" value: "red" })pb";
  RunDeciderTable<SkuState>(std::vector<DeciderCase<E, UpsertSku>>{
      {.name = "new", .when = Upsert(red_m), .then = {Upserted(red_m, 1)}},
      {.name = "unchanged: nothing", .given = {Upserted(red_m, 1)}, .when = Upsert(red_m, Shirt(), 1)},
      {.name = "renamed",
       .given = {Upserted(red_m, 1)},
       .when = Upsert(RedM("Red shirt, M"), Shirt(), 1),
       .then = {Upserted(RedM("Red shirt, M"), 2, 1)}},
      {.name = "unknown product",
       .when = Upsert(red_m, ProductState{}),
       .code = StatusCode::kNotFound,
       .message = "sku.product_id shirt not found"},
      {.name = "moved to another product",
       .given = {Upserted(R"pb(sku_id: "shirt-red-m" product_id: "polo")pb", 1)},
       .when = Upsert(red_m),
       .code = StatusCode::kFailedPrecondition,
       .message = "sku_product_changed: sku shirt-red-m belongs to product polo, not shirt"},
      {.name = "an attribute without a value",
       .when = Upsert(TextProto(R"pb(sku_id: "s" product_id: "shirt")pb", red)),
       .code = StatusCode::kFailedPrecondition,
       .message = "sku_attribute_mismatch: sku s has no value for attribute size"},
      {.name = "a value the attribute does not have",
       .when = Upsert(R"pb(sku_id: "s"
                           product_id: "shirt"
                           attribute_values { key: "colour" value: "green" }
                           attribute_values { key: "size" value: "M" })pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "sku_attribute_mismatch: sku s has \"green\" for attribute colour; allowed: red, blue"},
      {.name = "an attribute the product does not have",
       .when = Upsert(TextProto(red_m, R"pb(attribute_values { key: "weight" value: "1kg" }
                                            attribute_values { key: "fit" value: "slim" })pb")),
       .code = StatusCode::kFailedPrecondition,
       .message = "sku_attribute_mismatch: sku shirt-red-m names attributes product shirt does not have: fit, weight"},
  });
}

TEST(SkuDeciderTest, AProductWithoutAttributesHasOneShapeOfSku) {
  ProductState plain;
  plain.exists = true;
  plain.product = Pb<v1::Product>(R"pb(product_id: "cable" name: "Cable")pb");
  RunDeciderTable<SkuState>(std::vector<DeciderCase<E, UpsertSku>>{
      {.name = "no values",
       .when = Upsert(R"pb(sku_id: "c1" product_id: "cable")pb", plain),
       .then = {Upserted(R"pb(sku_id: "c1" product_id: "cable")pb", 1)}},
      {.name = "a value",
       .when = Upsert(R"pb(sku_id: "c1"
                           product_id: "cable"
                           attribute_values { key: "colour" value: "red" })pb",
                      plain),
       .code = StatusCode::kFailedPrecondition,
       .message = "sku_attribute_mismatch"},
  });
}

}  // namespace
}  // namespace sfa::quote::domain

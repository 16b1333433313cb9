#include "quote/domain/validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/limits.h"

namespace sfa::quote::domain {
namespace {

using ::testing::HasSubstr;

// One row: a request in text format and the message its INVALID_ARGUMENT must contain ("" = valid).
struct Row {
  std::string name;
  std::string request;
  std::string error;
};

template <typename Request>
void RunValidationTable(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const absl::Status status = Validate(Pb<Request>(row.request));
    if (row.error.empty()) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      EXPECT_THAT(std::string(status.message()), HasSubstr(row.error));
    }
  }
}

// `n` copies of `text(i)`.
template <typename Text>
std::string Repeat(int n, Text text) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, text(i), " ");
  return out;
}

std::string Lines(int n) {
  return Repeat(n, [](int) { return R"pb(lines { product_id: "shirt" quantity: 1 })pb"; });
}

TEST(ValidationTest, UpsertProduct) {
  const std::string base = R"pb(request_id: "r"
                                product { product_id: "shirt" name: "Shirt")pb";
  auto product = [&](const std::string& fields) { return base + fields + " }"; };
  RunValidationTable<v1::UpsertProductRequest>({
      {"minimal", product(""), ""},
      {"full",
       product(R"pb(series: "apparel"
                    attributes { name: "colour" values: "red" values: "blue" }
                    attributes { name: "size" values: "M" }
                    components { product_id: "cap" sku_id: "cap-red" required: true min_quantity: 1 max_quantity: 3 }
                    components { product_id: "sock" max_quantity: 2 }
                    active: true
                    version: 99)pb"),
       ""},
      {"no request id", R"pb(product { product_id: "shirt" name: "Shirt" })pb", "request_id is required"},
      {"no product", R"pb(request_id: "r")pb", "product is required"},
      {"no product id", R"pb(request_id: "r"
                             product { name: "Shirt" })pb",
       "product.product_id is required"},
      {"bad product id", R"pb(request_id: "r"
                              product { product_id: "a b" name: "Shirt" })pb",
       "product.product_id must be"},
      {"no name", R"pb(request_id: "r"
                       product { product_id: "shirt" })pb",
       "product.name is required"},
      {"long name",
       R"pb(request_id: "r"
            product { product_id: "shirt" name: ")pb" +
           std::string(201, 'n') + "\" }",
       "product.name must be at most 200 characters, not 201"},
      {"long series", product("series: \"" + std::string(101, 's') + "\""), "product.series must be at most 100"},
      {"attribute without a name", product(R"pb(attributes { values: "red" })pb"),
       "product.attributes[0].name is required"},
      {"repeated attribute", product(R"pb(attributes { name: "colour" values: "red" }
                                          attributes { name: "colour" values: "blue" })pb"),
       "product.attributes[1].name repeats colour"},
      {"attribute without values", product(R"pb(attributes { name: "colour" })pb"),
       "product.attributes[0].values is required"},
      {"repeated value", product(R"pb(attributes { name: "colour" values: "red" values: "red" })pb"),
       "product.attributes[0].values[1] repeats red"},
      {"blank value", product(R"pb(attributes { name: "colour" values: " " })pb"),
       "product.attributes[0].values[0] is required"},
      {"100 attributes",
       product(Repeat(kMaxAttributeDefinitions,
                      [](int i) { return absl::StrCat("attributes { name: \"a", i, "\" values: \"v\" }"); })),
       ""},
      {"101 attributes",
       product(Repeat(kMaxAttributeDefinitions + 1,
                      [](int i) { return absl::StrCat("attributes { name: \"a", i, "\" values: \"v\" }"); })),
       "product.attributes must have at most 100 entries, not 101"},
      {"101 values",
       product("attributes { name: \"n\" " +
               Repeat(kMaxAttributeValues + 1, [](int i) { return absl::StrCat("values: \"v", i, "\""); }) + "}"),
       "product.attributes[0].values must have at most 100 entries, not 101"},
      {"component without product", product(R"pb(components { max_quantity: 1 })pb"),
       "product.components[0].product_id is required"},
      {"component max 0", product(R"pb(components { product_id: "cap" })pb"),
       "product.components[0].max_quantity must be between 1 and 1000000"},
      {"component min above max", product(R"pb(components { product_id: "cap" min_quantity: 3 max_quantity: 2 })pb"),
       "product.components[0].max_quantity must be at least min_quantity 3"},
      {"required component of 0", product(R"pb(components { product_id: "cap" required: true max_quantity: 2 })pb"),
       "product.components[0].min_quantity must be at least 1 for a required component"},
      {"negative min", product(R"pb(components { product_id: "cap" min_quantity: -1 max_quantity: 2 })pb"),
       "product.components[0].min_quantity must be between 0 and 1000000"},
      {"repeated component", product(R"pb(components { product_id: "cap" max_quantity: 1 }
                                          components { product_id: "cap" max_quantity: 2 })pb"),
       "product.components[1] repeats product cap"},
      {"a product and one of its SKUs are two components",
       product(R"pb(components { product_id: "cap" max_quantity: 1 }
                    components { product_id: "cap" sku_id: "cap-red" max_quantity: 2 })pb"),
       ""},
      {"101 components",
       product(Repeat(kMaxBundleComponents + 1,
                      [](int i) { return absl::StrCat("components { product_id: \"p", i, "\" max_quantity: 1 }"); })),
       "product.components must have at most 100 entries"},
  });
}

TEST(ValidationTest, UpsertSku) {
  RunValidationTable<v1::UpsertSkuRequest>({
      {"ok", R"pb(request_id: "r"
                  sku {
                    sku_id: "s1"
                    product_id: "shirt"
                    name: "Shirt red"
                    attribute_values { key: "colour" value: "red" }
                  })pb",
       ""},
      {"a generated id", R"pb(request_id: "r"
                              sku { product_id: "shirt" })pb",
       ""},
      {"no sku", R"pb(request_id: "r")pb", "sku is required"},
      {"no product", R"pb(request_id: "r"
                          sku { sku_id: "s1" })pb",
       "sku.product_id is required"},
      {"blank value", R"pb(request_id: "r"
                           sku {
                             product_id: "shirt"
                             attribute_values { key: "colour" value: "" }
                           })pb",
       "sku.attribute_values[\"colour\"] is required"},
      {"blank key", R"pb(request_id: "r"
                         sku {
                           product_id: "shirt"
                           attribute_values { key: "" value: "red" }
                         })pb",
       "sku.attribute_values[\"\"] key is required"},
  });
  RunValidationTable<v1::GetProductRequest>(
      {{"ok", R"pb(product_id: "p")pb", ""}, {"no id", "", "product_id is required"}});
  RunValidationTable<v1::ListProductsRequest>({
      {"ok", R"pb(series: "apparel" page_size: 500)pb", ""},
      {"page too big", R"pb(page_size: 501)pb", "page_size must be between 0 and 500"},
      {"negative page", R"pb(page_size: -1)pb", "page_size must be between 0 and 500"},
      {"long token", "page_token: \"" + std::string(1025, 't') + "\"", "page_token must be at most 1024"},
  });
}

TEST(ValidationTest, UpsertPriceBook) {
  const std::string head = R"pb(request_id: "r"
                                price_book { name: "Standard" currency: "USD")pb";
  auto book = [&](const std::string& fields) { return head + fields + " }"; };
  auto entry = [](const std::string& fields) {
    return R"pb(entries { product_id: "shirt"
                          list_price { minor_units: 2000 currency: "USD" })pb" +
           fields + " }";
  };
  RunValidationTable<v1::UpsertPriceBookRequest>({
      {"minimal", book(""), ""},
      {"full", book(R"pb(price_book_id: "standard"
                         valid_from { seconds: 100 }
                         valid_to { seconds: 200 }
                         priority: -5
                         scope { account_ids: "a1" industries: "Banking" regions: "EMEA" }
                         entries {
                           product_id: "shirt"
                           list_price { minor_units: 2000 currency: "USD" }
                           tier_mode: TIER_MODE_SLAB
                           tiers {
                             min_quantity: 2
                             unit_price { minor_units: 1900 currency: "USD" }
                           }
                           tiers { min_quantity: 10 percent_off_bp: 1000 }
                           adjustments { attribute: "colour" value: "red" percent_bp: 1000 }
                           adjustments {
                             attribute: "colour"
                             value: "blue"
                             amount { minor_units: -150 currency: "USD" }
                           }
                           adjustments { attribute: "size" value: "XL" percent_bp: -10000 }
                         }
                         entries {
                           product_id: "shirt"
                           sku_id: "shirt-red"
                           list_price { currency: "USD" }
                         })pb"),
       ""},
      {"no book", R"pb(request_id: "r")pb", "price_book is required"},
      {"no name", R"pb(request_id: "r"
                       price_book { currency: "USD" })pb",
       "price_book.name is required"},
      {"no currency", R"pb(request_id: "r"
                           price_book { name: "S" })pb",
       "price_book.currency is required"},
      {"lower-case currency", R"pb(request_id: "r"
                                   price_book { name: "S" currency: "usd" })pb",
       "price_book.currency must be a 3-letter ISO 4217 code"},
      {"ends when it starts", book(R"pb(valid_from { seconds: 100 }
                                        valid_to { seconds: 100 })pb"),
       "price_book.valid_to must be after valid_from"},
      {"bad time", book(R"pb(valid_from { nanos: -1 })pb"), "price_book.valid_from must be a valid timestamp"},
      {"priority", book("priority: 1000001"), "price_book.priority must be between -1000000 and 1000000"},
      {"bad account", book(R"pb(scope { account_ids: "a1" account_ids: "" })pb"),
       "price_book.scope.account_ids[1] is required"},
      {"1001 regions", book("scope { " + Repeat(1001, [](int) { return R"pb(regions: "r")pb"; }) + "}"),
       "price_book.scope.regions must have at most 1000 entries, not 1001"},
      {"entry without list price", book(R"pb(entries { product_id: "shirt" })pb"),
       "price_book.entries[0].list_price is required"},
      {"entry in another currency", book(R"pb(entries {
                                                product_id: "shirt"
                                                list_price { minor_units: 1 currency: "EUR" }
                                              })pb"),
       "price_book.entries[0].list_price.currency must be USD, the price book's currency"},
      {"negative list price", book(R"pb(entries {
                                          product_id: "shirt"
                                          list_price { minor_units: -1 currency: "USD" }
                                        })pb"),
       "price_book.entries[0].list_price.minor_units must not be negative"},
      {"two entries for a product", book(entry("") + entry("")),
       "price_book.entries[1] repeats the entry for product shirt"},
      {"two entries for a SKU", book(R"pb(entries {
                                            product_id: "shirt"
                                            sku_id: "s1"
                                            list_price { currency: "USD" }
                                          }
                                          entries {
                                            product_id: "polo"
                                            sku_id: "s1"
                                            list_price { currency: "USD" }
                                          })pb"),
       "price_book.entries[1] repeats the entry for SKU s1"},
      {"tiers without a mode", book(entry(R"pb(tiers { min_quantity: 5 percent_off_bp: 100 })pb")),
       "price_book.entries[0].tier_mode is required"},
      {"unknown mode", book(entry(R"pb(tier_mode: 7)pb")), "price_book.entries[0].tier_mode has an unknown value 7"},
      {"a tier from 1", book(entry(R"pb(tier_mode: TIER_MODE_RANGE
                                        tiers { min_quantity: 1 percent_off_bp: 100 })pb")),
       "price_book.entries[0].tiers[0].min_quantity must be between 2 and 1000000"},
      {"tiers descending", book(entry(R"pb(tier_mode: TIER_MODE_RANGE
                                           tiers { min_quantity: 10 percent_off_bp: 100 }
                                           tiers { min_quantity: 5 percent_off_bp: 200 })pb")),
       "price_book.entries[0].tiers[1].min_quantity must be above the previous tier's 10"},
      {"tiers repeating a quantity", book(entry(R"pb(tier_mode: TIER_MODE_RANGE
                                                     tiers { min_quantity: 10 percent_off_bp: 100 }
                                                     tiers { min_quantity: 10 percent_off_bp: 200 })pb")),
       "tiers[1].min_quantity must be above the previous tier's 10"},
      {"a tier without price", book(entry(R"pb(tier_mode: TIER_MODE_RANGE
                                               tiers { min_quantity: 10 })pb")),
       "price_book.entries[0].tiers[0] needs a unit_price or a percent_off_bp"},
      {"a tier above 100 %", book(entry(R"pb(tier_mode: TIER_MODE_RANGE
                                             tiers { min_quantity: 10 percent_off_bp: 10001 })pb")),
       "price_book.entries[0].tiers[0].percent_off_bp must be between 0 and 10000"},
      {"a tier price in another currency", book(entry(R"pb(tier_mode: TIER_MODE_RANGE
                                                           tiers {
                                                             min_quantity: 10
                                                             unit_price { currency: "EUR" }
                                                           })pb")),
       "price_book.entries[0].tiers[0].unit_price.currency must be USD"},
      {"21 tiers",
       book(entry(
           "tier_mode: TIER_MODE_RANGE " +
           Repeat(21, [](int i) { return absl::StrCat("tiers { min_quantity: ", i + 2, " percent_off_bp: 1 }"); }))),
       "price_book.entries[0].tiers must have at most 20 entries, not 21"},
      {"an adjustment without value", book(entry(R"pb(adjustments { attribute: "colour" percent_bp: 5 })pb")),
       "price_book.entries[0].adjustments[0].value is required"},
      {"an adjustment without effect", book(entry(R"pb(adjustments { attribute: "colour" value: "red" })pb")),
       "price_book.entries[0].adjustments[0] needs an amount or a percent_bp"},
      {"an adjustment beyond +1000 %",
       book(entry(R"pb(adjustments { attribute: "colour" value: "red" percent_bp: 100001 })pb")),
       "price_book.entries[0].adjustments[0].percent_bp must be between -10000 and 100000"},
      {"an adjustment below -100 %",
       book(entry(R"pb(adjustments { attribute: "colour" value: "red" percent_bp: -10001 })pb")),
       "percent_bp must be between -10000 and 100000"},
      {"an adjustment in another currency", book(entry(R"pb(adjustments {
                                                              attribute: "colour"
                                                              value: "red"
                                                              amount { minor_units: -1 currency: "EUR" }
                                                            })pb")),
       "price_book.entries[0].adjustments[0].amount.currency must be USD"},
      {"an adjustment beyond the money limit",
       book(entry(R"pb(adjustments {
                         attribute: "colour"
                         value: "red"
                         amount { minor_units: -1000000000000001 currency: "USD" }
                       })pb")),
       "price_book.entries[0].adjustments[0].amount.minor_units must be at least -1000000000000000"},
      {"a repeated adjustment", book(entry(R"pb(adjustments { attribute: "colour" value: "red" percent_bp: 5 }
                                                adjustments { attribute: "colour" value: "red" percent_bp: 6 })pb")),
       "price_book.entries[0].adjustments[1] repeats colour=red"},
      {"1001 entries",
       book(Repeat(kMaxPriceBookEntries + 1,
                   [](int i) {
                     return absl::StrCat("entries { product_id: \"p", i, "\" list_price { currency: \"USD\" } }");
                   })),
       "price_book.entries must have at most 1000 entries, not 1001"},
  });
  RunValidationTable<v1::GetPriceBookRequest>({{"no id", "", "price_book_id is required"}});
  RunValidationTable<v1::ListPriceBooksRequest>({
      {"ok", R"pb(currency: "EUR")pb", ""},
      {"bad currency", R"pb(currency: "EURO")pb", "currency must be a 3-letter ISO 4217 code"},
  });
}

TEST(ValidationTest, UpsertPromotion) {
  const std::string head = R"pb(request_id: "r"
                                promotion { promotion_id: "spring" name: "Spring")pb";
  auto promotion = [&](const std::string& fields) { return head + fields + " }"; };
  const std::string spend = R"pb(kind: PROMOTION_KIND_SPEND_THRESHOLD
                                 threshold_amount { minor_units: 100000 currency: "USD" })pb";
  const std::string buy_get = R"pb(kind: PROMOTION_KIND_BUY_X_GET_Y
                                   buy_product_id: "shirt"
                                   buy_quantity: 3
                                   get_product_id: "cap"
                                   get_quantity: 1
                                   get_percent_off_bp: 10000)pb";
  RunValidationTable<v1::UpsertPromotionRequest>({
      {"spend threshold", promotion(TextProto(spend, R"pb(amount_off { minor_units: 5000 currency: "USD" })pb")), ""},
      {"quantity threshold", promotion(R"pb(kind: PROMOTION_KIND_QUANTITY_THRESHOLD
                                            threshold_quantity: 10
                                            percent_off_bp: 500
                                            eligible_product_ids: "shirt"
                                            exclusivity_group: "volume"
                                            stackable: true
                                            usage_quota: 100)pb"),
       ""},
      {"buy x get y", promotion(buy_get), ""},
      {"a client's used is ignored", promotion(TextProto(buy_get, " used: -5")), ""},
      {"no promotion", R"pb(request_id: "r")pb", "promotion is required"},
      {"no name", R"pb(request_id: "r"
                       promotion { kind: PROMOTION_KIND_BUY_X_GET_Y })pb",
       "promotion.name is required"},
      {"no kind", promotion(""), "promotion.kind is required"},
      {"unknown kind", promotion("kind: 9"), "promotion.kind has an unknown value 9"},
      {"ends before it starts", promotion(TextProto(buy_get, R"pb(valid_from { seconds: 10 }
                                                                  valid_to { seconds: 5 })pb")),
       "promotion.valid_to must be after valid_from"},
      {"201 eligible products",
       promotion(TextProto(buy_get, Repeat(kMaxEligibleIds + 1,
                                           [](int i) { return absl::StrCat("eligible_product_ids: \"p", i, "\""); }))),
       "promotion.eligible_product_ids must have at most 200 entries, not 201"},
      {"bad eligible SKU", promotion(TextProto(buy_get, R"pb(eligible_sku_ids: "s 1")pb")),
       "promotion.eligible_sku_ids[0] must be"},
      {"negative quota", promotion(TextProto(buy_get, "usage_quota: -1")),
       "promotion.usage_quota must be between 0 and"},
      {"spend without threshold", promotion(R"pb(kind: PROMOTION_KIND_SPEND_THRESHOLD percent_off_bp: 100)pb"),
       "promotion.threshold_amount is required"},
      {"spend without benefit", promotion(spend),
       "promotion.amount_off or percent_off_bp is required for SPEND_THRESHOLD"},
      {"benefit in another currency",
       promotion(TextProto(spend, R"pb(amount_off { minor_units: 5 currency: "EUR" })pb")),
       "promotion.amount_off.currency must be the threshold_amount's currency"},
      {"zero amount off", promotion(TextProto(spend, R"pb(amount_off { currency: "USD" })pb")),
       "promotion.amount_off.minor_units must be positive"},
      {"zero percent", promotion(TextProto(spend, "percent_off_bp: 0")),
       "promotion.percent_off_bp must be between 1 and 10000"},
      {"above 100 %", promotion(TextProto(spend, "percent_off_bp: 10001")),
       "promotion.percent_off_bp must be between 1 and 10000"},
      {"spend with a quantity", promotion(TextProto(spend, "threshold_quantity: 3 percent_off_bp: 5")),
       "promotion.threshold_quantity must not be set for SPEND_THRESHOLD"},
      {"quantity without threshold", promotion(R"pb(kind: PROMOTION_KIND_QUANTITY_THRESHOLD percent_off_bp: 5)pb"),
       "promotion.threshold_quantity must be between 1 and 1000000"},
      {"quantity with an amount", promotion(R"pb(kind: PROMOTION_KIND_QUANTITY_THRESHOLD
                                                 threshold_amount { minor_units: 1 currency: "USD" }
                                                 threshold_quantity: 2
                                                 percent_off_bp: 5)pb"),
       "promotion.threshold_amount must not be set for QUANTITY_THRESHOLD"},
      {"threshold with buy fields", promotion(TextProto(spend, "percent_off_bp: 5 buy_quantity: 2")),
       "must not be set for SPEND_THRESHOLD"},
      {"buy x get y with a benefit", promotion(TextProto(buy_get, "percent_off_bp: 5")),
       "promotion.amount_off or percent_off_bp must not be set for BUY_X_GET_Y"},
      {"buy x get y without get product", promotion(R"pb(kind: PROMOTION_KIND_BUY_X_GET_Y
                                                         buy_product_id: "shirt"
                                                         buy_quantity: 3
                                                         get_quantity: 1)pb"),
       "promotion.get_product_id is required"},
      {"buy x get y buying 0", promotion(R"pb(kind: PROMOTION_KIND_BUY_X_GET_Y buy_product_id: "shirt")pb"),
       "promotion.buy_quantity must be between 1 and 1000000"},
      {"buy x get y at 0 % off", promotion(R"pb(kind: PROMOTION_KIND_BUY_X_GET_Y
                                                buy_product_id: "shirt"
                                                buy_quantity: 3
                                                get_product_id: "cap"
                                                get_quantity: 1)pb"),
       "promotion.get_percent_off_bp must be between 1 and 10000"},
  });
  RunValidationTable<v1::ListPromotionsRequest>({
      {"ok", R"pb(valid_at { seconds: 5 }
                  page_size: 10)pb",
       ""},
      {"bad time", R"pb(valid_at { seconds: -62135596801 })pb", "valid_at must be a valid timestamp"},
  });
}

TEST(ValidationTest, PriceAndCreateQuote) {
  RunValidationTable<v1::PriceQuoteRequest>({
      {"ok", Lines(1) + R"pb(account_id: "a1" industry: "Banking" region: "EMEA" currency: "USD")pb", ""},
      {"the book names the currency", Lines(1) + R"pb(price_book_id: "standard")pb", ""},
      {"no currency and no book", Lines(1), "currency is required unless price_book_id names the book"},
      {"no lines", R"pb(currency: "USD")pb", "lines is required"},
      {"500 lines", Lines(kMaxQuoteLines) + R"pb(currency: "USD")pb", ""},
      {"501 lines", Lines(kMaxQuoteLines + 1) + R"pb(currency: "USD")pb",
       "lines must have at most 500 entries, not 501"},
      {"bad date", Lines(1) + R"pb(currency: "USD"
                                   date { nanos: 1000000000 })pb",
       "date must be a valid timestamp"},
  });
  const std::string base = R"pb(request_id: "r" opportunity_id: "o1" currency: "USD")pb";
  RunValidationTable<v1::CreateQuoteRequest>({
      {"ok",
       base + R"pb(lines { line_id: "a" product_id: "shirt" sku_id: "s1" quantity: 1000000 manual_discount_bp: 10000 }
                   lines { line_id: "b" product_id: "cap" quantity: 1 }
                   valid_until { seconds: 100 })pb",
       ""},
      {"generated and given line ids mix", base + R"pb(lines { product_id: "shirt" quantity: 1 }
                                                       lines { line_id: "7" product_id: "cap" quantity: 1 })pb",
       ""},
      {"no request id", R"pb(opportunity_id: "o1" currency: "USD")pb" + Lines(1), "request_id is required"},
      {"bad quote id", base + R"pb(quote_id: "q/1")pb" + Lines(1), "quote_id must be"},
      {"long name", base + "name: \"" + std::string(201, 'n') + "\"" + Lines(1), "name must be at most 200"},
      {"no opportunity", R"pb(request_id: "r" currency: "USD")pb" + Lines(1), "opportunity_id is required"},
      {"bad currency", R"pb(request_id: "r" opportunity_id: "o1" currency: "US")pb" + Lines(1),
       "currency must be a 3-letter ISO 4217 code"},
      {"repeated line id", base + R"pb(lines { line_id: "a" product_id: "shirt" quantity: 1 }
                                       lines { line_id: "a" product_id: "cap" quantity: 1 })pb",
       "lines[1].line_id repeats a"},
      {"bad line id", base + R"pb(lines { line_id: "a b" product_id: "shirt" quantity: 1 })pb",
       "lines[0].line_id must be"},
      {"line without product", base + R"pb(lines { quantity: 1 })pb", "lines[0].product_id is required"},
      {"zero quantity", base + R"pb(lines { product_id: "shirt" })pb",
       "lines[0].quantity must be between 1 and 1000000"},
      {"too many units", base + R"pb(lines { product_id: "shirt" quantity: 1000001 })pb",
       "lines[0].quantity must be between 1 and 1000000"},
      {"discount above 100 %", base + R"pb(lines { product_id: "shirt" quantity: 1 manual_discount_bp: 10001 })pb",
       "lines[0].manual_discount_bp must be between 0 and 10000"},
      {"negative discount", base + R"pb(lines { product_id: "shirt" quantity: 1 manual_discount_bp: -1 })pb",
       "lines[0].manual_discount_bp"},
      {"bad valid_until", base + Lines(1) + R"pb(valid_until { nanos: -5 })pb",
       "valid_until must be a valid timestamp"},
  });
}

TEST(ValidationTest, QuoteVersions) {
  RunValidationTable<v1::ReviseQuoteRequest>({
      {"ok", TextProto(R"pb(request_id: "r" quote_id: "q1" expected_version: 4)pb", Lines(2)), ""},
      {"no quote", R"pb(request_id: "r")pb" + Lines(1), "quote_id is required"},
      {"no lines", R"pb(request_id: "r" quote_id: "q1")pb", "lines is required"},
  });
  RunValidationTable<v1::CloneQuoteRequest>({
      {"ok", R"pb(request_id: "r" from_quote_id: "q1" from_version: 2 quote_id: "q2" opportunity_id: "o2")pb", ""},
      {"no source", R"pb(request_id: "r")pb", "from_quote_id is required"},
      {"bad opportunity", R"pb(request_id: "r" from_quote_id: "q1" opportunity_id: ".o")pb", "opportunity_id must be"},
  });
  RunValidationTable<v1::GetQuoteRequest>(
      {{"ok", R"pb(quote_id: "q1" quote_version: 3)pb", ""}, {"no id", "", "quote_id is required"}});
  RunValidationTable<v1::ListQuotesRequest>({
      {"ok", R"pb(opportunity_id: "o1" status: QUOTE_STATUS_SENT page_size: 10)pb", ""},
      {"unknown status", R"pb(status: 42)pb", "status has an unknown value 42"},
  });
  RunValidationTable<v1::DiffQuoteVersionsRequest>({
      {"ok", R"pb(quote_id: "q1" from_version: 1 to_version: 2)pb", ""},
      {"no from", R"pb(quote_id: "q1" to_version: 2)pb", "from_version is required"},
      {"no to", R"pb(quote_id: "q1" from_version: 1)pb", "to_version is required"},
  });
}

TEST(ValidationTest, DefineApprovalPolicy) {
  RunValidationTable<v1::DefineApprovalPolicyRequest>({
      {"ok", R"pb(request_id: "r"
                  rules { rule_id: "d10" min_discount_bp: 1000 approver_roles: "sales_manager" }
                  rules {
                    rule_id: "big"
                    min_net_amount { minor_units: 100 currency: "USD" }
                    approver_roles: "sales_manager"
                    approver_roles: "finance"
                  })pb",
       ""},
      {"no rules: nothing needs approval", R"pb(request_id: "r")pb", ""},
      {"no rule id", R"pb(request_id: "r"
                          rules { approver_roles: "m" })pb",
       "rules[0].rule_id is required"},
      {"repeated rule id", R"pb(request_id: "r"
                                rules { rule_id: "a" approver_roles: "m" }
                                rules { rule_id: "a" approver_roles: "m" })pb",
       "rules[1].rule_id repeats a"},
      {"discount above 100 %", R"pb(request_id: "r"
                                    rules { rule_id: "a" min_discount_bp: 10001 approver_roles: "m" })pb",
       "rules[0].min_discount_bp must be between 0 and 10000"},
      {"bad amount", R"pb(request_id: "r"
                          rules {
                            rule_id: "a"
                            min_net_amount { minor_units: 1 currency: "$" }
                            approver_roles: "m"
                          })pb",
       "rules[0].min_net_amount.currency"},
      {"no roles", R"pb(request_id: "r"
                        rules { rule_id: "a" })pb",
       "rules[0].approver_roles is required"},
      {"a role no caller can hold", R"pb(request_id: "r"
                                         rules { rule_id: "a" approver_roles: "Sales Manager" })pb",
       "rules[0].approver_roles[0] must be 1-64 characters of [a-z0-9._-]"},
      {"a repeated role", R"pb(request_id: "r"
                               rules { rule_id: "a" approver_roles: "m" approver_roles: "m" })pb",
       "rules[0].approver_roles[1] repeats m"},
      {"11 roles",
       "request_id: \"r\" rules { rule_id: \"a\" " +
           Repeat(kMaxApproverRoles + 1, [](int i) { return absl::StrCat("approver_roles: \"r", i, "\""); }) + "}",
       "rules[0].approver_roles must have at most 10 entries, not 11"},
      {"51 rules",
       "request_id: \"r\" " +
           Repeat(kMaxApprovalRules + 1,
                  [](int i) { return absl::StrCat("rules { rule_id: \"r", i, "\" approver_roles: \"m\" }"); }),
       "rules must have at most 50 entries, not 51"},
  });
  EXPECT_TRUE(Validate(v1::GetApprovalPolicyRequest()).ok());
}

TEST(ValidationTest, ApprovalAndAnswer) {
  RunValidationTable<v1::SubmitQuoteRequest>({{"ok", R"pb(request_id: "r" quote_id: "q1")pb", ""},
                                              {"no request id", R"pb(quote_id: "q1")pb", "request_id is required"}});
  RunValidationTable<v1::ApproveQuoteRequest>({
      {"ok", R"pb(request_id: "r" quote_id: "q1" comment: "fine\nby me")pb", ""},
      {"long comment", "request_id: \"r\" quote_id: \"q1\" comment: \"" + std::string(2001, 'c') + "\"",
       "comment must be at most 2000 characters"},
  });
  RunValidationTable<v1::RejectQuoteRequest>({
      {"ok", R"pb(request_id: "r" quote_id: "q1" comment: "too deep")pb", ""},
      {"no comment", R"pb(request_id: "r" quote_id: "q1")pb", "comment is required"},
      {"blank comment", R"pb(request_id: "r" quote_id: "q1" comment: "  ")pb", "comment is required"},
  });
  RunValidationTable<v1::SendQuoteRequest>({{"no quote", R"pb(request_id: "r")pb", "quote_id is required"}});
  const std::string base = R"pb(request_id: "r" quote_id: "q1")pb";
  RunValidationTable<v1::AcceptQuoteRequest>({
      {"no schedule", base, ""},
      {"a schedule", base + R"pb(schedule {
                                   due_date { seconds: 10 }
                                   amount { minor_units: 5 currency: "USD" }
                                 }
                                 order_id: "ord1"
                                 effective_time { seconds: 5 })pb",
       ""},
      {"an instalment without a date", base + R"pb(schedule { amount { minor_units: 5 currency: "USD" } })pb",
       "schedule[0].due_date is required"},
      {"an instalment without an amount", base + R"pb(schedule { due_date { seconds: 10 } })pb",
       "schedule[0].amount is required"},
      {"a zero instalment", base + R"pb(schedule {
                                          due_date { seconds: 10 }
                                          amount { currency: "USD" }
                                        })pb",
       "schedule[0].amount.minor_units must be positive"},
      {"121 instalments",
       base + Repeat(kMaxInstalments + 1,
                     [](int i) {
                       return absl::StrCat("schedule { due_date { seconds: ", i,
                                           " } amount { minor_units: 1 currency: \"USD\" } }");
                     }),
       "schedule must have at most 120 entries, not 121"},
      {"bad order id", base + R"pb(order_id: "#1")pb", "order_id must be"},
      {"bad effective time", base + R"pb(effective_time { nanos: -1 })pb", "effective_time must be a valid timestamp"},
  });
  RunValidationTable<v1::DeclineQuoteRequest>({
      {"no reason", base, ""},
      {"long reason", base + "reason: \"" + std::string(2001, 'x') + "\"", "reason must be at most 2000"},
  });
}

TEST(ValidationTest, OrdersAndPayments) {
  RunValidationTable<v1::GetOrderRequest>({{"no id", "", "order_id is required"}});
  RunValidationTable<v1::ListOrdersRequest>({
      {"ok", R"pb(account_id: "a1" status: ORDER_STATUS_PAID)pb", ""},
      {"unknown status", R"pb(status: 3)pb", "status has an unknown value 3"},
      {"page too big", R"pb(page_size: 1000)pb", "page_size must be between 0 and 500"},
  });
  const std::string base = R"pb(request_id: "r" order_id: "ord1")pb";
  RunValidationTable<v1::RecordPaymentRequest>({
      {"ok", base + R"pb(payment_id: "p1"
                         amount { minor_units: 5 currency: "USD" }
                         reference: "wire 42")pb",
       ""},
      {"no order", R"pb(request_id: "r"
                        amount { minor_units: 5 currency: "USD" })pb",
       "order_id is required"},
      {"no amount", base, "amount is required"},
      {"zero", base + R"pb(amount { currency: "USD" })pb", "amount.minor_units must be positive"},
      {"negative", base + R"pb(amount { minor_units: -5 currency: "USD" })pb",
       "amount.minor_units must not be negative"},
      {"beyond the money limit", base + R"pb(amount { minor_units: 1000000000000001 currency: "USD" })pb",
       "amount.minor_units must be at most"},
      {"long reference",
       base + R"pb(amount { minor_units: 5 currency: "USD" }
                   reference: ")pb" +
           std::string(101, 'r') + "\"",
       "reference must be at most 100"},
  });
  EXPECT_EQ(PageSize(0), kDefaultPageSize);
  EXPECT_EQ(PageSize(7), 7);
}

}  // namespace
}  // namespace sfa::quote::domain

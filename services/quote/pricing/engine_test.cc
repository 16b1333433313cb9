#include "quote/pricing/engine.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/pricing/amount.h"
#include "quote/pricing/test_support.h"

namespace sfa::quote::pricing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace fixtures;  // NOLINT

// "step rule amount change" per waterfall step.
std::vector<std::string> Waterfall(const v1::PricedLine& line) {
  std::vector<std::string> out;
  for (const v1::PricingStep& step : line.waterfall()) {
    out.push_back(absl::StrCat(step.step(), " ", step.rule(), " ", step.amount().minor_units(), " ",
                               step.change().minor_units()));
  }
  return out;
}

// "ids discount refused_because" per alternative.
std::vector<std::string> Alternatives(const v1::Pricing& pricing) {
  std::vector<std::string> out;
  for (const v1::PromotionCombination& c : pricing.alternatives()) {
    out.push_back(absl::StrCat(absl::StrJoin(c.promotion_ids(), ","), " ", c.discount().minor_units(),
                               c.refused_because().empty() ? "" : " ", c.refused_because()));
  }
  return out;
}

PricingInput Shop() {
  PricingInput input;
  v1::PriceBookEntry shirt = Entry("shirt", 2000);
  shirt.set_tier_mode(v1::TIER_MODE_RANGE);
  *shirt.add_tiers() = UnitTier(10, 1800);
  v1::AttributeAdjustment* red = shirt.add_adjustments();
  red->set_attribute("colour");
  red->set_value("red");
  red->set_percent_bp(1000);
  input.price_book = Book("std", {shirt, Entry("mug", 500), Entry("mug", 700, "mug-gold")});
  input.products = {{"shirt", Product("shirt", {"colour"})}, {"mug", Product("mug")}};
  input.skus = {{"shirt-red", Sku("shirt-red", "shirt", {{"colour", "red"}})},
                {"shirt-blue", Sku("shirt-blue", "shirt", {{"colour", "blue"}})},
                {"mug-gold", Sku("mug-gold", "mug")}};
  input.date = Day(1);
  return input;
}

TEST(EngineTest, WaterfallListTierAttributePromotionManualNet) {
  PricingInput input = Shop();
  input.lines = {Line("1", "shirt", 10, "shirt-red", 1500), Line("2", "mug", 4)};
  input.promotions = {SpendPercent("spring", 10000, 1000)};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  ASSERT_TRUE(pricing.ok()) << pricing.status();
  ASSERT_EQ(pricing->lines_size(), 2);
  // 10 x 20.00 = 200.00; range tier 18.00 -> 180.00; red +10 % -> 198.00; spring 10 % -> 178.20;
  // manual 15 % -> 151.47.
  EXPECT_THAT(Waterfall(pricing->lines(0)),
              ElementsAre("list price_book:std 20000 20000", "tier tier:RANGE>=10 18000 -2000",
                          "attribute attribute:colour=red +1000bp 19800 1800", "promotion promotion:spring 17820 -1980",
                          "manual manual:1500bp 15147 -2673", "net net 15147 0"));
  EXPECT_THAT(Waterfall(pricing->lines(1)),
              ElementsAre("list price_book:std 2000 2000", "promotion promotion:spring 1800 -200", "net net 1800 0"));
  EXPECT_EQ(pricing->lines(0).list_unit_price().minor_units(), 2000);
  EXPECT_EQ(pricing->lines(0).price_book_id(), "std");
  EXPECT_EQ(pricing->lines(0).net_amount().minor_units(), 15147);
  EXPECT_THAT(pricing->applied_promotion_ids(), ElementsAre("spring"));
  const v1::QuoteTotals& totals = pricing->totals();
  EXPECT_EQ(totals.list_total().minor_units(), 22000);
  EXPECT_EQ(totals.promotion_discount().minor_units(), 2180);
  EXPECT_EQ(totals.manual_discount().minor_units(), 2673);
  EXPECT_EQ(totals.net_total().minor_units(), 16947);
  EXPECT_EQ(totals.net_total().currency(), "USD");
  // (22000 - 16947) / 22000 = 22.968 % -> 2296 bp, rounded down.
  EXPECT_EQ(totals.discount_bp(), 2296);
  EXPECT_EQ(pricing->priced_at().seconds(), absl::ToUnixSeconds(Day(1)));
}

TEST(EngineTest, RoundsHalfEvenOncePerLineFromTheExactAmount) {
  PricingInput input;
  v1::PriceBookEntry half = Entry("half", 25);
  v1::AttributeAdjustment* cut = half.add_adjustments();
  cut->set_attribute("cut");
  cut->set_value("half");
  cut->set_percent_bp(-5000);
  input.price_book = Book("std", {Entry("one", 1), Entry("three", 3), Entry("five", 5), half});
  input.products = {{"one", Product("one")},
                    {"three", Product("three")},
                    {"five", Product("five")},
                    {"half", Product("half", {"cut"})}};
  input.skus = {{"half-cut", Sku("half-cut", "half", {{"cut", "half"}})}};
  input.date = Day(1);
  input.lines = {Line("a", "one", 1, "", 5000), Line("b", "three", 1, "", 5000), Line("c", "five", 1, "", 5000),
                 Line("d", "half", 1, "half-cut", 4000)};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  ASSERT_TRUE(pricing.ok()) << pricing.status();
  // 0.5 -> 0, 1.5 -> 2, 2.5 -> 2.
  EXPECT_EQ(pricing->lines(0).net_amount().minor_units(), 0);
  EXPECT_EQ(pricing->lines(1).net_amount().minor_units(), 2);
  EXPECT_EQ(pricing->lines(2).net_amount().minor_units(), 2);
  // 25 less 50 % = 12.5, shown as 12; less 40 % = 7.5 exactly -> 8. Rounding each step would give
  // 12 x 0.6 = 7.2 -> 7.
  EXPECT_THAT(Waterfall(pricing->lines(3)),
              ElementsAre("list price_book:std 25 25", "attribute attribute:cut=half -5000bp 12 -13",
                          "manual manual:4000bp 8 -4", "net net 8 0"));
}

TEST(EngineTest, AnAmountOffSplitThreeWaysSumsExactlyBeforeEachLineRounds) {
  PricingInput input;
  input.price_book = Book("std", {Entry("p", 100)});
  input.products = {{"p", Product("p")}};
  input.date = Day(1);
  input.lines = {Line("1", "p", 1), Line("2", "p", 1), Line("3", "p", 1)};
  input.promotions = {SpendAmount("third", 0, 100)};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  ASSERT_TRUE(pricing.ok()) << pricing.status();
  // Shares 33.33333334 / 33.33333333 / 33.33333333 (sum 100); nets 66.66666666 -> 67 and 66.66666667 -> 67.
  for (const v1::PricedLine& line : pricing->lines()) {
    EXPECT_EQ(line.net_amount().minor_units(), 67);
    EXPECT_THAT(Waterfall(line),
                ElementsAre("list price_book:std 100 100", "promotion promotion:third 67 -33", "net net 67 0"));
  }
  EXPECT_EQ(pricing->totals().net_total().minor_units(), 201);
  EXPECT_EQ(pricing->totals().promotion_discount().minor_units(), 99);
  EXPECT_EQ(pricing->alternatives(0).discount().minor_units(), 100);
}

TEST(EngineTest, ChoosesTheBestCombinationAndExplainsTheOthers) {
  PricingInput input = Shop();
  input.lines = {Line("1", "mug", 20)};  // 100.00
  v1::Promotion solo = SpendPercent("solo", 0, 1500);
  solo.set_stackable(false);
  v1::Promotion spring_a = SpendPercent("spring-a", 0, 1000);
  spring_a.set_exclusivity_group("spring");
  v1::Promotion spring_b = SpendPercent("spring-b", 0, 500);
  spring_b.set_exclusivity_group("spring");
  v1::Promotion bulk = QuantityPercent("bulk", 20, 800);
  v1::Promotion used_up = SpendPercent("used-up", 0, 5000);
  used_up.set_usage_quota(10);
  used_up.set_used(10);
  v1::Promotion expired = SpendPercent("expired", 0, 5000);
  expired.mutable_valid_to()->set_seconds(absl::ToUnixSeconds(Day(1)));
  const v1::Promotion big_spender = SpendAmount("big-spender", 10001, 5000);
  input.promotions = {solo, spring_a, spring_b, bulk, used_up, expired, big_spender};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  ASSERT_TRUE(pricing.ok()) << pricing.status();
  // bulk 8 % of 100.00, then spring-a 10 % of the 92.00 left: 17.20 beats solo's 15.00 alone.
  EXPECT_THAT(pricing->applied_promotion_ids(), ElementsAre("bulk", "spring-a"));
  EXPECT_EQ(pricing->totals().net_total().minor_units(), 8280);
  EXPECT_THAT(
      Alternatives(*pricing),
      ElementsAre("bulk,spring-a 1720", "solo 1500", "bulk,spring-b 1260",
                  // What adding each other promotion to the applied ones would give, and why not.
                  "bulk,solo,spring-a 2962 not_stackable with solo",
                  "bulk,spring-a,spring-b 2134 exclusivity_group spring: spring-a and spring-b",
                  "used-up 0 quota_exhausted", "expired 0 not_valid_at_date", "big-spender 0 threshold_not_met"));
}

TEST(EngineTest, RefusesLinesItCannotPrice) {
  struct Case {
    std::string name;
    v1::QuoteLine line;
    absl::StatusCode code;
    std::string message;
  };
  const Case cases[] = {
      {"no price", Line("7", "lamp", 1), absl::StatusCode::kFailedPrecondition,
       "no_price: line 7 (product lamp / sku -) has no price in price book std"},
      {"no sku for a product with attributes", Line("2", "shirt", 1), absl::StatusCode::kFailedPrecondition,
       "sku_required: line 2 needs a sku_id: product shirt has attributes"},
      {"unknown product", Line("3", "ghost", 1), absl::StatusCode::kFailedPrecondition, "unknown_product: line 3"},
      {"unknown sku", Line("4", "mug", 1, "mug-x"), absl::StatusCode::kFailedPrecondition, "unknown_sku: line 4"},
      {"sku of another product", Line("5", "mug", 1, "shirt-red"), absl::StatusCode::kFailedPrecondition,
       "sku_product_mismatch: line 5"},
      {"no quantity", Line("6", "mug", 0), absl::StatusCode::kInvalidArgument, "lines[0].quantity"},
      {"manual above 100 %", Line("8", "mug", 1, "", 10001), absl::StatusCode::kInvalidArgument,
       "lines[0].manual_discount_bp"},
  };
  for (const Case& c : cases) {
    PricingInput input = Shop();
    input.products["lamp"] = Product("lamp");
    input.lines = {c.line};
    const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
    EXPECT_EQ(pricing.status().code(), c.code) << c.name;
    EXPECT_THAT(pricing.status().message(), HasSubstr(c.message)) << c.name;
  }
  PricingInput twice = Shop();
  twice.lines = {Line("1", "mug", 1), Line("1", "mug", 2)};
  EXPECT_THAT(PriceBasket(twice).status().message(), HasSubstr("lines[1].line_id repeats 1"));
}

TEST(EngineTest, RefusesTotalsBeyondTheMoneyLimitInsteadOfWrapping) {
  PricingInput input = Shop();
  input.price_book = Book("std", {Entry("mug", kMaxMinorUnits / 2 + 1)});
  input.lines = {Line("1", "mug", 1), Line("2", "mug", 1)};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  EXPECT_EQ(pricing.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(pricing.status().message(), HasSubstr("amount_too_large: the quote's list total exceeds"));
  input.lines.pop_back();
  EXPECT_TRUE(PriceBasket(input).ok());
}

TEST(EngineTest, SkuPriceWinsAndLineIdsAreGenerated) {
  PricingInput input = Shop();
  input.lines = {Line("", "mug", 1, "mug-gold"), Line("", "mug", 1)};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  ASSERT_TRUE(pricing.ok()) << pricing.status();
  EXPECT_EQ(pricing->lines(0).line().line_id(), "1");
  EXPECT_EQ(pricing->lines(1).line().line_id(), "2");
  EXPECT_EQ(pricing->lines(0).net_amount().minor_units(), 700);
  EXPECT_EQ(pricing->lines(1).net_amount().minor_units(), 500);
  EXPECT_TRUE(pricing->applied_promotion_ids().empty());
  EXPECT_EQ(pricing->totals().discount_bp(), 0);
}

TEST(EngineTest, BuyXGetYDiscountsTheGetLines) {
  PricingInput input = Shop();
  input.lines = {Line("1", "shirt", 2, "shirt-blue"), Line("2", "mug", 3)};
  input.promotions = {BuyXGetY("mug-free", "shirt", 2, "mug", 1, 10000)};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  ASSERT_TRUE(pricing.ok()) << pricing.status();
  // One of the three mugs free.
  EXPECT_THAT(Waterfall(pricing->lines(1)),
              ElementsAre("list price_book:std 1500 1500", "promotion promotion:mug-free 1000 -500", "net net 1000 0"));
  EXPECT_THAT(Waterfall(pricing->lines(0)), ElementsAre("list price_book:std 4000 4000", "net net 4000 0"));
}

TEST(EngineTest, OptimisesTheCustomersTotalAfterManualDiscounts) {
  PricingInput input = Shop();
  // The rep already took 100 % off the shirts: a promotion on them saves the customer nothing.
  input.lines = {Line("1", "shirt", 5, "shirt-blue", 10000), Line("2", "mug", 2)};
  v1::Promotion shirts = SpendPercent("shirts", 0, 5000);
  shirts.add_eligible_product_ids("shirt");
  shirts.set_exclusivity_group("g");
  v1::Promotion mugs = SpendPercent("mugs", 0, 1000);
  mugs.add_eligible_product_ids("mug");
  mugs.set_exclusivity_group("g");
  input.promotions = {shirts, mugs};
  const absl::StatusOr<v1::Pricing> pricing = PriceBasket(input);
  ASSERT_TRUE(pricing.ok()) << pricing.status();
  EXPECT_THAT(pricing->applied_promotion_ids(), ElementsAre("mugs"));
  EXPECT_EQ(pricing->totals().net_total().minor_units(), 900);
}

}  // namespace
}  // namespace sfa::quote::pricing

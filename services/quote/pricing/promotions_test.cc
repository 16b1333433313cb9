#include "quote/pricing/promotions.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/pricing/test_support.h"

namespace sfa::quote::pricing {
namespace {

using namespace fixtures;  // NOLINT

PromotionLine PLine(const std::string& product, int64_t units, int64_t amount, int32_t weight = kBasisPoints) {
  return {product, "", units, FromMinor(amount), weight};
}

// The promotion's reason for being refused, or "" when it can apply, on `lines` at Day(1).
std::string Screen(const v1::Promotion& promotion, const std::vector<PromotionLine>& lines, absl::Time date = Day(1)) {
  const ScreenedPromotions screened = ScreenPromotions({promotion}, lines, "USD", date);
  return screened.refused.empty() ? "" : screened.refused.front().reason;
}

// What the promotion alone takes off, in minor units (the tests' amounts are whole).
std::string AloneTakes(const v1::Promotion& promotion, const std::vector<PromotionLine>& lines) {
  const ScreenedPromotions screened = ScreenPromotions({promotion}, lines, "USD", Day(1));
  if (screened.candidates.empty()) return screened.refused.front().reason;
  return FormatMinor(Evaluate(screened.candidates, lines, {0}).discount);
}

TEST(PromotionsTest, SpendThresholdAtItsBoundary) {
  const std::vector<PromotionLine> basket = {PLine("a", 1, 6000), PLine("b", 1, 4000)};
  EXPECT_EQ(AloneTakes(SpendPercent("p", 10000, 1000), basket), "1000");
  EXPECT_EQ(AloneTakes(SpendPercent("p", 10001, 1000), basket), "threshold_not_met");
  EXPECT_EQ(AloneTakes(SpendAmount("p", 10000, 2500), basket), "2500");
  // Only eligible lines count towards the threshold and take the discount.
  v1::Promotion only_a = SpendPercent("p", 6000, 1000);
  only_a.add_eligible_product_ids("a");
  EXPECT_EQ(AloneTakes(only_a, basket), "600");
  only_a.mutable_threshold_amount()->set_minor_units(6001);
  EXPECT_EQ(AloneTakes(only_a, basket), "threshold_not_met");
  // An amount off never takes more than the lines' amount.
  EXPECT_EQ(AloneTakes(SpendAmount("p", 0, 99999), basket), "10000");
}

TEST(PromotionsTest, QuantityThresholdAtItsBoundary) {
  const std::vector<PromotionLine> basket = {PLine("a", 4, 4000), PLine("b", 6, 6000)};
  EXPECT_EQ(AloneTakes(QuantityPercent("q", 10, 500), basket), "500");
  EXPECT_EQ(AloneTakes(QuantityPercent("q", 11, 500), basket), "threshold_not_met");
  v1::Promotion only_b = QuantityPercent("q", 6, 500);
  only_b.add_eligible_product_ids("b");
  EXPECT_EQ(AloneTakes(only_b, basket), "300");
  only_b.set_threshold_quantity(7);
  EXPECT_EQ(AloneTakes(only_b, basket), "threshold_not_met");
}

TEST(PromotionsTest, BuyXGetY) {
  struct Case {
    std::string name;
    std::vector<PromotionLine> basket;
    v1::Promotion promotion;
    std::string takes;
  };
  const Case cases[] = {
      // floor(5 / 2) x 1 = 2 of the 5 units free, at their average price 100.
      {"same product", {PLine("a", 5, 500)}, BuyXGetY("p", "a", 2, "a", 1, 10000), "200"},
      {"exactly one set", {PLine("a", 2, 200)}, BuyXGetY("p", "a", 2, "a", 1, 10000), "100"},
      {"one short", {PLine("a", 1, 100)}, BuyXGetY("p", "a", 2, "a", 1, 10000), "threshold_not_met"},
      // floor(7 / 3) x 1 = 2 get units earned, bounded by the 1 in the basket, at 50 %.
      {"bounded by the get units",
       {PLine("a", 7, 700), PLine("b", 1, 400)},
       BuyXGetY("p", "a", 3, "b", 1, 5000),
       "200"},
      {"get units spread over two lines at their average",
       {PLine("a", 4, 400), PLine("b", 1, 300), PLine("b", 3, 500)},
       BuyXGetY("p", "a", 2, "b", 1, 10000),
       "400"},
      {"no get line", {PLine("a", 7, 700)}, BuyXGetY("p", "a", 3, "b", 1, 5000), "no_eligible_lines"},
      {"no buy line", {PLine("b", 7, 700)}, BuyXGetY("p", "a", 3, "b", 1, 5000), "no_eligible_lines"},
      {"zero percent", {PLine("a", 5, 500)}, BuyXGetY("p", "a", 2, "a", 1, 0), "no_discount"},
  };
  for (const Case& c : cases) EXPECT_EQ(AloneTakes(c.promotion, c.basket), c.takes) << c.name;
}

TEST(PromotionsTest, ScreeningRefusesWithAReason) {
  const std::vector<PromotionLine> basket = {PLine("a", 1, 10000)};
  v1::Promotion inactive = SpendPercent("p", 0, 1000);
  inactive.set_active(false);
  v1::Promotion quota = SpendPercent("p", 0, 1000);
  quota.set_usage_quota(5);
  quota.set_used(5);
  v1::Promotion quota_left = quota;
  quota_left.set_used(4);
  v1::Promotion unlimited = quota;
  unlimited.set_usage_quota(0);
  v1::Promotion euro = SpendAmount("p", 0, 100);
  euro.mutable_amount_off()->set_currency("EUR");
  v1::Promotion euro_threshold = SpendPercent("p", 100, 1000);
  euro_threshold.mutable_threshold_amount()->set_currency("EUR");
  v1::Promotion other_product = SpendPercent("p", 0, 1000);
  other_product.add_eligible_product_ids("b");
  v1::Promotion by_sku = other_product;
  by_sku.add_eligible_sku_ids("a-1");
  std::vector<PromotionLine> sku_basket = basket;
  sku_basket[0].sku_id = "a-1";
  v1::Promotion no_benefit = Promo("p", v1::PROMOTION_KIND_SPEND_THRESHOLD);
  v1::Promotion no_kind = SpendPercent("p", 0, 1000);
  no_kind.set_kind(v1::PROMOTION_KIND_UNSPECIFIED);

  EXPECT_EQ(Screen(inactive, basket), "inactive");
  EXPECT_EQ(Screen(quota, basket), "quota_exhausted");
  EXPECT_EQ(Screen(quota_left, basket), "");
  EXPECT_EQ(Screen(unlimited, basket), "");
  EXPECT_EQ(Screen(euro, basket), "currency_mismatch");
  EXPECT_EQ(Screen(euro_threshold, basket), "currency_mismatch");
  EXPECT_EQ(Screen(other_product, basket), "no_eligible_lines");
  EXPECT_EQ(Screen(by_sku, sku_basket), "");
  EXPECT_EQ(Screen(no_benefit, basket), "invalid_promotion: no benefit");
  EXPECT_EQ(Screen(no_kind, basket), "invalid_promotion: unknown kind");
  // Valid from Day(0) inclusive to Day(30) exclusive.
  EXPECT_EQ(Screen(SpendPercent("p", 0, 1000), basket, Day(0)), "");
  EXPECT_EQ(Screen(SpendPercent("p", 0, 1000), basket, Day(0) - absl::Seconds(1)), "not_valid_at_date");
  EXPECT_EQ(Screen(SpendPercent("p", 0, 1000), basket, Day(30) - absl::Seconds(1)), "");
  EXPECT_EQ(Screen(SpendPercent("p", 0, 1000), basket, Day(30)), "not_valid_at_date");

  const ScreenedPromotions twice =
      ScreenPromotions({SpendPercent("p", 0, 1000), SpendPercent("p", 0, 2000)}, basket, "USD", Day(1));
  ASSERT_EQ(twice.candidates.size(), 1u);
  EXPECT_EQ(twice.refused.front().reason, "duplicate_promotion_id");
}

TEST(PromotionsTest, ApplicationOrderIsKindThenPercentThenId) {
  const std::vector<PromotionLine> basket = {PLine("a", 10, 10000)};
  const ScreenedPromotions screened = ScreenPromotions(
      {SpendAmount("s-amount", 0, 100), SpendPercent("s-percent", 0, 100), QuantityPercent("q-b", 1, 100),
       QuantityPercent("q-a", 1, 100), BuyXGetY("x", "a", 1, "a", 1, 100)},
      basket, "USD", Day(1));
  std::vector<std::string> order;
  for (const Candidate& c : screened.candidates) order.push_back(c.promotion_id);
  EXPECT_EQ(order, (std::vector<std::string>{"x", "q-a", "q-b", "s-percent", "s-amount"}));
}

TEST(PromotionsTest, LaterPromotionsSeeTheReducedAmounts) {
  const std::vector<PromotionLine> basket = {PLine("a", 10, 10000)};
  const ScreenedPromotions screened =
      ScreenPromotions({SpendAmount("spend", 9500, 500), QuantityPercent("quantity", 10, 1000)}, basket, "USD", Day(1));
  ASSERT_EQ(screened.candidates.size(), 2u);  // [quantity, spend]
  // Alone each applies; together the 10 % leaves 9000 < 9500 and the spend threshold fails.
  EXPECT_EQ(FormatMinor(Evaluate(screened.candidates, basket, {0}).discount), "1000");
  EXPECT_EQ(FormatMinor(Evaluate(screened.candidates, basket, {1}).discount), "500");
  EXPECT_EQ(FormatMinor(Evaluate(screened.candidates, basket, {0, 1}).discount), "1000");
  // A percent after a percent takes its share of what is left.
  const ScreenedPromotions two =
      ScreenPromotions({QuantityPercent("a", 1, 1000), SpendPercent("b", 0, 1000)}, basket, "USD", Day(1));
  EXPECT_EQ(FormatMinor(Evaluate(two.candidates, basket, {0, 1}).discount), "1900");
}

TEST(PromotionsTest, AmountOffIsSpreadByLargestRemainderAndSumsExactly) {
  const std::vector<PromotionLine> basket = {PLine("a", 1, 100), PLine("b", 1, 100), PLine("c", 1, 100)};
  const ScreenedPromotions screened = ScreenPromotions({SpendAmount("p", 0, 100)}, basket, "USD", Day(1));
  const Evaluation evaluation = Evaluate(screened.candidates, basket, {0}, /*with_shares=*/true);
  ASSERT_EQ(evaluation.shares.size(), 1u);
  EXPECT_EQ(FormatMinor(evaluation.shares[0][0]), "33.33333334");  // the tie goes to the earlier line
  EXPECT_EQ(FormatMinor(evaluation.shares[0][1]), "33.33333333");
  EXPECT_EQ(FormatMinor(evaluation.shares[0][2]), "33.33333333");
  EXPECT_TRUE(evaluation.discount == FromMinor(100));
  // Uneven: 1000 off 300 / 200 / 100 (of 600) -> 500 / 333.33333333 / 166.66666667.
  const std::vector<PromotionLine> uneven = {PLine("a", 1, 300), PLine("b", 1, 200), PLine("c", 1, 100)};
  const ScreenedPromotions half = ScreenPromotions({SpendAmount("p", 0, 300)}, uneven, "USD", Day(1));
  const Evaluation spread = Evaluate(half.candidates, uneven, {0}, true);
  EXPECT_EQ(FormatMinor(spread.shares[0][0]), "150");
  EXPECT_EQ(FormatMinor(spread.shares[0][1]), "100");
  EXPECT_EQ(FormatMinor(spread.shares[0][2]), "50");
  const ScreenedPromotions third = ScreenPromotions({SpendAmount("p", 0, 100)}, uneven, "USD", Day(1));
  const Evaluation thirds = Evaluate(third.candidates, uneven, {0}, true);
  EXPECT_EQ(FormatMinor(thirds.shares[0][0]), "50");
  EXPECT_EQ(FormatMinor(thirds.shares[0][1]), "33.33333333");
  EXPECT_EQ(FormatMinor(thirds.shares[0][2]), "16.66666667");
}

TEST(PromotionsTest, ValueWeighsEachLineByWhatTheManualDiscountLeaves) {
  // Line b has a 50 % manual discount: a unit off it saves the customer half a unit.
  const std::vector<PromotionLine> basket = {PLine("a", 1, 1000), PLine("b", 1, 1000, 5000)};
  const ScreenedPromotions screened = ScreenPromotions({SpendPercent("p", 0, 1000)}, basket, "USD", Day(1));
  const Evaluation evaluation = Evaluate(screened.candidates, basket, {0});
  EXPECT_EQ(FormatMinor(evaluation.discount), "200");
  EXPECT_EQ(FormatMinor(evaluation.value / kBasisPoints), "150");
}

TEST(PromotionsTest, CombinationRules) {
  const std::vector<PromotionLine> basket = {PLine("a", 1, 1000)};
  v1::Promotion g1 = SpendPercent("g1", 0, 100);
  g1.set_exclusivity_group("spring");
  v1::Promotion g2 = SpendPercent("g2", 0, 200);
  g2.set_exclusivity_group("spring");
  v1::Promotion solo = SpendPercent("solo", 0, 300);
  solo.set_stackable(false);
  const ScreenedPromotions s = ScreenPromotions({g1, g2, solo, SpendPercent("free", 0, 400)}, basket, "USD", Day(1));
  // Application order: free, g1, g2, solo.
  EXPECT_EQ(CombinationRefusal(s.candidates, {0, 1}), "");
  EXPECT_EQ(CombinationRefusal(s.candidates, {1, 2}), "exclusivity_group spring: g1 and g2");
  EXPECT_EQ(CombinationRefusal(s.candidates, {3}), "");
  EXPECT_EQ(CombinationRefusal(s.candidates, {0, 3}), "not_stackable with solo");
}

}  // namespace
}  // namespace sfa::quote::pricing

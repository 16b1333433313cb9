#include "quote/pricing/line_pricing.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/pricing/test_support.h"

namespace sfa::quote::pricing {
namespace {

using ::testing::HasSubstr;
using namespace fixtures;  // NOLINT: the builders read as a small language here

// The line's amount after tiers and attributes, in minor units (exact: the test amounts are whole).
struct Priced {
  std::vector<std::string> rules;
  Amount amount = 0;
};

Priced PriceOf(const v1::PriceBookEntry& entry, int64_t quantity, const v1::Sku* sku = nullptr) {
  const v1::PriceBook book = Book("std", {entry});
  absl::StatusOr<LineBase> base = PriceLineBase(Line("1", entry.product_id(), quantity), book, entry, sku);
  EXPECT_TRUE(base.ok()) << base.status();
  Priced out;
  if (!base.ok()) return out;
  for (const ExactStep& step : base->steps) out.rules.push_back(step.rule);
  out.amount = base->amount;
  return out;
}

v1::PriceBookEntry Tiered(v1::TierMode mode, std::vector<v1::PriceTier> tiers, int64_t list = 1000) {
  v1::PriceBookEntry entry = Entry("widget", list);
  entry.set_tier_mode(mode);
  for (const v1::PriceTier& tier : tiers) *entry.add_tiers() = tier;
  return entry;
}

// The rules of a line priced from book "std" with the given tier rule ("" = no tier reached).
std::vector<std::string> Rules(const std::string& tier_rule) {
  std::vector<std::string> rules = {"price_book:std"};
  if (!tier_rule.empty()) rules.push_back(tier_rule);
  return rules;
}

TEST(LinePricingTest, RangeAndSlabAtAndAcrossTierBoundaries) {
  const std::vector<v1::PriceTier> tiers = {UnitTier(10, 900), UnitTier(50, 800)};
  struct Case {
    int64_t quantity;
    int64_t range;
    std::string range_rule;
    int64_t slab;
    std::string slab_rule;
  };
  const Case cases[] = {
      {9, 9000, "", 9000, ""},
      {10, 9000, "tier:RANGE>=10", 9900, "tier:SLAB 1-9@1000,10-49@900"},
      {11, 9900, "tier:RANGE>=10", 10800, "tier:SLAB 1-9@1000,10-49@900"},
      {49, 44100, "tier:RANGE>=10", 45000, "tier:SLAB 1-9@1000,10-49@900"},
      {50, 40000, "tier:RANGE>=50", 45800, "tier:SLAB 1-9@1000,10-49@900,50+@800"},
      {51, 40800, "tier:RANGE>=50", 46600, "tier:SLAB 1-9@1000,10-49@900,50+@800"},
  };
  for (const Case& c : cases) {
    const Priced range = PriceOf(Tiered(v1::TIER_MODE_RANGE, tiers), c.quantity);
    const Priced slab = PriceOf(Tiered(v1::TIER_MODE_SLAB, tiers), c.quantity);
    EXPECT_TRUE(range.amount == FromMinor(c.range)) << c.quantity << ": " << FormatMinor(range.amount);
    EXPECT_TRUE(slab.amount == FromMinor(c.slab)) << c.quantity << ": " << FormatMinor(slab.amount);
    EXPECT_EQ(range.rules, Rules(c.range_rule)) << c.quantity;
    EXPECT_EQ(slab.rules, Rules(c.slab_rule)) << c.quantity;
  }
}

TEST(LinePricingTest, PercentOffTiersAreOffTheListPriceAndExact) {
  const std::vector<v1::PriceTier> tiers = {PercentTier(10, 1000), PercentTier(50, 2500)};
  EXPECT_TRUE(PriceOf(Tiered(v1::TIER_MODE_RANGE, tiers), 10).amount == FromMinor(9000));
  EXPECT_TRUE(PriceOf(Tiered(v1::TIER_MODE_RANGE, tiers), 50).amount == FromMinor(37500));
  const Priced slab = PriceOf(Tiered(v1::TIER_MODE_SLAB, tiers), 51);
  EXPECT_TRUE(slab.amount == FromMinor(9000 + 40 * 900 + 2 * 750));
  EXPECT_EQ(slab.rules.back(), "tier:SLAB 1-9@1000,10-49@900,50+@750");
  // 333 less 15 % is 283.05 a unit: kept exactly, not rounded per unit or per step.
  const Priced odd = PriceOf(Tiered(v1::TIER_MODE_RANGE, {PercentTier(10, 1500)}, 333), 10);
  EXPECT_EQ(FormatMinor(odd.amount), "2830.5");
  EXPECT_EQ(FormatMinor(PriceOf(Tiered(v1::TIER_MODE_RANGE, {PercentTier(2, 1500)}, 333), 3).amount), "849.15");
}

TEST(LinePricingTest, TiersAreSortedAndUnreachedTiersChangeNothing) {
  // Given out of order; quantity 5 reaches none of them.
  const std::vector<v1::PriceTier> tiers = {UnitTier(50, 800), UnitTier(10, 900)};
  EXPECT_TRUE(PriceOf(Tiered(v1::TIER_MODE_RANGE, tiers), 5).amount == FromMinor(5000));
  EXPECT_TRUE(PriceOf(Tiered(v1::TIER_MODE_SLAB, tiers), 12).amount == FromMinor(9000 + 3 * 900));
}

TEST(LinePricingTest, AttributeAdjustmentsByAmountAndPercentOfThePriceAfterTiers) {
  v1::PriceBookEntry entry = Tiered(v1::TIER_MODE_RANGE, {UnitTier(2, 1800)}, 2000);
  entry.set_product_id("shirt");
  auto adjust = [&](const std::string& attribute, const std::string& value) {
    v1::AttributeAdjustment* a = entry.add_adjustments();
    a->set_attribute(attribute);
    a->set_value(value);
    return a;
  };
  adjust("colour", "red")->set_percent_bp(1000);
  adjust("colour", "blue")->set_percent_bp(-500);
  *adjust("size", "XL")->mutable_amount() = Usd(500);
  adjust("fabric", "silk")->set_percent_bp(2000);

  struct Case {
    std::string name;
    v1::Sku sku;
    int64_t amount;
    std::vector<std::string> rules;
  };
  const Case cases[] = {
      {"red XL",
       Sku("s1", "shirt", {{"colour", "red"}, {"size", "XL"}}),
       // 3 x 1800 = 5400; red +10 % of 5400; XL +5.00 a unit.
       5400 + 540 + 1500,
       {"price_book:std", "tier:RANGE>=2", "attribute:colour=red +1000bp", "attribute:size=XL +500"}},
      {"blue M",
       Sku("s2", "shirt", {{"colour", "blue"}, {"size", "M"}}),
       5400 - 270,
       {"price_book:std", "tier:RANGE>=2", "attribute:colour=blue -500bp"}},
      {"red silk: percents do not compound",
       Sku("s3", "shirt", {{"colour", "red"}, {"fabric", "silk"}}),
       5400 + 540 + 1080,
       {"price_book:std", "tier:RANGE>=2", "attribute:colour=red +1000bp", "attribute:fabric=silk +2000bp"}},
  };
  for (const Case& c : cases) {
    const Priced priced = PriceOf(entry, 3, &c.sku);
    EXPECT_TRUE(priced.amount == FromMinor(c.amount)) << c.name << ": " << FormatMinor(priced.amount);
    EXPECT_EQ(priced.rules, c.rules) << c.name;
  }
}

TEST(LinePricingTest, RefusesOtherCurrenciesNegativePricesAndOverflow) {
  const v1::Sku cheap = Sku("s", "widget", {{"size", "S"}});
  struct Case {
    std::string name;
    v1::PriceBookEntry entry;
    int64_t quantity;
    std::string error;
  };
  v1::PriceBookEntry euro_list = Entry("widget", 1000);
  euro_list.mutable_list_price()->set_currency("EUR");
  v1::PriceBookEntry euro_tier = Tiered(v1::TIER_MODE_RANGE, {UnitTier(2, 900)});
  euro_tier.mutable_tiers(0)->mutable_unit_price()->set_currency("EUR");
  v1::PriceBookEntry euro_adjustment = Entry("widget", 1000);
  v1::AttributeAdjustment* a = euro_adjustment.add_adjustments();
  a->set_attribute("size");
  a->set_value("S");
  *a->mutable_amount() = Usd(-100, "EUR");
  v1::PriceBookEntry below_zero = euro_adjustment;
  below_zero.mutable_adjustments(0)->mutable_amount()->set_currency("USD");
  below_zero.mutable_adjustments(0)->mutable_amount()->set_minor_units(-1001);
  v1::PriceBookEntry huge = Entry("widget", kMaxMinorUnits);
  v1::PriceBookEntry bad_tier = Tiered(v1::TIER_MODE_SLAB, {PercentTier(2, 10001)});
  const Case cases[] = {
      {"list in EUR", euro_list, 1, "currency_mismatch: line 1 the list price is in EUR, price book std in USD"},
      {"tier in EUR", euro_tier, 1, "currency_mismatch: line 1 a tier's unit_price is in EUR"},
      {"adjustment in EUR", euro_adjustment, 1, "currency_mismatch: line 1 an attribute adjustment is in EUR"},
      {"below zero", below_zero, 2, "negative_price: line 1 would cost -2 after attribute:size=S -1001"},
      {"beyond kMaxMinorUnits", huge, 2, "amount_too_large: line 1 the list amount exceeds"},
      {"percent tier above 100 %", bad_tier, 2, "invalid_price_book: line 1 has a tier percent_off_bp 10001"},
  };
  for (const Case& c : cases) {
    const v1::PriceBook book = Book("std", {c.entry});
    const absl::StatusOr<LineBase> base = PriceLineBase(Line("1", "widget", c.quantity), book, c.entry, &cheap);
    EXPECT_EQ(base.status().code(), absl::StatusCode::kFailedPrecondition) << c.name;
    EXPECT_THAT(base.status().message(), HasSubstr(c.error)) << c.name;
  }
  // Exactly kMaxMinorUnits is still fine.
  EXPECT_TRUE(PriceOf(huge, 1).amount == kMaxAmount);
}

TEST(LinePricingTest, SkuEntryWinsOverItsProductsEntry) {
  const v1::PriceBook book =
      Book("std", {Entry("shirt", 2000), Entry("shirt", 2500, "shirt-red"), Entry("mug", 300, "mug-big")});
  const EntryIndex index(book);
  EXPECT_EQ(index.Find("shirt", "shirt-red")->list_price().minor_units(), 2500);
  EXPECT_EQ(index.Find("shirt", "shirt-blue")->list_price().minor_units(), 2000);
  EXPECT_EQ(index.Find("shirt", "")->list_price().minor_units(), 2000);
  // A SKU entry does not price its product's other SKUs.
  EXPECT_EQ(index.Find("mug", "mug-small"), nullptr);
  EXPECT_EQ(index.Find("lamp", ""), nullptr);
}

}  // namespace
}  // namespace sfa::quote::pricing

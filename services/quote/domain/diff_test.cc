#include "quote/domain/diff.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::string Line(absl::string_view id, absl::string_view product, int quantity, int64_t net) {
  return absl::StrCat("lines { line { line_id: \"", id, "\" product_id: \"", product, "\" quantity: ", quantity, " } ",
                      MoneyField("net_amount", net), " }");
}

v1::Pricing PricingOf(const std::string& lines, int64_t net, absl::string_view promotions = "") {
  return Pb<v1::Pricing>(TextProto(lines, "totals {", MoneyField("net_total", net), "}", promotions));
}

// "<line_id>:<change>" per line change, in the diff's order.
std::vector<std::string> Changes(const v1::QuoteDiff& diff) {
  std::vector<std::string> out;
  for (const v1::LineChange& change : diff.lines()) out.push_back(absl::StrCat(change.line_id(), ":", change.change()));
  return out;
}

TEST(DiffPricingTest, LinesByLineId) {
  const v1::Pricing before =
      PricingOf(Line("1", "shirt", 10, 100) + Line("2", "cap", 1, 20) + Line("3", "sock", 5, 30), 150);
  const v1::Pricing after =
      PricingOf(Line("4", "belt", 1, 40) + Line("3", "sock", 5, 30) + Line("1", "shirt", 12, 120), 190);
  const v1::QuoteDiff diff = DiffPricing(before, after);
  EXPECT_THAT(Changes(diff), ElementsAre("1:changed", "2:removed", "4:added"));
  EXPECT_EQ(diff.lines(0).before().line().quantity(), 10);
  EXPECT_EQ(diff.lines(0).after().line().quantity(), 12);
  EXPECT_TRUE(diff.lines(1).has_before());
  EXPECT_FALSE(diff.lines(1).has_after());
  EXPECT_FALSE(diff.lines(2).has_before());
  EXPECT_EQ(diff.lines(2).after().line().product_id(), "belt");
  EXPECT_EQ(diff.totals_before().net_total().minor_units(), 150);
  EXPECT_EQ(diff.totals_after().net_total().minor_units(), 190);
}

TEST(DiffPricingTest, APriceChangeAloneIsAChange) {
  const v1::QuoteDiff diff =
      DiffPricing(PricingOf(Line("1", "shirt", 10, 100), 100), PricingOf(Line("1", "shirt", 10, 90), 90));
  EXPECT_THAT(Changes(diff), ElementsAre("1:changed"));
}

TEST(DiffPricingTest, Promotions) {
  const v1::QuoteDiff diff =
      DiffPricing(PricingOf(Line("1", "shirt", 10, 100), 100, R"pb(applied_promotion_ids: "spring"
                                                                   applied_promotion_ids: "bulk")pb"),
                  PricingOf(Line("1", "shirt", 10, 100), 100, R"pb(applied_promotion_ids: "bulk"
                                                                   applied_promotion_ids: "summer")pb"));
  EXPECT_THAT(diff.promotions_added(), ElementsAre("summer"));
  EXPECT_THAT(diff.promotions_removed(), ElementsAre("spring"));
  EXPECT_THAT(Changes(diff), IsEmpty());
}

TEST(DiffPricingTest, IdenticalPricingsDifferInNothing) {
  const v1::Pricing pricing = PricingOf(Line("1", "shirt", 10, 100), 100, R"pb(applied_promotion_ids: "bulk")pb");
  const v1::QuoteDiff diff = DiffPricing(pricing, pricing);
  EXPECT_THAT(Changes(diff), IsEmpty());
  EXPECT_THAT(diff.promotions_added(), IsEmpty());
  EXPECT_THAT(diff.promotions_removed(), IsEmpty());
}

}  // namespace
}  // namespace sfa::quote::domain

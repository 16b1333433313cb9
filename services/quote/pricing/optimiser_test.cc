#include "quote/pricing/optimiser.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "quote/pricing/test_support.h"

namespace sfa::quote::pricing {
namespace {

using namespace fixtures;  // NOLINT

PromotionLine PLine(const std::string& product, int64_t units, int64_t amount, int32_t weight = kBasisPoints) {
  return {product, "", units, FromMinor(amount), weight};
}

std::string Ids(const ScreenedPromotions& screened, const Combination& combination) {
  std::vector<std::string> ids;
  for (int member : combination.members) ids.push_back(screened.candidates[member].promotion_id);
  return absl::StrJoin(ids, ",");
}

// The best `keep` allowed combinations in which every member takes something off, by evaluating every
// subset with the same Evaluate the optimiser uses.
std::vector<Combination> BruteForce(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines,
                                    size_t keep) {
  std::vector<Combination> all;
  const int n = static_cast<int>(candidates.size());
  for (uint32_t mask = 1; mask < (1u << n); ++mask) {
    std::vector<int> members;
    for (int j = 0; j < n; ++j) {
      if (mask & (1u << j)) members.push_back(j);
    }
    if (!CombinationRefusal(candidates, members).empty()) continue;
    const Evaluation evaluation = Evaluate(candidates, lines, members);
    if (evaluation.applied != static_cast<int>(members.size())) continue;
    all.push_back({members, evaluation.value, evaluation.discount});
  }
  std::sort(all.begin(), all.end(),
            [&](const Combination& a, const Combination& b) { return RanksBefore(a, b, candidates); });
  if (all.size() > keep) all.resize(keep);
  return all;
}

struct RandomBasket {
  std::vector<PromotionLine> lines;
  std::vector<v1::Promotion> promotions;
};

// 1-15 lines over five products and 0-12 promotions of random kinds, benefits, groups, stacking, quotas
// and validity, thresholds drawn around the basket so that they bind. `crowded`: 8-12 promotions that
// all apply alone (products from the basket, thresholds between half the basket and all of it, no
// exhausted quota), so that the choice is among many.
RandomBasket MakeBasket(std::mt19937_64& random, bool crowded = false) {
  auto uniform = [&](int64_t low, int64_t high) { return std::uniform_int_distribution<int64_t>(low, high)(random); };
  RandomBasket basket;
  const int line_count = static_cast<int>(uniform(1, 15));
  int64_t total = 0;
  int64_t units = 0;
  for (int i = 0; i < line_count; ++i) {
    PromotionLine line = PLine(absl::StrCat("p", uniform(0, 4)), uniform(1, 20), uniform(1, 100'000));
    if (uniform(0, 3) == 0) line.amount += uniform(0, kAmountScale - 1);  // amounts after percent tiers
    if (uniform(0, 4) == 0) line.weight = static_cast<int32_t>(kBasisPoints - uniform(0, 10'000));
    total += static_cast<int64_t>(line.amount / kAmountScale);
    units += line.units;
    basket.lines.push_back(line);
  }
  auto product = [&] {
    return crowded ? basket.lines[uniform(0, line_count - 1)].product_id : absl::StrCat("p", uniform(0, 4));
  };
  const int64_t high = crowded ? total : total + total / 10;
  const int64_t low = crowded ? total / 2 : 0;
  const char* groups[] = {"", "", "", "g1", "g2", "g3"};
  const int promotion_count = static_cast<int>(crowded ? uniform(8, 12) : uniform(0, 12));
  for (int k = 0; k < promotion_count; ++k) {
    const std::string id = absl::StrCat("promo-", uniform(0, 99), "-", k);
    v1::Promotion promotion;
    switch (uniform(0, 4)) {
      case 0:
        promotion = BuyXGetY(id, product(), uniform(1, crowded ? 2 : 5), product(), uniform(1, 3),
                             static_cast<int32_t>(uniform(1, 10'000)));
        break;
      case 1:
        promotion = QuantityPercent(id, uniform(0, crowded ? units : 60), static_cast<int32_t>(uniform(1, 5'000)));
        break;
      case 2:
        promotion = SpendPercent(id, uniform(low, high), static_cast<int32_t>(uniform(1, 5'000)));
        break;
      default:
        promotion = SpendAmount(id, uniform(low, high), uniform(1, total / 4 + 1));
        if (uniform(0, 2) == 0) {  // a quantity condition with an amount off
          promotion.set_kind(v1::PROMOTION_KIND_QUANTITY_THRESHOLD);
          promotion.set_threshold_quantity(uniform(0, crowded ? units : 60));
        }
    }
    if (!crowded && uniform(0, 2) == 0) promotion.add_eligible_product_ids(product());
    if (!crowded && uniform(0, 4) == 0) promotion.add_eligible_product_ids(product());
    promotion.set_exclusivity_group(groups[uniform(0, 5)]);
    promotion.set_stackable(uniform(0, 4) != 0);
    if (uniform(0, 5) == 0) {
      promotion.set_usage_quota(uniform(1, 3));
      promotion.set_used(crowded ? 0 : uniform(0, 3));
    }
    if (!crowded && uniform(0, 9) == 0) promotion.set_active(false);
    basket.promotions.push_back(promotion);
  }
  return basket;
}

TEST(OptimiserTest, MatchesBruteForceOnRandomBaskets) {
  std::mt19937_64 random(20240301);
  int with_choice = 0;
  for (int round = 0; round < 1500; ++round) {
    // One basket in three crowded with promotions that all apply alone.
    const RandomBasket basket = MakeBasket(random, round % 3 == 0);
    const ScreenedPromotions screened = ScreenPromotions(basket.promotions, basket.lines, "USD", Day(1));
    const std::vector<Combination> expected = BruteForce(screened.candidates, basket.lines, 3);
    const absl::StatusOr<SearchResult> found = FindBestCombinations(screened.candidates, basket.lines, {.keep = 3});
    ASSERT_TRUE(found.ok()) << found.status();
    ASSERT_EQ(found->best.size(), expected.size()) << "round " << round;
    for (size_t k = 0; k < expected.size(); ++k) {
      EXPECT_TRUE(found->best[k].value == expected[k].value)
          << "round " << round << " rank " << k << ": " << Ids(screened, found->best[k]) << " vs "
          << Ids(screened, expected[k]);
      EXPECT_EQ(found->best[k].members, expected[k].members) << "round " << round << " rank " << k;
    }
    if (expected.size() > 1) ++with_choice;
  }
  // The baskets are not trivial: most of them offer a real choice.
  EXPECT_GT(with_choice, 900);
}

TEST(OptimiserTest, BestOnlySearchAgreesWithBruteForce) {
  std::mt19937_64 random(7);
  for (int round = 0; round < 1000; ++round) {
    const RandomBasket basket = MakeBasket(random);
    const ScreenedPromotions screened = ScreenPromotions(basket.promotions, basket.lines, "USD", Day(1));
    const std::vector<Combination> expected = BruteForce(screened.candidates, basket.lines, 1);
    const absl::StatusOr<SearchResult> found = FindBestCombinations(screened.candidates, basket.lines, {.keep = 1});
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->best.size(), expected.size()) << "round " << round;
    if (expected.empty()) continue;
    EXPECT_TRUE(found->best[0].value == expected[0].value) << "round " << round;
    EXPECT_EQ(found->best[0].members, expected[0].members) << "round " << round;
  }
}

TEST(OptimiserTest, ASmallPromotionThatSwitchesOffAThresholdCanBeWorthMoreThanAlone) {
  // One line of 100.00. In application order: q (1.00 off any quantity), then a (10.00 off from 100.00),
  // then b (50.00 off from 95.00). {a, b}: a leaves 90.00 and b fails. {q, b}: q leaves 99.00, b applies.
  const std::vector<PromotionLine> basket = {PLine("p", 1, 10000)};
  v1::Promotion q = SpendAmount("q", 0, 100);
  q.set_kind(v1::PROMOTION_KIND_QUANTITY_THRESHOLD);
  const ScreenedPromotions screened =
      ScreenPromotions({SpendAmount("a", 10000, 1000), SpendAmount("b", 9500, 5000), q}, basket, "USD", Day(1));
  const absl::StatusOr<SearchResult> found = FindBestCombinations(screened.candidates, basket, {.keep = 3});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->best.size(), 3u);
  EXPECT_EQ(Ids(screened, found->best[0]), "q,b");
  EXPECT_EQ(FormatMinor(found->best[0].discount), "5100");
  EXPECT_EQ(Ids(screened, found->best[1]), "b");
  // {a, b} is no combination of the search: b takes nothing after a, so it is just {a}.
  EXPECT_EQ(Ids(screened, found->best[2]), "a");
}

TEST(OptimiserTest, ExclusivityStackingAndTies) {
  const std::vector<PromotionLine> basket = {PLine("p", 10, 10000)};
  v1::Promotion small = SpendPercent("spring-small", 0, 500);
  small.set_exclusivity_group("spring");
  v1::Promotion big = SpendPercent("spring-big", 0, 1000);
  big.set_exclusivity_group("spring");
  v1::Promotion solo = SpendPercent("solo", 0, 1500);
  solo.set_stackable(false);
  v1::Promotion twin_a = QuantityPercent("twin-a", 1, 300);
  v1::Promotion twin_b = QuantityPercent("twin-b", 1, 300);
  twin_a.set_exclusivity_group("twins");
  twin_b.set_exclusivity_group("twins");
  const ScreenedPromotions screened = ScreenPromotions({small, big, solo, twin_b, twin_a}, basket, "USD", Day(1));
  const absl::StatusOr<SearchResult> found = FindBestCombinations(screened.candidates, basket, {.keep = 3});
  ASSERT_TRUE(found.ok());
  // solo alone takes 1500; a twin (3 %) then spring-big (10 %) take 300 + 970 = 1270.
  EXPECT_EQ(Ids(screened, found->best[0]), "solo");
  // Equal values: the smaller id among the twins.
  EXPECT_EQ(Ids(screened, found->best[1]), "twin-a,spring-big");
  EXPECT_EQ(Ids(screened, found->best[2]), "twin-b,spring-big");
}

TEST(OptimiserTest, BoundsCutTheSearchFarBelowEnumeration) {
  // 25 stackable percents on 40 lines: 2^25 subsets, all of them allowed. Every percent helps, so the
  // optimum is all 25; the compounding bound (B2) proves it along one path.
  std::vector<PromotionLine> basket;
  for (int i = 0; i < 40; ++i) basket.push_back(PLine(absl::StrCat("p", i % 7), 1 + i % 5, 1000 + 37 * i));
  std::vector<v1::Promotion> promotions;
  for (int k = 0; k < 25; ++k) {
    v1::Promotion p = QuantityPercent(absl::StrCat("q", k), 1, 100 + 40 * k);
    if (k % 3 == 0) p.add_eligible_product_ids(absl::StrCat("p", k % 7));
    promotions.push_back(p);
  }
  const ScreenedPromotions screened = ScreenPromotions(promotions, basket, "USD", Day(1));
  ASSERT_EQ(screened.candidates.size(), 25u);
  const absl::StatusOr<SearchResult> found = FindBestCombinations(screened.candidates, basket, {.keep = 1});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->best[0].members.size(), 25u);
  EXPECT_LT(found->stats.nodes, 200);
}

TEST(OptimiserTest, GivesUpRatherThanReturnAnUnprovedAnswer) {
  std::vector<PromotionLine> basket;
  for (int i = 0; i < 20; ++i) basket.push_back(PLine(absl::StrCat("p", i), 1, 1000 + i));
  std::vector<v1::Promotion> promotions;
  for (int k = 0; k < 20; ++k) promotions.push_back(SpendAmount(absl::StrCat("s", k), 15000 + 100 * k, 300 + k));
  const ScreenedPromotions screened = ScreenPromotions(promotions, basket, "USD", Day(1));
  const absl::StatusOr<SearchResult> found =
      FindBestCombinations(screened.candidates, basket, {.keep = 1, .max_nodes = 10});
  EXPECT_EQ(found.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(FindBestCombinations(screened.candidates, basket, {.keep = 1}).ok());
}

}  // namespace
}  // namespace sfa::quote::pricing

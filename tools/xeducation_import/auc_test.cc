#include "tools/xeducation_import/auc.h"

#include <vector>

#include "gtest/gtest.h"

namespace sfa::tools::xeducation {
namespace {

TEST(AucTest, PerfectInverseAndTiedRankings) {
  EXPECT_DOUBLE_EQ(*Auc({{0.9, true}, {0.8, true}, {0.2, false}, {0.1, false}}), 1.0);
  EXPECT_DOUBLE_EQ(*Auc({{0.1, true}, {0.9, false}}), 0.0);
  EXPECT_DOUBLE_EQ(*Auc({{0.5, true}, {0.5, false}, {0.5, true}, {0.5, false}}), 0.5);
}

TEST(AucTest, CountsTiesAsOneHalf) {
  // Pairs (positive, negative): (0.8, 0.3) 1, (0.8, 0.5) 1, (0.5, 0.3) 1, (0.5, 0.5) 1/2 -> 3.5 / 4.
  EXPECT_DOUBLE_EQ(*Auc({{0.8, true}, {0.5, true}, {0.5, false}, {0.3, false}}), 0.875);
  // 1 positive ranked above 2 of 3 negatives.
  EXPECT_NEAR(*Auc({{0.4, false}, {0.6, true}, {0.7, false}, {0.1, false}}), 2.0 / 3, 1e-12);
}

TEST(AucTest, UndefinedWithoutBothOutcomes) {
  EXPECT_FALSE(Auc({}).has_value());
  EXPECT_FALSE(Auc({{0.3, true}, {0.4, true}}).has_value());
  EXPECT_FALSE(Auc({{0.3, false}}).has_value());
}

TEST(ChannelRatesTest, RatePerChannelAndTheOverallRateForAnUnseenOne) {
  ChannelRates rates;
  rates.Add("Reference", true);
  rates.Add("Reference", true);
  rates.Add("Reference", false);
  rates.Add("Olark Chat", false);
  rates.Add("", true);
  EXPECT_DOUBLE_EQ(rates.RateOf("Reference"), 2.0 / 3);
  EXPECT_DOUBLE_EQ(rates.RateOf("Olark Chat"), 0.0);
  EXPECT_DOUBLE_EQ(rates.RateOf(""), 1.0);
  EXPECT_DOUBLE_EQ(rates.RateOf("Facebook"), 3.0 / 5);
  EXPECT_EQ(rates.channels(), 3);
  EXPECT_DOUBLE_EQ(ChannelRates().RateOf("x"), 0.0);
}

}  // namespace
}  // namespace sfa::tools::xeducation

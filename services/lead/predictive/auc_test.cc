#include "lead/predictive/auc.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace sfa::lead::predictive {
namespace {

TEST(AucTest, PerfectRankingIsOneAndReversedIsZero) {
  EXPECT_EQ(Auc({0.1, 0.2, 0.8, 0.9}, {false, false, true, true}), 1.0);
  EXPECT_EQ(Auc({0.9, 0.8, 0.2, 0.1}, {false, false, true, true}), 0.0);
}

TEST(AucTest, CountsCorrectlyOrderedPairs) {
  // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs are ordered right.
  EXPECT_EQ(Auc({0.1, 0.4, 0.35, 0.8}, {false, false, true, true}), 0.75);
}

TEST(AucTest, TiesCountOneHalf) {
  // Pairs (positive, negative): (0.5, 0.5) tie = 1/2, (0.5, 0.2) = 1, (0.9, 0.5) = 1, (0.9, 0.2) = 1.
  EXPECT_EQ(Auc({0.5, 0.5, 0.2, 0.9}, {true, false, false, true}), 3.5 / 4);
  EXPECT_EQ(Auc({0.3, 0.3, 0.3}, {true, false, true}), 0.5);
}

TEST(AucTest, NeedsBothClassesAndMatchingSizes) {
  EXPECT_EQ(Auc({0.1, 0.9}, {true, true}), std::nullopt);
  EXPECT_EQ(Auc({0.1, 0.9}, {false, false}), std::nullopt);
  EXPECT_EQ(Auc({}, {}), std::nullopt);
  EXPECT_EQ(Auc({0.1, 0.9}, {true}), std::nullopt);
}

TEST(AucTest, NanRanksBelowEveryNumber) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Auc({nan, 0.1}, {false, true}), 1.0);
  EXPECT_EQ(Auc({nan, nan, 0.2}, {true, false, false}), 0.25);
}

}  // namespace
}  // namespace sfa::lead::predictive

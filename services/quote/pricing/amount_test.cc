#include "quote/pricing/amount.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace sfa::quote::pricing {
namespace {

TEST(AmountTest, RoundsHalfToEven) {
  struct Case {
    Amount amount;
    int64_t minor;
  };
  const Case cases[] = {
      {kAmountScale / 2, 0},          // 0.5 -> 0
      {kAmountScale * 3 / 2, 2},      // 1.5 -> 2
      {kAmountScale * 5 / 2, 2},      // 2.5 -> 2
      {kAmountScale * 7 / 2, 4},      // 3.5 -> 4
      {kAmountScale / 2 + 1, 1},      // just above a half rounds up
      {kAmountScale * 5 / 2 - 1, 2},  // just below
      {-kAmountScale / 2, 0},         // -0.5 -> 0
      {-kAmountScale * 3 / 2, -2},    // -1.5 -> -2
      {-kAmountScale * 5 / 2, -2},    // -2.5 -> -2
      {FromMinor(123), 123},
  };
  for (const Case& c : cases) EXPECT_EQ(ToMinorHalfEven(c.amount), c.minor) << FormatMinor(c.amount);
}

TEST(AmountTest, MulDivIsExactBeyond128Bits) {
  // (10^23 x 10^23) / 10^23: the product needs about 153 bits.
  const __int128 big = kMaxAmount;
  const QuotientRemainder q = MulDiv(big, big, big);
  EXPECT_TRUE(q.quotient == big);
  EXPECT_TRUE(q.remainder == 0);
  const QuotientRemainder r = MulDiv(big, big - 1, big + 7);
  // big x (big - 1) = (big + 7)(big - 8) + 56
  EXPECT_TRUE(r.quotient == big - 8);
  EXPECT_TRUE(r.remainder == 56);
  const QuotientRemainder small = MulDiv(10, 7, 4);
  EXPECT_TRUE(small.quotient == 17 && small.remainder == 2);
}

TEST(AmountTest, FormatsMinorUnitsWithTheFractionTrimmed) {
  EXPECT_EQ(FormatMinor(FromMinor(1250)), "1250");
  EXPECT_EQ(FormatMinor(FromMinor(100) / 3), "33.33333333");
  EXPECT_EQ(FormatMinor(kAmountScale / 2), "0.5");
  EXPECT_EQ(FormatMinor(-FromMinor(7) / 4), "-1.75");
  EXPECT_EQ(FormatSignedBp(1000), "+1000bp");
  EXPECT_EQ(FormatSignedBp(-250), "-250bp");
}

}  // namespace
}  // namespace sfa::quote::pricing

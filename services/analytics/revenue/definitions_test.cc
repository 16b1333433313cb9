#include "analytics/revenue/definitions.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::analytics::revenue {
namespace {

absl::Time Day(int64_t d) { return absl::FromUnixSeconds(d * 86400); }

TEST(CostInPeriod, SpreadsOverTheRunByTime) {
  struct Case {
    int64_t total;
    int64_t run_start, run_end;  // days
    absl::Time from, to;
    int64_t want;
  };
  const std::vector<Case> cases = {
      {1000, 0, 10, Day(0), Day(5), 500},     // first half
      {1000, 0, 10, Day(5), Day(10), 500},    // second half
      {1000, 0, 10, Day(-5), Day(20), 1000},  // covers the run
      {1000, 0, 10, Day(-5), Day(0), 0},      // before
      {1000, 0, 10, Day(10), Day(12), 0},     // after (the run's end is exclusive)
      {1000, 0, 3, Day(0), Day(1), 333},      // thirds: 333, 333, 334 (cumulative floors)
      {1000, 0, 3, Day(1), Day(2), 333},
      {1000, 0, 3, Day(2), Day(3), 334},
      {1000, 4, 4, Day(4), Day(5), 1000},  // zero length: all at its start
      {1000, 4, 4, Day(3), Day(4), 0},
      {0, 0, 10, Day(0), Day(10), 0},
      {1'000'000'000'000'000, 0, 3650, Day(0), Day(1825), 500'000'000'000'000},  // the lead service's cap, 10 years
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CostInPeriod(c.total, Day(c.run_start), Day(c.run_end), c.from, c.to), c.want)
        << c.total << " over [" << c.run_start << ", " << c.run_end << ") in [" << c.from << ", " << c.to << ")";
  }
}

TEST(CostInPeriod, AdjacentPeriodsAddUpToTheTotal) {
  const absl::Time start = absl::FromUnixSeconds(1'700'000'017), end = start + absl::Hours(24 * 97) + absl::Seconds(13);
  int64_t sum = 0;
  for (absl::Time t = start - absl::Hours(100); t < end + absl::Hours(100); t += absl::Hours(7)) {
    sum += CostInPeriod(987'654'321, start, end, t, t + absl::Hours(7));
  }
  EXPECT_EQ(sum, 987'654'321);
}

TEST(PerUnit, RoundsDownAsTheLeadService) {
  EXPECT_EQ(PerUnit(1000000, 3), 333333);
  EXPECT_EQ(PerUnit(160000, 3), 53333);
  EXPECT_EQ(PerUnit(5, 5), 1);
}

TEST(Roi, OnlyInOneCurrency) {
  EXPECT_DOUBLE_EQ(*Roi({{"USD", 3000}}, {{"USD", 1000}}), 2.0);
  EXPECT_DOUBLE_EQ(*Roi({}, {{"USD", 1000}}), -1.0);  // nothing won
  EXPECT_DOUBLE_EQ(*Roi({{"USD", 500}}, {{"USD", 1000}}), -0.5);
  EXPECT_FALSE(Roi({{"USD", 3000}}, {}).has_value());  // no cost
  EXPECT_FALSE(Roi({{"USD", 3000}}, {{"USD", 0}}).has_value());
  EXPECT_FALSE(Roi({{"EUR", 3000}}, {{"USD", 1000}}).has_value());  // no rate
  EXPECT_FALSE(Roi({{"USD", 3000}, {"EUR", 1}}, {{"USD", 1000}}).has_value());
  EXPECT_FALSE(Roi({{"USD", 3000}}, {{"USD", 1000}, {"EUR", 1}}).has_value());
}

TEST(AgeOf, WholeDaysPastDue) {
  const std::vector<std::pair<int64_t, std::string>> cases = {
      {-400, "current"}, {-1, "current"}, {0, "current"}, {1, "1-30"}, {30, "1-30"},  {31, "31-60"},
      {60, "31-60"},     {61, "61-90"},   {90, "61-90"},  {91, "90+"}, {5000, "90+"},
  };
  for (const auto& [days, name] : cases) EXPECT_EQ(NameOf(AgeOf(days)), name) << days;
}

TEST(DayOf, RoundsTowardThePast) {
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(0)), 0);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(86399)), 0);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(86400)), 1);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(-1)), -1);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(-86400)), -1);
  EXPECT_EQ(DayOf(absl::FromUnixSeconds(-86401)), -2);
}

}  // namespace
}  // namespace sfa::analytics::revenue

#include "opportunity/domain/support.h"

#include "gtest/gtest.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using absl::StatusCode;

TEST(SupportTest, TimestampsRoundTripBeforeAndAfterTheEpoch) {
  for (const absl::Time t : {Day(0) + absl::Nanoseconds(123), absl::FromUnixNanos(-1'500'000'000)}) {
    EXPECT_EQ(ToTime(ToTimestamp(t)), t);
    EXPECT_GE(ToTimestamp(t).nanos(), 0);
  }
}

TEST(SupportTest, DurationsKeepOneSign) {
  const google::protobuf::Duration minus = ToDurationProto(-absl::Milliseconds(1500));
  EXPECT_EQ(minus.seconds(), -1);
  EXPECT_EQ(minus.nanos(), -500'000'000);
  EXPECT_EQ(ToDuration(minus), -absl::Milliseconds(1500));
}

TEST(SupportTest, EffectiveTime) {
  const google::protobuf::Timestamp day3 = ToTimestamp(Day(3));
  EXPECT_EQ(*EffectiveTime(nullptr, Day(5), Day(1)), Day(5));
  EXPECT_EQ(*EffectiveTime(&day3, Day(5), Day(1)), Day(3));
  EXPECT_EQ(*EffectiveTime(&day3, Day(5), Day(3)), Day(3)) << "the same instant as the last change is fine";
  // A server clock that stepped back never makes history run backwards.
  EXPECT_EQ(*EffectiveTime(nullptr, Day(5), Day(6)), Day(6));
  EXPECT_EQ(EffectiveTime(&day3, Day(2), Day(1)).status().code(), StatusCode::kInvalidArgument);
  const absl::Status before = EffectiveTime(&day3, Day(5), Day(4)).status();
  EXPECT_EQ(before.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(before.message(),
            "effective_time_before_last_change: effective_time 2024-03-04T09:00:00+00:00 is before the record's last "
            "change at 2024-03-05T09:00:00+00:00");
}

TEST(SupportTest, CheckParentLink) {
  const auto check = [](absl::string_view parent, AncestorChain chain) {
    return CheckParentLink("parent_account_id", "a1", parent, chain, 3, "cycle", "too_deep");
  };
  EXPECT_TRUE(check("p1", {true, {"p1", "p0"}}).ok());
  EXPECT_EQ(check("p1", {false, {}}).code(), StatusCode::kNotFound);
  EXPECT_EQ(check("a1", {true, {"a1"}}).message(), "cycle: parent_account_id a1 is the record itself");
  EXPECT_EQ(check("a2", {true, {"a2", "a1"}}).message(),
            "cycle: parent_account_id a2 would make a cycle: a1 -> a2 -> a1");
  EXPECT_EQ(check("p2", {true, {"p2", "p1", "p0"}}).message(),
            "too_deep: parent_account_id p2 would put a1 4 levels deep; at most 3 are allowed");
}

TEST(SupportTest, RuleViolationNamesTheRule) {
  const absl::Status status = RuleViolation("exit_criteria_not_met", "needs x");
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "exit_criteria_not_met: needs x");
}

}  // namespace
}  // namespace sfa::opportunity::domain

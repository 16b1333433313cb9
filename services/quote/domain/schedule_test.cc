#include "quote/domain/schedule.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using ::testing::HasSubstr;

v1::Instalment Due(int day, int64_t amount, absl::string_view currency = "USD") {
  return Pb<v1::Instalment>(TextProto(TimeField("due_date", Day(day)), MoneyField("amount", amount, currency)));
}

common::v1::Money Usd(int64_t minor_units) {
  return Pb<common::v1::Money>(TextProto("minor_units:", minor_units, R"pb(currency: "USD")pb"));
}

TEST(DefaultScheduleTest, OneInstalmentThirtyDaysAfterAcceptance) {
  const std::vector<v1::Instalment> schedule = DefaultSchedule(Usd(100000), Day(5));
  ASSERT_EQ(schedule.size(), 1u);
  EXPECT_EQ(ToTime(schedule[0].due_date()), Day(35));
  EXPECT_TRUE(SameMoney(schedule[0].amount(), Usd(100000)));
  EXPECT_TRUE(CheckSchedule(schedule, Usd(100000)).ok());
}

TEST(DefaultScheduleTest, NothingToPayNoInstalment) {
  EXPECT_TRUE(DefaultSchedule(Usd(0), Day(5)).empty());
  EXPECT_TRUE(CheckSchedule({}, Usd(0)).ok());
}

TEST(CheckScheduleTest, Rules) {
  struct Row {
    std::string name;
    std::vector<v1::Instalment> schedule;
    std::string error;  // "" = valid
  };
  const std::vector<Row> rows = {
      {"two instalments summing to the total", {Due(10, 40000), Due(40, 60000)}, ""},
      {"short of the total",
       {Due(10, 40000), Due(40, 59999)},
       "invalid_schedule: the instalments sum to 99999 USD, the net total is 100000 USD"},
      {"above the total", {Due(10, 40000), Due(40, 60001)}, "sum to 100001 USD"},
      {"none for a positive total", {}, "sum to 0 USD"},
      {"due dates out of order",
       {Due(40, 40000), Due(10, 60000)},
       "invalid_schedule: instalment 2 is due at 2024-03-11T09:00:00+00:00, not after instalment 1 at "
       "2024-04-10T09:00:00+00:00"},
      {"two on one day", {Due(10, 40000), Due(10, 60000)}, "instalment 2 is due at"},
      {"another currency", {Due(10, 40000), Due(40, 60000, "EUR")}, "instalment 2 is in EUR, the quote in USD"},
      {"a zero instalment", {Due(10, 0), Due(40, 100000)}, "instalment 1 has no positive amount"},
      {"a negative instalment", {Due(10, 100001), Due(40, -1)}, "instalment 2 has no positive amount"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const absl::Status status = CheckSchedule(row.schedule, Usd(100000));
    if (row.error.empty()) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
      EXPECT_THAT(std::string(status.message()), HasSubstr(row.error));
    }
  }
}

}  // namespace
}  // namespace sfa::quote::domain

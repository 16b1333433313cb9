#include "tools/sfa/values.h"

#include "gtest/gtest.h"
#include "sfa/analytics/v1/analytics_service.pb.h"
#include "sfa/lead/v1/lead_service.pb.h"

namespace sfa::tools::cli {
namespace {

namespace av1 = ::sfa::analytics::v1;
namespace lv1 = ::sfa::lead::v1;

absl::Time Day(int y, int m, int d) { return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone()); }

TEST(EnumTest, AcceptsTheShortNameInAnyCaseAndTheFullName) {
  EXPECT_EQ(*ParseEnumAs<lv1::LeadStatus>("new", "--status"), lv1::LEAD_STATUS_NEW);
  EXPECT_EQ(*ParseEnumAs<lv1::LeadStatus>("NURTURE", "--status"), lv1::LEAD_STATUS_NURTURE);
  EXPECT_EQ(*ParseEnumAs<lv1::LeadStatus>("LEAD_STATUS_QUALIFIED", "--status"), lv1::LEAD_STATUS_QUALIFIED);
  EXPECT_EQ(*ParseEnumAs<av1::ForecastMethod>("monte-carlo", "--method"), av1::FORECAST_METHOD_MONTE_CARLO);
  EXPECT_EQ(*ParseEnumAs<av1::GroupBy>("lead-source", "--group-by"), av1::GROUP_BY_LEAD_SOURCE);
}

TEST(EnumTest, RefusesUnspecifiedAndUnknownNamesListingTheChoices) {
  absl::StatusOr<lv1::LeadStatus> bad = ParseEnumAs<lv1::LeadStatus>("open", "--status");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "--status \"open\": expected one of new|working|nurture|qualified|converted|disqualified|merged");
  EXPECT_FALSE(ParseEnumAs<lv1::LeadStatus>("unspecified", "--status").ok());
}

TEST(EnumTest, LabelsDropThePrefix) {
  EXPECT_EQ(Label(lv1::LEAD_STATUS_WORKING), "WORKING");
  EXPECT_EQ(Label(lv1::LEAD_STATUS_UNSPECIFIED), "-");
  EXPECT_EQ(Label(static_cast<lv1::LeadStatus>(42)), "42");
}

TEST(TimeTest, ADateIsMidnightUtcAndRfc3339IsExact) {
  EXPECT_EQ(*ParseTime("2017-06-30", "--as-of"), Day(2017, 6, 30));
  EXPECT_EQ(*ParseTime("2017-06-30T12:00:00Z", "--as-of"), Day(2017, 6, 30) + absl::Hours(12));
  EXPECT_EQ(*ParseTime("2017-06-30T12:00:00+02:00", "--as-of"), Day(2017, 6, 30) + absl::Hours(10));
  for (const char* bad : {"2017-6-30", "30/06/2017", "2017-02-30", "yesterday", ""}) {
    EXPECT_FALSE(ParseTime(bad, "--as-of").ok()) << bad;
  }
  EXPECT_NE(ParseTime("x", "--as-of").status().message().find("--as-of"), absl::string_view::npos);
}

TEST(TimeTest, FormatsDatesAndTimesInUtc) {
  EXPECT_EQ(FormatDate(ToTimestamp(Day(2017, 3, 1) + absl::Hours(23))), "2017-03-01");
  EXPECT_EQ(FormatTime(ToTimestamp(Day(2017, 3, 1))), "2017-03-01");
  EXPECT_EQ(FormatTime(ToTimestamp(Day(2017, 3, 1) + absl::Seconds(3725))), "2017-03-01 01:02:05Z");
  EXPECT_EQ(FormatTime(google::protobuf::Timestamp()), "-");
  EXPECT_EQ(FromTimestamp(ToTimestamp(Day(2017, 3, 1) + absl::Nanoseconds(7))), Day(2017, 3, 1) + absl::Nanoseconds(7));
}

TEST(PeriodTest, CalendarPeriodsAreHalfOpenUtc) {
  using P = std::pair<absl::Time, absl::Time>;
  EXPECT_EQ(*ParsePeriod("2017-Q3", "--period"), P(Day(2017, 7, 1), Day(2017, 10, 1)));
  EXPECT_EQ(*ParsePeriod("2017-q4", "--period"), P(Day(2017, 10, 1), Day(2018, 1, 1)));
  EXPECT_EQ(*ParsePeriod("2017-H2", "--period"), P(Day(2017, 7, 1), Day(2018, 1, 1)));
  EXPECT_EQ(*ParsePeriod("2017", "--period"), P(Day(2017, 1, 1), Day(2018, 1, 1)));
  EXPECT_EQ(*ParsePeriod("2017-12", "--period"), P(Day(2017, 12, 1), Day(2018, 1, 1)));
  EXPECT_EQ(*ParsePeriod("2017-07-15..2017-08-01", "--period"), P(Day(2017, 7, 15), Day(2017, 8, 1)));
  for (const char* bad : {"2017-Q5", "2017-13", "2017-Q", "17-Q3", "2017-08-01..2017-07-15", "Q3", "2017-07-01.."}) {
    EXPECT_FALSE(ParsePeriod(bad, "--period").ok()) << bad;
  }
}

TEST(QuoteLineTest, ReadsProductSkuQuantityAndDiscountFromTheRight) {
  quote::v1::QuoteLine line = *ParseQuoteLine("gtx-pro:3");
  EXPECT_EQ(line.product_id(), "gtx-pro");
  EXPECT_EQ(line.sku_id(), "");
  EXPECT_EQ(line.quantity(), 3);
  EXPECT_EQ(line.manual_discount_bp(), 0);

  line = *ParseQuoteLine("laptop/laptop-red:10:12.5%");
  EXPECT_EQ(line.product_id(), "laptop");
  EXPECT_EQ(line.sku_id(), "laptop-red");
  EXPECT_EQ(line.quantity(), 10);
  EXPECT_EQ(line.manual_discount_bp(), 1250);

  line = *ParseQuoteLine("ns:widget:2:150bp");  // ids may contain ':'
  EXPECT_EQ(line.product_id(), "ns:widget");
  EXPECT_EQ(line.quantity(), 2);
  EXPECT_EQ(line.manual_discount_bp(), 150);
  EXPECT_EQ(ParseQuoteLine("a:1:0.05%")->manual_discount_bp(), 5);
}

TEST(QuoteLineTest, RefusesMalformedLines) {
  for (const char* bad : {"gtx-pro", "gtx-pro:0", "gtx-pro:-1", "gtx-pro:x", ":3", "gtx-pro/:3", "gtx-pro:3:101%",
                          "gtx-pro:3:1.234%", "gtx-pro:3:abc%"}) {
    EXPECT_FALSE(ParseQuoteLine(bad).ok()) << bad;
  }
  EXPECT_NE(ParseQuoteLine("gtx-pro").status().message().find("PRODUCT[/SKU]:QTY"), absl::string_view::npos);
}

TEST(PercentTest, FormatsBasisPointsAndRatios) {
  EXPECT_EQ(FormatBasisPoints(1500), "15%");
  EXPECT_EQ(FormatBasisPoints(1250), "12.5%");
  EXPECT_EQ(FormatBasisPoints(1), "0.01%");
  EXPECT_EQ(FormatBasisPoints(0), "0%");
  EXPECT_EQ(FormatBasisPoints(-50), "-0.5%");
  EXPECT_EQ(FormatRatio(0.4567), "45.7%");
}

}  // namespace
}  // namespace sfa::tools::cli

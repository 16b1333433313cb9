#include "tools/maventech_import/data_set.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::tools::maventech {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

constexpr char kAccounts[] =
    "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
    "Acme Corporation,technolgy,1996,1100.04,2822,United States,\n"
    "Bluth Company,technolgy,1993,1242.32,3027,United States,Acme Corporation\n";
constexpr char kProducts[] = "product,series,sales_price\nGTX Pro,GTX,4821\n";
constexpr char kTeams[] = "sales_agent,manager,regional_office\nMoses Frase,Dustin Brinkmann,Central\n";
constexpr char kPipeline[] =
    "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
    "Z063OYW0,Moses Frase,GTXPro,Acme Corporation,Won,2016-10-25,2017-03-11,4514\n"
    "6CWZFOHJ,Moses Frase,GTX Pro,,Prospecting,,,\n";

DataFiles Files() { return DataFiles{kAccounts, kProducts, kTeams, kPipeline}; }

TEST(ParseScaledDecimalTest, ConvertsExactly) {
  EXPECT_THAT(ParseScaledDecimal("1100.04", 8), Optional(110004000000));  // millions of USD -> cents
  EXPECT_THAT(ParseScaledDecimal("4.54", 8), Optional(454000000));
  EXPECT_THAT(ParseScaledDecimal("4821", 2), Optional(482100));
  EXPECT_THAT(ParseScaledDecimal("0", 2), Optional(0));
  EXPECT_THAT(ParseScaledDecimal("12.5", 2), Optional(1250));
  EXPECT_THAT(ParseScaledDecimal("1996", 0), Optional(1996));
  EXPECT_THAT(ParseScaledDecimal("92233720368547758.07", 2), Optional(9223372036854775807));
}

TEST(ParseScaledDecimalTest, RefusesWhatIsNotAnExactNonNegativeNumber) {
  for (const char* text : {"", "-1", "+1", "1.", ".5", "1.234", "1e3", "12a", " 1", "1,000", "92233720368547758.08"}) {
    EXPECT_EQ(ParseScaledDecimal(text, 2), std::nullopt) << text;
  }
  EXPECT_EQ(ParseScaledDecimal("1.5", 0), std::nullopt);
}

TEST(ParseDayTest, ReadsIsoDatesOnly) {
  EXPECT_THAT(ParseDay("2017-03-01"), Optional(absl::CivilDay(2017, 3, 1)));
  for (const char* text : {"", "2017-3-1", "2017-02-30", "01/03/2017", "2017-03-01T00:00", "x017-03-01"}) {
    EXPECT_EQ(ParseDay(text), std::nullopt) << text;
  }
}

TEST(ParseDataSetTest, ReadsTypedRows) {
  absl::StatusOr<DataSet> data = ParseDataSet(Files());
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->rows_read, 6);
  EXPECT_TRUE(data->rejected.empty());
  ASSERT_EQ(data->accounts.size(), 2u);
  const AccountRow& bluth = data->accounts[1];
  EXPECT_EQ(bluth.name, "Bluth Company");
  EXPECT_EQ(bluth.sector, "technolgy");  // normalising is the plan's decision, not the reader's
  EXPECT_THAT(bluth.year_established, Optional(1993));
  EXPECT_THAT(bluth.revenue_usd_cents, Optional(124232000000));
  EXPECT_THAT(bluth.employees, Optional(3027));
  EXPECT_EQ(bluth.subsidiary_of, "Acme Corporation");
  EXPECT_EQ(bluth.source.file, "accounts.csv");
  EXPECT_EQ(bluth.source.line, 3);
  ASSERT_EQ(data->products.size(), 1u);
  EXPECT_EQ(data->products[0].sales_price_usd_cents, 482100);
  ASSERT_EQ(data->deals.size(), 2u);
  const DealRow& won = data->deals[0];
  EXPECT_EQ(won.stage, DealStage::kWon);
  EXPECT_THAT(won.engage_date, Optional(absl::CivilDay(2016, 10, 25)));
  EXPECT_THAT(won.close_date, Optional(absl::CivilDay(2017, 3, 11)));
  EXPECT_THAT(won.close_value_usd_cents, Optional(451400));
  const DealRow& prospect = data->deals[1];
  EXPECT_EQ(prospect.stage, DealStage::kProspecting);
  EXPECT_EQ(prospect.account, "");
  EXPECT_EQ(prospect.engage_date, std::nullopt);
  EXPECT_EQ(prospect.close_value_usd_cents, std::nullopt);
}

TEST(ParseDataSetTest, FindsColumnsByNameInAnyOrderAndAcceptsTheDictionarysRevenueName) {
  DataFiles files = Files();
  files.accounts =
      "subsidiary_of,account,revenue (USD millions),sector,employees,office_location,year_established\r\n"
      ",Acme Corporation,1100.04,technolgy,2822,United States,1996\r\n";
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->accounts.size(), 1u);
  EXPECT_EQ(data->accounts[0].name, "Acme Corporation");
  EXPECT_THAT(data->accounts[0].revenue_usd_cents, Optional(110004000000));
}

TEST(ParseDataSetTest, AMissingColumnRefusesTheFile) {
  DataFiles files = Files();
  files.sales_pipeline = "opportunity_id,sales_agent,product,account,engage_date,close_date,close_value\n";
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  ASSERT_FALSE(data.ok());
  EXPECT_THAT(data.status().message(), HasSubstr("sales_pipeline.csv: no column \"deal_stage\""));
}

TEST(ParseDataSetTest, BrokenQuotingRefusesTheFileNamingIt) {
  DataFiles files = Files();
  files.products = "product,series,sales_price\n\"GTX Pro,GTX,4821\n";
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  ASSERT_FALSE(data.ok());
  EXPECT_THAT(data.status().message(), HasSubstr("products.csv: line 2"));
}

TEST(ParseDataSetTest, RowsWithBadValuesAreRejectedWithTheirLineAndReason) {
  DataFiles files = Files();
  files.sales_pipeline = absl::StrCat(kPipeline,
                                      "A1,Moses Frase,GTX Pro,,Won,2016-10-25,2017-13-01,10\n"  // line 4
                                      "A2,Moses Frase,GTX Pro,,Closed,,,\n"                     // line 5
                                      "A3,Moses Frase,GTX Pro,,Won,2016-10-25\n"                // line 6
                                      ",Moses Frase,GTX Pro,,Prospecting,,,\n"                  // line 7
                                      "A5,Moses Frase,GTX Pro,,Won,2016-10-25,2017-01-01,-5\n");
  files.accounts = absl::StrCat(kAccounts, "Cheap,retail,old,1,1,US,\n");
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->deals.size(), 2u);
  EXPECT_EQ(data->accounts.size(), 2u);
  ASSERT_EQ(data->rejected.size(), 6u);
  EXPECT_EQ(data->rows_read, 12);
  auto issue = [&](int i) {
    const RowIssue& r = data->rejected[i];
    return absl::StrCat(r.source.file, ":", r.source.line, " ", r.key, ": ", r.reason);
  };
  EXPECT_EQ(issue(0), "accounts.csv:4 Cheap: year_established \"old\" is not a non-negative number");
  EXPECT_EQ(issue(1), "sales_pipeline.csv:4 A1: close_date \"2017-13-01\" is not a date like 2017-03-01");
  EXPECT_EQ(issue(2), "sales_pipeline.csv:5 A2: deal_stage \"Closed\" is not a stage");
  EXPECT_EQ(issue(3), "sales_pipeline.csv:6 A3: has 6 fields, the header has 8");
  EXPECT_EQ(issue(4), "sales_pipeline.csv:7 : opportunity_id is empty");
  EXPECT_EQ(issue(5), "sales_pipeline.csv:8 A5: close_value \"-5\" is not a non-negative number");
}

TEST(LoadDataSetTest, ReadsThePublishedFilesWithoutLosingARow) {
  absl::StatusOr<DataSet> data = LoadDataSet(SFA_MAVENTECH_DATA_DIR);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->accounts.size(), 85u);
  EXPECT_EQ(data->products.size(), 7u);
  EXPECT_EQ(data->team_rows.size(), 35u);
  EXPECT_EQ(data->deals.size(), 8800u);
  EXPECT_TRUE(data->rejected.empty()) << data->rejected[0].reason;
  EXPECT_EQ(data->rows_read, 85 + 7 + 35 + 8800);
  const DealRow& first = data->deals.front();
  EXPECT_EQ(first.opportunity_id, "1C1I7A6R");
  EXPECT_EQ(first.source.line, 2);
  EXPECT_THAT(first.close_value_usd_cents, Optional(105400));
}

TEST(LoadDataSetTest, AMissingFileIsNamed) {
  absl::StatusOr<DataSet> data = LoadDataSet("/nonexistent");
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(data.status().message(), HasSubstr("/nonexistent/accounts.csv"));
}

}  // namespace
}  // namespace sfa::tools::maventech

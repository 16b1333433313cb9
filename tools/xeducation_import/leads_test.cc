#include "tools/xeducation_import/leads.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/xeducation_import/test_rows.h"

namespace sfa::tools::xeducation {
namespace {

using ::testing::HasSubstr;
using testing::kHeader;

absl::StatusOr<LeadData> Parse(const std::string& text) {
  absl::StatusOr<maventech::CsvTable> table = maventech::ParseCsv(text);
  if (!table.ok()) return table.status();
  return ParseLeads(*table);
}

TEST(LeadsTest, ReadsQuotedFieldsWithCommasAndTrimsValues) {
  const std::string padded = absl::StrReplaceAll(testing::kRowVisits, {{",India,", ",  India ,"}});
  absl::StatusOr<LeadData> data = Parse(absl::StrCat(kHeader, "\r\n", testing::kRowQuoted, "\r\n", padded, "\n"));
  ASSERT_TRUE(data.ok()) << data.status();
  ASSERT_EQ(data->rows.size(), 2u);
  EXPECT_TRUE(data->rejected.empty());
  const LeadRow& quoted = data->rows[0];
  EXPECT_EQ(quoted.lead_number, "660471");
  EXPECT_TRUE(quoted.converted);
  EXPECT_EQ(quoted.Get("Specialization"), "Banking, Investment And Insurance");
  EXPECT_EQ(quoted.Get("How did you hear about X Education"), "Advertisements");  // the column after it
  EXPECT_EQ(quoted.Get("Last Notable Activity"), "Modified");
  EXPECT_EQ(quoted.line, 2);
  EXPECT_EQ(data->rows[1].Get("Country"), "India");
  EXPECT_FALSE(data->rows[1].converted);
  EXPECT_EQ(data->rows[1].index, 1);
  EXPECT_EQ(quoted.Get("no such column"), "");
}

TEST(LeadsTest, BrokenQuotingRefusesTheFile) {
  const absl::StatusOr<LeadData> data = Parse(absl::StrCat(kHeader, "\nx,1,\"API,Google\n"));
  EXPECT_FALSE(data.ok());
}

TEST(LeadsTest, AMissingColumnRefusesTheFile) {
  const std::string header = absl::StrReplaceAll(kHeader, {{"Page Views Per Visit", "Pages"}});
  const absl::StatusOr<LeadData> data = Parse(absl::StrCat(header, "\n"));
  ASSERT_FALSE(data.ok());
  EXPECT_THAT(data.status().message(), HasSubstr("Page Views Per Visit"));
}

TEST(LeadsTest, LeakingColumnsAreNotRequired) {
  std::string header = kHeader;
  for (const char* leak : {",Tags", ",Lead Quality", ",Last Notable Activity"}) {
    header = absl::StrReplaceAll(header, {{leak, ""}});
  }
  EXPECT_TRUE(Parse(absl::StrCat(header, "\n")).ok());
}

TEST(LeadsTest, RowsThatCannotBeImportedAreRejectedWithTheReasonNotDropped) {
  const std::string bad_number = absl::StrReplaceAll(testing::kRowVisits, {{",660728,", ",66O728,"}});
  const std::string bad_converted = absl::StrReplaceAll(testing::kRowNoVisits, {{",No,No,0,", ",No,No,yes,"}});
  const std::string short_row = "a,1,API";
  absl::StatusOr<LeadData> data = Parse(absl::StrCat(kHeader, "\n", testing::kRowVisits, "\n", bad_number, "\n",
                                                     bad_converted, "\n", short_row, "\n", testing::kRowVisits, "\n"));
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->rows_read, 5);
  ASSERT_EQ(data->rows.size(), 1u);
  ASSERT_EQ(data->rejected.size(), 4u);
  EXPECT_EQ(data->rejected[0].line, 3);
  EXPECT_THAT(data->rejected[0].reason, HasSubstr("Lead Number \"66O728\""));
  EXPECT_EQ(data->rejected[1].key, "660737");
  EXPECT_THAT(data->rejected[1].reason, HasSubstr("Converted \"yes\""));
  EXPECT_THAT(data->rejected[2].reason, HasSubstr("3 fields, the header has 37"));
  EXPECT_EQ(data->rejected[3].key, "660728");
  EXPECT_THAT(data->rejected[3].reason, HasSubstr("earlier row"));
}

TEST(LeadsTest, ReadsThePublishedFile) {
  absl::StatusOr<LeadData> data = LoadLeads(SFA_XEDUCATION_DATA);
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->rows_read, 9240);
  EXPECT_EQ(data->rows.size(), 9240u);
  EXPECT_TRUE(data->rejected.empty());
  int converted = 0;
  for (const LeadRow& row : data->rows) converted += row.converted;
  EXPECT_EQ(converted, 3561);  // 38.5 %, as the data README says
}

TEST(LeadsTest, AMissingFileIsNotFound) {
  EXPECT_EQ(LoadLeads("/nonexistent/Leads.csv").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace sfa::tools::xeducation

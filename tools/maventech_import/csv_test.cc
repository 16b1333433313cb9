#include "tools/maventech_import/csv.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::tools::maventech {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

CsvTable MustParse(absl::string_view text) {
  absl::StatusOr<CsvTable> table = ParseCsv(text);
  EXPECT_TRUE(table.ok()) << table.status();
  return table.ok() ? *table : CsvTable{};
}

TEST(CsvTest, ReadsHeaderAndRecords) {
  const CsvTable table = MustParse("product,series,sales_price\nGTX Basic,GTX,550\nGTX Pro,GTX,4821\n");
  EXPECT_THAT(table.header, ElementsAre("product", "series", "sales_price"));
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_THAT(table.records[0].fields, ElementsAre("GTX Basic", "GTX", "550"));
  EXPECT_THAT(table.records[1].fields, ElementsAre("GTX Pro", "GTX", "4821"));
}

TEST(CsvTest, QuotedFieldsHoldSeparatorsQuotesAndLineBreaks) {
  const CsvTable table = MustParse(
      "Table,Field,Description\n"
      "sales_pipeline,engage_date,\"Date in which the \"\"Engaging\"\" deal stage was initiated\"\n"
      "a,\"x, y\",\"two\nlines\"\n"
      "\"\",\"\"\"\",plain\n");
  ASSERT_EQ(table.records.size(), 3u);
  EXPECT_EQ(table.records[0].fields[2], "Date in which the \"Engaging\" deal stage was initiated");
  EXPECT_THAT(table.records[1].fields, ElementsAre("a", "x, y", "two\nlines"));
  EXPECT_THAT(table.records[2].fields, ElementsAre("", "\"", "plain"));
}

TEST(CsvTest, EmptyFieldsAreKeptEverywhere) {
  const CsvTable table = MustParse("a,b,c\n,,\nx,,\n,y,\nGreen-Plus,,z\n");
  ASSERT_EQ(table.records.size(), 4u);
  EXPECT_THAT(table.records[0].fields, ElementsAre("", "", ""));
  EXPECT_THAT(table.records[1].fields, ElementsAre("x", "", ""));
  EXPECT_THAT(table.records[2].fields, ElementsAre("", "y", ""));
  EXPECT_THAT(table.records[3].fields, ElementsAre("Green-Plus", "", "z"));
}

TEST(CsvTest, CrlfLineEndsAndAMissingFinalNewline) {
  const CsvTable table = MustParse("a,b\r\n1,\"q\"\r\n2,\r\n3,last");
  ASSERT_EQ(table.records.size(), 3u);
  EXPECT_THAT(table.header, ElementsAre("a", "b"));
  EXPECT_THAT(table.records[0].fields, ElementsAre("1", "q"));
  EXPECT_THAT(table.records[1].fields, ElementsAre("2", ""));
  EXPECT_THAT(table.records[2].fields, ElementsAre("3", "last"));
}

TEST(CsvTest, CrlfInsideAQuotedFieldIsKept) {
  const CsvTable table = MustParse("a,b\r\n\"x\r\ny\",z\r\n");
  ASSERT_EQ(table.records.size(), 1u);
  EXPECT_THAT(table.records[0].fields, ElementsAre("x\r\ny", "z"));
}

TEST(CsvTest, RecordsKnowTheLineTheyStartOn) {
  const CsvTable table = MustParse("h1,h2\n\"multi\nline\",1\n\nnext,2\n");
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_EQ(table.records[0].line, 2);
  EXPECT_EQ(table.records[1].line, 5);  // after the two-line record and a blank line
}

TEST(CsvTest, SkipsByteOrderMarkAndBlankLines) {
  const CsvTable table = MustParse(
      "\xEF\xBB\xBF"
      "id,v\n\n1,a\n\r\n2,b\n\n");
  EXPECT_THAT(table.header, ElementsAre("id", "v"));
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_THAT(table.records[1].fields, ElementsAre("2", "b"));
}

TEST(CsvTest, KeepsRecordsWithAnotherFieldCountForTheCallerToJudge) {
  const CsvTable table = MustParse("a,b,c\n1,2\n1,2,3,4\n");
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_EQ(table.records[0].fields.size(), 2u);
  EXPECT_EQ(table.records[1].fields.size(), 4u);
}

TEST(CsvTest, RefusesBrokenQuotingNamingTheLine) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {Case{"a,b\n1,\"open\n2,3\n", "line 2: a quoted field is not closed"},
                        Case{"a,b\n1,\"x\"y\n", "line 2: text after a closing quote"},
                        Case{"a,b\n1,2\n3,ab\"c\n", "line 3: a quote inside an unquoted field"}}) {
    absl::StatusOr<CsvTable> table = ParseCsv(c.text);
    ASSERT_FALSE(table.ok()) << c.text;
    EXPECT_EQ(table.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(table.status().message(), HasSubstr(c.message));
  }
}

TEST(CsvTest, EmptyInputHasNoHeader) {
  for (const char* text : {"", "\n\n", "\xEF\xBB\xBF"}) {
    absl::StatusOr<CsvTable> table = ParseCsv(text);
    ASSERT_FALSE(table.ok());
    EXPECT_THAT(table.status().message(), HasSubstr("no header"));
  }
}

TEST(CsvTest, ReadCsvFileNamesAMissingFile) {
  absl::StatusOr<CsvTable> table = ReadCsvFile("/nonexistent/accounts.csv");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(table.status().message(), HasSubstr("/nonexistent/accounts.csv"));
}

TEST(CsvTest, ReadsTheRealDataDictionaryWithItsQuotedFields) {
  absl::StatusOr<CsvTable> table = ReadCsvFile(SFA_MAVENTECH_DATA_DIR "/data_dictionary.csv");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_THAT(table->header, ElementsAre("Table", "Field", "Description"));
  ASSERT_EQ(table->records.size(), 21u);
  EXPECT_EQ(table->records[19].fields[2], "Date in which the deal was \"Won\" or \"Lost\"");
}

}  // namespace
}  // namespace sfa::tools::maventech

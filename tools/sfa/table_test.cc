#include "tools/sfa/table.h"

#include "gtest/gtest.h"

namespace sfa::tools::cli {
namespace {

TEST(TableTest, PadsColumnsToTheWidestCellAndRightAlignsNumbers) {
  Table t({{"STAGE"}, {"DEALS", Align::kRight}, {"AMOUNT", Align::kRight}});
  t.AddRow({"prospecting", "500", "1,234.00 USD"});
  t.AddRow({"won", "4238", "9.00 USD"});
  EXPECT_EQ(t.Render(),
            "STAGE        DEALS        AMOUNT\n"
            "prospecting    500  1,234.00 USD\n"
            "won           4238      9.00 USD\n");
}

TEST(TableTest, CountsCodePointsNotBytesAndTrimsTrailingBlanks) {
  Table t({{"CITY"}, {"NOTE"}});
  t.AddRow({"Zürich", ""});
  t.AddRow({"Bern"});  // missing cells print empty
  EXPECT_EQ(t.Render(),
            "CITY    NOTE\n"
            "Zürich\n"
            "Bern\n");
  EXPECT_EQ(DisplayWidth("Zürich"), 6u);
}

TEST(TableTest, AnEmptyTableIsItsHeaderOrNothing) {
  Table t({{"A"}, {"B"}});
  EXPECT_EQ(t.Render(), "A  B\n");
  EXPECT_EQ(t.Render(/*header_when_empty=*/false), "");
}

TEST(DetailsTest, AlignsValuesAndSkipsEmptyOnes) {
  Details d;
  d.Add("opportunity", "deal-1");
  d.Add("lost reason", "");
  d.Add("stage", "engaging");
  EXPECT_EQ(d.Render(),
            "opportunity: deal-1\n"
            "stage:       engaging\n");
}

}  // namespace
}  // namespace sfa::tools::cli

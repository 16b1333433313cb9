#include "tools/maventech_import/report.h"

#include <google/protobuf/util/json_util.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/maventech_import/catalogue.h"

namespace sfa::tools::maventech {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const ImportPlan& Plan() {
  static const ImportPlan* plan = [] {
    absl::StatusOr<DataSet> data = LoadDataSet(SFA_MAVENTECH_DATA_DIR);
    EXPECT_TRUE(data.ok()) << data.status();  // the data set sits in ../shared beside the repo
    return new ImportPlan(BuildPlan(data.ok() ? *data : DataSet{}));
  }();
  return *plan;
}

ImportResult AllOk(const ImportPlan& plan) {
  ImportResult result;
  for (int i = 0; i < kEntityCount; ++i) result.tally[i].ok = plan.Planned(static_cast<Entity>(i));
  result.commands = result.rpcs = plan.CommandCount();
  result.elapsed = absl::Seconds(10);
  return result;
}

const RunInfo kInfo{"/data/crm", "localhost:50052", "demo"};

TEST(ReportTest, TextShowsEntitiesStagesQuirksAndThroughput) {
  const ImportResult result = AllOk(Plan());
  const std::string text = FormatText(BuildReport(kInfo, Plan(), &result));
  EXPECT_THAT(text, HasSubstr("MavenTech import of /data/crm into localhost:50052, tenant demo"));
  EXPECT_THAT(text, HasSubstr("entity            planned        ok   existed    failed  not sent\n"));
  EXPECT_THAT(text, HasSubstr("opportunities       8,800     8,800         0         0         0\n"));
  EXPECT_THAT(text, HasSubstr("accounts               85        85         0         0         0\n"));
  EXPECT_THAT(text, HasSubstr("Prospecting 500  Engaging 1,589  Won 4,238  Lost 2,473"));
  EXPECT_THAT(text, HasSubstr("2016-10-20 .. 2017-12-31; Prospecting deals without dates created on 2017-12-31"));
  EXPECT_THAT(text, HasSubstr("15 with a parent, under 7 parents"));
  EXPECT_THAT(text, HasSubstr("  1,480  product_name_variant           R pipeline product spelt differently"));
  EXPECT_THAT(text, HasSubstr("  2,473  lost_with_zero_value           R Lost deal with close_value 0"));
  EXPECT_THAT(text, HasSubstr("rejected rows: none"));
  EXPECT_THAT(text, HasSubstr("failures: none"));
  EXPECT_THAT(text, HasSubstr("sent 23,944 of 23,944 commands in 10.0 s: 2,394 commands/s (23,944 calls, 0 retries)"));
  EXPECT_THAT(text, HasSubstr("result: complete"));
}

TEST(ReportTest, FailuresAreGroupedByCauseAndMakeItIncomplete) {
  ImportResult result = AllOk(Plan());
  result.tally[static_cast<int>(Entity::kOpportunity)].ok -= 3;
  result.tally[static_cast<int>(Entity::kOpportunity)].failed = 3;
  for (const char* id : {"A", "B"}) {
    result.failures.push_back(Failure{Entity::kOpportunity, id, SourceRef{kPipelineFile, 9}, "CreateOpportunity",
                                      absl::StrCat("maventech:opp:", id, ":create"), grpc::StatusCode::INVALID_ARGUMENT,
                                      "account_id is required"});
  }
  result.failures.push_back(Failure{Entity::kOpportunity, "C", SourceRef{kPipelineFile, 12}, "CloseWon",
                                    "maventech:opp:C:won", grpc::StatusCode::FAILED_PRECONDITION,
                                    "opportunity_closed"});
  const report::ImportReport report = BuildReport(kInfo, Plan(), &result);
  const std::string text = FormatText(report);
  EXPECT_THAT(text, HasSubstr("failures: 3\n"
                              "      2  CreateOpportunity INVALID_ARGUMENT: account_id is required (first: "
                              "opportunities A, sales_pipeline.csv:9)\n"
                              "      1  CloseWon FAILED_PRECONDITION: opportunity_closed"));
  EXPECT_THAT(text, HasSubstr("result: INCOMPLETE"));
  EXPECT_EQ(ExitCodeOf(report), 1);
}

TEST(ReportTest, RejectedRowsAreListedWithFileAndLine) {
  ImportPlan plan = Plan();
  plan.rejected.push_back(RowIssue{SourceRef{kPipelineFile, 42}, "X1", "product \"Widget\" is not in products.csv"});
  const ImportResult result = AllOk(plan);
  const report::ImportReport report = BuildReport(kInfo, plan, &result);
  EXPECT_THAT(FormatText(report), HasSubstr("rejected rows: 1\n  sales_pipeline.csv:42  X1: product"));
  EXPECT_FALSE(report.complete());
  EXPECT_EQ(ExitCodeOf(report), 1);
}

TEST(ReportTest, DryRunSendsNothingAndSaysSo) {
  const report::ImportReport report = BuildReport(kInfo, Plan(), nullptr);
  EXPECT_TRUE(report.dry_run());
  const std::string text = FormatText(report);
  EXPECT_THAT(text, HasSubstr("(dry run)"));
  EXPECT_THAT(text, HasSubstr("opportunities       8,800         -"));
  EXPECT_THAT(text, HasSubstr("dry run: "));
  EXPECT_THAT(text, Not(HasSubstr("failures:")));
  EXPECT_EQ(ExitCodeOf(report), 0);
}

TEST(ReportTest, JsonHasEveryFieldAndReadsBack) {
  const ImportResult result = AllOk(Plan());
  const report::ImportReport report = BuildReport(kInfo, Plan(), &result);
  const std::string json = FormatJson(report);
  EXPECT_THAT(json, HasSubstr("\"complete\": true"));
  EXPECT_THAT(json, HasSubstr("\"failures\": []"));
  EXPECT_THAT(json, HasSubstr("\"planned\": 8800"));
  EXPECT_THAT(json, HasSubstr("\"name\": \"deal_without_account\""));
  report::ImportReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  EXPECT_EQ(parsed.SerializeAsString(), report.SerializeAsString());
}

// ---------------------------------------------------------------------------------------------------
// The catalogue section (--quote-target)

const CataloguePlan& Catalogue() {
  static const CataloguePlan* catalogue = [] {
    absl::StatusOr<DataSet> data = LoadDataSet(SFA_MAVENTECH_DATA_DIR);
    return new CataloguePlan(BuildCataloguePlan(data.ok() ? *data : DataSet{}));
  }();
  return *catalogue;
}

const RunInfo kInfoWithQuote{"/data/crm", "localhost:50052", "demo", "localhost:50053"};

ImportResult AllOkWithCatalogue() {
  ImportResult result = AllOk(Plan());
  result.tally[static_cast<int>(Entity::kProduct)].ok = 7;
  result.tally[static_cast<int>(Entity::kPriceBook)].ok = 1;
  result.commands = result.rpcs = Plan().CommandCount() + 8;
  return result;
}

TEST(ReportTest, CatalogueSectionCountsProductsAndPriceBookEntries) {
  const ImportResult result = AllOkWithCatalogue();
  const report::ImportReport report = BuildReport(kInfoWithQuote, Plan(), &result, &Catalogue());
  ASSERT_TRUE(report.has_catalogue());
  const report::CatalogueReport& c = report.catalogue();
  EXPECT_EQ(c.target(), "localhost:50053");
  EXPECT_EQ(c.products_upserted(), 7);
  EXPECT_EQ(c.price_book_id(), "maventech-usd");
  EXPECT_EQ(c.currency(), "USD");
  EXPECT_EQ(c.price_book_entries(), 7);
  EXPECT_EQ(c.price_book_entries_upserted(), 7);
  ASSERT_EQ(c.entities_size(), 2);
  EXPECT_EQ(c.entities(0).entity(), "products");
  EXPECT_EQ(c.entities(0).planned(), 7);
  EXPECT_EQ(c.entities(1).entity(), "price_books");
  EXPECT_EQ(c.entities(1).ok(), 1);
  ASSERT_EQ(c.quirks_size(), 1);
  EXPECT_EQ(c.quirks(0).name(), "sales_price_not_whole_dollars");
  EXPECT_EQ(report.entities_size(), kOpportunityEntityCount);  // the opportunity table is as without it
  EXPECT_EQ(report.commands_planned(), 23944 + 8);
  EXPECT_TRUE(report.complete());

  const std::string text = FormatText(report);
  EXPECT_THAT(text, HasSubstr("catalogue into localhost:50053 (quote service): products.csv as products and the price "
                              "book maventech-usd (USD)\n"));
  EXPECT_THAT(text, HasSubstr("products                7         7         0         0         0\n"));
  EXPECT_THAT(text, HasSubstr("price_books             1         1         0         0         0\n"));
  EXPECT_THAT(text, HasSubstr("products upserted 7, price book entries 7 of 7\n"));
  EXPECT_THAT(text, HasSubstr("      0  sales_price_not_whole_dollars"));
  EXPECT_THAT(text, HasSubstr("sent 23,952 of 23,952 commands"));

  const std::string json = FormatJson(report);
  EXPECT_THAT(json, HasSubstr("\"products_upserted\": 7"));
  EXPECT_THAT(json, HasSubstr("\"price_book_entries\": 7"));
}

TEST(ReportTest, ARefusedPriceBookUpsertsNoEntriesAndMakesItIncomplete) {
  ImportResult result = AllOkWithCatalogue();
  result.tally[static_cast<int>(Entity::kPriceBook)] = EntityTally{0, 0, 1, 0};
  result.failures.push_back(Failure{Entity::kPriceBook, kPriceBookId, SourceRef{kProductsFile, 0}, "UpsertPriceBook",
                                    "maventech:pricebook:maventech-usd:upsert", grpc::StatusCode::INVALID_ARGUMENT,
                                    "price_book.name: is required"});
  const report::ImportReport report = BuildReport(kInfoWithQuote, Plan(), &result, &Catalogue());
  EXPECT_EQ(report.catalogue().price_book_entries_upserted(), 0);
  EXPECT_FALSE(report.complete());
  EXPECT_THAT(FormatText(report), HasSubstr("UpsertPriceBook INVALID_ARGUMENT: price_book.name: is required"));
}

TEST(ReportTest, CatalogueRowsTheCatalogueCannotHoldAreRejectedRows) {
  CataloguePlan catalogue = Catalogue();
  catalogue.rejected.push_back(RowIssue{SourceRef{kProductsFile, 9}, "GTX-Pro", "not in the catalogue: same id"});
  const ImportResult result = AllOkWithCatalogue();
  const report::ImportReport report = BuildReport(kInfoWithQuote, Plan(), &result, &catalogue);
  EXPECT_THAT(FormatText(report), HasSubstr("rejected rows: 1\n  products.csv:9  GTX-Pro: not in the catalogue"));
  EXPECT_EQ(ExitCodeOf(report), 1);
}

TEST(ReportTest, DryRunPlansTheCatalogue) {
  const report::ImportReport report = BuildReport(kInfoWithQuote, Plan(), nullptr, &Catalogue());
  const std::string text = FormatText(report);
  EXPECT_THAT(text, HasSubstr("products                7         -"));
  EXPECT_THAT(text, HasSubstr("price book entries planned 7\n"));
  EXPECT_THAT(text, HasSubstr("dry run: 23,952 commands planned"));
}

TEST(ReportTest, WithoutAQuoteTargetThereIsNoCatalogueSection) {
  const ImportResult result = AllOk(Plan());
  const report::ImportReport report = BuildReport(kInfo, Plan(), &result);
  EXPECT_FALSE(report.has_catalogue());
  EXPECT_THAT(FormatText(report), Not(HasSubstr("catalogue")));
  EXPECT_THAT(FormatJson(report), Not(HasSubstr("catalogue")));
}

}  // namespace
}  // namespace sfa::tools::maventech

#include "tools/maventech_import/report.h"

#include <google/protobuf/util/json_util.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

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

}  // namespace
}  // namespace sfa::tools::maventech

#include "tools/xeducation_import/report.h"

#include <google/protobuf/util/json_util.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/xeducation_import/test_rows.h"

namespace sfa::tools::xeducation {
namespace {

using ::testing::HasSubstr;

ImportPlan SmallPlan() {
  LeadData data;
  data.rows_read = 3;
  data.rows.push_back(testing::MakeRow(testing::kRowVisits));
  data.rows.push_back(testing::MakeRow(testing::kRowMissingNumbers));
  data.rows[1].index = 1;
  data.rejected.push_back({4, "x1", "Lead Number \"x1\" is not a number of 1-40 digits"});
  return BuildPlan(data, PlanOptions());
}

const RunInfo kInfo{"Leads.csv", "127.0.0.1:1", "127.0.0.1:2", "demo", 30, 7};

TEST(ReportTest, ADryRunShowsThePlanAndItsQuirks) {
  const report::ImportReport r = BuildReport(kInfo, SmallPlan(), nullptr, nullptr);
  EXPECT_TRUE(r.dry_run());
  EXPECT_EQ(r.rows_read(), 3);
  EXPECT_EQ(r.leads_planned(), 2);
  EXPECT_EQ(r.converted_planned(), 1);
  EXPECT_EQ(r.disqualified_planned(), 1);
  EXPECT_EQ(r.engagements_planned(), 3);
  EXPECT_EQ(r.seed(), 7u);
  ASSERT_EQ(r.rejected_rows_size(), 1);
  EXPECT_EQ(r.rejected_rows(0).line(), 4);
  EXPECT_FALSE(r.complete());  // a rejected row
  EXPECT_EQ(ExitCodeOf(r), 1);
  bool found = false;
  for (const report::QuirkCount& q : r.quirks()) {
    if (q.name() == "missing_visit_numbers") {
      found = true;
      EXPECT_EQ(q.count(), 1);
    }
  }
  EXPECT_TRUE(found);
  const std::string text = FormatText(r);
  EXPECT_THAT(text, HasSubstr("dry run"));
  EXPECT_THAT(text, HasSubstr("missing_visit_numbers"));
  EXPECT_THAT(text, HasSubstr("line 4  x1"));
}

TEST(ReportTest, AnsweredImportWithEvaluationRoundTripsThroughJson) {
  ImportResult result;
  result.setup_ok = true;
  result.captured = 2;
  result.converted = 1;
  result.disqualified = 1;
  result.engagements = 3;
  result.commands = 20;
  result.elapsed = absl::Seconds(2);
  result.failures.push_back({"660728", 2, "ConvertLead", "xedu:660728:convert", grpc::StatusCode::UNAVAILABLE, "down"});
  result.failures.push_back({"660729", 3, "ConvertLead", "xedu:660729:convert", grpc::StatusCode::UNAVAILABLE, "down"});
  Evaluation evaluation;
  evaluation.caught_up = true;
  evaluation.holdout_auc = 0.93;
  evaluation.baseline_auc = 0.71;
  const report::ImportReport r = BuildReport(kInfo, SmallPlan(), &result, &evaluation);
  EXPECT_EQ(r.commands_per_second(), 10);
  ASSERT_EQ(r.errors_by_code_size(), 1);
  EXPECT_EQ(r.errors_by_code(0).code(), "UNAVAILABLE");
  EXPECT_EQ(r.errors_by_code(0).count(), 2);
  EXPECT_FALSE(r.complete());

  report::ImportReport parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(FormatJson(r), &parsed).ok());
  EXPECT_DOUBLE_EQ(parsed.evaluation().holdout_auc(), 0.93);
  EXPECT_DOUBLE_EQ(parsed.evaluation().baseline_auc(), 0.71);
  EXPECT_EQ(parsed.failures_size(), 2);
  EXPECT_EQ(parsed.converted(), 1);

  const std::string text = FormatText(r);
  EXPECT_THAT(text, HasSubstr("holdout AUC (predictive_probability)      0.9300"));
  EXPECT_THAT(text, HasSubstr("baseline AUC (channel conversion rate)    0.7100"));
  EXPECT_THAT(text, HasSubstr("2  ConvertLead UNAVAILABLE: down"));
  EXPECT_THAT(text, HasSubstr("10 commands/s"));
}

TEST(ReportTest, AnEvaluationProblemMakesTheRunIncomplete) {
  LeadData data;
  data.rows_read = 1;
  data.rows.push_back(testing::MakeRow(testing::kRowVisits));
  const ImportPlan plan = BuildPlan(data, PlanOptions());
  ImportResult result;
  result.setup_ok = true;
  EXPECT_TRUE(BuildReport(kInfo, plan, &result, nullptr).complete());
  Evaluation evaluation;
  evaluation.problem = "the model took in 0 of 1 outcomes";
  const report::ImportReport r = BuildReport(kInfo, plan, &result, &evaluation);
  EXPECT_FALSE(r.complete());
  EXPECT_THAT(FormatText(r), HasSubstr("PROBLEM: the model took in 0 of 1"));
}

}  // namespace
}  // namespace sfa::tools::xeducation

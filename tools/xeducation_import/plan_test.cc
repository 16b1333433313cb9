#include "tools/xeducation_import/plan.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::tools::xeducation {
namespace {

using ::testing::ElementsAre;

const LeadData& PublishedFile() {
  static const LeadData* const kData = [] {
    absl::StatusOr<LeadData> data = LoadLeads(SFA_XEDUCATION_DATA);
    EXPECT_TRUE(data.ok()) << data.status();
    return new LeadData(data.ok() ? *std::move(data) : LeadData());
  }();
  return *kData;
}

TEST(PlanTest, SetupCreatesTheOwnerItsManagerTeamAndAPipeline) {
  PlanOptions options;
  options.owner_user_id = "rep.one";
  const std::vector<SetupCommand> setup = SetupCommands(options);
  std::vector<std::string> names;
  for (const SetupCommand& command : setup) names.push_back(SetupCommandName(command));
  EXPECT_THAT(names, ElementsAre("UpsertUser", "UpsertUser", "UpsertSalesTeam", "DefinePipeline"));
  const auto& manager = std::get<ov1::UpsertUserRequest>(setup[0]);
  EXPECT_EQ(manager.user_id(), "xedu.manager");
  EXPECT_EQ(manager.role(), ov1::USER_ROLE_MANAGER);
  const auto& owner = std::get<ov1::UpsertUserRequest>(setup[1]);
  EXPECT_EQ(owner.user_id(), "rep.one");
  EXPECT_EQ(owner.role(), ov1::USER_ROLE_REP);
  EXPECT_EQ(owner.request_id(), "xedu:setup:user:rep.one");
  const auto& team = std::get<ov1::UpsertSalesTeamRequest>(setup[2]);
  EXPECT_EQ(team.manager_user_id(), "xedu.manager");
  EXPECT_THAT(team.member_user_ids(), ElementsAre("rep.one"));
  EXPECT_EQ(team.request_id(), "xedu:setup:team");
}

TEST(PlanTest, ThePipelineHasTheShapeDefinePipelineRequires) {
  const ov1::DefinePipelineRequest pipeline = XEducationPipeline();
  EXPECT_EQ(pipeline.pipeline_id(), "xeducation");
  EXPECT_EQ(pipeline.request_id(), "xedu:setup:pipeline");
  ASSERT_EQ(pipeline.stages_size(), 3);
  EXPECT_EQ(pipeline.stages(0).type(), ov1::STAGE_TYPE_OPEN);
  EXPECT_NE(pipeline.stages(0).forecast_category(), ov1::FORECAST_CATEGORY_CLOSED);
  EXPECT_EQ(pipeline.stages(1).type(), ov1::STAGE_TYPE_WON);
  EXPECT_EQ(pipeline.stages(1).probability_percent(), 100);
  EXPECT_EQ(pipeline.stages(1).forecast_category(), ov1::FORECAST_CATEGORY_CLOSED);
  EXPECT_EQ(pipeline.stages(2).type(), ov1::STAGE_TYPE_LOST);
  EXPECT_EQ(pipeline.stages(2).probability_percent(), 0);
  EXPECT_EQ(pipeline.stages(2).forecast_category(), ov1::FORECAST_CATEGORY_OMITTED);
}

TEST(PlanTest, ThePublishedFileWithA30PercentHoldout) {
  PlanOptions options;
  options.holdout_percent = 30;
  options.seed = 1;
  const ImportPlan plan = BuildPlan(PublishedFile(), options);
  EXPECT_EQ(plan.rows_read, 9240);
  EXPECT_EQ(plan.leads.size(), 9240u);
  EXPECT_EQ(plan.held_out, 2772);
  EXPECT_EQ(plan.converted + plan.disqualified, 9240 - 2772);
  int converted_held_out = 0;
  for (const LeadPlan& lead : plan.leads) converted_held_out += lead.outcome == Outcome::kHeldOut && lead.converted;
  EXPECT_EQ(plan.converted + converted_held_out, 3561);
  EXPECT_EQ(plan.quirks.Get(Quirk::kMissingVisitNumbers), 137);
  EXPECT_EQ(plan.quirks.Get(Quirk::kMissingLastActivity), 103);
  EXPECT_EQ(plan.quirks.Get(Quirk::kMissingLeadSource), 36);
  EXPECT_EQ(plan.quirks.Get(Quirk::kChannelCaseVariant), 5);  // "google" x 5 beside "Google"
  EXPECT_EQ(plan.quirks.Get(Quirk::kCountryUnknown), 5);
  EXPECT_EQ(plan.quirks.Get(Quirk::kUnreadableNumber), 0);

  std::set<std::string> ids;
  for (const SetupCommand& command : plan.setup) ids.insert(SetupRequestIdOf(command));
  for (const LeadPlan& lead : plan.leads) {
    for (const LeadCommand& command : lead.commands) {
      EXPECT_LE(RequestIdOf(command).size(), 128u);
      ids.insert(RequestIdOf(command));
    }
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(plan.CommandCount())) << "request ids repeat";
}

TEST(PlanTest, TheSameSeedPlansTheSameImport) {
  PlanOptions options;
  options.holdout_percent = 30;
  options.seed = 7;
  const ImportPlan a = BuildPlan(PublishedFile(), options);
  const ImportPlan b = BuildPlan(PublishedFile(), options);
  ASSERT_EQ(a.leads.size(), b.leads.size());
  for (size_t i = 0; i < a.leads.size(); ++i) ASSERT_EQ(a.leads[i].outcome, b.leads[i].outcome) << i;
  options.holdout_percent = 0;
  const ImportPlan all = BuildPlan(PublishedFile(), options);
  EXPECT_EQ(all.held_out, 0);
  EXPECT_EQ(all.converted, 3561);
  EXPECT_EQ(all.disqualified, 9240 - 3561);
}

}  // namespace
}  // namespace sfa::tools::xeducation

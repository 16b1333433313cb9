#include "tools/xeducation_import/plan.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/xeducation_import/holdout.h"

namespace sfa::tools::xeducation {
namespace {

ov1::UpsertUserRequest User(const std::string& user_id, const std::string& name, ov1::UserRole role) {
  ov1::UpsertUserRequest user;
  user.set_request_id(absl::StrCat("xedu:setup:user:", user_id));
  user.set_user_id(user_id);
  user.set_display_name(name);
  user.set_role(role);
  return user;
}

void AddStage(ov1::DefinePipelineRequest* pipeline, const char* id, const char* name, ov1::StageType type,
              int probability, ov1::ForecastCategory forecast) {
  ov1::Stage* stage = pipeline->add_stages();
  stage->set_stage_id(id);
  stage->set_name(name);
  stage->set_type(type);
  stage->set_probability_percent(probability);
  stage->set_forecast_category(forecast);
}

// Rows whose Lead Source differs only in case from the channel's most common spelling.
int ChannelCaseVariants(const std::vector<LeadPlan>& leads) {
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, int>> spellings;  // lower -> spelling -> rows
  for (const LeadPlan& lead : leads) ++spellings[absl::AsciiStrToLower(lead.channel)][lead.channel];
  int variants = 0;
  for (const auto& [lower, counts] : spellings) {
    int total = 0, most = 0;
    for (const auto& [spelling, rows] : counts) {
      total += rows;
      most = std::max(most, rows);
    }
    variants += total - most;
  }
  return variants;
}

}  // namespace

std::string SetupCommandName(const SetupCommand& command) {
  struct Namer {
    std::string operator()(const ov1::UpsertUserRequest&) const { return "UpsertUser"; }
    std::string operator()(const ov1::UpsertSalesTeamRequest&) const { return "UpsertSalesTeam"; }
    std::string operator()(const ov1::DefinePipelineRequest&) const { return "DefinePipeline"; }
  };
  return std::visit(Namer{}, command);
}

const std::string& SetupRequestIdOf(const SetupCommand& command) {
  return std::visit([](const auto& request) -> const std::string& { return request.request_id(); }, command);
}

int ImportPlan::CommandCount() const {
  int count = static_cast<int>(setup.size());
  for (const LeadPlan& lead : leads) count += static_cast<int>(lead.commands.size());
  return count;
}

ov1::DefinePipelineRequest XEducationPipeline() {
  ov1::DefinePipelineRequest pipeline;
  pipeline.set_request_id("xedu:setup:pipeline");
  pipeline.set_pipeline_id(kPipelineId);
  pipeline.set_name("X Education enrolment");
  pipeline.set_description("Opportunities of converted X Education leads (sfa-import-xeducation)");
  AddStage(&pipeline, kOpenStage, "Enrolling", ov1::STAGE_TYPE_OPEN, 50, ov1::FORECAST_CATEGORY_PIPELINE);
  AddStage(&pipeline, kWonStage, "Enrolled", ov1::STAGE_TYPE_WON, 100, ov1::FORECAST_CATEGORY_CLOSED);
  AddStage(&pipeline, kLostStage, "Lost", ov1::STAGE_TYPE_LOST, 0, ov1::FORECAST_CATEGORY_OMITTED);
  return pipeline;
}

std::vector<SetupCommand> SetupCommands(const PlanOptions& options) {
  std::vector<SetupCommand> setup;
  setup.push_back(User(kManagerUserId, "X Education sales manager", ov1::USER_ROLE_MANAGER));
  setup.push_back(User(options.owner_user_id, "X Education sales", ov1::USER_ROLE_REP));
  ov1::UpsertSalesTeamRequest team;
  team.set_request_id("xedu:setup:team");
  team.set_team_id(kTeamId);
  team.set_name("X Education");
  team.set_manager_user_id(kManagerUserId);
  team.add_member_user_ids(options.owner_user_id);
  setup.push_back(std::move(team));
  setup.push_back(XEducationPipeline());
  return setup;
}

ImportPlan BuildPlan(const LeadData& data, const PlanOptions& options) {
  ImportPlan plan;
  plan.rows_read = data.rows_read;
  plan.rejected = data.rejected;
  plan.setup = SetupCommands(options);
  const std::vector<bool> held_out = HoldoutMask(data.rows_read, options.holdout_percent, options.seed);
  MappingOptions mapping;
  mapping.owner_user_id = options.owner_user_id;
  mapping.pipeline_id = kPipelineId;
  mapping.currency = options.currency;
  mapping.amount_minor_units = options.amount_minor_units;
  mapping.expected_close_date = options.expected_close_date;
  plan.leads.reserve(data.rows.size());
  for (const LeadRow& row : data.rows) {
    LeadPlan lead = MapRow(row, held_out[row.index], mapping, &plan.quirks);
    plan.engagements += lead.engagements;
    switch (lead.outcome) {
      case Outcome::kHeldOut:
        ++plan.held_out;
        break;
      case Outcome::kConverted:
        ++plan.converted;
        break;
      case Outcome::kDisqualified:
        ++plan.disqualified;
        break;
    }
    plan.leads.push_back(std::move(lead));
  }
  plan.quirks.Add(Quirk::kChannelCaseVariant, ChannelCaseVariants(plan.leads));
  return plan;
}

}  // namespace sfa::tools::xeducation

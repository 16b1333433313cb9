#include "tools/simulator/plan.h"

#include <array>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace sfa::tools::simulator {
namespace {

constexpr std::array<const char*, kLeadSources> kLeadSourceNames = {"web", "referral", "event", "outbound", "partner"};
constexpr std::array<v1::ActivityKind, kActivityKinds> kActivityKindValues = {
    v1::ACTIVITY_KIND_CALL, v1::ACTIVITY_KIND_EMAIL, v1::ACTIVITY_KIND_MEETING, v1::ACTIVITY_KIND_DEMO,
    v1::ACTIVITY_KIND_VISIT};
constexpr std::array<int, kActivityKinds> kActivityMinutes = {15, 0, 45, 60, 90};
constexpr std::array<const char*, kLostReasons> kLostReasonNames = {"price", "competitor", "no decision", "timing",
                                                                    "budget"};
constexpr std::array<const char*, 3> kCompetitors = {"Rivalsoft", "Acme CRM", "Pipedream"};

google::protobuf::Timestamp Timestamp(int64_t unix_seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(unix_seconds);
  return t;
}

common::v1::Money Usd(int64_t cents) {
  common::v1::Money m;
  m.set_minor_units(cents);
  m.set_currency(kCurrency);
  return m;
}

std::string SetupRequestId(uint64_t seed, absl::string_view kind, absl::string_view id) {
  return absl::StrCat("sim:", seed, ":setup:", kind, ":", id);
}

v1::ForecastCategory CategoryOf(Forecast forecast) {
  switch (forecast) {
    case Forecast::kPipeline:
      return v1::FORECAST_CATEGORY_PIPELINE;
    case Forecast::kBestCase:
      return v1::FORECAST_CATEGORY_BEST_CASE;
    case Forecast::kCommit:
      return v1::FORECAST_CATEGORY_COMMIT;
  }
  return v1::FORECAST_CATEGORY_PIPELINE;
}

v1::UpsertUserRequest User(uint64_t seed, const std::string& id, const std::string& name, v1::UserRole role) {
  v1::UpsertUserRequest r;
  r.set_request_id(SetupRequestId(seed, "user", id));
  r.set_user_id(id);
  r.set_display_name(name);
  r.set_email(id + "@sim.example");
  r.set_role(role);
  return r;
}

Command CreateCommand(const Simulation& sim, const DealHistory& deal, const Step& step) {
  const Organisation& org = sim.org();
  v1::CreateOpportunityRequest r;
  r.set_opportunity_id(OpportunityId(sim.seed(), deal.index));
  if (deal.account >= 0) r.set_account_id(org.accounts[deal.account].account_id);
  r.set_pipeline_id(kPipelineId);
  r.set_name(absl::StrFormat("Deal %07d for %s", deal.index,
                             deal.account >= 0 ? org.accounts[deal.account].name : "an unknown account"));
  r.set_owner_user_id(org.reps[deal.owner].user_id);
  *r.mutable_amount() = Usd(step.amount_cents);
  *r.mutable_expected_close_date() = Timestamp(step.expected_close);
  r.set_lead_source(std::string(LeadSourceName(deal.lead_source)));
  r.set_stage_id(sim.model().stages[step.stage].stage_id);
  *r.mutable_effective_time() = Timestamp(step.at);
  return r;
}

Command MoveCommand(const Simulation& sim, const Step& step, int from_stage) {
  v1::MoveStageRequest r;
  r.set_to_stage_id(sim.model().stages[step.stage].stage_id);
  if (step.stage < from_stage) r.set_reason("customer re-scoped the project");
  *r.mutable_effective_time() = Timestamp(step.at);
  return r;
}

Command UpdateCommand(const Step& step) {
  v1::UpdateOpportunityRequest r;
  if (step.kind == StepKind::kAmount) *r.mutable_amount() = Usd(step.amount_cents);
  if (step.kind == StepKind::kCloseDate) *r.mutable_expected_close_date() = Timestamp(step.expected_close);
  *r.mutable_effective_time() = Timestamp(step.at);
  return r;
}

Command ActivityCommand(const Simulation& sim, const DealHistory& deal, const Step& step, size_t index) {
  v1::LogActivityRequest r;
  r.set_activity_id(ActivityId(sim.seed(), deal.index, index));
  r.set_subject_type(v1::SUBJECT_TYPE_OPPORTUNITY);
  r.set_subject_id(OpportunityId(sim.seed(), deal.index));
  r.set_kind(ActivityKindOf(step.detail));
  r.set_outcome("completed");
  *r.mutable_occurred_at() = Timestamp(step.at);
  r.mutable_duration()->set_seconds(int64_t{60} * kActivityMinutes[step.detail]);
  r.set_owner_user_id(sim.org().reps[deal.owner].user_id);
  return r;
}

Command CloseCommand(const DealHistory& deal, const Step& step) {
  if (step.kind == StepKind::kWon) {
    v1::CloseWonRequest r;
    *r.mutable_effective_time() = Timestamp(step.at);
    return r;
  }
  v1::CloseLostRequest r;
  r.set_reason(std::string(LostReasonName(step.detail)));
  if (step.detail == kLostToCompetitor) r.set_competitor(kCompetitors[deal.index % kCompetitors.size()]);
  r.set_lost_stage_id(kLostStageId);
  *r.mutable_effective_time() = Timestamp(step.at);
  return r;
}

}  // namespace

absl::string_view CommandNameAt(size_t index) {
  static constexpr std::array<const char*, std::variant_size_v<Command>> kNames = {
      "UpsertUser", "UpsertSalesTeam",   "DefinePipeline", "CreateAccount", "CreateOpportunity",
      "MoveStage",  "UpdateOpportunity", "CloseWon",       "CloseLost",     "LogActivity"};
  return index < kNames.size() ? kNames[index] : "Unknown";
}

absl::string_view CommandName(const Command& command) { return CommandNameAt(command.index()); }

const std::string& RequestIdOf(const Command& command) {
  return std::visit([](const auto& request) -> const std::string& { return request.request_id(); }, command);
}

absl::string_view LeadSourceName(int lead_source) { return kLeadSourceNames[lead_source]; }
v1::ActivityKind ActivityKindOf(int activity) { return kActivityKindValues[activity]; }
absl::string_view LostReasonName(int reason) { return kLostReasonNames[reason]; }

std::string OpportunityId(uint64_t seed, int64_t index) { return absl::StrFormat("s%d-d%07d", seed, index); }

std::string ActivityId(uint64_t seed, int64_t index, size_t step) {
  return absl::StrFormat("s%d-d%07d-a%d", seed, index, step);
}

std::string RequestId(uint64_t seed, int64_t index, size_t step) {
  return absl::StrCat("sim:", seed, ":", index, ":", step);
}

v1::DefinePipelineRequest PipelineRequest(const Simulation& sim) {
  v1::DefinePipelineRequest r;
  r.set_request_id(SetupRequestId(sim.seed(), "pipeline", kPipelineId));
  r.set_pipeline_id(kPipelineId);
  r.set_name("Simulated pipeline");
  r.set_description("Written by sfa-simulate (tools/simulator)");
  for (const StageModel& m : sim.model().stages) {
    v1::Stage* stage = r.add_stages();
    stage->set_stage_id(m.stage_id);
    stage->set_name(m.name);
    stage->set_type(v1::STAGE_TYPE_OPEN);
    stage->set_probability_percent(m.configured_percent);
    stage->set_forecast_category(CategoryOf(m.forecast));
  }
  v1::Stage* won = r.add_stages();
  won->set_stage_id(kWonStageId);
  won->set_name("Won");
  won->set_type(v1::STAGE_TYPE_WON);
  won->set_probability_percent(100);
  won->set_forecast_category(v1::FORECAST_CATEGORY_CLOSED);
  v1::Stage* lost = r.add_stages();
  lost->set_stage_id(kLostStageId);
  lost->set_name("Lost");
  lost->set_type(v1::STAGE_TYPE_LOST);
  lost->set_probability_percent(0);
  lost->set_forecast_category(v1::FORECAST_CATEGORY_OMITTED);
  return r;
}

std::vector<SetupPhase> SetupPlan(const Simulation& sim) {
  const Organisation& org = sim.org();
  const uint64_t seed = sim.seed();
  std::vector<SetupPhase> phases(4);
  phases[0].name = "users";
  for (const Team& team : org.teams) {
    phases[0].commands.push_back(User(seed, team.manager_user_id, team.manager_name, v1::USER_ROLE_MANAGER));
  }
  for (const Rep& rep : org.reps) {
    phases[0].commands.push_back(User(seed, rep.user_id, rep.display_name, v1::USER_ROLE_REP));
  }
  phases[1].name = "teams";
  for (const Team& team : org.teams) {
    v1::UpsertSalesTeamRequest r;
    r.set_request_id(SetupRequestId(seed, "team", team.team_id));
    r.set_team_id(team.team_id);
    r.set_name(team.name);
    r.set_manager_user_id(team.manager_user_id);
    r.set_region(team.region);
    for (int rep : team.reps) r.add_member_user_ids(org.reps[rep].user_id);
    phases[1].commands.push_back(std::move(r));
  }
  phases[2].name = "pipeline";
  phases[2].commands.push_back(PipelineRequest(sim));
  phases[3].name = "accounts";
  for (const AccountInfo& account : org.accounts) {
    v1::CreateAccountRequest r;
    r.set_request_id(SetupRequestId(seed, "account", account.account_id));
    r.set_account_id(account.account_id);
    r.set_name(account.name);
    r.set_industry(account.industry);
    r.set_employees(account.employees);
    r.set_region(account.region);
    *r.mutable_effective_time() = Timestamp(sim.start());
    phases[3].commands.push_back(std::move(r));
  }
  return phases;
}

Command StepCommand(const Simulation& sim, const DealHistory& deal, size_t index) {
  const Step& step = deal.steps[index];
  Command command;
  switch (step.kind) {
    case StepKind::kCreate:
      command = CreateCommand(sim, deal, step);
      break;
    case StepKind::kMove:
      command = MoveCommand(sim, step, deal.steps[index - 1].stage);
      break;
    case StepKind::kAmount:
    case StepKind::kCloseDate:
      command = UpdateCommand(step);
      break;
    case StepKind::kActivity:
      command = ActivityCommand(sim, deal, step, index);
      break;
    case StepKind::kWon:
    case StepKind::kLost:
      command = CloseCommand(deal, step);
      break;
  }
  const std::string opportunity_id = OpportunityId(sim.seed(), deal.index);
  std::visit(
      [&](auto& r) {
        r.set_request_id(RequestId(sim.seed(), deal.index, index));
        if constexpr (requires { r.set_opportunity_id(opportunity_id); }) r.set_opportunity_id(opportunity_id);
      },
      command);
  return command;
}

std::vector<Command> DealCommands(const Simulation& sim, const DealHistory& deal) {
  std::vector<Command> out;
  const size_t n = deal.StepsBefore(sim.horizon());
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(StepCommand(sim, deal, i));
  return out;
}

}  // namespace sfa::tools::simulator

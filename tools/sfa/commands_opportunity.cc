// sfa account create | get | list and sfa opp create | get | list | move | won | lost | stages:
// the OpportunityService's accounts, opportunities and pipeline definitions.

#include <memory>

#include "tools/sfa/command.h"
#include "tools/sfa/money.h"
#include "tools/sfa/render.h"
#include "tools/sfa/values.h"

namespace sfa::tools::cli {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using Stub = ov1::OpportunityService::Stub;

constexpr Service kSvc = Service::kOpportunity;

// ---------------------------------------------------------------------------------------------------
// Accounts

struct AccountFlags {
  std::string id, name, parent, industry, revenue, region, owner, effective_time;
  int64_t employees = 0;
};

int CreateAccount(Invocation& inv, const AccountFlags& f) {
  ov1::CreateAccountRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_account_id(f.id);
  r.set_name(f.name);
  r.set_parent_account_id(f.parent);
  r.set_industry(f.industry);
  r.set_employees(f.employees);
  r.set_region(f.region);
  r.set_owner_user_id(f.owner);
  int code = 0;
  if (!SetMoney(
          inv, f.revenue, "", "--revenue", [&] { return r.mutable_annual_revenue(); }, &code) ||
      !SetTime(
          inv, f.effective_time, "--effective-time", [&] { return r.mutable_effective_time(); }, &code)) {
    return code;
  }
  return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::CreateAccount, r,
                      [](const ov1::CreateAccountResponse& resp) { return RenderAccount(resp.account()); });
}

struct ListAccountFlags {
  std::string owner, parent, industry, region;
  ListFlags list;
};

// ---------------------------------------------------------------------------------------------------
// Opportunities

struct OppFlags {
  std::string id, name, pipeline, account, owner, amount, currency, close_date, stage, lead_source, lead,
      effective_time;
};

int CreateOpportunity(Invocation& inv, const OppFlags& f) {
  ov1::CreateOpportunityRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_opportunity_id(f.id);
  r.set_name(f.name);
  r.set_pipeline_id(f.pipeline);
  r.set_account_id(f.account);
  r.set_owner_user_id(f.owner.empty() ? inv.client.settings().identity.user : f.owner);
  r.set_stage_id(f.stage);
  r.set_lead_source(f.lead_source);
  r.set_lead_id(f.lead);
  int code = 0;
  if (!SetMoney(
          inv, f.amount, f.currency, "--amount", [&] { return r.mutable_amount(); }, &code) ||
      !SetTime(
          inv, f.close_date, "--close-date", [&] { return r.mutable_expected_close_date(); }, &code) ||
      !SetTime(
          inv, f.effective_time, "--effective-time", [&] { return r.mutable_effective_time(); }, &code)) {
    return code;
  }
  return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::CreateOpportunity, r,
                      [](const ov1::CreateOpportunityResponse& resp) { return RenderOpportunity(resp.opportunity()); });
}

struct ListOppFlags {
  std::string owner, team, account, pipeline, stage, status, close_from, close_to;
  ListFlags list;
};

int ListOpportunities(Invocation& inv, const ListOppFlags& f) {
  ov1::ListOpportunitiesRequest r;
  r.set_owner_user_id(f.owner);
  r.set_team_id(f.team);
  r.set_account_id(f.account);
  r.set_pipeline_id(f.pipeline);
  r.set_stage_id(f.stage);
  int code = 0;
  ov1::OpportunityStatus status = ov1::OPPORTUNITY_STATUS_UNSPECIFIED;
  if (!ParseIfGiven(
          inv, f.status, [](const std::string& s) { return ParseEnumAs<ov1::OpportunityStatus>(s, "--status"); },
          &status, &code) ||
      !SetTime(
          inv, f.close_from, "--close-from", [&] { return r.mutable_close_date_from(); }, &code) ||
      !SetTime(
          inv, f.close_to, "--close-to", [&] { return r.mutable_close_date_to(); }, &code)) {
    return code;
  }
  r.set_status(status);
  return ListAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::ListOpportunities, r, f.list,
                      [](const ov1::ListOpportunitiesResponse& resp) { return RenderOpportunities(resp); });
}

struct MoveFlags {
  std::string id, stage, reason, effective_time;
  std::vector<std::string> criteria;
  uint64_t expected_version = 0;
};

int Move(Invocation& inv, const MoveFlags& f) {
  ov1::MoveStageRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_opportunity_id(f.id);
  r.set_to_stage_id(f.stage);
  r.set_reason(f.reason);
  r.set_expected_version(f.expected_version);
  for (const std::string& c : f.criteria) r.add_criteria_met(c);
  int code = 0;
  if (!SetTime(
          inv, f.effective_time, "--effective-time", [&] { return r.mutable_effective_time(); }, &code))
    return code;
  return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::MoveStage, r,
                      [](const ov1::MoveStageResponse& resp) { return RenderOpportunity(resp.opportunity()); });
}

struct CloseFlags {
  std::string id, amount, reason, competitor, lost_stage, effective_time;
  uint64_t expected_version = 0;
};

int Won(Invocation& inv, const CloseFlags& f) {
  ov1::CloseWonRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_opportunity_id(f.id);
  r.set_expected_version(f.expected_version);
  int code = 0;
  if (!SetMoney(
          inv, f.amount, "", "--amount", [&] { return r.mutable_amount(); }, &code) ||
      !SetTime(
          inv, f.effective_time, "--effective-time", [&] { return r.mutable_effective_time(); }, &code)) {
    return code;
  }
  return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::CloseWon, r,
                      [](const ov1::CloseWonResponse& resp) { return RenderOpportunity(resp.opportunity()); });
}

int Lost(Invocation& inv, const CloseFlags& f) {
  ov1::CloseLostRequest r;
  r.set_request_id(inv.client.request_id());
  r.set_opportunity_id(f.id);
  r.set_expected_version(f.expected_version);
  r.set_reason(f.reason);
  r.set_competitor(f.competitor);
  r.set_lost_stage_id(f.lost_stage);
  int code = 0;
  if (!SetTime(
          inv, f.effective_time, "--effective-time", [&] { return r.mutable_effective_time(); }, &code))
    return code;
  return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::CloseLost, r,
                      [](const ov1::CloseLostResponse& resp) { return RenderOpportunity(resp.opportunity()); });
}

int Stages(Invocation& inv, const std::string& pipeline_id, const ListFlags& list) {
  if (pipeline_id.empty()) {
    return ListAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::ListPipelines, ov1::ListPipelinesRequest(), list,
                        [](const ov1::ListPipelinesResponse& resp) { return RenderPipelineDefinitions(resp); });
  }
  ov1::GetPipelineRequest r;
  r.set_pipeline_id(pipeline_id);
  return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::GetPipeline, r,
                      [](const ov1::GetPipelineResponse& resp) {
                        ov1::ListPipelinesResponse one;
                        *one.add_pipelines() = resp.pipeline();
                        return RenderPipelineDefinitions(one);
                      });
}

void AddEffectiveTime(CLI::App* sub, std::string* value) {
  sub->add_option("--effective-time", *value, "Business time of the change (date or RFC 3339); default now");
}

}  // namespace

void AddAccountCommands(CLI::App& app, CommandSlot* slot) {
  CLI::App* account = app.add_subcommand("account", "Accounts (opportunity service): create, 360° view, list");
  account->require_subcommand(1);

  auto cf = std::make_shared<AccountFlags>();
  CLI::App* create = account->add_subcommand("create", "Create an account (OpportunityService.CreateAccount)");
  create->add_option("--id", cf->id, "Account id; empty = the service generates one");
  create->add_option("--name", cf->name, "Account name")->required();
  create->add_option("--parent", cf->parent, "Parent account id (corporate tree)");
  create->add_option("--industry", cf->industry, "Industry");
  create->add_option("--employees", cf->employees, "Employees");
  create->add_option("--revenue", cf->revenue, "Annual revenue, e.g. \"1,100.04 USD\"");
  create->add_option("--region", cf->region, "Region");
  create->add_option("--owner", cf->owner, "Owner (an active user id)");
  AddEffectiveTime(create, &cf->effective_time);
  OnRun(create, slot, kSvc, [cf](Invocation& inv) { return CreateAccount(inv, *cf); });

  auto id = std::make_shared<std::string>();
  CLI::App* get = account->add_subcommand(
      "get", "An account with its parent, subsidiaries, deal counts and amounts (OpportunityService.GetAccount)");
  get->add_option("ID", *id, "Account id")->required();
  OnRun(get, slot, kSvc, [id](Invocation& inv) {
    ov1::GetAccountRequest r;
    r.set_account_id(*id);
    return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::GetAccount, r,
                        [](const ov1::GetAccountResponse& resp) { return RenderAccountView(resp); });
  });

  auto lf = std::make_shared<ListAccountFlags>();
  CLI::App* list = account->add_subcommand("list", "Accounts (OpportunityService.ListAccounts)");
  list->add_option("--owner", lf->owner, "Only this owner");
  list->add_option("--parent", lf->parent, "Only subsidiaries of this account");
  list->add_option("--industry", lf->industry, "Only this industry");
  list->add_option("--region", lf->region, "Only this region");
  AddListFlags(list, &lf->list);
  OnRun(list, slot, kSvc, [lf](Invocation& inv) {
    ov1::ListAccountsRequest r;
    r.set_owner_user_id(lf->owner);
    r.set_parent_account_id(lf->parent);
    r.set_industry(lf->industry);
    r.set_region(lf->region);
    return ListAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::ListAccounts, r, lf->list,
                        [](const ov1::ListAccountsResponse& resp) { return RenderAccounts(resp); });
  });
}

void AddOpportunityCommands(CLI::App& app, CommandSlot* slot) {
  CLI::App* opp = app.add_subcommand("opp", "Opportunities (opportunity service): create, get, list, move, close");
  opp->alias("opportunity");
  opp->require_subcommand(1);

  auto cf = std::make_shared<OppFlags>();
  CLI::App* create = opp->add_subcommand("create", "Open an opportunity (OpportunityService.CreateOpportunity)");
  create->add_option("--id", cf->id, "Opportunity id; empty = the service generates one");
  create->add_option("--name", cf->name, "Name")->required();
  create->add_option("--pipeline", cf->pipeline, "Pipeline id (see `sfa opp stages`)")->required();
  create->add_option("--account", cf->account, "Account id");
  create->add_option("--owner", cf->owner, "Owner, an active user id; default: --user");
  create->add_option("--amount", cf->amount, "Amount, e.g. \"4,821.00 USD\" (or a number with --currency)");
  create->add_option("--currency", cf->currency, "Currency of an --amount written without one");
  create->add_option("--close-date", cf->close_date, "Expected close date, e.g. 2017-09-30");
  create->add_option("--stage", cf->stage, "Open stage to start in; default: the pipeline's first");
  create->add_option("--lead-source", cf->lead_source, "Lead source");
  create->add_option("--lead", cf->lead, "Lead id it came from");
  AddEffectiveTime(create, &cf->effective_time);
  OnRun(create, slot, kSvc, [cf](Invocation& inv) { return CreateOpportunity(inv, *cf); });

  auto id = std::make_shared<std::string>();
  CLI::App* get =
      opp->add_subcommand("get", "One opportunity with its stage history (OpportunityService.GetOpportunity)");
  get->add_option("ID", *id, "Opportunity id")->required();
  OnRun(get, slot, kSvc, [id](Invocation& inv) {
    ov1::GetOpportunityRequest r;
    r.set_opportunity_id(*id);
    return CallAndPrint(inv, kSvc, inv.client.opportunity(), &Stub::GetOpportunity, r,
                        [](const ov1::GetOpportunityResponse& resp) { return RenderOpportunity(resp.opportunity()); });
  });

  auto lf = std::make_shared<ListOppFlags>();
  CLI::App* list = opp->add_subcommand("list", "Opportunities (OpportunityService.ListOpportunities)");
  list->add_option("--owner", lf->owner, "Only this owner");
  list->add_option("--team", lf->team, "Only deals of this team's members");
  list->add_option("--account", lf->account, "Only this account");
  list->add_option("--pipeline", lf->pipeline, "Only this pipeline");
  list->add_option("--stage", lf->stage, "Only this stage");
  list->add_option("--status", lf->status,
                   "Only " + EnumChoices(google::protobuf::GetEnumDescriptor<ov1::OpportunityStatus>()));
  list->add_option("--close-from", lf->close_from, "Close date on or after (closed_at, or expected when open)");
  list->add_option("--close-to", lf->close_to, "Close date before");
  AddListFlags(list, &lf->list);
  OnRun(list, slot, kSvc, [lf](Invocation& inv) { return ListOpportunities(inv, *lf); });

  auto mf = std::make_shared<MoveFlags>();
  CLI::App* move = opp->add_subcommand("move", "Move an open opportunity to another open stage (MoveStage)");
  move->add_option("ID", mf->id, "Opportunity id")->required();
  move->add_option("--stage", mf->stage, "Stage id to move to")->required();
  move->add_option("--criteria", mf->criteria, "Exit criteria met with this move (repeatable, or comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);  // one value per --criteria, so it never swallows the ID
  move->add_option("--reason", mf->reason, "Why (required for a backward move)");
  move->add_option("--expected-version", mf->expected_version, "Refuse (ABORTED) unless the deal is at this version");
  AddEffectiveTime(move, &mf->effective_time);
  OnRun(move, slot, kSvc, [mf](Invocation& inv) { return Move(inv, *mf); });

  auto wf = std::make_shared<CloseFlags>();
  CLI::App* won = opp->add_subcommand("won", "Close as won (OpportunityService.CloseWon)");
  won->add_option("ID", wf->id, "Opportunity id")->required();
  won->add_option("--amount", wf->amount, "Final amount, in the deal's currency; default: keep");
  won->add_option("--expected-version", wf->expected_version, "Refuse (ABORTED) unless at this version");
  AddEffectiveTime(won, &wf->effective_time);
  OnRun(won, slot, kSvc, [wf](Invocation& inv) { return Won(inv, *wf); });

  auto lost_flags = std::make_shared<CloseFlags>();
  CLI::App* lost = opp->add_subcommand("lost", "Close as lost (OpportunityService.CloseLost)");
  lost->add_option("ID", lost_flags->id, "Opportunity id")->required();
  lost->add_option("--reason", lost_flags->reason, "Why it was lost")->required();
  lost->add_option("--competitor", lost_flags->competitor, "Who won it");
  lost->add_option("--lost-stage", lost_flags->lost_stage, "Which lost stage, when the pipeline has several");
  lost->add_option("--expected-version", lost_flags->expected_version, "Refuse (ABORTED) unless at this version");
  AddEffectiveTime(lost, &lost_flags->effective_time);
  OnRun(lost, slot, kSvc, [lost_flags](Invocation& inv) { return Lost(inv, *lost_flags); });

  auto pipeline = std::make_shared<std::string>();
  auto stage_list = std::make_shared<ListFlags>();
  CLI::App* stages = opp->add_subcommand("stages", "Pipeline definitions: stages, probabilities, exit criteria");
  stages->add_option("--pipeline", *pipeline, "One pipeline (GetPipeline); default: all (ListPipelines)");
  AddListFlags(stages, stage_list.get());
  OnRun(stages, slot, kSvc, [pipeline, stage_list](Invocation& inv) { return Stages(inv, *pipeline, *stage_list); });
}

}  // namespace sfa::tools::cli

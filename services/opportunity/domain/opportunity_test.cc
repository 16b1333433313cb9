#include "opportunity/domain/opportunity.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = OpportunityEvent;
using absl::StatusCode;

// The ids fields 1-5 of every event of opportunity o1 carry.
constexpr char kIds[] =
    R"pb(opportunity_id: "o1" account_id: "a1" owner_user_id: "u1" pipeline_id: "enterprise" pipeline_version: 1)pb";
constexpr char kUsd50k[] = R"pb(minor_units: 5000000 currency: "USD")pb";
constexpr int64_t kDaySeconds = 86400;

E At(absl::Time t, OpportunityPayload payload) { return E{t, std::move(payload)}; }

std::string CloseDate() { return TextProto("expected_close_date { seconds: ", SecondsOf(Day(90)), " } "); }

// Opportunity o1 as created on day 0 in Prospect.
v1::OpportunityCreated Created() {
  return Pb<v1::OpportunityCreated>(TextProto(kIds, "amount {", kUsd50k, "} ", CloseDate(), R"pb(
    name: "ACME rollout"
    lead_source: "web"
    lead_id: "l1"
    stage_id: "prospect"
    probability_percent: 10
    forecast_category: FORECAST_CATEGORY_PIPELINE)pb"));
}

v1::CriterionCompleted Done(absl::string_view stage, absl::string_view criterion) {
  auto m = Pb<v1::CriterionCompleted>(kIds);
  m.set_stage_id(std::string(stage));
  m.set_criterion_id(std::string(criterion));
  return m;
}

// A stage change as a given: only what Evolve reads is filled in.
v1::OpportunityStageChanged Moved(absl::string_view from, absl::string_view to, v1::StageChangeKind kind) {
  const v1::PipelineDefined& pipeline = *EnterprisePipeline();
  const v1::Stage& stage = pipeline.stages(StageIndex(pipeline, to));
  auto m = Pb<v1::OpportunityStageChanged>(kIds);
  m.set_from_stage_id(std::string(from));
  m.set_to_stage_id(std::string(to));
  m.set_kind(kind);
  m.set_probability_percent(stage.probability_percent());
  m.set_forecast_category(stage.forecast_category());
  return m;
}

// An expected stage change of o1 with its amount and close date.
v1::OpportunityStageChanged Changed(absl::string_view text) {
  return Pb<v1::OpportunityStageChanged>(TextProto(kIds, "amount {", kUsd50k, "} ", CloseDate(), text));
}

std::vector<E> Fresh() { return {At(Day(0), Created())}; }

// o1 in Qualify since day 10, need_identified met.
std::vector<E> InQualify() {
  return {At(Day(0), Created()), At(Day(10), Done("prospect", "need_identified")),
          At(Day(10), Moved("prospect", "qualify", v1::STAGE_CHANGE_KIND_FORWARD))};
}

// o1 won on day 30 from Negotiate.
std::vector<E> Won() {
  std::vector<E> events = InQualify();
  events.push_back(At(Day(20), Moved("qualify", "negotiate", v1::STAGE_CHANGE_KIND_FORWARD)));
  events.push_back(At(Day(30), Moved("negotiate", "won", v1::STAGE_CHANGE_KIND_WON)));
  events.push_back(
      At(Day(30), With(Pb<v1::OpportunityWon>(kIds), R"pb(from_stage_id: "negotiate"
                                                          won_stage_id: "won"
                                                          amount { minor_units: 5000000 currency: "USD" })pb")));
  return events;
}

std::vector<E> Lost() {
  std::vector<E> events = InQualify();
  events.push_back(At(Day(30), Moved("qualify", "lost", v1::STAGE_CHANGE_KIND_LOST)));
  events.push_back(At(Day(30), With(Pb<v1::OpportunityLost>(kIds), R"pb(from_stage_id: "qualify"
                                                                        lost_stage_id: "lost"
                                                                        reason: "price")pb")));
  return events;
}

template <typename Request>
Request Req(absl::string_view text) {
  return Pb<Request>(TextProto(R"pb(request_id: "r1" opportunity_id: "o1")pb", text));
}

// ---------------------------------------------------------------------------------------------------

CreateOpportunity Create(absl::string_view text, UserState owner = User("u1")) {
  CreateOpportunity command;
  command.request = Pb<v1::CreateOpportunityRequest>(TextProto(R"pb(
                                                                 request_id: "r1"
                                                                 opportunity_id: "o1"
                                                                 account_id: "a1"
                                                                 pipeline_id: "enterprise"
                                                                 name: "ACME rollout"
                                                                 owner_user_id: "u1"
                                                                 lead_source: "web"
                                                                 lead_id: "l1"
                                                                 amount { minor_units: 5000000 currency: "USD" })pb",
                                                               CloseDate(), text));
  command.pipeline = EnterprisePipeline();
  command.account_exists = true;
  command.owner = std::move(owner);
  command.now = Day(0);
  return command;
}

TEST(OpportunityDeciderTest, CreateOpportunity) {
  CreateOpportunity no_pipeline = Create("");
  no_pipeline.pipeline = nullptr;
  CreateOpportunity no_account = Create("");
  no_account.account_exists = false;
  CreateOpportunity no_account_id = Create("");
  no_account_id.request.clear_account_id();
  no_account_id.account_exists = false;
  v1::OpportunityCreated created_without_account = Created();
  created_without_account.clear_account_id();
  CreateOpportunity no_amount = Create("");
  no_amount.request.clear_amount();
  v1::OpportunityCreated created_without_amount = Created();
  created_without_amount.clear_amount();
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, CreateOpportunity>>{
      {.name = "starts in the first open stage", .when = Create(""), .then = {At(Day(0), Created())}},
      {.name = "effective_time back-dates the creation",
       .when = Create(TextProto("effective_time { seconds: ", SecondsOf(Day(-5)), " }")),
       .then = {At(Day(-5), Created())}},
      {.name = "an import may start in a later open stage",
       .when = Create(R"pb(stage_id: "qualify")pb"),
       .then = {At(Day(0), With(Created(), R"pb(stage_id: "qualify" probability_percent: 30)pb"))}},
      {.name = "without an amount", .when = no_amount, .then = {At(Day(0), created_without_amount)}},
      {.name = "without an account (prospecting)",
       .when = no_account_id,
       .then = {At(Day(0), created_without_account)}},
      {.name = "never in a terminal stage",
       .when = Create(R"pb(stage_id: "won")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "terminal_stage: stage won"},
      {.name = "unknown stage",
       .when = Create(R"pb(stage_id: "dream")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "unknown_stage: stage dream is not in pipeline enterprise version 1"},
      {.name = "taken id",
       .given = Fresh(),
       .when = Create(""),
       .code = StatusCode::kAlreadyExists,
       .message = "opportunity o1 already exists"},
      {.name = "missing pipeline",
       .when = no_pipeline,
       .code = StatusCode::kNotFound,
       .message = "pipeline_id enterprise not found"},
      {.name = "missing account",
       .when = no_account,
       .code = StatusCode::kNotFound,
       .message = "account_id a1 not found"},
      {.name = "missing owner",
       .when = Create("", UserState{}),
       .code = StatusCode::kNotFound,
       .message = "owner_user_id u1 not found"},
      {.name = "deactivated owner",
       .when = Create("", User("u1", v1::USER_ROLE_REP, true)),
       .code = StatusCode::kFailedPrecondition,
       .message = "user_deactivated: owner_user_id u1 is deactivated"},
      {.name = "effective_time in the future",
       .when = Create(TextProto("effective_time { seconds: ", SecondsOf(Day(1)), " }")),
       .code = StatusCode::kInvalidArgument,
       .message = "is in the future"},
  });
}

// ---------------------------------------------------------------------------------------------------

MoveStage Move(absl::string_view text, absl::Time now = Day(20)) {
  return MoveStage{Req<v1::MoveStageRequest>(text), EnterprisePipeline(), now};
}

TEST(OpportunityDeciderTest, MoveStage) {
  MoveStage wrong_version = Move(R"pb(to_stage_id: "qualify")pb");
  wrong_version.pipeline = Definition("enterprise", 2, kEnterpriseStages);
  MoveStage no_pipeline = Move(R"pb(to_stage_id: "qualify")pb");
  no_pipeline.pipeline = nullptr;
  std::vector<E> criteria_done = InQualify();
  criteria_done.push_back(At(Day(12), Done("qualify", "budget_confirmed")));
  criteria_done.push_back(At(Day(12), Done("qualify", "decision_maker_known")));
  std::vector<E> reopened = Won();
  reopened.push_back(At(Day(40), Moved("won", "negotiate", v1::STAGE_CHANGE_KIND_REOPENED)));
  reopened.push_back(
      At(Day(40), With(Pb<v1::OpportunityReopened>(kIds), R"pb(previous_status: OPPORTUNITY_STATUS_WON)pb")));

  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, MoveStage>>{
      {.name = "forward with the exit criteria met earlier",
       .given = {At(Day(0), Created()), At(Day(5), Done("prospect", "need_identified"))},
       .when = Move(R"pb(to_stage_id: "qualify")pb"),
       .then = {At(Day(20), Changed(R"pb(
                     from_stage_id: "prospect"
                     to_stage_id: "qualify"
                     kind: STAGE_CHANGE_KIND_FORWARD
                     time_in_from_stage { seconds: 1728000 }  # 20 days in Prospect
                     from_probability_percent: 10
                     probability_percent: 30
                     from_forecast_category: FORECAST_CATEGORY_PIPELINE
                     forecast_category: FORECAST_CATEGORY_PIPELINE)pb"))}},
      {.name = "forward with the exit criteria met now",
       .given = Fresh(),
       .when = Move(R"pb(to_stage_id: "qualify" criteria_met: "need_identified")pb"),
       .then = {At(Day(20), Done("prospect", "need_identified")),
                At(Day(20), Changed(R"pb(
                     from_stage_id: "prospect"
                     to_stage_id: "qualify"
                     kind: STAGE_CHANGE_KIND_FORWARD
                     time_in_from_stage { seconds: 1728000 }
                     from_probability_percent: 10
                     probability_percent: 30
                     from_forecast_category: FORECAST_CATEGORY_PIPELINE
                     forecast_category: FORECAST_CATEGORY_PIPELINE)pb"))}},
      {.name = "forward without the exit criteria",
       .given = Fresh(),
       .when = Move(R"pb(to_stage_id: "qualify")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "exit_criteria_not_met: moving o1 from prospect to qualify needs the exit criteria "
                  "prospect/need_identified"},
      {.name = "skipping stages needs the criteria of every stage left, optional ones aside",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "negotiate" criteria_met: "budget_confirmed")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "needs the exit criteria qualify/decision_maker_known, propose/proposal_sent"},
      {.name = "skipping stages with every criterion met",
       .given = criteria_done,
       .when = Move(R"pb(to_stage_id: "negotiate" criteria_met: "proposal_sent")pb"),
       .then = {At(Day(20), Done("propose", "proposal_sent")),
                At(Day(20), Changed(R"pb(
                     from_stage_id: "qualify"
                     to_stage_id: "negotiate"
                     kind: STAGE_CHANGE_KIND_FORWARD
                     time_in_from_stage { seconds: 864000 }
                     from_probability_percent: 30
                     probability_percent: 80
                     from_forecast_category: FORECAST_CATEGORY_PIPELINE
                     forecast_category: FORECAST_CATEGORY_COMMIT)pb"))}},
      {.name = "backward without a reason",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "prospect" reason: "  ")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "backward_move_needs_reason: moving o1 from qualify to prospect (backwards) needs a reason"},
      {.name = "backward with a reason",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "prospect" reason: "champion left")pb"),
       .then = {At(Day(20), Changed(R"pb(
                     from_stage_id: "qualify"
                     to_stage_id: "prospect"
                     kind: STAGE_CHANGE_KIND_BACKWARD
                     time_in_from_stage { seconds: 864000 }
                     from_probability_percent: 30
                     probability_percent: 10
                     from_forecast_category: FORECAST_CATEGORY_PIPELINE
                     forecast_category: FORECAST_CATEGORY_PIPELINE
                     reason: "champion left")pb"))}},
      {.name = "to the current stage records criteria only",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "qualify" criteria_met: "timeline_known" criteria_met: "need_identified")pb"),
       .then = {At(Day(20), Done("qualify", "timeline_known"))}},
      {.name = "to the current stage with nothing new",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "qualify")pb"),
       .then = {}},
      {.name = "terminal stages are reached by closing",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "won")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "terminal_stage: stage won is a won or lost stage; close with CloseWon or CloseLost"},
      {.name = "unknown stage",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "limbo")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "unknown_stage: stage limbo"},
      {.name = "unknown criterion",
       .given = InQualify(),
       .when = Move(R"pb(to_stage_id: "propose" criteria_met: "vibes")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "unknown_criterion: criterion vibes is not in pipeline enterprise version 1"},
      {.name = "no moves on a won opportunity",
       .given = Won(),
       .when = Move(R"pb(to_stage_id: "qualify")pb", Day(40)),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity_closed: opportunity o1 is WON; Reopen it first"},
      {.name = "no moves on a lost opportunity",
       .given = Lost(),
       .when = Move(R"pb(to_stage_id: "qualify")pb", Day(40)),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity o1 is LOST"},
      {.name = "a reopened opportunity moves again",
       .given = reopened,
       .when = Move(R"pb(to_stage_id: "qualify" reason: "scope cut")pb", Day(45)),
       .then = {At(Day(45), Changed(R"pb(
                     from_stage_id: "negotiate"
                     to_stage_id: "qualify"
                     kind: STAGE_CHANGE_KIND_BACKWARD
                     time_in_from_stage { seconds: 432000 }
                     from_probability_percent: 80
                     probability_percent: 30
                     from_forecast_category: FORECAST_CATEGORY_COMMIT
                     forecast_category: FORECAST_CATEGORY_PIPELINE
                     reason: "scope cut")pb"))}},
      {.name = "missing opportunity",
       .when = Move(R"pb(to_stage_id: "qualify")pb"),
       .code = StatusCode::kNotFound,
       .message = "opportunity o1 not found"},
      {.name = "effective_time before the last change",
       .given = InQualify(),
       .when = Move(TextProto(R"pb(to_stage_id: "prospect"
                                   reason: "x"
                                   effective_time { seconds:)pb",
                              SecondsOf(Day(9)), "}")),
       .code = StatusCode::kFailedPrecondition,
       .message = "effective_time_before_last_change"},
      {.name = "back-dated move",
       .given = Fresh(),
       .when = Move(TextProto(R"pb(to_stage_id: "qualify"
                                   criteria_met: "need_identified"
                                   effective_time { seconds:)pb",
                              SecondsOf(Day(3)), "}")),
       .then = {At(Day(3), Done("prospect", "need_identified")),
                At(Day(3), Changed(R"pb(
                     from_stage_id: "prospect"
                     to_stage_id: "qualify"
                     kind: STAGE_CHANGE_KIND_FORWARD
                     time_in_from_stage { seconds: 259200 }
                     from_probability_percent: 10
                     probability_percent: 30
                     from_forecast_category: FORECAST_CATEGORY_PIPELINE
                     forecast_category: FORECAST_CATEGORY_PIPELINE)pb"))}},
      {.name = "the adapter passed another pipeline version",
       .given = Fresh(),
       .when = wrong_version,
       .code = StatusCode::kInternal,
       .message = "is on pipeline enterprise version 1, not enterprise version 2"},
      {.name = "the pipeline version is gone",
       .given = Fresh(),
       .when = no_pipeline,
       .code = StatusCode::kNotFound,
       .message = "pipeline enterprise version 1 not found"},
  });
}

// Redefining a pipeline never re-stages an opportunity: it keeps deciding on the version it is on.
TEST(OpportunityDeciderTest, MoveStageFollowsTheOpportunitysPipelineVersion) {
  // Version 2 drops the exit criterion of Prospect.
  v1::PipelineDefined v2 = *Definition("enterprise", 2, kEnterpriseStages);
  v2.mutable_stages(0)->clear_exit_criteria();
  const OpportunityState on_v1 = Fold(OpportunityState{}, Fresh());
  MoveStage move = Move(R"pb(to_stage_id: "qualify")pb");
  EXPECT_EQ(Decide(on_v1, move).status().code(), StatusCode::kFailedPrecondition);

  v1::OpportunityCreated created_on_v2 = Created();
  created_on_v2.set_pipeline_version(2);
  const OpportunityState on_v2 = Fold(OpportunityState{}, std::vector<E>{At(Day(0), created_on_v2)});
  move.pipeline = std::make_shared<const v1::PipelineDefined>(v2);
  EXPECT_TRUE(Decide(on_v2, move).ok());
}

// ---------------------------------------------------------------------------------------------------

CompleteCriterion Complete(absl::string_view text, absl::Time now = Day(20)) {
  return CompleteCriterion{Req<v1::CompleteCriterionRequest>(text), EnterprisePipeline(), now};
}

TEST(OpportunityDeciderTest, CompleteCriterion) {
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, CompleteCriterion>>{
      {.name = "records the criterion with its stage and note",
       .given = InQualify(),
       .when = Complete(R"pb(criterion_id: "budget_confirmed" note: "CFO signed off")pb"),
       .then = {At(Day(20), With(Done("qualify", "budget_confirmed"), R"pb(note: "CFO signed off")pb"))}},
      {.name = "a criterion of a later stage may be met early",
       .given = InQualify(),
       .when = Complete(R"pb(criterion_id: "proposal_sent")pb"),
       .then = {At(Day(20), Done("propose", "proposal_sent"))}},
      {.name = "met twice changes nothing",
       .given = InQualify(),
       .when = Complete(R"pb(criterion_id: "need_identified")pb"),
       .then = {}},
      {.name = "unknown criterion",
       .given = InQualify(),
       .when = Complete(R"pb(criterion_id: "vibes")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "unknown_criterion: criterion vibes"},
      {.name = "closed opportunity",
       .given = Won(),
       .when = Complete(R"pb(criterion_id: "budget_confirmed")pb", Day(40)),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity_closed"},
      {.name = "missing opportunity",
       .when = Complete(R"pb(criterion_id: "budget_confirmed")pb"),
       .code = StatusCode::kNotFound,
       .message = "opportunity o1 not found"},
  });
}

// ---------------------------------------------------------------------------------------------------

UpdateOpportunity Update(absl::string_view text, UserState owner = User("u2"), absl::Time now = Day(20)) {
  return UpdateOpportunity{Req<v1::UpdateOpportunityRequest>(text), std::move(owner), now};
}

TEST(OpportunityDeciderTest, UpdateOpportunity) {
  v1::OpportunityCreated no_amount = Created();
  no_amount.clear_amount();
  const std::string new_close = TextProto("expected_close_date { seconds: ", SecondsOf(Day(120)), " }");
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, UpdateOpportunity>>{
      {.name = "rename",
       .given = Fresh(),
       .when = Update(R"pb(name: "ACME global rollout")pb"),
       .then = {At(Day(20), With(Pb<v1::OpportunityRenamed>(kIds), R"pb(from_name: "ACME rollout"
                                                                        to_name: "ACME global rollout")pb"))}},
      {.name = "amount, with where it counts in the forecast",
       .given = InQualify(),
       .when = Update(R"pb(amount { minor_units: 7500000 currency: "USD" })pb"),
       .then = {At(Day(20), With(Pb<v1::OpportunityAmountChanged>(kIds), R"pb(
                     from_amount { minor_units: 5000000 currency: "USD" }
                     to_amount { minor_units: 7500000 currency: "USD" }
                     stage_id: "qualify"
                     probability_percent: 30
                     forecast_category: FORECAST_CATEGORY_PIPELINE)pb"))}},
      {.name = "the first amount sets the currency",
       .given = {At(Day(0), no_amount)},
       .when = Update(R"pb(amount { minor_units: 100 currency: "EUR" })pb"),
       .then = {At(Day(20), With(Pb<v1::OpportunityAmountChanged>(kIds), R"pb(
                     to_amount { minor_units: 100 currency: "EUR" }
                     stage_id: "prospect"
                     probability_percent: 10
                     forecast_category: FORECAST_CATEGORY_PIPELINE)pb"))}},
      {.name = "the currency does not change",
       .given = Fresh(),
       .when = Update(R"pb(amount { minor_units: 100 currency: "EUR" })pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "currency_change: amount.currency EUR differs from the currency of opportunity o1 (USD)"},
      {.name = "close date",
       .given = Fresh(),
       .when = Update(new_close),
       .then = {At(Day(20), Pb<v1::OpportunityCloseDateChanged>(TextProto(
                                kIds, absl::StrCat("from_", CloseDate()), absl::StrCat("to_", new_close),
                                R"pb(stage_id: "prospect" forecast_category: FORECAST_CATEGORY_PIPELINE)pb")))}},
      {.name = "owner: field 3 is the new owner",
       .given = Fresh(),
       .when = Update(R"pb(owner_user_id: "u2")pb"),
       .then = {At(Day(20), Pb<v1::OpportunityOwnerChanged>(R"pb(
                     opportunity_id: "o1"
                     account_id: "a1"
                     owner_user_id: "u2"
                     pipeline_id: "enterprise"
                     pipeline_version: 1
                     from_owner_user_id: "u1"
                     to_owner_user_id: "u2")pb"))}},
      {.name = "a deactivated new owner",
       .given = Fresh(),
       .when = Update(R"pb(owner_user_id: "u2")pb", User("u2", v1::USER_ROLE_REP, true)),
       .code = StatusCode::kFailedPrecondition,
       .message = "user_deactivated: owner_user_id u2"},
      {.name = "a missing new owner",
       .given = Fresh(),
       .when = Update(R"pb(owner_user_id: "u9")pb", UserState{}),
       .code = StatusCode::kNotFound,
       .message = "owner_user_id u9 not found"},
      {.name = "several fields: one event each, in a fixed order",
       .given = Fresh(),
       .when = Update(R"pb(owner_user_id: "u2"
                           name: "X"
                           amount { minor_units: 1 currency: "USD" })pb"),
       .then = {At(Day(20), With(Pb<v1::OpportunityRenamed>(kIds), R"pb(from_name: "ACME rollout" to_name: "X")pb")),
                At(Day(20), With(Pb<v1::OpportunityAmountChanged>(kIds), R"pb(
                     from_amount { minor_units: 5000000 currency: "USD" }
                     to_amount { minor_units: 1 currency: "USD" }
                     stage_id: "prospect"
                     probability_percent: 10
                     forecast_category: FORECAST_CATEGORY_PIPELINE)pb")),
                At(Day(20), With(Pb<v1::OpportunityOwnerChanged>(kIds), R"pb(
                     owner_user_id: "u2"
                     from_owner_user_id: "u1"
                     to_owner_user_id: "u2")pb"))}},
      {.name = "values equal to the current ones change nothing",
       .given = Fresh(),
       .when =
           Update(TextProto(R"pb(name: "ACME rollout" owner_user_id: "u1" amount {)pb", kUsd50k, "} ", CloseDate())),
       .then = {}},
      {.name = "the amount of a won deal is final",
       .given = Won(),
       .when = Update(R"pb(amount { minor_units: 1 currency: "USD" })pb", User("u2"), Day(40)),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity_closed: the amount of opportunity o1 is final since it was WON; Reopen it first"},
      {.name = "the close date of a lost deal is final",
       .given = Lost(),
       .when = Update(new_close, User("u2"), Day(40)),
       .code = StatusCode::kFailedPrecondition,
       .message = "the expected close date of opportunity o1 is final"},
      {.name = "a won deal can change hands",
       .given = Won(),
       .when = Update(R"pb(owner_user_id: "u2")pb", User("u2"), Day(40)),
       .then = {At(Day(40), With(Pb<v1::OpportunityOwnerChanged>(kIds), R"pb(
                     owner_user_id: "u2"
                     from_owner_user_id: "u1"
                     to_owner_user_id: "u2")pb"))}},
      {.name = "missing opportunity",
       .when = Update(R"pb(name: "X")pb"),
       .code = StatusCode::kNotFound,
       .message = "opportunity o1 not found"},
  });
}

RecordAcceptedQuote Accepted(int64_t minor_units, const std::string& currency, absl::Time at) {
  common::v1::Money total;
  total.set_minor_units(minor_units);
  total.set_currency(currency);
  return RecordAcceptedQuote{"o1", "q1", 2, total, at};
}

TEST(OpportunityDeciderTest, RecordAcceptedQuote) {
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, RecordAcceptedQuote>>{
      {.name = "the quote's total becomes the amount, naming the quote",
       .given = InQualify(),
       .when = Accepted(6200000, "USD", Day(25)),
       .then = {At(Day(25), With(Pb<v1::OpportunityAmountChanged>(kIds), R"pb(
                     from_amount { minor_units: 5000000 currency: "USD" }
                     to_amount { minor_units: 6200000 currency: "USD" }
                     stage_id: "qualify"
                     probability_percent: 30
                     forecast_category: FORECAST_CATEGORY_PIPELINE
                     quote_id: "q1"
                     quote_version: 2)pb"))}},
      {.name = "an acceptance older than the last change is recorded after it",
       .given = InQualify(),
       .when = Accepted(6200000, "USD", Day(1)),
       .then = {At(Day(10), With(Pb<v1::OpportunityAmountChanged>(kIds), R"pb(
                     from_amount { minor_units: 5000000 currency: "USD" }
                     to_amount { minor_units: 6200000 currency: "USD" }
                     stage_id: "qualify"
                     probability_percent: 30
                     forecast_category: FORECAST_CATEGORY_PIPELINE
                     quote_id: "q1"
                     quote_version: 2)pb"))}},
      {.name = "the same amount changes nothing",
       .given = Fresh(),
       .when = Accepted(5000000, "USD", Day(25)),
       .then = {}},
      {.name = "a quote in another currency",
       .given = Fresh(),
       .when = Accepted(100, "EUR", Day(25)),
       .code = StatusCode::kFailedPrecondition,
       .message = "currency_change"},
      {.name = "a lost deal keeps its amount",
       .given = Lost(),
       .when = Accepted(100, "USD", Day(45)),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity_closed"},
      {.name = "missing opportunity",
       .when = Accepted(100, "USD", Day(25)),
       .code = StatusCode::kNotFound,
       .message = "opportunity o1 not found"},
  });
}

// ---------------------------------------------------------------------------------------------------

CloseWon Win(absl::string_view text, absl::Time now = Day(30)) {
  return CloseWon{Req<v1::CloseWonRequest>(text), EnterprisePipeline(), now};
}

TEST(OpportunityDeciderTest, CloseWon) {
  v1::OpportunityCreated no_amount = Created();
  no_amount.clear_amount();
  const auto won = [](absl::string_view amount, int64_t cycle_days) {
    return With(Pb<v1::OpportunityWon>(kIds),
                TextProto(R"pb(from_stage_id: "qualify" won_stage_id: "won" lead_id: "l1" lead_source: "web")pb",
                          " amount {", amount, "} sales_cycle { seconds: ", cycle_days * kDaySeconds, " }"));
  };
  const auto to_won = [](absl::string_view amount, int64_t days_in_stage) {
    return Pb<v1::OpportunityStageChanged>(TextProto(kIds, "amount {", amount, "} ", CloseDate(), R"pb(
                                                       from_stage_id: "qualify"
                                                       to_stage_id: "won"
                                                       kind: STAGE_CHANGE_KIND_WON
                                                       from_probability_percent: 30
                                                       probability_percent: 100
                                                       from_forecast_category: FORECAST_CATEGORY_PIPELINE
                                                       forecast_category: FORECAST_CATEGORY_CLOSED)pb",
                                                     " time_in_from_stage { seconds: ", days_in_stage * kDaySeconds,
                                                     " }"));
  };
  constexpr char kUsd60k[] = R"pb(minor_units: 6000000 currency: "USD")pb";
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, CloseWon>>{
      {.name = "with the current amount; open exit criteria do not block a signed deal",
       .given = InQualify(),
       .when = Win(""),
       .then = {At(Day(30), to_won(kUsd50k, 20)), At(Day(30), won(kUsd50k, 30))}},
      {.name = "with a final amount",
       .given = InQualify(),
       .when = Win(R"pb(amount { minor_units: 6000000 currency: "USD" })pb"),
       .then = {At(Day(30), With(Pb<v1::OpportunityAmountChanged>(kIds), R"pb(
                     from_amount { minor_units: 5000000 currency: "USD" }
                     to_amount { minor_units: 6000000 currency: "USD" }
                     stage_id: "qualify"
                     probability_percent: 30
                     forecast_category: FORECAST_CATEGORY_PIPELINE)pb")),
                At(Day(30), to_won(kUsd60k, 20)), At(Day(30), won(kUsd60k, 30))}},
      {.name = "back-dated win",
       .given = InQualify(),
       .when = Win(TextProto("effective_time { seconds: ", SecondsOf(Day(25)), " }")),
       .then = {At(Day(25), to_won(kUsd50k, 15)), At(Day(25), won(kUsd50k, 25))}},
      {.name = "no amount anywhere",
       .given = {At(Day(0), no_amount)},
       .when = Win(""),
       .code = StatusCode::kFailedPrecondition,
       .message = "amount_required: opportunity o1 has no amount"},
      {.name = "another currency",
       .given = InQualify(),
       .when = Win(R"pb(amount { minor_units: 1 currency: "EUR" })pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "currency_change"},
      {.name = "already won",
       .given = Won(),
       .when = Win("", Day(40)),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity_closed: opportunity o1 is WON"},
      {.name = "missing opportunity", .when = Win(""), .code = StatusCode::kNotFound, .message = "o1 not found"},
  });
}

// ---------------------------------------------------------------------------------------------------

CloseLost Lose(absl::string_view text, PipelineDefinition pipeline = EnterprisePipeline()) {
  return CloseLost{Req<v1::CloseLostRequest>(TextProto(R"pb(reason: "price")pb", text)), std::move(pipeline), Day(30)};
}

TEST(OpportunityDeciderTest, CloseLost) {
  const auto to_lost = [](absl::string_view stage) {
    return Pb<v1::OpportunityStageChanged>(
        TextProto(kIds, "amount {", kUsd50k, "} ", CloseDate(), absl::StrCat("to_stage_id: \"", stage, "\""), R"pb(
          from_stage_id: "qualify"
          kind: STAGE_CHANGE_KIND_LOST
          time_in_from_stage { seconds: 1728000 }
          from_probability_percent: 30
          probability_percent: 0
          from_forecast_category: FORECAST_CATEGORY_PIPELINE
          forecast_category: FORECAST_CATEGORY_OMITTED
          reason: "price")pb"));
  };
  const auto lost = [](absl::string_view stage) {
    return With(Pb<v1::OpportunityLost>(kIds), TextProto(absl::StrCat("lost_stage_id: \"", stage, "\""), R"pb(
                  from_stage_id: "qualify"
                  amount { minor_units: 5000000 currency: "USD" }
                  reason: "price"
                  competitor: "Initech"
                  lead_id: "l1"
                  lead_source: "web"
                  sales_cycle { seconds: 2592000 })pb"));
  };
  // The same deal on the MavenTech pipeline, which has one lost stage.
  const std::vector<E> maven = {At(Day(0), With(Created(), R"pb(pipeline_id: "maven"
                                                                stage_id: "engaging"
                                                                probability_percent: 50
                                                                forecast_category: FORECAST_CATEGORY_BEST_CASE)pb"))};
  const auto maven_ids = [](v1::OpportunityStageChanged m) {
    m.set_pipeline_id("maven");
    return m;
  };
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, CloseLost>>{
      {.name = "to the named lost stage",
       .given = InQualify(),
       .when = Lose(R"pb(lost_stage_id: "lost" competitor: "Initech")pb"),
       .then = {At(Day(30), to_lost("lost")), At(Day(30), lost("lost"))}},
      {.name = "several lost stages need a name",
       .given = InQualify(),
       .when = Lose(""),
       .code = StatusCode::kFailedPrecondition,
       .message = "lost_stage_required: pipeline enterprise has 2 lost stages (lost, no_decision)"},
      {.name = "the only lost stage is implied",
       .given = maven,
       .when = Lose("", MavenPipeline()),
       .then = {At(Day(30), maven_ids(Pb<v1::OpportunityStageChanged>(
                                TextProto(kIds, "amount {", kUsd50k, "} ", CloseDate(), R"pb(
                                  from_stage_id: "engaging"
                                  to_stage_id: "lost"
                                  kind: STAGE_CHANGE_KIND_LOST
                                  time_in_from_stage { seconds: 2592000 }
                                  from_probability_percent: 50
                                  probability_percent: 0
                                  from_forecast_category: FORECAST_CATEGORY_BEST_CASE
                                  forecast_category: FORECAST_CATEGORY_OMITTED
                                  reason: "price")pb")))),
                At(Day(30), With(Pb<v1::OpportunityLost>(kIds), R"pb(
                     pipeline_id: "maven"
                     from_stage_id: "engaging"
                     lost_stage_id: "lost"
                     amount { minor_units: 5000000 currency: "USD" }
                     reason: "price"
                     lead_id: "l1"
                     lead_source: "web"
                     sales_cycle { seconds: 2592000 })pb"))}},
      {.name = "not a lost stage",
       .given = InQualify(),
       .when = Lose(R"pb(lost_stage_id: "won")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "not_a_lost_stage: lost_stage_id won"},
      {.name = "unknown lost stage",
       .given = InQualify(),
       .when = Lose(R"pb(lost_stage_id: "gone")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "unknown_stage: lost_stage_id gone"},
      {.name = "already lost",
       .given = Lost(),
       .when = Lose(R"pb(lost_stage_id: "lost")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity_closed: opportunity o1 is LOST"},
      {.name = "missing opportunity", .when = Lose(""), .code = StatusCode::kNotFound, .message = "o1 not found"},
  });
}

// ---------------------------------------------------------------------------------------------------

Reopen ReopenCmd(absl::string_view text) {
  return Reopen{Req<v1::ReopenRequest>(TextProto(R"pb(reason: "budget freed up")pb", text)), EnterprisePipeline(),
                Day(40)};
}

TEST(OpportunityDeciderTest, Reopen) {
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, Reopen>>{
      {.name = "a won deal returns to the stage it was won from",
       .given = Won(),
       .when = ReopenCmd(""),
       .then = {At(Day(40), Changed(R"pb(
                     from_stage_id: "won"
                     to_stage_id: "negotiate"
                     kind: STAGE_CHANGE_KIND_REOPENED
                     time_in_from_stage { seconds: 864000 }
                     from_probability_percent: 100
                     probability_percent: 80
                     from_forecast_category: FORECAST_CATEGORY_CLOSED
                     forecast_category: FORECAST_CATEGORY_COMMIT
                     reason: "budget freed up")pb")),
                At(Day(40), With(Pb<v1::OpportunityReopened>(kIds), R"pb(
                     from_stage_id: "won"
                     to_stage_id: "negotiate"
                     previous_status: OPPORTUNITY_STATUS_WON
                     reason: "budget freed up"
                     amount { minor_units: 5000000 currency: "USD" })pb"))}},
      {.name = "a lost deal to a named stage",
       .given = Lost(),
       .when = ReopenCmd(R"pb(to_stage_id: "prospect")pb"),
       .then = {At(Day(40), Changed(R"pb(
                     from_stage_id: "lost"
                     to_stage_id: "prospect"
                     kind: STAGE_CHANGE_KIND_REOPENED
                     time_in_from_stage { seconds: 864000 }
                     from_probability_percent: 0
                     probability_percent: 10
                     from_forecast_category: FORECAST_CATEGORY_OMITTED
                     forecast_category: FORECAST_CATEGORY_PIPELINE
                     reason: "budget freed up")pb")),
                At(Day(40), With(Pb<v1::OpportunityReopened>(kIds), R"pb(
                     from_stage_id: "lost"
                     to_stage_id: "prospect"
                     previous_status: OPPORTUNITY_STATUS_LOST
                     reason: "budget freed up"
                     amount { minor_units: 5000000 currency: "USD" })pb"))}},
      {.name = "an open deal",
       .given = InQualify(),
       .when = ReopenCmd(""),
       .code = StatusCode::kFailedPrecondition,
       .message = "opportunity_open: opportunity o1 is open"},
      {.name = "into a terminal stage",
       .given = Lost(),
       .when = ReopenCmd(R"pb(to_stage_id: "won")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "terminal_stage: stage won is a won or lost stage; reopen"},
      {.name = "missing opportunity", .when = ReopenCmd(""), .code = StatusCode::kNotFound, .message = "o1 not found"},
  });
}

// ---------------------------------------------------------------------------------------------------

ContactState Contact(absl::string_view id, v1::BuyingRole role = v1::BUYING_ROLE_UNSPECIFIED) {
  ContactState contact;
  contact.exists = true;
  contact.contact_id = std::string(id);
  contact.account_id = "a9";
  contact.buying_role = role;
  return contact;
}

AddContactToOpportunity Add(absl::string_view text, ContactState contact, absl::Time now = Day(20)) {
  return AddContactToOpportunity{Req<v1::AddContactToOpportunityRequest>(text), std::move(contact), now};
}

v1::ContactAddedToOpportunity Added(absl::string_view contact_id, absl::string_view role) {
  return Pb<v1::ContactAddedToOpportunity>(
      TextProto(kIds, absl::StrCat("contact_id: \"", contact_id, "\" role: ", role, " contact_account_id: \"a9\"")));
}

TEST(OpportunityDeciderTest, AddContactToOpportunity) {
  std::vector<E> with_c1 = Fresh();
  with_c1.push_back(At(Day(1), Added("c1", "BUYING_ROLE_CHAMPION")));
  std::vector<E> full = Fresh();
  for (int i = 0; i < 50; ++i) full.push_back(At(Day(1), Added(absl::StrCat("c", i), "BUYING_ROLE_USER")));
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, AddContactToOpportunity>>{
      {.name = "with a role for this deal",
       .given = Fresh(),
       .when = Add(R"pb(contact_id: "c1" role: BUYING_ROLE_CHAMPION)pb", Contact("c1", v1::BUYING_ROLE_USER)),
       .then = {At(Day(20), Added("c1", "BUYING_ROLE_CHAMPION"))}},
      {.name = "with the contact's usual role",
       .given = Fresh(),
       .when = Add(R"pb(contact_id: "c1")pb", Contact("c1", v1::BUYING_ROLE_ECONOMIC_BUYER)),
       .then = {At(Day(20), Added("c1", "BUYING_ROLE_ECONOMIC_BUYER"))}},
      {.name = "without any role",
       .given = Fresh(),
       .when = Add(R"pb(contact_id: "c1")pb", Contact("c1")),
       .then = {At(Day(20), Added("c1", "BUYING_ROLE_OTHER"))}},
      {.name = "again with the same role",
       .given = with_c1,
       .when = Add(R"pb(contact_id: "c1" role: BUYING_ROLE_CHAMPION)pb", Contact("c1")),
       .then = {}},
      {.name = "again with another role",
       .given = with_c1,
       .when = Add(R"pb(contact_id: "c1" role: BUYING_ROLE_BLOCKER)pb", Contact("c1")),
       .then = {At(Day(20),
                   Pb<v1::OpportunityContactRoleChanged>(TextProto(kIds, R"pb(contact_id: "c1"
                                                                              from_role: BUYING_ROLE_CHAMPION
                                                                              to_role: BUYING_ROLE_BLOCKER)pb")))}},
      {.name = "a closed deal keeps its committee up to date",
       .given = Won(),
       .when = Add(R"pb(contact_id: "c1" role: BUYING_ROLE_USER)pb", Contact("c1"), Day(40)),
       .then = {At(Day(40), Added("c1", "BUYING_ROLE_USER"))}},
      {.name = "a server clock behind the last change does not date the event before it",
       .given = Won(),
       .when = Add(R"pb(contact_id: "c1" role: BUYING_ROLE_USER)pb", Contact("c1"), Day(29)),
       .then = {At(Day(30), Added("c1", "BUYING_ROLE_USER"))}},
      {.name = "missing contact",
       .given = Fresh(),
       .when = Add(R"pb(contact_id: "c1")pb", ContactState{}),
       .code = StatusCode::kNotFound,
       .message = "contact_id c1 not found"},
      {.name = "a full committee",
       .given = full,
       .when = Add(R"pb(contact_id: "c99")pb", Contact("c99")),
       .code = StatusCode::kResourceExhausted,
       .message = "already has 50 contacts"},
      {.name = "missing opportunity",
       .when = Add(R"pb(contact_id: "c1")pb", Contact("c1")),
       .code = StatusCode::kNotFound,
       .message = "opportunity o1 not found"},
  });
}

TEST(OpportunityDeciderTest, RemoveContactFromOpportunity) {
  std::vector<E> with_c1 = Fresh();
  with_c1.push_back(At(Day(1), Added("c1", "BUYING_ROLE_CHAMPION")));
  const auto remove = [](absl::string_view contact) {
    return RemoveContactFromOpportunity{
        Req<v1::RemoveContactFromOpportunityRequest>(absl::StrCat("contact_id: \"", contact, "\"")), Day(20)};
  };
  RunDeciderTable<OpportunityState>(std::vector<DeciderCase<E, RemoveContactFromOpportunity>>{
      {.name = "removes with the role it had",
       .given = with_c1,
       .when = remove("c1"),
       .then = {At(Day(20),
                   Pb<v1::ContactRemovedFromOpportunity>(TextProto(kIds, R"pb(contact_id: "c1"
                                                                              role: BUYING_ROLE_CHAMPION)pb")))}},
      {.name = "not a member",
       .given = with_c1,
       .when = remove("c2"),
       .code = StatusCode::kNotFound,
       .message = "contact c2 is not in the buying committee of opportunity o1"},
      {.name = "missing opportunity",
       .when = remove("c1"),
       .code = StatusCode::kNotFound,
       .message = "opportunity o1 not found"},
  });
}

// ---------------------------------------------------------------------------------------------------

TEST(OpportunityEvolveTest, KeepsTheStageHistoryAndTheOutcome) {
  std::vector<E> events = Won();
  events.push_back(At(Day(40), Moved("won", "negotiate", v1::STAGE_CHANGE_KIND_REOPENED)));
  events.push_back(At(Day(40), Pb<v1::OpportunityReopened>(kIds)));
  const OpportunityState won = Fold(OpportunityState{}, Won());
  EXPECT_EQ(won.status, v1::OPPORTUNITY_STATUS_WON);
  EXPECT_EQ(won.closed_at, Day(30));
  EXPECT_EQ(won.stage_before_close, "negotiate");
  EXPECT_EQ(won.probability_percent, 100);

  const OpportunityState state = Fold(OpportunityState{}, events);
  EXPECT_EQ(state.status, v1::OPPORTUNITY_STATUS_OPEN);
  EXPECT_EQ(state.stage_id, "negotiate");
  EXPECT_EQ(state.closed_at, absl::InfinitePast());
  ASSERT_EQ(state.history.size(), 5u);
  const std::vector<std::string> stages = {"prospect", "qualify", "negotiate", "won", "negotiate"};
  const std::vector<absl::Time> entered = {Day(0), Day(10), Day(20), Day(30), Day(40)};
  for (size_t i = 0; i < stages.size(); ++i) {
    EXPECT_EQ(state.history[i].stage_id, stages[i]);
    EXPECT_EQ(state.history[i].entered_at, entered[i]);
    EXPECT_EQ(state.history[i].left_at, i + 1 < stages.size() ? entered[i + 1] : absl::InfiniteFuture());
  }
  EXPECT_EQ(state.history.back().entered_by, v1::STAGE_CHANGE_KIND_REOPENED);
  EXPECT_TRUE(state.IsCompleted("need_identified"));
  EXPECT_EQ(state.last_changed_at, Day(40));
}

}  // namespace
}  // namespace sfa::opportunity::domain

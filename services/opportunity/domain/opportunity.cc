#include "opportunity/domain/opportunity.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "opportunity/domain/limits.h"
#include "opportunity/domain/support.h"

namespace sfa::opportunity::domain {
namespace {

using Events = std::vector<OpportunityEvent>;
using google::protobuf::RepeatedPtrField;

// ---------------------------------------------------------------------------------------------------
// Evolve

void Apply(OpportunityState& s, const v1::OpportunityCreated& e, absl::Time at) {
  s.exists = true;
  s.opportunity_id = e.opportunity_id();
  s.account_id = e.account_id();
  s.owner_user_id = e.owner_user_id();
  s.pipeline_id = e.pipeline_id();
  s.pipeline_version = e.pipeline_version();
  s.name = e.name();
  if (e.has_amount()) s.amount = e.amount();
  if (e.has_expected_close_date()) s.expected_close_date = ToTime(e.expected_close_date());
  s.lead_source = e.lead_source();
  s.lead_id = e.lead_id();
  s.stage_id = e.stage_id();
  s.status = v1::OPPORTUNITY_STATUS_OPEN;
  s.probability_percent = e.probability_percent();
  s.forecast_category = e.forecast_category();
  s.history = {StageVisit{e.stage_id(), at}};
  s.created_at = at;
}

void Apply(OpportunityState& s, const v1::OpportunityStageChanged& e, absl::Time at) {
  if (!s.history.empty()) s.history.back().left_at = at;
  s.history.push_back(StageVisit{e.to_stage_id(), at, absl::InfiniteFuture(), e.kind()});
  s.stage_id = e.to_stage_id();
  s.probability_percent = e.probability_percent();
  s.forecast_category = e.forecast_category();
}

void Apply(OpportunityState& s, const v1::CriterionCompleted& e, absl::Time at) {
  s.completed_criteria.push_back(CriterionRecord{e.stage_id(), e.criterion_id(), e.note(), at});
}

void Apply(OpportunityState& s, const v1::OpportunityRenamed& e, absl::Time) { s.name = e.to_name(); }

void Apply(OpportunityState& s, const v1::OpportunityAmountChanged& e, absl::Time) { s.amount = e.to_amount(); }

void Apply(OpportunityState& s, const v1::OpportunityCloseDateChanged& e, absl::Time) {
  s.expected_close_date =
      e.has_to_expected_close_date() ? std::optional(ToTime(e.to_expected_close_date())) : std::nullopt;
}

void Apply(OpportunityState& s, const v1::OpportunityOwnerChanged& e, absl::Time) {
  s.owner_user_id = e.to_owner_user_id();
}

void Apply(OpportunityState& s, const v1::OpportunityWon& e, absl::Time at) {
  s.status = v1::OPPORTUNITY_STATUS_WON;
  s.closed_at = at;
  s.stage_before_close = e.from_stage_id();
  if (e.has_amount()) s.amount = e.amount();
}

void Apply(OpportunityState& s, const v1::OpportunityLost& e, absl::Time at) {
  s.status = v1::OPPORTUNITY_STATUS_LOST;
  s.closed_at = at;
  s.stage_before_close = e.from_stage_id();
  s.lost_reason = e.reason();
  s.competitor = e.competitor();
}

void Apply(OpportunityState& s, const v1::OpportunityReopened&, absl::Time) {
  s.status = v1::OPPORTUNITY_STATUS_OPEN;
  s.closed_at = absl::InfinitePast();
  s.stage_before_close.clear();
  s.lost_reason.clear();
  s.competitor.clear();
}

void Apply(OpportunityState& s, const v1::ContactAddedToOpportunity& e, absl::Time) {
  s.committee.push_back(CommitteeSeat{e.contact_id(), e.role()});
}

void Apply(OpportunityState& s, const v1::OpportunityContactRoleChanged& e, absl::Time) {
  for (CommitteeSeat& seat : s.committee) {
    if (seat.contact_id == e.contact_id()) seat.role = e.to_role();
  }
}

void Apply(OpportunityState& s, const v1::ContactRemovedFromOpportunity& e, absl::Time) {
  std::erase_if(s.committee, [&](const CommitteeSeat& seat) { return seat.contact_id == e.contact_id(); });
}

// ---------------------------------------------------------------------------------------------------
// Building events

// Collects a decision's events and folds each into a working state, so that an event emitted after
// another carries the ids, amount and stage as they are after it.
class Emitter {
 public:
  Emitter(const OpportunityState& state, absl::Time at) : state_(state), at_(at) {}

  const OpportunityState& state() const { return state_; }

  template <typename Message>
  void Emit(Message message) {
    OpportunityEvent event{at_, OpportunityPayload(std::move(message))};
    state_ = Evolve(std::move(state_), event);
    events_.push_back(std::move(event));
  }

  Events Take() && { return std::move(events_); }

 private:
  OpportunityState state_;
  absl::Time at_;
  Events events_;
};

// A message of type `Message` with the ids every opportunity event starts with (fields 1-5).
template <typename Message>
Message Stamped(const OpportunityState& s) {
  Message m;
  m.set_opportunity_id(s.opportunity_id);
  m.set_account_id(s.account_id);
  m.set_owner_user_id(s.owner_user_id);
  m.set_pipeline_id(s.pipeline_id);
  m.set_pipeline_version(s.pipeline_version);
  return m;
}

v1::OpportunityStageChanged StageChange(const OpportunityState& s, const v1::Stage& to, v1::StageChangeKind kind,
                                        absl::Time at, absl::string_view reason) {
  auto m = Stamped<v1::OpportunityStageChanged>(s);
  m.set_from_stage_id(s.stage_id);
  m.set_to_stage_id(to.stage_id());
  m.set_kind(kind);
  *m.mutable_time_in_from_stage() = ToDurationProto(at - s.history.back().entered_at);
  if (s.amount) *m.mutable_amount() = *s.amount;
  m.set_from_probability_percent(s.probability_percent);
  m.set_probability_percent(to.probability_percent());
  m.set_from_forecast_category(s.forecast_category);
  m.set_forecast_category(to.forecast_category());
  if (s.expected_close_date) *m.mutable_expected_close_date() = ToTimestamp(*s.expected_close_date);
  m.set_reason(std::string(reason));
  return m;
}

v1::CriterionCompleted Completion(const OpportunityState& s, const CriterionRef& ref, absl::string_view note) {
  auto m = Stamped<v1::CriterionCompleted>(s);
  m.set_stage_id(ref.stage->stage_id());
  m.set_criterion_id(ref.criterion->criterion_id());
  m.set_note(std::string(note));
  return m;
}

v1::OpportunityAmountChanged AmountChange(const OpportunityState& s, const common::v1::Money& to) {
  auto m = Stamped<v1::OpportunityAmountChanged>(s);
  if (s.amount) *m.mutable_from_amount() = *s.amount;
  *m.mutable_to_amount() = to;
  m.set_stage_id(s.stage_id);
  m.set_probability_percent(s.probability_percent);
  m.set_forecast_category(s.forecast_category);
  return m;
}

v1::OpportunityCloseDateChanged CloseDateChange(const OpportunityState& s, const google::protobuf::Timestamp& to) {
  auto m = Stamped<v1::OpportunityCloseDateChanged>(s);
  if (s.expected_close_date) *m.mutable_from_expected_close_date() = ToTimestamp(*s.expected_close_date);
  *m.mutable_to_expected_close_date() = to;
  m.set_stage_id(s.stage_id);
  m.set_forecast_category(s.forecast_category);
  return m;
}

// ---------------------------------------------------------------------------------------------------
// Rules

absl::string_view StatusName(v1::OpportunityStatus status) {
  switch (status) {
    case v1::OPPORTUNITY_STATUS_OPEN:
      return "OPEN";
    case v1::OPPORTUNITY_STATUS_WON:
      return "WON";
    case v1::OPPORTUNITY_STATUS_LOST:
      return "LOST";
    default:
      return "UNSPECIFIED";
  }
}

bool IsBlank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

absl::Status CheckExists(const OpportunityState& s, absl::string_view opportunity_id) {
  if (!s.exists) return absl::NotFoundError(absl::StrCat("opportunity ", opportunity_id, " not found"));
  return absl::OkStatus();
}

absl::Status CheckOpen(const OpportunityState& s, absl::string_view opportunity_id) {
  SFA_RETURN_IF_ERROR(CheckExists(s, opportunity_id));
  if (!s.IsOpen()) {
    return RuleViolation("opportunity_closed", absl::StrCat("opportunity ", opportunity_id, " is ",
                                                            StatusName(s.status), "; Reopen it first"));
  }
  return absl::OkStatus();
}

// `what` of a closed deal is final: the won amount is what the ERP invoices.
absl::Status CheckFinal(const OpportunityState& s, absl::string_view what) {
  if (s.IsOpen()) return absl::OkStatus();
  return RuleViolation("opportunity_closed",
                       absl::StrCat(what, " of opportunity ", s.opportunity_id, " is final since it was ",
                                    StatusName(s.status), "; Reopen it first"));
}

// One currency per deal keeps account totals and forecasts summable without exchange rates.
absl::Status CheckCurrency(const OpportunityState& s, const common::v1::Money& amount) {
  if (!s.amount || s.amount->currency() == amount.currency()) return absl::OkStatus();
  return RuleViolation("currency_change",
                       absl::StrCat("amount.currency ", amount.currency(), " differs from the currency of opportunity ",
                                    s.opportunity_id, " (", s.amount->currency(), ")"));
}

// The definition the opportunity is on. The adapter looks it up from the state, so a mismatch is a bug
// there, not a client error.
absl::StatusOr<const v1::PipelineDefined*> PipelineOf(const OpportunityState& s, const PipelineDefinition& pipeline) {
  if (pipeline == nullptr) {
    return absl::NotFoundError(absl::StrCat("pipeline ", s.pipeline_id, " version ", s.pipeline_version, " not found"));
  }
  if (pipeline->pipeline_id() != s.pipeline_id || pipeline->pipeline_version() != s.pipeline_version) {
    return absl::InternalError(absl::StrCat("opportunity ", s.opportunity_id, " is on pipeline ", s.pipeline_id,
                                            " version ", s.pipeline_version, ", not ", pipeline->pipeline_id(),
                                            " version ", pipeline->pipeline_version()));
  }
  return pipeline.get();
}

// Index of an open stage of `pipeline`; `hint` tells what to do instead when the stage is terminal.
absl::StatusOr<int> OpenStageIndex(const v1::PipelineDefined& pipeline, absl::string_view stage_id,
                                   absl::string_view hint) {
  const int index = StageIndex(pipeline, stage_id);
  if (index < 0) {
    return RuleViolation("unknown_stage",
                         absl::StrCat("stage ", stage_id, " is not in pipeline ", pipeline.pipeline_id(), " version ",
                                      pipeline.pipeline_version()));
  }
  if (pipeline.stages(index).type() != v1::STAGE_TYPE_OPEN) {
    return RuleViolation("terminal_stage", absl::StrCat("stage ", stage_id, " is a won or lost stage; ", hint));
  }
  return index;
}

// The current stage's index; the state always names a stage of its own pipeline version.
absl::StatusOr<int> CurrentStageIndex(const OpportunityState& s, const v1::PipelineDefined& pipeline) {
  const int index = StageIndex(pipeline, s.stage_id);
  if (index < 0) {
    return absl::InternalError(absl::StrCat("stage ", s.stage_id, " of opportunity ", s.opportunity_id,
                                            " is missing from its pipeline version"));
  }
  return index;
}

// Resolves criteria_met; returns those not met before, in request order.
absl::StatusOr<std::vector<CriterionRef>> NewlyMet(const OpportunityState& s, const v1::PipelineDefined& pipeline,
                                                   const RepeatedPtrField<std::string>& criteria_met) {
  std::vector<CriterionRef> out;
  for (const std::string& id : criteria_met) {
    const std::optional<CriterionRef> ref = FindCriterion(pipeline, id);
    if (!ref) {
      return RuleViolation("unknown_criterion",
                           absl::StrCat("criterion ", id, " is not in pipeline ", pipeline.pipeline_id(), " version ",
                                        pipeline.pipeline_version()));
    }
    if (!s.IsCompleted(id)) out.push_back(*ref);
  }
  return out;
}

// Required exit criteria of the stages [from, to) met neither before nor now, as "stage/criterion".
std::vector<std::string> MissingExitCriteria(const OpportunityState& s, const v1::PipelineDefined& pipeline, int from,
                                             int to, const RepeatedPtrField<std::string>& met_now) {
  std::vector<std::string> missing;
  for (int i = from; i < to; ++i) {
    const v1::Stage& stage = pipeline.stages(i);
    for (const v1::ExitCriterion& c : stage.exit_criteria()) {
      const bool met = s.IsCompleted(c.criterion_id()) ||
                       std::find(met_now.begin(), met_now.end(), c.criterion_id()) != met_now.end();
      if (c.required() && !met) missing.push_back(absl::StrCat(stage.stage_id(), "/", c.criterion_id()));
    }
  }
  return missing;
}

absl::Status CheckMove(const OpportunityState& s, const v1::PipelineDefined& pipeline, int from, int to,
                       const v1::MoveStageRequest& request) {
  const std::string move = absl::StrCat("moving ", s.opportunity_id, " from ", pipeline.stages(from).stage_id(), " to ",
                                        pipeline.stages(to).stage_id());
  if (to > from) {
    const std::vector<std::string> missing = MissingExitCriteria(s, pipeline, from, to, request.criteria_met());
    if (!missing.empty()) {
      return RuleViolation("exit_criteria_not_met",
                           absl::StrCat(move, " needs the exit criteria ", absl::StrJoin(missing, ", ")));
    }
  } else if (to < from && IsBlank(request.reason())) {
    return RuleViolation("backward_move_needs_reason", absl::StrCat(move, " (backwards) needs a reason"));
  }
  return absl::OkStatus();
}

absl::StatusOr<const v1::Stage*> LostStageFor(const v1::PipelineDefined& pipeline, absl::string_view lost_stage_id) {
  if (!lost_stage_id.empty()) {
    const int index = StageIndex(pipeline, lost_stage_id);
    if (index < 0) {
      return RuleViolation("unknown_stage",
                           absl::StrCat("lost_stage_id ", lost_stage_id, " is not in pipeline ", pipeline.pipeline_id(),
                                        " version ", pipeline.pipeline_version()));
    }
    if (pipeline.stages(index).type() != v1::STAGE_TYPE_LOST) {
      return RuleViolation("not_a_lost_stage", absl::StrCat("lost_stage_id ", lost_stage_id, " is not a lost stage"));
    }
    return &pipeline.stages(index);
  }
  const std::vector<const v1::Stage*> lost = LostStages(pipeline);
  if (lost.size() == 1) return lost.front();
  return RuleViolation(
      "lost_stage_required",
      absl::StrCat(
          "pipeline ", pipeline.pipeline_id(), " has ", lost.size(), " lost stages (",
          absl::StrJoin(lost, ", ", [](std::string* out, const v1::Stage* st) { out->append(st->stage_id()); }),
          "); name one in lost_stage_id"));
}

}  // namespace

bool OpportunityState::IsCompleted(absl::string_view criterion_id) const {
  return std::any_of(completed_criteria.begin(), completed_criteria.end(),
                     [&](const CriterionRecord& r) { return r.criterion_id == criterion_id; });
}

const CommitteeSeat* OpportunityState::Seat(absl::string_view contact_id) const {
  for (const CommitteeSeat& seat : committee) {
    if (seat.contact_id == contact_id) return &seat;
  }
  return nullptr;
}

OpportunityState Evolve(OpportunityState state, const OpportunityEvent& event) {
  std::visit([&](const auto& payload) { Apply(state, payload, event.occurred_at); }, event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const CreateOpportunity& command) {
  const v1::CreateOpportunityRequest& request = command.request;
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat("opportunity ", request.opportunity_id(), " already exists"));
  }
  if (command.pipeline == nullptr) {
    return absl::NotFoundError(absl::StrCat("pipeline_id ", request.pipeline_id(), " not found"));
  }
  if (!request.account_id().empty() && !command.account_exists) {
    return absl::NotFoundError(absl::StrCat("account_id ", request.account_id(), " not found"));
  }
  SFA_RETURN_IF_ERROR(CheckActiveUser(command.owner, "owner_user_id", request.owner_user_id()));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now);
  if (!at.ok()) return at.status();
  const v1::PipelineDefined& pipeline = *command.pipeline;
  const v1::Stage* stage = FirstOpenStage(pipeline);
  if (!request.stage_id().empty()) {
    absl::StatusOr<int> index = OpenStageIndex(pipeline, request.stage_id(), "an opportunity starts open");
    if (!index.ok()) return index.status();
    stage = &pipeline.stages(*index);
  }
  v1::OpportunityCreated created;
  created.set_opportunity_id(request.opportunity_id());
  created.set_account_id(request.account_id());
  created.set_owner_user_id(request.owner_user_id());
  created.set_pipeline_id(pipeline.pipeline_id());
  created.set_pipeline_version(pipeline.pipeline_version());
  created.set_name(request.name());
  if (request.has_amount()) *created.mutable_amount() = request.amount();
  if (request.has_expected_close_date()) *created.mutable_expected_close_date() = request.expected_close_date();
  created.set_lead_source(request.lead_source());
  created.set_lead_id(request.lead_id());
  *created.mutable_product_ids() = request.product_ids();
  created.set_stage_id(stage->stage_id());
  created.set_probability_percent(stage->probability_percent());
  created.set_forecast_category(stage->forecast_category());
  Events events;
  events.push_back({*at, std::move(created)});
  return events;
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const MoveStage& command) {
  const v1::MoveStageRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckOpen(state, request.opportunity_id()));
  absl::StatusOr<const v1::PipelineDefined*> pipeline = PipelineOf(state, command.pipeline);
  if (!pipeline.ok()) return pipeline.status();
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  absl::StatusOr<int> to = OpenStageIndex(**pipeline, request.to_stage_id(), "close with CloseWon or CloseLost");
  if (!to.ok()) return to.status();
  absl::StatusOr<int> from = CurrentStageIndex(state, **pipeline);
  if (!from.ok()) return from.status();
  absl::StatusOr<std::vector<CriterionRef>> met = NewlyMet(state, **pipeline, request.criteria_met());
  if (!met.ok()) return met.status();
  SFA_RETURN_IF_ERROR(CheckMove(state, **pipeline, *from, *to, request));

  Emitter out(state, *at);
  for (const CriterionRef& ref : *met) out.Emit(Completion(out.state(), ref, ""));
  if (*to != *from) {
    const bool forward = *to > *from;
    out.Emit(StageChange(out.state(), (*pipeline)->stages(*to),
                         forward ? v1::STAGE_CHANGE_KIND_FORWARD : v1::STAGE_CHANGE_KIND_BACKWARD, *at,
                         forward ? "" : request.reason()));
  }
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const CompleteCriterion& command) {
  const v1::CompleteCriterionRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckOpen(state, request.opportunity_id()));
  absl::StatusOr<const v1::PipelineDefined*> pipeline = PipelineOf(state, command.pipeline);
  if (!pipeline.ok()) return pipeline.status();
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  const std::optional<CriterionRef> ref = FindCriterion(**pipeline, request.criterion_id());
  if (!ref) {
    return RuleViolation("unknown_criterion", absl::StrCat("criterion ", request.criterion_id(), " is not in pipeline ",
                                                           state.pipeline_id, " version ", state.pipeline_version));
  }
  if (state.IsCompleted(request.criterion_id())) return Events();
  Emitter out(state, *at);
  out.Emit(Completion(state, *ref, request.note()));
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const UpdateOpportunity& command) {
  const v1::UpdateOpportunityRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckExists(state, request.opportunity_id()));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  Emitter out(state, *at);
  if (request.has_name() && request.name() != state.name) {
    auto renamed = Stamped<v1::OpportunityRenamed>(out.state());
    renamed.set_from_name(state.name);
    renamed.set_to_name(request.name());
    out.Emit(std::move(renamed));
  }
  if (request.has_amount() && !(state.amount && SameMoney(*state.amount, request.amount()))) {
    SFA_RETURN_IF_ERROR(CheckFinal(state, "the amount"));
    SFA_RETURN_IF_ERROR(CheckCurrency(state, request.amount()));
    out.Emit(AmountChange(out.state(), request.amount()));
  }
  if (request.has_expected_close_date() &&
      !(state.expected_close_date && *state.expected_close_date == ToTime(request.expected_close_date()))) {
    SFA_RETURN_IF_ERROR(CheckFinal(state, "the expected close date"));
    out.Emit(CloseDateChange(out.state(), request.expected_close_date()));
  }
  if (request.has_owner_user_id() && request.owner_user_id() != state.owner_user_id) {
    SFA_RETURN_IF_ERROR(CheckActiveUser(command.owner, "owner_user_id", request.owner_user_id()));
    auto changed = Stamped<v1::OpportunityOwnerChanged>(out.state());
    changed.set_owner_user_id(request.owner_user_id());
    changed.set_from_owner_user_id(state.owner_user_id);
    changed.set_to_owner_user_id(request.owner_user_id());
    out.Emit(std::move(changed));
  }
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const CloseWon& command) {
  const v1::CloseWonRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckOpen(state, request.opportunity_id()));
  absl::StatusOr<const v1::PipelineDefined*> pipeline = PipelineOf(state, command.pipeline);
  if (!pipeline.ok()) return pipeline.status();
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  if (request.has_amount()) {
    SFA_RETURN_IF_ERROR(CheckCurrency(state, request.amount()));
  } else if (!state.amount) {
    // An ERP turns the win into an order; it needs to know for how much.
    return RuleViolation("amount_required", absl::StrCat("opportunity ", state.opportunity_id,
                                                         " has no amount; give the won amount in amount"));
  }
  const v1::Stage* won = WonStage(**pipeline);
  if (won == nullptr) return absl::InternalError(absl::StrCat("pipeline ", state.pipeline_id, " has no won stage"));
  Emitter out(state, *at);
  if (request.has_amount() && !(state.amount && SameMoney(*state.amount, request.amount()))) {
    out.Emit(AmountChange(out.state(), request.amount()));
  }
  out.Emit(StageChange(out.state(), *won, v1::STAGE_CHANGE_KIND_WON, *at, ""));
  auto event = Stamped<v1::OpportunityWon>(out.state());
  event.set_from_stage_id(state.stage_id);
  event.set_won_stage_id(won->stage_id());
  *event.mutable_amount() = *out.state().amount;
  event.set_lead_id(state.lead_id);
  event.set_lead_source(state.lead_source);
  *event.mutable_sales_cycle() = ToDurationProto(*at - state.created_at);
  out.Emit(std::move(event));
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const CloseLost& command) {
  const v1::CloseLostRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckOpen(state, request.opportunity_id()));
  absl::StatusOr<const v1::PipelineDefined*> pipeline = PipelineOf(state, command.pipeline);
  if (!pipeline.ok()) return pipeline.status();
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  absl::StatusOr<const v1::Stage*> lost = LostStageFor(**pipeline, request.lost_stage_id());
  if (!lost.ok()) return lost.status();
  Emitter out(state, *at);
  out.Emit(StageChange(out.state(), **lost, v1::STAGE_CHANGE_KIND_LOST, *at, request.reason()));
  auto event = Stamped<v1::OpportunityLost>(out.state());
  event.set_from_stage_id(state.stage_id);
  event.set_lost_stage_id((*lost)->stage_id());
  if (state.amount) *event.mutable_amount() = *state.amount;
  event.set_reason(request.reason());
  event.set_competitor(request.competitor());
  event.set_lead_id(state.lead_id);
  event.set_lead_source(state.lead_source);
  *event.mutable_sales_cycle() = ToDurationProto(*at - state.created_at);
  out.Emit(std::move(event));
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const RecordAcceptedQuote& command) {
  SFA_RETURN_IF_ERROR(CheckExists(state, command.opportunity_id));
  if (state.amount && SameMoney(*state.amount, command.net_total)) return Events();
  SFA_RETURN_IF_ERROR(CheckFinal(state, "the amount"));
  SFA_RETURN_IF_ERROR(CheckCurrency(state, command.net_total));
  Emitter out(state, std::max(command.accepted_at, state.last_changed_at));
  v1::OpportunityAmountChanged changed = AmountChange(out.state(), command.net_total);
  changed.set_quote_id(command.quote_id);
  changed.set_quote_version(command.quote_version);
  out.Emit(std::move(changed));
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const Reopen& command) {
  const v1::ReopenRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckExists(state, request.opportunity_id()));
  if (state.IsOpen()) {
    return RuleViolation("opportunity_open", absl::StrCat("opportunity ", state.opportunity_id,
                                                          " is open; only a won or lost one can be reopened"));
  }
  absl::StatusOr<const v1::PipelineDefined*> pipeline = PipelineOf(state, command.pipeline);
  if (!pipeline.ok()) return pipeline.status();
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  const std::string& target = request.to_stage_id().empty() ? state.stage_before_close : request.to_stage_id();
  absl::StatusOr<int> to = OpenStageIndex(**pipeline, target, "reopen to an open stage");
  if (!to.ok()) return to.status();
  Emitter out(state, *at);
  out.Emit(StageChange(out.state(), (*pipeline)->stages(*to), v1::STAGE_CHANGE_KIND_REOPENED, *at, request.reason()));
  auto event = Stamped<v1::OpportunityReopened>(out.state());
  event.set_from_stage_id(state.stage_id);
  event.set_to_stage_id(target);
  event.set_previous_status(state.status);
  event.set_reason(request.reason());
  if (state.amount) *event.mutable_amount() = *state.amount;
  out.Emit(std::move(event));
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const AddContactToOpportunity& command) {
  const v1::AddContactToOpportunityRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckExists(state, request.opportunity_id()));
  if (!command.contact.exists) {
    return absl::NotFoundError(absl::StrCat("contact_id ", request.contact_id(), " not found"));
  }
  v1::BuyingRole role = request.role() != v1::BUYING_ROLE_UNSPECIFIED ? request.role() : command.contact.buying_role;
  if (role == v1::BUYING_ROLE_UNSPECIFIED) role = v1::BUYING_ROLE_OTHER;
  Emitter out(state, std::max(command.now, state.last_changed_at));
  const CommitteeSeat* seat = state.Seat(request.contact_id());
  if (seat != nullptr) {
    if (seat->role == role) return Events();
    auto changed = Stamped<v1::OpportunityContactRoleChanged>(state);
    changed.set_contact_id(request.contact_id());
    changed.set_from_role(seat->role);
    changed.set_to_role(role);
    out.Emit(std::move(changed));
    return std::move(out).Take();
  }
  if (state.committee.size() >= kMaxOpportunityContacts) {
    return absl::ResourceExhaustedError(absl::StrCat("opportunity ", state.opportunity_id, " already has ",
                                                     kMaxOpportunityContacts, " contacts, the most it may have"));
  }
  auto added = Stamped<v1::ContactAddedToOpportunity>(state);
  added.set_contact_id(request.contact_id());
  added.set_role(role);
  added.set_contact_account_id(command.contact.account_id);
  out.Emit(std::move(added));
  return std::move(out).Take();
}

absl::StatusOr<Events> Decide(const OpportunityState& state, const RemoveContactFromOpportunity& command) {
  const v1::RemoveContactFromOpportunityRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckExists(state, request.opportunity_id()));
  const CommitteeSeat* seat = state.Seat(request.contact_id());
  if (seat == nullptr) {
    return absl::NotFoundError(absl::StrCat("contact ", request.contact_id(),
                                            " is not in the buying committee of opportunity ", state.opportunity_id));
  }
  auto removed = Stamped<v1::ContactRemovedFromOpportunity>(state);
  removed.set_contact_id(request.contact_id());
  removed.set_role(seat->role);
  Emitter out(state, std::max(command.now, state.last_changed_at));
  out.Emit(std::move(removed));
  return std::move(out).Take();
}

}  // namespace sfa::opportunity::domain

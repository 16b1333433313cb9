#include "quote/domain/quote.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "quote/domain/diff.h"
#include "quote/domain/limits.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {
namespace {

using v1::QuoteStatus;

bool IsClosed(QuoteStatus status) {
  return status == v1::QUOTE_STATUS_ACCEPTED || status == v1::QUOTE_STATUS_DECLINED ||
         status == v1::QUOTE_STATUS_EXPIRED;
}

absl::Status CheckExists(const QuoteState& state, absl::string_view quote_id) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat("quote ", quote_id, " not found"));
  return absl::OkStatus();
}

// NOT_FOUND, then quote_closed for a quote the customer answered or that expired, then
// illegal_quote_transition unless the status is one of `from`.
absl::Status CheckStatus(const QuoteState& state, absl::string_view quote_id, absl::string_view action,
                         std::initializer_list<QuoteStatus> from) {
  SFA_RETURN_IF_ERROR(CheckExists(state, quote_id));
  if (IsClosed(state.status)) {
    return RuleViolation("quote_closed", absl::StrCat("quote ", quote_id, " is ", StatusName(state.status),
                                                      " and cannot be ", action, "; clone it for a new offer"));
  }
  if (std::find(from.begin(), from.end(), state.status) != from.end()) return absl::OkStatus();
  std::vector<std::string> names;
  for (QuoteStatus s : from) names.push_back(StatusName(s));
  return RuleViolation("illegal_quote_transition",
                       absl::StrCat("quote ", quote_id, " cannot be ", action, " while ", StatusName(state.status),
                                    "; allowed from: ", absl::StrJoin(names, ", ")));
}

// valid_until must lie after the time the version is made.
absl::Status CheckValidUntil(absl::Time valid_until, absl::Time at) {
  if (valid_until > at) return absl::OkStatus();
  return RuleViolation("valid_until_not_in_future",
                       absl::StrCat("valid_until ", Rfc3339(valid_until), " is not after ", Rfc3339(at)));
}

absl::Status CheckNotExpired(const QuoteState& state, absl::Time at) {
  const absl::Time valid_until = state.latest().valid_until;
  if (at < valid_until) return absl::OkStatus();
  return RuleViolation("quote_expired", absl::StrCat("quote ", state.quote_id(), " was valid until ",
                                                     Rfc3339(valid_until), " (now ", Rfc3339(at), ")"));
}

// The role the next approval must come from; PERMISSION_DENIED unless the caller holds it.
absl::StatusOr<std::string> NextRole(const QuoteState& state, const Caller& caller) {
  const QuoteVersion& latest = state.latest();
  const size_t step = latest.approvals.size();
  if (step >= latest.required_approver_roles.size()) {
    return absl::InternalError(absl::StrCat("quote ", state.quote_id(), " is pending with a complete chain"));
  }
  const std::string& role = latest.required_approver_roles[step];
  if (std::find(caller.roles.begin(), caller.roles.end(), role) == caller.roles.end()) {
    return absl::PermissionDeniedError(
        absl::StrCat("quote ", state.quote_id(), " needs approval by role ", role, " (step ", step + 1, " of ",
                     latest.required_approver_roles.size(), "); user ", caller.user_id, " holds ",
                     caller.roles.empty() ? "no role" : absl::StrJoin(caller.roles, ", ")));
  }
  return role;
}

v1::ApprovalStep Step(absl::string_view role, const Caller& caller, v1::ApprovalDecision decision,
                      absl::string_view comment, absl::Time at) {
  v1::ApprovalStep step;
  step.set_role(std::string(role));
  step.set_approver_user_id(caller.user_id);
  step.set_decision(decision);
  step.set_comment(std::string(comment));
  *step.mutable_decided_at() = ToTimestamp(at);
  return step;
}

template <typename Message>
Message Of(const QuoteState& state) {
  Message message;
  message.set_quote_id(state.quote_id());
  message.set_quote_version(state.latest().quote_version);
  return message;
}

std::vector<QuoteEvent> One(absl::Time at, QuotePayload payload) {
  std::vector<QuoteEvent> events;
  events.push_back({at, std::move(payload)});
  return events;
}

QuoteVersion& Latest(QuoteState& state) { return state.versions.back(); }

void Apply(QuoteState& state, const v1::QuoteCreated& e, absl::Time at) {
  state.exists = true;
  state.created = e;
  state.created.clear_pricing();
  state.status = v1::QUOTE_STATUS_DRAFT;
  state.created_at = at;
  state.versions.push_back(QuoteVersion{1,
                                        e.pricing(),
                                        ToTime(e.valid_until()),
                                        {e.required_approver_roles().begin(), e.required_approver_roles().end()},
                                        e.approval_policy_version(),
                                        {},
                                        false,
                                        at});
}

void Apply(QuoteState& state, const v1::QuoteRevised& e, absl::Time at) {
  QuoteVersion version{
      e.quote_version(),           e.pricing(),
      ToTime(e.valid_until()),     {e.required_approver_roles().begin(), e.required_approver_roles().end()},
      e.approval_policy_version(), {},
      e.approval_kept(),           at};
  if (e.approval_kept()) {
    version.approvals = Latest(state).approvals;
  } else {
    state.status = v1::QUOTE_STATUS_DRAFT;
    state.approved_version = 0;
  }
  state.versions.push_back(std::move(version));
}

void Apply(QuoteState& state, const v1::QuoteSubmitted& e, absl::Time) {
  state.status = v1::QUOTE_STATUS_PENDING_APPROVAL;
  Latest(state).required_approver_roles.assign(e.required_approver_roles().begin(), e.required_approver_roles().end());
  Latest(state).approvals.clear();
}

void Apply(QuoteState& state, const v1::QuoteApprovalRecorded& e, absl::Time) {
  Latest(state).approvals.push_back(e.step());
}

void Apply(QuoteState& state, const v1::QuoteApproved& e, absl::Time) {
  state.status = v1::QUOTE_STATUS_APPROVED;
  state.approved_version = e.quote_version();
}

void Apply(QuoteState& state, const v1::QuoteRejected& e, absl::Time) {
  state.status = v1::QUOTE_STATUS_REJECTED;
  Latest(state).approvals.push_back(e.step());
}

void Apply(QuoteState& state, const v1::QuoteSent&, absl::Time) { state.status = v1::QUOTE_STATUS_SENT; }

void Apply(QuoteState& state, const v1::QuoteAccepted& e, absl::Time at) {
  state.status = v1::QUOTE_STATUS_ACCEPTED;
  state.order_id = e.order_id();
  state.accepted_at = at;
}

void Apply(QuoteState& state, const v1::QuoteDeclined& e, absl::Time) {
  state.status = v1::QUOTE_STATUS_DECLINED;
  state.decline_reason = e.reason();
}

void Apply(QuoteState& state, const v1::QuoteExpired&, absl::Time) { state.status = v1::QUOTE_STATUS_EXPIRED; }

v1::QuoteCreated Created(absl::string_view quote_id, const v1::Pricing& pricing, absl::Time valid_until,
                         const ApprovalRequirement& approval) {
  v1::QuoteCreated created;
  created.set_quote_id(std::string(quote_id));
  *created.mutable_pricing() = pricing;
  *created.mutable_valid_until() = ToTimestamp(valid_until);
  created.mutable_required_approver_roles()->Assign(approval.roles.begin(), approval.roles.end());
  created.set_approval_policy_version(approval.policy_version);
  return created;
}

}  // namespace

std::string StatusName(v1::QuoteStatus status) {
  return std::string(absl::StripPrefix(v1::QuoteStatus_Name(status), "QUOTE_STATUS_"));
}

QuoteState Evolve(QuoteState state, const QuoteEvent& event) {
  std::visit([&](const auto& payload) { Apply(state, payload, event.occurred_at); }, event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  ++state.stream_version;
  return state;
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const CreateQuote& command) {
  const v1::CreateQuoteRequest& request = command.request;
  if (state.exists) return absl::AlreadyExistsError(absl::StrCat("quote ", request.quote_id(), " already exists"));
  const absl::Time at = command.now;
  const absl::Time valid_until = request.has_valid_until() ? ToTime(request.valid_until()) : at + kDefaultQuoteValidity;
  SFA_RETURN_IF_ERROR(CheckValidUntil(valid_until, at));
  v1::QuoteCreated created = Created(request.quote_id(), command.pricing, valid_until, command.approval);
  created.set_opportunity_id(request.opportunity_id());
  created.set_account_id(command.account_id);
  created.set_currency(request.currency().empty() ? command.pricing.totals().net_total().currency()
                                                  : request.currency());
  created.set_price_book_id(command.price_book_id);
  created.set_name(request.name());
  return One(at, std::move(created));
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const CloneQuote& command) {
  const v1::CloneQuoteRequest& request = command.request;
  if (state.exists) return absl::AlreadyExistsError(absl::StrCat("quote ", request.quote_id(), " already exists"));
  const QuoteState& source = command.source;
  if (!source.exists) {
    return absl::NotFoundError(absl::StrCat("from_quote_id ", request.from_quote_id(), " not found"));
  }
  const QuoteVersion* version = FindVersion(source, request.from_version());
  if (version == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("quote ", request.from_quote_id(), " has no version ", request.from_version()));
  }
  const absl::Time at = command.now;
  v1::QuoteCreated created = Created(request.quote_id(), command.pricing, at + kDefaultQuoteValidity, command.approval);
  created.set_opportunity_id(request.opportunity_id().empty() ? source.created.opportunity_id()
                                                              : request.opportunity_id());
  created.set_account_id(command.account_id.empty() ? source.created.account_id() : command.account_id);
  created.set_currency(source.created.currency());
  created.set_price_book_id(command.price_book_id);
  created.set_cloned_from_quote_id(source.quote_id());
  created.set_cloned_from_version(version->quote_version);
  created.set_name(source.created.name());
  return One(at, std::move(created));
}

bool KeepsApproval(const QuoteState& state, const v1::QuoteTotals& totals, const std::vector<std::string>& roles) {
  if (state.status != v1::QUOTE_STATUS_APPROVED || state.approved_version == 0) return false;
  const QuoteVersion* approved = FindVersion(state, state.approved_version);
  if (approved == nullptr) return false;
  const v1::QuoteTotals& before = approved->pricing.totals();
  return roles == approved->required_approver_roles && totals.discount_bp() <= before.discount_bp() &&
         totals.net_total().currency() == before.net_total().currency() &&
         totals.net_total().minor_units() <= before.net_total().minor_units();
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const ReviseQuote& command) {
  const v1::ReviseQuoteRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckStatus(state, request.quote_id(), "revised",
                                  {v1::QUOTE_STATUS_DRAFT, v1::QUOTE_STATUS_PENDING_APPROVAL, v1::QUOTE_STATUS_APPROVED,
                                   v1::QUOTE_STATUS_REJECTED}));
  const absl::Time at = std::max(command.now, state.last_changed_at);
  const absl::Time valid_until = request.has_valid_until() ? ToTime(request.valid_until()) : state.latest().valid_until;
  SFA_RETURN_IF_ERROR(CheckValidUntil(valid_until, at));
  v1::QuoteRevised revised = Of<v1::QuoteRevised>(state);
  revised.set_quote_version(state.latest().quote_version + 1);
  *revised.mutable_pricing() = command.pricing;
  *revised.mutable_valid_until() = ToTimestamp(valid_until);
  revised.mutable_required_approver_roles()->Assign(command.approval.roles.begin(), command.approval.roles.end());
  revised.set_approval_policy_version(command.approval.policy_version);
  revised.set_approval_kept(KeepsApproval(state, command.pricing.totals(), command.approval.roles));
  return One(at, std::move(revised));
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const SubmitQuote& command) {
  SFA_RETURN_IF_ERROR(
      CheckStatus(state, command.request.quote_id(), "submitted", {v1::QUOTE_STATUS_DRAFT, v1::QUOTE_STATUS_REJECTED}));
  const absl::Time at = std::max(command.now, state.last_changed_at);
  v1::QuoteSubmitted submitted = Of<v1::QuoteSubmitted>(state);
  submitted.mutable_required_approver_roles()->Assign(command.approval.roles.begin(), command.approval.roles.end());
  std::vector<QuoteEvent> events = One(at, std::move(submitted));
  if (command.approval.roles.empty()) events.push_back({at, Of<v1::QuoteApproved>(state)});
  return events;
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const ApproveQuote& command) {
  const v1::ApproveQuoteRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckStatus(state, request.quote_id(), "approved", {v1::QUOTE_STATUS_PENDING_APPROVAL}));
  absl::StatusOr<std::string> role = NextRole(state, command.caller);
  if (!role.ok()) return role.status();
  const absl::Time at = std::max(command.now, state.last_changed_at);
  v1::QuoteApprovalRecorded recorded = Of<v1::QuoteApprovalRecorded>(state);
  *recorded.mutable_step() = Step(*role, command.caller, v1::APPROVAL_DECISION_APPROVED, request.comment(), at);
  std::vector<QuoteEvent> events = One(at, std::move(recorded));
  const QuoteVersion& latest = state.latest();
  if (latest.approvals.size() + 1 == latest.required_approver_roles.size()) {
    events.push_back({at, Of<v1::QuoteApproved>(state)});
  }
  return events;
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const RejectQuote& command) {
  const v1::RejectQuoteRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckStatus(state, request.quote_id(), "rejected", {v1::QUOTE_STATUS_PENDING_APPROVAL}));
  absl::StatusOr<std::string> role = NextRole(state, command.caller);
  if (!role.ok()) return role.status();
  const absl::Time at = std::max(command.now, state.last_changed_at);
  v1::QuoteRejected rejected = Of<v1::QuoteRejected>(state);
  *rejected.mutable_step() = Step(*role, command.caller, v1::APPROVAL_DECISION_REJECTED, request.comment(), at);
  return One(at, std::move(rejected));
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const SendQuote& command) {
  const absl::string_view quote_id = command.request.quote_id();
  SFA_RETURN_IF_ERROR(CheckStatus(state, quote_id, "sent",
                                  {v1::QUOTE_STATUS_APPROVED, v1::QUOTE_STATUS_DRAFT, v1::QUOTE_STATUS_PENDING_APPROVAL,
                                   v1::QUOTE_STATUS_REJECTED}));
  const std::vector<std::string>& roles =
      state.status == v1::QUOTE_STATUS_DRAFT ? command.approval.roles : state.latest().required_approver_roles;
  if (state.status != v1::QUOTE_STATUS_APPROVED && (state.status != v1::QUOTE_STATUS_DRAFT || !roles.empty())) {
    return RuleViolation("approval_required",
                         absl::StrCat("quote ", quote_id, " is ", StatusName(state.status), " and needs approval by ",
                                      absl::StrJoin(roles, ", "), " before it is sent"));
  }
  const absl::Time at = std::max(command.now, state.last_changed_at);
  SFA_RETURN_IF_ERROR(CheckNotExpired(state, at));
  v1::QuoteSent sent = Of<v1::QuoteSent>(state);
  *sent.mutable_valid_until() = ToTimestamp(state.latest().valid_until);
  return One(at, std::move(sent));
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const AcceptQuote& command) {
  const v1::AcceptQuoteRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckStatus(state, request.quote_id(), "accepted", {v1::QUOTE_STATUS_SENT}));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  SFA_RETURN_IF_ERROR(CheckNotExpired(state, *at));
  const v1::Pricing& pricing = state.latest().pricing;
  v1::QuoteAccepted accepted = Of<v1::QuoteAccepted>(state);
  accepted.set_opportunity_id(state.created.opportunity_id());
  accepted.set_account_id(state.created.account_id());
  *accepted.mutable_net_total() = pricing.totals().net_total();
  accepted.set_order_id(request.order_id());
  *accepted.mutable_promotion_ids() = pricing.applied_promotion_ids();
  return One(*at, std::move(accepted));
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const DeclineQuote& command) {
  const v1::DeclineQuoteRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckStatus(state, request.quote_id(), "declined", {v1::QUOTE_STATUS_SENT}));
  v1::QuoteDeclined declined = Of<v1::QuoteDeclined>(state);
  declined.set_reason(request.reason());
  return One(std::max(command.now, state.last_changed_at), std::move(declined));
}

absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const ExpireQuote& command) {
  SFA_RETURN_IF_ERROR(CheckExists(state, command.quote_id));
  if (IsClosed(state.status)) return std::vector<QuoteEvent>{};
  const absl::Time valid_until = state.latest().valid_until;
  if (command.now < valid_until) {
    return RuleViolation("quote_not_expired", absl::StrCat("quote ", command.quote_id, " is valid until ",
                                                           Rfc3339(valid_until), " (now ", Rfc3339(command.now), ")"));
  }
  // The business time of an expiry is the end of validity, whenever the sweep notices it.
  return One(std::max(valid_until, state.last_changed_at), Of<v1::QuoteExpired>(state));
}

const QuoteVersion* FindVersion(const QuoteState& state, uint64_t quote_version) {
  if (state.versions.empty()) return nullptr;
  if (quote_version == 0) return &state.versions.back();
  if (quote_version > state.versions.size()) return nullptr;
  return &state.versions[quote_version - 1];
}

absl::StatusOr<v1::Quote> QuoteAt(const QuoteState& state, uint64_t quote_version) {
  if (!state.exists) return absl::NotFoundError("quote not found");
  const QuoteVersion* version = FindVersion(state, quote_version);
  if (version == nullptr) {
    return absl::NotFoundError(absl::StrCat("quote ", state.quote_id(), " has no version ", quote_version));
  }
  v1::Quote quote;
  quote.set_quote_id(state.quote_id());
  quote.set_quote_version(version->quote_version);
  quote.set_latest_version(state.latest().quote_version);
  quote.set_name(state.created.name());
  quote.set_opportunity_id(state.created.opportunity_id());
  quote.set_account_id(state.created.account_id());
  quote.set_currency(state.created.currency());
  quote.set_status(state.status);
  *quote.mutable_pricing() = version->pricing;
  *quote.mutable_valid_until() = ToTimestamp(version->valid_until);
  quote.mutable_required_approver_roles()->Assign(version->required_approver_roles.begin(),
                                                  version->required_approver_roles.end());
  quote.mutable_approvals()->Assign(version->approvals.begin(), version->approvals.end());
  quote.set_cloned_from_quote_id(state.created.cloned_from_quote_id());
  quote.set_cloned_from_version(state.created.cloned_from_version());
  quote.set_order_id(state.order_id);
  quote.set_decline_reason(state.decline_reason);
  quote.set_version(state.stream_version);
  *quote.mutable_created_at() = ToTimestamp(state.created_at);
  *quote.mutable_updated_at() = ToTimestamp(state.last_changed_at);
  return quote;
}

absl::StatusOr<v1::QuoteDiff> DiffVersions(const QuoteState& state, uint64_t from_version, uint64_t to_version) {
  if (!state.exists) return absl::NotFoundError("quote not found");
  const QuoteVersion* from = FindVersion(state, from_version);
  const QuoteVersion* to = FindVersion(state, to_version);
  if (from == nullptr || to == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("quote ", state.quote_id(), " has no version ", from == nullptr ? from_version : to_version));
  }
  return DiffPricing(from->pricing, to->pricing);
}

void AssignLineIds(const QuoteState& state, google::protobuf::RepeatedPtrField<v1::QuoteLine>* lines) {
  absl::flat_hash_set<std::string> taken;
  for (const QuoteVersion& version : state.versions) {
    for (const v1::PricedLine& line : version.pricing.lines()) taken.insert(line.line().line_id());
  }
  for (const v1::QuoteLine& line : *lines) taken.insert(line.line_id());
  uint64_t next = 1;
  for (v1::QuoteLine& line : *lines) {
    if (!line.line_id().empty()) continue;
    while (taken.contains(absl::StrCat(next))) ++next;
    line.set_line_id(absl::StrCat(next));
    taken.insert(line.line_id());
  }
}

}  // namespace sfa::quote::domain

#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_OPPORTUNITY_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_OPPORTUNITY_H_

// The opportunity aggregate: a deal moving through the stages of one pipeline version, with its exit
// criteria, amount, owner, close date, outcome and buying committee.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "opportunity/domain/contact.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/pipeline.h"
#include "opportunity/domain/user.h"
#include "sfa/common/v1/money.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kOpportunityAggregate[] = "opportunity";

using OpportunityPayload =
    std::variant<v1::OpportunityCreated, v1::OpportunityStageChanged, v1::CriterionCompleted, v1::OpportunityRenamed,
                 v1::OpportunityAmountChanged, v1::OpportunityCloseDateChanged, v1::OpportunityOwnerChanged,
                 v1::OpportunityWon, v1::OpportunityLost, v1::OpportunityReopened, v1::ContactAddedToOpportunity,
                 v1::OpportunityContactRoleChanged, v1::ContactRemovedFromOpportunity>;
using OpportunityEvent = Event<OpportunityPayload>;

struct StageVisit {
  std::string stage_id;
  absl::Time entered_at;
  absl::Time left_at = absl::InfiniteFuture();  // while it is the current stage
  v1::StageChangeKind entered_by = v1::STAGE_CHANGE_KIND_UNSPECIFIED;
};

struct CriterionRecord {
  std::string stage_id;
  std::string criterion_id;
  std::string note;
  absl::Time completed_at;
};

struct CommitteeSeat {
  std::string contact_id;
  v1::BuyingRole role = v1::BUYING_ROLE_UNSPECIFIED;
};

struct OpportunityState {
  bool exists = false;
  std::string opportunity_id;
  std::string account_id;
  std::string owner_user_id;
  std::string pipeline_id;
  uint32_t pipeline_version = 0;
  std::string name;
  std::optional<common::v1::Money> amount;
  std::optional<absl::Time> expected_close_date;
  std::string lead_source;
  std::string lead_id;
  std::string stage_id;
  v1::OpportunityStatus status = v1::OPPORTUNITY_STATUS_UNSPECIFIED;
  int32_t probability_percent = 0;
  v1::ForecastCategory forecast_category = v1::FORECAST_CATEGORY_UNSPECIFIED;
  // Oldest first; the last visit is the current stage.
  std::vector<StageVisit> history;
  // In completion order.
  std::vector<CriterionRecord> completed_criteria;
  // The buying committee, in the order contacts joined it.
  std::vector<CommitteeSeat> committee;
  std::string lost_reason;
  std::string competitor;
  // The open stage a closed opportunity was closed from: where Reopen returns to by default.
  std::string stage_before_close;
  absl::Time created_at = absl::InfinitePast();
  absl::Time closed_at = absl::InfinitePast();  // while WON or LOST
  absl::Time last_changed_at = absl::InfinitePast();

  bool IsOpen() const { return status == v1::OPPORTUNITY_STATUS_OPEN; }
  bool IsCompleted(absl::string_view criterion_id) const;
  const CommitteeSeat* Seat(absl::string_view contact_id) const;
};

// Commands. `request` is validated (validation.h) and has generated ids filled in; `pipeline` is the
// definition the opportunity is on (for CreateOpportunity: the latest), nullptr when not found.
struct CreateOpportunity {
  v1::CreateOpportunityRequest request;
  PipelineDefinition pipeline;
  // Whether request.account_id exists; ignored when the request names no account (a deal in
  // prospecting whose account is not known yet).
  bool account_exists = false;
  UserState owner;
  absl::Time now;
};

struct MoveStage {
  v1::MoveStageRequest request;
  PipelineDefinition pipeline;
  absl::Time now;
};

struct CompleteCriterion {
  v1::CompleteCriterionRequest request;
  PipelineDefinition pipeline;
  absl::Time now;
};

struct UpdateOpportunity {
  v1::UpdateOpportunityRequest request;
  // The new owner (when owner_user_id is set).
  UserState owner;
  absl::Time now;
};

struct CloseWon {
  v1::CloseWonRequest request;
  PipelineDefinition pipeline;
  absl::Time now;
};

struct CloseLost {
  v1::CloseLostRequest request;
  PipelineDefinition pipeline;
  absl::Time now;
};

struct Reopen {
  v1::ReopenRequest request;
  PipelineDefinition pipeline;
  absl::Time now;
};

// The quote service's QuoteAccepted: the accepted quote's net total becomes the opportunity's amount.
struct RecordAcceptedQuote {
  std::string opportunity_id;
  std::string quote_id;
  uint64_t quote_version = 0;
  common::v1::Money net_total;
  absl::Time accepted_at;  // the quote event's business time
};

struct AddContactToOpportunity {
  v1::AddContactToOpportunityRequest request;
  ContactState contact;
  absl::Time now;
};

struct RemoveContactFromOpportunity {
  v1::RemoveContactFromOpportunityRequest request;
  absl::Time now;
};

OpportunityState Evolve(OpportunityState state, const OpportunityEvent& event);

// Every decider answers NOT_FOUND for a missing opportunity (but CreateOpportunity: ALREADY_EXISTS for
// an existing one) and refuses an effective_time in the future or before the last change.

// OpportunityCreated in the pipeline's first open stage, or in request.stage_id (an open stage). The
// account is optional; effective_time may precede the owner's, account's and pipeline's own creation
// (imports create those records "now" and back-date the deals), but never lies in the future.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state, const CreateOpportunity& command);

// CriterionCompleted for each newly met criteria_met entry, then OpportunityStageChanged (FORWARD or
// BACKWARD) unless the target is the current stage. Rules: opportunity_closed, unknown_stage,
// terminal_stage, unknown_criterion, exit_criteria_not_met (names every missing criterion as
// stage/criterion), backward_move_needs_reason.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state, const MoveStage& command);

// CriterionCompleted, or nothing when already met. Rules: opportunity_closed, unknown_criterion.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state, const CompleteCriterion& command);

// OpportunityRenamed, OpportunityAmountChanged, OpportunityCloseDateChanged, OpportunityOwnerChanged for
// what changes, in that order. Rules: currency_change, opportunity_closed (amount and close date of a
// closed deal are final), user_deactivated.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state, const UpdateOpportunity& command);

// [OpportunityAmountChanged], OpportunityStageChanged (WON), OpportunityWon. Exit criteria are not asked
// for: a signed deal is a fact, not a step the rep chooses. Rules: opportunity_closed, currency_change,
// amount_required.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state, const CloseWon& command);

// OpportunityStageChanged (LOST), OpportunityLost. Rules: opportunity_closed, unknown_stage,
// not_a_lost_stage, lost_stage_required (when the pipeline has several lost stages and none is named).
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state, const CloseLost& command);

// OpportunityStageChanged (REOPENED), OpportunityReopened, back to to_stage_id or the stage it was
// closed from. Rules: opportunity_open, unknown_stage, terminal_stage.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state, const Reopen& command);
// OpportunityAmountChanged naming the quote; nothing when the amount already is the quote's total.
// opportunity_closed on a won or lost deal, currency_change for a quote in another currency. Recorded at
// the acceptance time, or at the stream's last change when that is later (events arrive late).
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state,
                                                     const RecordAcceptedQuote& command);

// ContactAddedToOpportunity, OpportunityContactRoleChanged for a member with a new role, or nothing.
// NOT_FOUND for a missing contact; RESOURCE_EXHAUSTED beyond kMaxOpportunityContacts members.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state,
                                                     const AddContactToOpportunity& command);

// ContactRemovedFromOpportunity; NOT_FOUND when the contact is not a member.
absl::StatusOr<std::vector<OpportunityEvent>> Decide(const OpportunityState& state,
                                                     const RemoveContactFromOpportunity& command);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_OPPORTUNITY_H_

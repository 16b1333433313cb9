#ifndef SFA_SERVICES_QUOTE_DOMAIN_QUOTE_H_
#define SFA_SERVICES_QUOTE_DOMAIN_QUOTE_H_

// The quote aggregate: a priced offer for an opportunity, kept in every version it was revised to, from
// draft through the approval chain to the customer's answer.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "quote/domain/approval_policy.h"
#include "quote/domain/event.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

inline constexpr char kQuoteAggregate[] = "quote";

using QuotePayload =
    std::variant<v1::QuoteCreated, v1::QuoteRevised, v1::QuoteSubmitted, v1::QuoteApprovalRecorded, v1::QuoteApproved,
                 v1::QuoteRejected, v1::QuoteSent, v1::QuoteAccepted, v1::QuoteDeclined, v1::QuoteExpired>;
using QuoteEvent = Event<QuotePayload>;

struct QuoteVersion {
  uint64_t quote_version = 0;
  v1::Pricing pricing;
  absl::Time valid_until;
  // The chain computed when the version was made; replaced by the chain submitted for approval.
  std::vector<std::string> required_approver_roles;
  uint64_t approval_policy_version = 0;
  // The steps of the current approval round (submitting starts a new one); a revision that keeps the
  // approval carries them over.
  std::vector<v1::ApprovalStep> approvals;
  bool approval_kept = false;
  absl::Time created_at;
};

struct QuoteState {
  bool exists = false;
  // Identity as created: ids, name, currency, price book, clone source. Its pricing is cleared (the
  // versions hold every pricing).
  v1::QuoteCreated created;
  // versions[i] is quote_version i + 1.
  std::vector<QuoteVersion> versions;
  v1::QuoteStatus status = v1::QUOTE_STATUS_UNSPECIFIED;
  // The version the approvers approved, kept while revisions keep the approval; 0 when not APPROVED.
  uint64_t approved_version = 0;
  std::string order_id;
  std::string decline_reason;
  uint64_t stream_version = 0;  // events folded: what expected_version compares with
  absl::Time created_at = absl::InfinitePast();
  absl::Time accepted_at = absl::InfinitePast();
  absl::Time last_changed_at = absl::InfinitePast();

  const std::string& quote_id() const { return created.quote_id(); }
  // Requires exists.
  const QuoteVersion& latest() const { return versions.back(); }
};

struct CreateQuote {
  v1::CreateQuoteRequest request;  // validated; quote_id filled in
  std::string account_id;          // the opportunity's, from the opportunity service
  std::string price_book_id;       // the book the pricing used
  v1::Pricing pricing;             // the request's lines priced now, line ids filled in (AssignLineIds)
  ApprovalRequirement approval;    // RequirementFor(policy, pricing.totals())
  absl::Time now;
};

struct CloneQuote {
  v1::CloneQuoteRequest request;  // validated; quote_id filled in
  QuoteState source;              // the state of from_quote_id
  // The account of the clone's opportunity; empty = the source's (same opportunity).
  std::string account_id;
  std::string price_book_id;
  v1::Pricing pricing;  // the source version's lines repriced now
  ApprovalRequirement approval;
  absl::Time now;
};

struct ReviseQuote {
  v1::ReviseQuoteRequest request;  // validated
  v1::Pricing pricing;             // the request's lines priced now, line ids filled in
  ApprovalRequirement approval;    // RequirementFor(policy, pricing.totals())
  absl::Time now;
};

struct SubmitQuote {
  v1::SubmitQuoteRequest request;
  ApprovalRequirement approval;  // under the policy in force, for the latest version's totals
  absl::Time now;
};

// Who calls (x-sfa-user, x-sfa-roles).
struct Caller {
  std::string user_id;
  std::vector<std::string> roles;
};

struct ApproveQuote {
  v1::ApproveQuoteRequest request;
  Caller caller;
  absl::Time now;
};

struct RejectQuote {
  v1::RejectQuoteRequest request;  // validated: comment present
  Caller caller;
  absl::Time now;
};

struct SendQuote {
  v1::SendQuoteRequest request;
  ApprovalRequirement approval;  // under the policy in force, for the latest version's totals
  absl::Time now;
};

struct AcceptQuote {
  v1::AcceptQuoteRequest request;  // validated; order_id filled in
  absl::Time now;
};

struct DeclineQuote {
  v1::DeclineQuoteRequest request;
  absl::Time now;
};

// The adapter's sweep, at or after the latest version's valid_until.
struct ExpireQuote {
  std::string quote_id;
  absl::Time now;
};

QuoteState Evolve(QuoteState state, const QuoteEvent& event);

// QuoteCreated (version 1, DRAFT). valid_until defaults to 30 days after now. ALREADY_EXISTS for a taken
// id; valid_until_not_in_future.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const CreateQuote& command);
// QuoteCreated from a version of another quote (0 = its latest): its name, currency and opportunity
// (unless the request names another), valid 30 days. NOT_FOUND for a missing source or version.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const CloneQuote& command);
// QuoteRevised with the next quote_version, from DRAFT, PENDING_APPROVAL, APPROVED or REJECTED. An
// APPROVED quote keeps its approval (approval_kept, still APPROVED) when KeepsApproval holds; otherwise
// the quote is back in DRAFT with its approvals cleared. valid_until defaults to the latest version's.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const ReviseQuote& command);
// QuoteSubmitted with the chain (PENDING_APPROVAL), from DRAFT or REJECTED; with an empty chain also
// QuoteApproved.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const SubmitQuote& command);
// QuoteApprovalRecorded by the next role of the chain, and QuoteApproved after the last. PERMISSION_DENIED
// unless the caller holds that role.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const ApproveQuote& command);
// QuoteRejected by the next role of the chain (REJECTED). PERMISSION_DENIED unless the caller holds it.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const RejectQuote& command);
// QuoteSent, from APPROVED, or from DRAFT when the command's chain is empty (approval_required otherwise,
// and from PENDING_APPROVAL or REJECTED). quote_expired at or after valid_until.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const SendQuote& command);
// QuoteAccepted with the order id and the applied promotions, from SENT before valid_until
// (quote_expired). The adapter then places the order (order.h, PlaceOrderFor) and counts each promotion
// (promotion.h, UsePromotion).
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const AcceptQuote& command);
// QuoteDeclined, from SENT.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const DeclineQuote& command);
// QuoteExpired at valid_until, from any open status; nothing for a quote already ACCEPTED, DECLINED or
// EXPIRED. quote_not_expired before valid_until.
absl::StatusOr<std::vector<QuoteEvent>> Decide(const QuoteState& state, const ExpireQuote& command);

// The approval-keeping rule: an APPROVED quote keeps its approval through a revision when the revision
// requires the same chain (same roles, same order) as the approved version, and neither its discount_bp
// nor its net total is higher than the approved version's.
bool KeepsApproval(const QuoteState& state, const v1::QuoteTotals& totals, const std::vector<std::string>& roles);

// The version (0 = the latest); nullptr when there is no such version.
const QuoteVersion* FindVersion(const QuoteState& state, uint64_t quote_version);

// The quote at a version (0 = the latest), for GetQuote: the quote's status, order and stream version
// with that version's pricing, validity, chain and approvals. NOT_FOUND for a missing quote or version.
absl::StatusOr<v1::Quote> QuoteAt(const QuoteState& state, uint64_t quote_version);

// DiffPricing of two versions. NOT_FOUND for a missing quote or version.
absl::StatusOr<v1::QuoteDiff> DiffVersions(const QuoteState& state, uint64_t from_version, uint64_t to_version);

// Gives each line without a line_id the smallest number ("1", "2", ...) no line of the request and no line
// of any version of `state` uses, so that a removed line's id is never reused for a new one.
void AssignLineIds(const QuoteState& state, google::protobuf::RepeatedPtrField<v1::QuoteLine>* lines);

// "DRAFT", "PENDING_APPROVAL", ... for messages.
std::string StatusName(v1::QuoteStatus status);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_QUOTE_H_

#include "quote/domain/quote.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using E = QuoteEvent;
using absl::StatusCode;
using ::testing::ElementsAre;

using Roles = std::vector<std::string>;

Roles Chain() { return {"sales_manager", "finance"}; }

// One line of ten shirts; the totals say what approval looks at.
v1::Pricing Priced(int discount_bp, int64_t net, absl::string_view extra = "") {
  return Pb<v1::Pricing>(TextProto(R"pb(lines { line { line_id: "1" product_id: "shirt" quantity: 10 })pb",
                                   MoneyField("net_amount", net), "} totals {", MoneyField("list_total", 200000),
                                   MoneyField("net_total", net), "discount_bp:", discount_bp, "}", extra));
}

template <typename Message>
Message Versioned(int version, absl::string_view extra = "") {
  return Pb<Message>(TextProto(R"pb(quote_id: "q1")pb", "quote_version:", version, extra));
}

E Created(const v1::Pricing& pricing, const Roles& roles = Chain(), absl::Time valid_until = Day(30)) {
  auto created = Pb<v1::QuoteCreated>(TextProto(R"pb(quote_id: "q1"
                                                     opportunity_id: "o1"
                                                     account_id: "a1"
                                                     currency: "USD"
                                                     price_book_id: "standard"
                                                     approval_policy_version: 1
                                                     name: "Acme shirts")pb",
                                                TimeField("valid_until", valid_until)));
  *created.mutable_pricing() = pricing;
  created.mutable_required_approver_roles()->Assign(roles.begin(), roles.end());
  return E{Day(0), created};
}

E Revised(int version, const v1::Pricing& pricing, const Roles& roles, bool kept, int day,
          absl::Time valid_until = Day(30)) {
  auto revised = Versioned<v1::QuoteRevised>(
      version, TextProto(TimeField("valid_until", valid_until),
                         "approval_policy_version: 1 approval_kept:", kept ? "true" : "false"));
  *revised.mutable_pricing() = pricing;
  revised.mutable_required_approver_roles()->Assign(roles.begin(), roles.end());
  return E{Day(day), revised};
}

E Submitted(int version, const Roles& roles, int day) {
  auto submitted = Versioned<v1::QuoteSubmitted>(version);
  submitted.mutable_required_approver_roles()->Assign(roles.begin(), roles.end());
  return E{Day(day), submitted};
}

std::string StepText(absl::string_view role, absl::string_view user, absl::string_view decision, int day,
                     absl::string_view comment) {
  return absl::StrCat("step { role: \"", role, "\" approver_user_id: \"", user, "\" decision: ", decision,
                      " comment: \"", comment, "\" ", TimeField("decided_at", Day(day)), " }");
}

E Recorded(int version, absl::string_view role, absl::string_view user, int day, absl::string_view comment = "") {
  return E{Day(day), Versioned<v1::QuoteApprovalRecorded>(
                         version, StepText(role, user, "APPROVAL_DECISION_APPROVED", day, comment))};
}

E Approved(int version, int day) { return E{Day(day), Versioned<v1::QuoteApproved>(version)}; }

E Rejected(int version, absl::string_view role, absl::string_view user, absl::string_view comment, int day) {
  return E{Day(day),
           Versioned<v1::QuoteRejected>(version, StepText(role, user, "APPROVAL_DECISION_REJECTED", day, comment))};
}

E Sent(int version, int day, absl::Time valid_until = Day(30)) {
  return E{Day(day), Versioned<v1::QuoteSent>(version, TimeField("valid_until", valid_until))};
}

E Accepted(int version, absl::Time at, int64_t net, absl::string_view promotions = "") {
  return E{at, Versioned<v1::QuoteAccepted>(version, TextProto(R"pb(opportunity_id: "o1"
                                                                    account_id: "a1"
                                                                    order_id: "ord1")pb",
                                                               MoneyField("net_total", net), promotions))};
}

E Declined(int version, int day) {
  return E{Day(day), Versioned<v1::QuoteDeclined>(version, R"pb(reason: "too expensive")pb")};
}

E Expired(int version, absl::Time at) { return E{at, Versioned<v1::QuoteExpired>(version)}; }

// Histories: DRAFT (15 % off 100000 needs the manager and finance), then pending, approved, sent.
std::vector<E> Draft() { return {Created(Priced(1500, 100000))}; }
std::vector<E> Pending() { return {Created(Priced(1500, 100000)), Submitted(1, Chain(), 1)}; }
std::vector<E> ApprovedQuote() {
  std::vector<E> events = Pending();
  events.push_back(Recorded(1, "sales_manager", "u2", 2));
  events.push_back(Recorded(1, "finance", "u3", 3));
  events.push_back(Approved(1, 3));
  return events;
}
std::vector<E> SentQuote() {
  std::vector<E> events = ApprovedQuote();
  events.push_back(Sent(1, 4));
  return events;
}
std::vector<E> Plus(std::vector<E> events, std::initializer_list<E> more) {
  events.insert(events.end(), more);
  return events;
}

ApprovalRequirement Requirement(const Roles& roles) { return ApprovalRequirement{roles, 1}; }

CreateQuote Create(absl::string_view extra, const v1::Pricing& pricing, const Roles& roles = Chain()) {
  return CreateQuote{Pb<v1::CreateQuoteRequest>(TextProto(
                         R"pb(request_id: "r1" quote_id: "q1" name: "Acme shirts" opportunity_id: "o1")pb", extra)),
                     "a1",
                     "standard",
                     pricing,
                     Requirement(roles),
                     Day(0)};
}

TEST(QuoteDeciderTest, CreateQuote) {
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, CreateQuote>>{
      {.name = "valid 30 days by default",
       .when = Create(R"pb(currency: "USD")pb", Priced(1500, 100000)),
       .then = {Created(Priced(1500, 100000))}},
      {.name = "valid as asked",
       .when = Create(TextProto(R"pb(currency: "USD")pb", TimeField("valid_until", Day(10))), Priced(1500, 100000)),
       .then = {Created(Priced(1500, 100000), Chain(), Day(10))}},
      {.name = "the price book's currency when the request names none",
       .when = Create(R"pb(price_book_id: "standard")pb", Priced(0, 100000), {}),
       .then = {Created(Priced(0, 100000), {})}},
      {.name = "valid until now",
       .when = Create(TextProto(R"pb(currency: "USD")pb", TimeField("valid_until", Day(0))), Priced(0, 1)),
       .code = StatusCode::kFailedPrecondition,
       .message = "valid_until_not_in_future"},
      {.name = "taken id",
       .given = Draft(),
       .when = Create(R"pb(currency: "USD")pb", Priced(0, 1)),
       .code = StatusCode::kAlreadyExists,
       .message = "quote q1 already exists"},
  });
}

TEST(QuoteDeciderTest, CloneQuote) {
  // Revised once, then approved without a chain, sent and accepted.
  const QuoteState source =
      Fold(QuoteState{}, Plus(Draft(), {Revised(2, Priced(0, 5), {}, false, 1), Submitted(2, {}, 2), Approved(2, 2),
                                        Sent(2, 3), Accepted(2, Day(5), 5)}));
  auto clone = [&](absl::string_view extra, const QuoteState& from, std::string account = "") {
    return CloneQuote{
        Pb<v1::CloneQuoteRequest>(TextProto(R"pb(request_id: "r1" quote_id: "q2" from_quote_id: "q1")pb", extra)),
        from,
        std::move(account),
        "standard-2025",
        Priced(1000, 110000),
        Requirement({"sales_manager"}),
        Day(40)};
  };
  auto cloned = [](absl::string_view extra) {
    auto created = Pb<v1::QuoteCreated>(TextProto(R"pb(quote_id: "q2"
                                                       currency: "USD"
                                                       price_book_id: "standard-2025"
                                                       cloned_from_quote_id: "q1"
                                                       required_approver_roles: "sales_manager"
                                                       approval_policy_version: 1
                                                       name: "Acme shirts")pb",
                                                  TimeField("valid_until", Day(70)), extra));
    *created.mutable_pricing() = Priced(1000, 110000);
    return E{Day(40), created};
  };
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, CloneQuote>>{
      {.name = "a version of an accepted quote",
       .when = clone("from_version: 1", source),
       .then = {cloned(R"pb(opportunity_id: "o1" account_id: "a1" cloned_from_version: 1)pb")}},
      {.name = "version 0 is the latest",
       .when = clone("", source),
       .then = {cloned(R"pb(opportunity_id: "o1" account_id: "a1" cloned_from_version: 2)pb")}},
      {.name = "for another opportunity",
       .when = clone(R"pb(opportunity_id: "o7")pb", source, "a7"),
       .then = {cloned(R"pb(opportunity_id: "o7" account_id: "a7" cloned_from_version: 2)pb")}},
      {.name = "no such version",
       .when = clone("from_version: 3", source),
       .code = StatusCode::kNotFound,
       .message = "quote q1 has no version 3"},
      {.name = "no such quote",
       .when = clone("", QuoteState{}),
       .code = StatusCode::kNotFound,
       .message = "from_quote_id q1 not found"},
      {.name = "taken id",
       .given = Draft(),
       .when = clone("", source),
       .code = StatusCode::kAlreadyExists,
       .message = "quote q2 already exists"},
  });
}

ReviseQuote Revise(const v1::Pricing& pricing, const Roles& roles, int day, absl::string_view extra = "") {
  return ReviseQuote{
      Pb<v1::ReviseQuoteRequest>(TextProto(R"pb(request_id: "r2"
                                                quote_id: "q1"
                                                lines { line_id: "1" product_id: "shirt" quantity: 10 })pb",
                                           extra)),
      pricing, Requirement(roles), Day(day)};
}

TEST(QuoteDeciderTest, ReviseQuote) {
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, ReviseQuote>>{
      {.name = "a draft gets a version, valid as before",
       .given = Draft(),
       .when = Revise(Priced(2000, 90000), Chain(), 1),
       .then = {Revised(2, Priced(2000, 90000), Chain(), false, 1)}},
      {.name = "valid as asked",
       .given = Draft(),
       .when = Revise(Priced(2000, 90000), Chain(), 1, TimeField("valid_until", Day(45))),
       .then = {Revised(2, Priced(2000, 90000), Chain(), false, 1, Day(45))}},
      {.name = "pending: back to draft, the round is void",
       .given = Plus(Pending(), {Recorded(1, "sales_manager", "u2", 2)}),
       .when = Revise(Priced(1500, 100000), Chain(), 3),
       .then = {Revised(2, Priced(1500, 100000), Chain(), false, 3)}},
      {.name = "rejected: back to draft",
       .given = Plus(Pending(), {Rejected(1, "sales_manager", "u2", "too deep", 2)}),
       .when = Revise(Priced(1200, 100000), Chain(), 3),
       .then = {Revised(2, Priced(1200, 100000), Chain(), false, 3)}},
      {.name = "sent",
       .given = SentQuote(),
       .when = Revise(Priced(1500, 100000), Chain(), 5),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_quote_transition: quote q1 cannot be revised while SENT; allowed from: DRAFT, "
                  "PENDING_APPROVAL, APPROVED, REJECTED"},
      {.name = "accepted",
       .given = Plus(SentQuote(), {Accepted(1, Day(5), 100000)}),
       .when = Revise(Priced(1500, 100000), Chain(), 6),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_closed: quote q1 is ACCEPTED and cannot be revised; clone it for a new offer"},
      {.name = "declined",
       .given = Plus(SentQuote(), {Declined(1, 5)}),
       .when = Revise(Priced(1500, 100000), Chain(), 6),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_closed"},
      {.name = "expired",
       .given = Plus(Draft(), {Expired(1, Day(30))}),
       .when = Revise(Priced(1500, 100000), Chain(), 31),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_closed: quote q1 is EXPIRED"},
      {.name = "valid until the past",
       .given = Draft(),
       .when = Revise(Priced(1500, 100000), Chain(), 31),
       .code = StatusCode::kFailedPrecondition,
       .message = "valid_until_not_in_future"},
      {.name = "missing",
       .when = Revise(Priced(1500, 100000), Chain(), 1),
       .code = StatusCode::kNotFound,
       .message = "quote q1 not found"},
  });
}

TEST(QuoteDeciderTest, ARevisionKeepsTheApprovalOnlyWhenItsTriggerDidNotGrow) {
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, ReviseQuote>>{
      {.name = "same chain, smaller discount and total: kept",
       .given = ApprovedQuote(),
       .when = Revise(Priced(1200, 90000), Chain(), 4),
       .then = {Revised(2, Priced(1200, 90000), Chain(), true, 4)}},
      {.name = "identical terms: kept",
       .given = ApprovedQuote(),
       .when = Revise(Priced(1500, 100000), Chain(), 4),
       .then = {Revised(2, Priced(1500, 100000), Chain(), true, 4)}},
      {.name = "a higher discount: lost",
       .given = ApprovedQuote(),
       .when = Revise(Priced(1600, 90000), Chain(), 4),
       .then = {Revised(2, Priced(1600, 90000), Chain(), false, 4)}},
      {.name = "a higher net total: lost",
       .given = ApprovedQuote(),
       .when = Revise(Priced(1500, 100001), Chain(), 4),
       .then = {Revised(2, Priced(1500, 100001), Chain(), false, 4)}},
      {.name = "another chain (a rule more fires): lost",
       .given = ApprovedQuote(),
       .when = Revise(Priced(1200, 90000), {"sales_manager", "finance", "vp_sales"}, 4),
       .then = {Revised(2, Priced(1200, 90000), {"sales_manager", "finance", "vp_sales"}, false, 4)}},
      {.name = "a shorter chain is another chain too: lost",
       .given = ApprovedQuote(),
       .when = Revise(Priced(500, 90000), {"sales_manager"}, 4),
       .then = {Revised(2, Priced(500, 90000), {"sales_manager"}, false, 4)}},
      {.name = "compared with the approved version, not the last kept one",
       .given = Plus(ApprovedQuote(), {Revised(2, Priced(1000, 80000), Chain(), true, 4)}),
       .when = Revise(Priced(1400, 95000), Chain(), 5),
       .then = {Revised(3, Priced(1400, 95000), Chain(), true, 5)}},
      {.name = "after a lost approval nothing is kept",
       .given = Plus(ApprovedQuote(), {Revised(2, Priced(1600, 90000), Chain(), false, 4)}),
       .when = Revise(Priced(1000, 80000), Chain(), 5),
       .then = {Revised(3, Priced(1000, 80000), Chain(), false, 5)}},
  });
}

TEST(QuoteDeciderTest, KeptAndLostApprovalAsTheStateShowsIt) {
  const QuoteState kept =
      Fold(QuoteState{}, Plus(ApprovedQuote(), {Revised(2, Priced(1200, 90000), Chain(), true, 4)}));
  EXPECT_EQ(kept.status, v1::QUOTE_STATUS_APPROVED);
  EXPECT_EQ(kept.approved_version, 1u);
  EXPECT_EQ(kept.latest().approvals.size(), 2u);
  const QuoteState lost =
      Fold(QuoteState{}, Plus(ApprovedQuote(), {Revised(2, Priced(1600, 90000), Chain(), false, 4)}));
  EXPECT_EQ(lost.status, v1::QUOTE_STATUS_DRAFT);
  EXPECT_EQ(lost.approved_version, 0u);
  EXPECT_TRUE(lost.latest().approvals.empty());
  EXPECT_EQ(lost.versions[0].approvals.size(), 2u) << "version 1 keeps the approvals it had";
}

SubmitQuote Submit(const Roles& roles, int day) {
  return SubmitQuote{Pb<v1::SubmitQuoteRequest>(R"pb(request_id: "r3" quote_id: "q1")pb"), Requirement(roles),
                     Day(day)};
}

TEST(QuoteDeciderTest, SubmitQuote) {
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, SubmitQuote>>{
      {.name = "a chain to go through",
       .given = Draft(),
       .when = Submit(Chain(), 1),
       .then = {Submitted(1, Chain(), 1)}},
      {.name = "the chain of the policy in force, not the one at creation",
       .given = Draft(),
       .when = Submit({"sales_manager"}, 1),
       .then = {Submitted(1, {"sales_manager"}, 1)}},
      {.name = "nothing to approve: approved at once",
       .given = {Created(Priced(0, 100), {})},
       .when = Submit({}, 1),
       .then = {Submitted(1, {}, 1), Approved(1, 1)}},
      {.name = "rejected: a new round",
       .given = Plus(Pending(), {Rejected(1, "sales_manager", "u2", "no", 2)}),
       .when = Submit(Chain(), 3),
       .then = {Submitted(1, Chain(), 3)}},
      {.name = "the latest version",
       .given = Plus(Draft(), {Revised(2, Priced(1000, 100000), Chain(), false, 1)}),
       .when = Submit(Chain(), 2),
       .then = {Submitted(2, Chain(), 2)}},
      {.name = "pending",
       .given = Pending(),
       .when = Submit(Chain(), 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_quote_transition: quote q1 cannot be submitted while PENDING_APPROVAL; allowed from: "
                  "DRAFT, REJECTED"},
      {.name = "approved",
       .given = ApprovedQuote(),
       .when = Submit(Chain(), 4),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_quote_transition"},
      {.name = "declined",
       .given = Plus(SentQuote(), {Declined(1, 5)}),
       .when = Submit(Chain(), 6),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_closed"},
  });
}

ApproveQuote Approve(absl::string_view user, const Roles& held, int day, absl::string_view comment = "") {
  return ApproveQuote{Pb<v1::ApproveQuoteRequest>(TextProto(R"pb(request_id: "r4" quote_id: "q1")pb",
                                                            absl::StrCat("comment: \"", comment, "\""))),
                      Caller{std::string(user), held}, Day(day)};
}

TEST(QuoteDeciderTest, ApproveQuoteFollowsTheChainInOrder) {
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, ApproveQuote>>{
      {.name = "the first role",
       .given = Pending(),
       .when = Approve("u2", {"rep", "sales_manager"}, 2, "fine"),
       .then = {Recorded(1, "sales_manager", "u2", 2, "fine")}},
      {.name = "the last role approves the quote",
       .given = Plus(Pending(), {Recorded(1, "sales_manager", "u2", 2)}),
       .when = Approve("u3", {"finance"}, 3),
       .then = {Recorded(1, "finance", "u3", 3), Approved(1, 3)}},
      {.name = "a later role cannot go first",
       .given = Pending(),
       .when = Approve("u3", {"finance"}, 2),
       .code = StatusCode::kPermissionDenied,
       .message = "quote q1 needs approval by role sales_manager (step 1 of 2); user u3 holds finance"},
      {.name = "an earlier role cannot approve twice",
       .given = Plus(Pending(), {Recorded(1, "sales_manager", "u2", 2)}),
       .when = Approve("u2", {"sales_manager"}, 3),
       .code = StatusCode::kPermissionDenied,
       .message = "needs approval by role finance (step 2 of 2)"},
      {.name = "no role at all",
       .given = Pending(),
       .when = Approve("u9", {}, 2),
       .code = StatusCode::kPermissionDenied,
       .message = "user u9 holds no role"},
      {.name = "a new round starts at the first role again",
       .given = Plus(Pending(), {Recorded(1, "sales_manager", "u2", 2), Rejected(1, "finance", "u3", "no", 3),
                                 Submitted(1, Chain(), 4)}),
       .when = Approve("u2", {"sales_manager"}, 5),
       .then = {Recorded(1, "sales_manager", "u2", 5)}},
      {.name = "a draft",
       .given = Draft(),
       .when = Approve("u2", {"sales_manager"}, 1),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_quote_transition: quote q1 cannot be approved while DRAFT; allowed from: PENDING_APPROVAL"},
      {.name = "missing", .when = Approve("u2", {"sales_manager"}, 1), .code = StatusCode::kNotFound},
  });
}

RejectQuote Reject(absl::string_view user, const Roles& held, int day) {
  return RejectQuote{Pb<v1::RejectQuoteRequest>(R"pb(request_id: "r5" quote_id: "q1" comment: "discount too deep")pb"),
                     Caller{std::string(user), held}, Day(day)};
}

TEST(QuoteDeciderTest, RejectQuote) {
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, RejectQuote>>{
      {.name = "by the next role",
       .given = Plus(Pending(), {Recorded(1, "sales_manager", "u2", 2)}),
       .when = Reject("u3", {"finance"}, 3),
       .then = {Rejected(1, "finance", "u3", "discount too deep", 3)}},
      {.name = "by a role that is not next",
       .given = Pending(),
       .when = Reject("u3", {"finance"}, 2),
       .code = StatusCode::kPermissionDenied,
       .message = "needs approval by role sales_manager"},
      {.name = "approved",
       .given = ApprovedQuote(),
       .when = Reject("u3", {"finance"}, 4),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_quote_transition"},
  });
}

SendQuote Send(const Roles& roles, int day) {
  return SendQuote{Pb<v1::SendQuoteRequest>(R"pb(request_id: "r6" quote_id: "q1")pb"), Requirement(roles), Day(day)};
}

TEST(QuoteDeciderTest, SendQuote) {
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, SendQuote>>{
      {.name = "approved", .given = ApprovedQuote(), .when = Send(Chain(), 4), .then = {Sent(1, 4)}},
      {.name = "a draft needing no approval",
       .given = {Created(Priced(0, 100), {})},
       .when = Send({}, 1),
       .then = {Sent(1, 1)}},
      {.name = "approved, then revised keeping the approval",
       .given = Plus(ApprovedQuote(), {Revised(2, Priced(1200, 90000), Chain(), true, 4)}),
       .when = Send(Chain(), 5),
       .then = {Sent(2, 5)}},
      {.name = "a draft needing approval",
       .given = Draft(),
       .when = Send(Chain(), 1),
       .code = StatusCode::kFailedPrecondition,
       .message =
           "approval_required: quote q1 is DRAFT and needs approval by sales_manager, finance before it is sent"},
      {.name = "a draft that the policy in force makes need approval",
       .given = {Created(Priced(0, 100), {})},
       .when = Send({"sales_manager"}, 1),
       .code = StatusCode::kFailedPrecondition,
       .message = "approval_required"},
      {.name = "approved, then revised losing the approval",
       .given = Plus(ApprovedQuote(), {Revised(2, Priced(1600, 90000), Chain(), false, 4)}),
       .when = Send(Chain(), 5),
       .code = StatusCode::kFailedPrecondition,
       .message = "approval_required"},
      {.name = "pending",
       .given = Pending(),
       .when = Send(Chain(), 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "approval_required: quote q1 is PENDING_APPROVAL"},
      {.name = "rejected",
       .given = Plus(Pending(), {Rejected(1, "sales_manager", "u2", "no", 2)}),
       .when = Send(Chain(), 3),
       .code = StatusCode::kFailedPrecondition,
       .message = "approval_required: quote q1 is REJECTED"},
      {.name = "past valid_until",
       .given = ApprovedQuote(),
       .when = Send(Chain(), 30),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_expired: quote q1 was valid until 2024-03-31T09:00:00+00:00"},
      {.name = "already sent",
       .given = SentQuote(),
       .when = Send(Chain(), 5),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_quote_transition"},
  });
}

AcceptQuote Accept(int day, absl::string_view extra = "") {
  return AcceptQuote{
      Pb<v1::AcceptQuoteRequest>(TextProto(R"pb(request_id: "r7" quote_id: "q1" order_id: "ord1")pb", extra)),
      Day(day)};
}

TEST(QuoteDeciderTest, AcceptQuote) {
  const std::vector<E> with_promotion = {
      Created(Priced(0, 100, R"pb(applied_promotion_ids: "spring" applied_promotion_ids: "bulk")pb"), {}),
      Submitted(1, {}, 1), Approved(1, 1), Sent(1, 2)};
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, AcceptQuote>>{
      {.name = "sent", .given = SentQuote(), .when = Accept(5), .then = {Accepted(1, Day(5), 100000)}},
      {.name = "with the promotions it applied",
       .given = with_promotion,
       .when = Accept(5),
       .then = {Accepted(1, Day(5), 100, R"pb(promotion_ids: "spring" promotion_ids: "bulk")pb")}},
      {.name = "signed before valid_until, recorded after",
       .given = SentQuote(),
       .when = Accept(32, At(Day(29))),
       .then = {Accepted(1, Day(29), 100000)}},
      {.name = "at valid_until",
       .given = SentQuote(),
       .when = Accept(30),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_expired: quote q1 was valid until 2024-03-31T09:00:00+00:00 (now 2024-03-31T09:00:00+00:00)"},
      {.name = "after valid_until",
       .given = SentQuote(),
       .when = Accept(31),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_expired"},
      {.name = "not sent yet",
       .given = ApprovedQuote(),
       .when = Accept(5),
       .code = StatusCode::kFailedPrecondition,
       .message = "illegal_quote_transition: quote q1 cannot be accepted while APPROVED; allowed from: SENT"},
      {.name = "twice",
       .given = Plus(SentQuote(), {Accepted(1, Day(5), 100000)}),
       .when = Accept(6),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_closed: quote q1 is ACCEPTED"},
      {.name = "back-dated before it was sent",
       .given = SentQuote(),
       .when = Accept(5, At(Day(3))),
       .code = StatusCode::kFailedPrecondition,
       .message = "effective_time_before_last_change"},
  });
  const QuoteState accepted = Fold(QuoteState{}, Plus(SentQuote(), {Accepted(1, Day(5), 100000)}));
  EXPECT_EQ(accepted.order_id, "ord1");
  EXPECT_EQ(accepted.accepted_at, Day(5));
}

TEST(QuoteDeciderTest, DeclineQuote) {
  const DeclineQuote decline{
      Pb<v1::DeclineQuoteRequest>(R"pb(request_id: "r8" quote_id: "q1" reason: "too expensive")pb"), Day(5)};
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, DeclineQuote>>{
      {.name = "sent", .given = SentQuote(), .when = decline, .then = {Declined(1, 5)}},
      {.name = "not sent",
       .given = Draft(),
       .when = decline,
       .code = StatusCode::kFailedPrecondition,
       .message = "cannot be declined while DRAFT"},
  });
}

TEST(QuoteDeciderTest, ExpireQuote) {
  auto expire = [](int day) { return ExpireQuote{"q1", Day(day)}; };
  RunDeciderTable<QuoteState>(std::vector<DeciderCase<E, ExpireQuote>>{
      {.name = "sent, at valid_until", .given = SentQuote(), .when = expire(30), .then = {Expired(1, Day(30))}},
      {.name = "a late sweep dates the expiry at valid_until",
       .given = SentQuote(),
       .when = expire(33),
       .then = {Expired(1, Day(30))}},
      {.name = "draft", .given = Draft(), .when = expire(31), .then = {Expired(1, Day(30))}},
      {.name = "pending", .given = Pending(), .when = expire(31), .then = {Expired(1, Day(30))}},
      {.name = "approved", .given = ApprovedQuote(), .when = expire(31), .then = {Expired(1, Day(30))}},
      {.name = "the latest version's validity counts",
       .given = Plus(Draft(), {Revised(2, Priced(0, 1), {}, false, 1, Day(40))}),
       .when = expire(31),
       .code = StatusCode::kFailedPrecondition,
       .message = "quote_not_expired: quote q1 is valid until 2024-04-10T09:00:00+00:00"},
      {.name = "accepted: nothing", .given = Plus(SentQuote(), {Accepted(1, Day(5), 100000)}), .when = expire(31)},
      {.name = "expired: nothing", .given = Plus(SentQuote(), {Expired(1, Day(30))}), .when = expire(31)},
      {.name = "missing", .when = expire(31), .code = StatusCode::kNotFound},
  });
}

TEST(QuoteViewTest, EveryVersionStaysReadable) {
  const QuoteState state =
      Fold(QuoteState{}, Plus(ApprovedQuote(), {Revised(2, Priced(1600, 90000), Chain(), false, 4)}));
  absl::StatusOr<v1::Quote> first = QuoteAt(state, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->quote_version(), 1u);
  EXPECT_EQ(first->latest_version(), 2u);
  EXPECT_EQ(first->pricing().totals().discount_bp(), 1500);
  EXPECT_EQ(first->approvals_size(), 2);
  EXPECT_EQ(first->status(), v1::QUOTE_STATUS_DRAFT) << "the quote's status, whichever version is shown";
  EXPECT_EQ(first->version(), 6u) << "the stream version";
  EXPECT_EQ(ToTime(first->updated_at()), Day(4));
  absl::StatusOr<v1::Quote> latest = QuoteAt(state, 0);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->quote_version(), 2u);
  EXPECT_EQ(latest->pricing().totals().discount_bp(), 1600);
  EXPECT_THAT(latest->required_approver_roles(), ElementsAre("sales_manager", "finance"));
  EXPECT_EQ(latest->approvals_size(), 0);
  EXPECT_EQ(QuoteAt(state, 3).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(QuoteAt(QuoteState{}, 0).status().code(), StatusCode::kNotFound);
}

TEST(QuoteViewTest, DiffVersions) {
  const QuoteState state = Fold(QuoteState{}, Plus(Draft(), {Revised(2, Priced(1600, 90000), Chain(), false, 1)}));
  absl::StatusOr<v1::QuoteDiff> diff = DiffVersions(state, 1, 2);
  ASSERT_TRUE(diff.ok()) << diff.status();
  ASSERT_EQ(diff->lines_size(), 1);
  EXPECT_EQ(diff->lines(0).change(), "changed");
  EXPECT_EQ(diff->totals_before().discount_bp(), 1500);
  EXPECT_EQ(diff->totals_after().discount_bp(), 1600);
  EXPECT_EQ(DiffVersions(state, 1, 3).status().code(), StatusCode::kNotFound);
}

TEST(AssignLineIdsTest, NumbersTheLinesWithoutIdsAvoidingEveryIdEverUsed) {
  google::protobuf::RepeatedPtrField<v1::QuoteLine> lines;
  for (const char* id : {"", "", "3", ""}) lines.Add()->set_line_id(id);
  AssignLineIds(QuoteState{}, &lines);
  std::vector<std::string> ids;
  for (const auto& line : lines) ids.push_back(line.line_id());
  EXPECT_THAT(ids, ElementsAre("1", "2", "3", "4"));

  // Version 1 had line "1"; a revision that drops it and adds two lines does not reuse "1".
  const QuoteState state = Fold(QuoteState{}, Draft());
  google::protobuf::RepeatedPtrField<v1::QuoteLine> revised;
  for (const char* id : {"", "x", ""}) revised.Add()->set_line_id(id);
  AssignLineIds(state, &revised);
  ids.clear();
  for (const auto& line : revised) ids.push_back(line.line_id());
  EXPECT_THAT(ids, ElementsAre("2", "x", "3"));
}

TEST(QuoteStatusTest, Names) {
  EXPECT_EQ(StatusName(v1::QUOTE_STATUS_PENDING_APPROVAL), "PENDING_APPROVAL");
  EXPECT_EQ(StatusName(v1::QUOTE_STATUS_SENT), "SENT");
}

}  // namespace
}  // namespace sfa::quote::domain

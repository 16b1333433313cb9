// The quote service over gRPC: catalogue and price books, PriceQuote's waterfall, a quote from the
// opportunity service's deal through approval, sending, acceptance, order and payments; revision, clone
// and diff; expiry; and the opportunity service being unreachable.

#include <google/protobuf/text_format.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opportunity/testing/test_server.h"
#include "quote/domain/support.h"
#include "quote/testing/test_server.h"

namespace sfa::quote {
namespace {

using ::testing::HasSubstr;
using S = v1::QuoteService::Stub;
using O = opportunity::v1::OpportunityService::Stub;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// A laptop (colour red/blue, red +10 %) priced 1,000.00 USD, 900.00 from 10 units (RANGE), and a dock at
// 200.00; a 5 % promotion from 5,000.00 of spend.
void SeedCatalogue(testing::TestServer& server) {
  server.Ok(&S::UpsertProduct, Parse<v1::UpsertProductRequest>(R"pb(
              request_id: "p1"
              product {
                product_id: "laptop"
                name: "Laptop"
                series: "pro"
                attributes { name: "colour" values: "red" values: "blue" }
                active: true
              })pb"));
  server.Ok(&S::UpsertProduct, Parse<v1::UpsertProductRequest>(R"pb(
              request_id: "p2" product { product_id: "dock" name: "Dock" series: "accessories" active: true })pb"));
  for (const char* colour : {"red", "blue"}) {
    server.Ok(&S::UpsertSku, Parse<v1::UpsertSkuRequest>(absl::StrCat(
                                 "request_id: \"s-", colour, "\" sku { sku_id: \"laptop-", colour,
                                 "\" product_id: \"laptop\" name: \"Laptop ", colour, "\" attribute_values { key: \"colour\" value: \"",
                                 colour, "\" } active: true }")));
  }
  server.Ok(&S::UpsertPriceBook, Parse<v1::UpsertPriceBookRequest>(R"pb(
              request_id: "b1"
              price_book {
                price_book_id: "standard"
                name: "Standard USD"
                currency: "USD"
                priority: 1
                scope { all: true }
                active: true
                entries {
                  product_id: "laptop"
                  list_price { minor_units: 100000 currency: "USD" }
                  tier_mode: TIER_MODE_RANGE
                  tiers { min_quantity: 10 unit_price { minor_units: 90000 currency: "USD" } }
                  adjustments { attribute: "colour" value: "red" percent_bp: 1000 }
                }
                entries { product_id: "dock" list_price { minor_units: 20000 currency: "USD" } }
              })pb"));
  server.Ok(&S::UpsertPromotion, Parse<v1::UpsertPromotionRequest>(R"pb(
              request_id: "promo"
              promotion {
                promotion_id: "big-order"
                name: "5% off from 5,000"
                kind: PROMOTION_KIND_SPEND_THRESHOLD
                threshold_amount { minor_units: 500000 currency: "USD" }
                percent_off_bp: 500
                stackable: true
                active: true
              })pb"));
}

TEST(QuotePricingTest, PriceQuoteShowsTheWaterfallAndChangesNothing) {
  testing::TestServer server;
  SeedCatalogue(server);
  const uint64_t head = server.store().HeadPosition();
  v1::PriceQuoteResponse priced = server.Ok(&S::PriceQuote, Parse<v1::PriceQuoteRequest>(R"pb(
    currency: "USD"
    lines { line_id: "1" product_id: "laptop" sku_id: "laptop-red" quantity: 10 }
    lines { line_id: "2" product_id: "dock" quantity: 2 manual_discount_bp: 1000 })pb"));
  EXPECT_EQ(server.store().HeadPosition(), head);
  EXPECT_EQ(priced.price_book_id(), "standard");
  const v1::Pricing& pricing = priced.pricing();
  ASSERT_EQ(pricing.lines_size(), 2);
  std::vector<std::string> steps;
  for (const v1::PricingStep& step : pricing.lines(0).waterfall()) steps.push_back(step.step());
  EXPECT_THAT(steps, ::testing::ElementsAre("list", "tier", "attribute", "promotion", "net"));
  // 10 x 900.00 (RANGE tier) x 1.10 (red) = 9,900.00; the 5 % promotion applies to the whole basket.
  EXPECT_THAT(pricing.applied_promotion_ids(), ::testing::ElementsAre("big-order"));
  EXPECT_EQ(pricing.lines(0).net_amount().minor_units(), 990000 - 49500);
  EXPECT_EQ(pricing.totals().list_total().minor_units(), 1000000 + 40000);
  EXPECT_GT(pricing.totals().discount_bp(), 0);

  grpc::Status no_price = server.Status(&S::PriceQuote, Parse<v1::PriceQuoteRequest>(R"pb(
    currency: "EUR" lines { line_id: "1" product_id: "dock" quantity: 1 })pb"));
  EXPECT_EQ(no_price.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(no_price.error_message(), HasSubstr("no_price_book"));
}

class QuoteLifecycleTest : public ::testing::Test {
 protected:
  QuoteLifecycleTest() : quote_(absl::StrCat("127.0.0.1:", opportunity_.port())) {
    opportunity_.SeedOrganisation();
    opportunity_.SeedPipelines();
    opportunity_.Ok(&O::CreateAccount, Parse<opportunity::v1::CreateAccountRequest>(R"pb(
                      request_id: "acc" account_id: "initech" name: "Initech" industry: "software" region: "EMEA")pb"));
    opportunity_.Ok(&O::CreateOpportunity, Parse<opportunity::v1::CreateOpportunityRequest>(R"pb(
                      request_id: "opp"
                      opportunity_id: "deal-1"
                      account_id: "initech"
                      pipeline_id: "maven"
                      name: "Initech laptops"
                      owner_user_id: "anna"
                      amount { minor_units: 500000 currency: "USD" })pb"));
    SeedCatalogue(quote_);
    quote_.Ok(&S::DefineApprovalPolicy, Parse<v1::DefineApprovalPolicyRequest>(R"pb(
                request_id: "policy"
                rules { rule_id: "manager" min_discount_bp: 1500 approver_roles: "manager" }
                rules { rule_id: "director" min_discount_bp: 3000 approver_roles: "director" })pb"));
  }

  v1::Quote Create(const std::string& id, int32_t manual_discount_bp) {
    v1::CreateQuoteRequest r = Parse<v1::CreateQuoteRequest>(
        R"pb(opportunity_id: "deal-1"
             currency: "USD"
             name: "Initech laptops"
             lines { product_id: "laptop" sku_id: "laptop-blue" quantity: 4 })pb");
    r.set_request_id("create-" + id);
    r.set_quote_id(id);
    r.mutable_lines(0)->set_manual_discount_bp(manual_discount_bp);
    return quote_.Ok(&S::CreateQuote, r).quote();
  }

  template <typename Request>
  Request On(const std::string& request_id, const std::string& quote_id) {
    Request r;
    r.set_request_id(request_id);
    r.set_quote_id(quote_id);
    return r;
  }

  opportunity::testing::TestServer opportunity_;
  testing::TestServer quote_;
};

TEST_F(QuoteLifecycleTest, ApprovalSendAcceptOrderAndPayments) {
  v1::Quote draft = Create("q1", 2000);  // 20 % off: the manager must approve
  EXPECT_EQ(draft.status(), v1::QUOTE_STATUS_DRAFT);
  EXPECT_EQ(draft.account_id(), "initech");
  EXPECT_THAT(draft.required_approver_roles(), ::testing::ElementsAre("manager"));
  EXPECT_EQ(draft.pricing().totals().net_total().minor_units(), 4 * 100000 * 80 / 100);

  grpc::Status unapproved = quote_.Status(&S::SendQuote, On<v1::SendQuoteRequest>("send-0", "q1"));
  EXPECT_EQ(unapproved.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(unapproved.error_message(), HasSubstr("approval_required"));

  EXPECT_EQ(quote_.Ok(&S::SubmitQuote, On<v1::SubmitQuoteRequest>("submit", "q1")).quote().status(),
            v1::QUOTE_STATUS_PENDING_APPROVAL);
  grpc::Status rep = quote_.Status(&S::ApproveQuote, On<v1::ApproveQuoteRequest>("approve-rep", "q1"), "acme", "bob",
                                   "rep");
  EXPECT_EQ(rep.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::Quote approved =
      quote_.Ok(&S::ApproveQuote, On<v1::ApproveQuoteRequest>("approve", "q1"), "acme", "maria", "manager").quote();
  EXPECT_EQ(approved.status(), v1::QUOTE_STATUS_APPROVED);
  EXPECT_EQ(quote_.Ok(&S::SendQuote, On<v1::SendQuoteRequest>("send", "q1")).quote().status(),
            v1::QUOTE_STATUS_SENT);

  v1::AcceptQuoteRequest accept = On<v1::AcceptQuoteRequest>("accept", "q1");
  *accept.add_schedule() = Parse<v1::Instalment>(R"pb(due_date { seconds: 1720000000 }
                                                      amount { minor_units: 120000 currency: "USD" })pb");
  *accept.add_schedule() = Parse<v1::Instalment>(R"pb(due_date { seconds: 1730000000 }
                                                      amount { minor_units: 200000 currency: "USD" })pb");
  v1::AcceptQuoteResponse accepted = quote_.Ok(&S::AcceptQuote, accept);
  EXPECT_EQ(accepted.quote().status(), v1::QUOTE_STATUS_ACCEPTED);
  const std::string order_id = accepted.order().order_id();
  ASSERT_FALSE(order_id.empty());
  EXPECT_EQ(accepted.order().balance().minor_units(), 320000);
  EXPECT_EQ(accepted.order().schedule_size(), 2);

  v1::RecordPaymentRequest pay = Parse<v1::RecordPaymentRequest>(R"pb(
    request_id: "pay-1" amount { minor_units: 120000 currency: "USD" } reference: "wire 1")pb");
  pay.set_order_id(order_id);
  EXPECT_EQ(quote_.Ok(&S::RecordPayment, pay).order().balance().minor_units(), 200000);
  v1::RecordPaymentRequest too_much = pay;
  too_much.set_request_id("pay-2");
  too_much.mutable_amount()->set_minor_units(200001);
  grpc::Status over = quote_.Status(&S::RecordPayment, too_much);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(over.error_message(), HasSubstr("overpayment"));
  too_much.set_request_id("pay-3");
  too_much.mutable_amount()->set_minor_units(200000);
  v1::Order paid = quote_.Ok(&S::RecordPayment, too_much).order();
  EXPECT_EQ(paid.status(), v1::ORDER_STATUS_PAID);
  EXPECT_EQ(paid.payments_size(), 2);

  v1::ListOrdersRequest list;
  list.set_account_id("initech");
  EXPECT_EQ(quote_.Ok(&S::ListOrders, list).orders_size(), 1);
  v1::ListQuotesRequest quotes;
  quotes.set_opportunity_id("deal-1");
  ASSERT_EQ(quote_.Ok(&S::ListQuotes, quotes).quotes_size(), 1);
}

TEST_F(QuoteLifecycleTest, RevisionKeepsOrLosesApprovalAndVersionsStayReadable) {
  Create("q1", 2000);
  quote_.Ok(&S::SubmitQuote, On<v1::SubmitQuoteRequest>("submit", "q1"));
  quote_.Ok(&S::ApproveQuote, On<v1::ApproveQuoteRequest>("approve", "q1"), "acme", "maria", "manager");

  // Fewer units at the same discount: the same chain, a lower total -> still approved.
  v1::ReviseQuoteRequest smaller = On<v1::ReviseQuoteRequest>("rev-1", "q1");
  *smaller.add_lines() = Parse<v1::QuoteLine>(
      R"pb(line_id: "1" product_id: "laptop" sku_id: "laptop-blue" quantity: 3 manual_discount_bp: 2000)pb");
  v1::Quote v2 = quote_.Ok(&S::ReviseQuote, smaller).quote();
  EXPECT_EQ(v2.quote_version(), 2u);
  EXPECT_EQ(v2.status(), v1::QUOTE_STATUS_APPROVED);

  // A deeper discount needs the director too: back to draft.
  v1::ReviseQuoteRequest deeper = On<v1::ReviseQuoteRequest>("rev-2", "q1");
  *deeper.add_lines() = Parse<v1::QuoteLine>(
      R"pb(line_id: "1" product_id: "laptop" sku_id: "laptop-blue" quantity: 3 manual_discount_bp: 3500)pb");
  v1::Quote v3 = quote_.Ok(&S::ReviseQuote, deeper).quote();
  EXPECT_EQ(v3.status(), v1::QUOTE_STATUS_DRAFT);
  EXPECT_THAT(v3.required_approver_roles(), ::testing::ElementsAre("manager", "director"));

  v1::GetQuoteRequest first;
  first.set_quote_id("q1");
  first.set_quote_version(1);
  EXPECT_EQ(quote_.Ok(&S::GetQuote, first).quote().pricing().lines(0).line().quantity(), 4);
  v1::DiffQuoteVersionsRequest diff;
  diff.set_quote_id("q1");
  diff.set_from_version(1);
  diff.set_to_version(3);
  v1::QuoteDiff changes = quote_.Ok(&S::DiffQuoteVersions, diff).diff();
  ASSERT_EQ(changes.lines_size(), 1);
  EXPECT_EQ(changes.lines(0).change(), "changed");
}

TEST_F(QuoteLifecycleTest, CloneRepricesAtTodaysBooksAndExpiryCloses) {
  Create("q1", 0);
  // The list price goes up; a clone picks the new price and says what changed.
  v1::UpsertPriceBookRequest raise = Parse<v1::UpsertPriceBookRequest>(R"pb(
    request_id: "b2"
    price_book {
      price_book_id: "standard"
      name: "Standard USD"
      currency: "USD"
      priority: 1
      scope { all: true }
      active: true
      entries { product_id: "laptop" list_price { minor_units: 110000 currency: "USD" } }
      entries { product_id: "dock" list_price { minor_units: 20000 currency: "USD" } }
    })pb");
  quote_.Ok(&S::UpsertPriceBook, raise);
  v1::CloneQuoteRequest clone;
  clone.set_request_id("clone");
  clone.set_from_quote_id("q1");
  clone.set_quote_id("q2");
  v1::CloneQuoteResponse cloned = quote_.Ok(&S::CloneQuote, clone);
  EXPECT_EQ(cloned.quote().cloned_from_quote_id(), "q1");
  EXPECT_EQ(cloned.quote().pricing().lines(0).net_amount().minor_units(), 4 * 110000);
  ASSERT_EQ(cloned.changes().lines_size(), 1);
  EXPECT_EQ(cloned.changes().lines(0).change(), "changed");

  // Past valid_until (30 days by default) the sweep expires both quotes.
  quote_.clock().Advance(absl::Hours(24 * 31));
  absl::StatusOr<int> expired = quote_.service().ExpireDueQuotes();
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 2);
  v1::GetQuoteRequest get;
  get.set_quote_id("q1");
  EXPECT_EQ(quote_.Ok(&S::GetQuote, get).quote().status(), v1::QUOTE_STATUS_EXPIRED);
  EXPECT_EQ(*quote_.service().ExpireDueQuotes(), 0);
}

TEST(QuoteOpportunityDownTest, CreateQuoteIsUnavailableAndChangesNothing) {
  testing::TestServer server("127.0.0.1:1");
  SeedCatalogue(server);
  const uint64_t head = server.store().HeadPosition();
  grpc::Status down = server.Status(&S::CreateQuote, Parse<v1::CreateQuoteRequest>(R"pb(
    request_id: "c" opportunity_id: "deal-1" currency: "USD" name: "Q"
    lines { product_id: "dock" quantity: 1 })pb"));
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(server.store().HeadPosition(), head);
}

}  // namespace
}  // namespace sfa::quote

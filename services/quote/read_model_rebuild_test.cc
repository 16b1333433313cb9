// The quote service's read model is a pure fold of its events: EventStore::RebuildProjection gives the
// incrementally built bytes back after a catalogue, quotes through acceptance, an order and payments.

#include <google/protobuf/text_format.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "opportunity/testing/test_server.h"
#include "quote/projections/projections.h"
#include "quote/testing/test_server.h"

namespace sfa::quote {
namespace {

using S = v1::QuoteService::Stub;
using O = opportunity::v1::OpportunityService::Stub;
using Dump = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

Dump DumpOf(const eventstore::EventStore& store) {
  projections::QuoteProjection projection;
  Dump dump;
  for (const std::string& cf : projection.column_families()) dump[cf] = eventstore::testing::DumpColumnFamily(store, cf);
  return dump;
}

TEST(QuoteReadModelTest, RebuildEqualsIncremental) {
  opportunity::testing::TestServer opportunity;
  opportunity.SeedOrganisation();
  opportunity.SeedPipelines();
  opportunity.Ok(&O::CreateAccount, Parse<opportunity::v1::CreateAccountRequest>(
                                        R"pb(request_id: "a" account_id: "acct" name: "Acct" region: "EMEA")pb"));
  opportunity.Ok(&O::CreateOpportunity, Parse<opportunity::v1::CreateOpportunityRequest>(R"pb(
                   request_id: "o" opportunity_id: "deal" account_id: "acct" pipeline_id: "maven" name: "Deal"
                   owner_user_id: "anna")pb"));
  testing::TestServer server(absl::StrCat("127.0.0.1:", opportunity.port()));
  server.Ok(&S::UpsertProduct, Parse<v1::UpsertProductRequest>(R"pb(
              request_id: "p" product {
                product_id: "shirt" name: "Shirt" series: "apparel" active: true
                attributes { name: "size" values: "S" values: "M" }
              })pb"));
  for (const char* size : {"S", "M"}) {
    server.Ok(&S::UpsertSku, Parse<v1::UpsertSkuRequest>(absl::StrCat(
                                 "request_id: \"s", size, "\" sku { sku_id: \"shirt-", size,
                                 "\" product_id: \"shirt\" attribute_values { key: \"size\" value: \"", size,
                                 "\" } active: true }")));
  }
  server.Ok(&S::UpsertPriceBook, Parse<v1::UpsertPriceBookRequest>(R"pb(
              request_id: "b" price_book {
                price_book_id: "eur" name: "EUR" currency: "EUR" active: true scope { all: true }
                entries {
                  product_id: "shirt" list_price { minor_units: 2500 currency: "EUR" }
                  tier_mode: TIER_MODE_SLAB tiers { min_quantity: 20 unit_price { minor_units: 2000 currency: "EUR" } }
                }
              })pb"));
  server.Ok(&S::UpsertPromotion, Parse<v1::UpsertPromotionRequest>(R"pb(
              request_id: "promo" promotion {
                promotion_id: "bulk" name: "Bulk" kind: PROMOTION_KIND_QUANTITY_THRESHOLD threshold_quantity: 30
                amount_off { minor_units: 1000 currency: "EUR" } stackable: true active: true usage_quota: 10
              })pb"));
  for (int i = 0; i < 3; ++i) {
    v1::CreateQuoteRequest create = Parse<v1::CreateQuoteRequest>(R"pb(
      opportunity_id: "deal" currency: "EUR" name: "Shirts" lines { product_id: "shirt" sku_id: "shirt-M" quantity: 40 })pb");
    create.set_request_id(absl::StrCat("q", i));
    create.set_quote_id(absl::StrCat("q", i));
    server.Ok(&S::CreateQuote, create);
  }
  v1::SendQuoteRequest send;
  send.set_request_id("send");
  send.set_quote_id("q0");
  server.Ok(&S::SendQuote, send);
  v1::AcceptQuoteRequest accept;
  accept.set_request_id("accept");
  accept.set_quote_id("q0");
  v1::AcceptQuoteResponse accepted = server.Ok(&S::AcceptQuote, accept);
  v1::RecordPaymentRequest pay;
  pay.set_request_id("pay");
  pay.set_order_id(accepted.order().order_id());
  pay.mutable_amount()->set_currency("EUR");
  pay.mutable_amount()->set_minor_units(1000);
  server.Ok(&S::RecordPayment, pay);
  send.set_request_id("send-1");
  send.set_quote_id("q1");
  server.Ok(&S::SendQuote, send);
  v1::DeclineQuoteRequest decline;
  decline.set_request_id("decline");
  decline.set_quote_id("q1");
  decline.set_reason("went with a competitor");
  server.Ok(&S::DeclineQuote, decline);

  const Dump incremental = DumpOf(server.store());
  for (const char* cf : {"rm_quote_product", "rm_quote_sku", "rm_quote_price_book", "rm_quote_promotion",
                         "rm_quote_quote", "rm_quote_index", "rm_quote_order", "rm_quote_order_index"}) {
    EXPECT_FALSE(incremental.at(cf).empty()) << cf << " was not filled by the scenario";
  }
  ASSERT_TRUE(server.store().RebuildProjection("quote").ok());
  const Dump rebuilt = DumpOf(server.store());
  for (const auto& [cf, entries] : incremental) EXPECT_EQ(rebuilt.at(cf), entries) << cf << " differs after rebuild";
}

}  // namespace
}  // namespace sfa::quote

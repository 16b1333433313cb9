// End to end: sfa-quote and sfa-opportunity on the embedded Kafka. A quote for a deal is created (the
// quote service reads the deal and its account over gRPC), sent and accepted; QuoteAccepted travels on
// sfa.quote.events.v1 and the opportunity service records the quote's net total as the deal's amount,
// as its own OpportunityAmountChanged naming the quote.

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "messaging/test_util.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"
#include "tests/support/sales_fixture.h"
#include "tests/support/service_process.h"
#include "tools/kafka_broker/embedded_kafka.h"

#ifndef SFA_QUOTE_BIN
#error "SFA_QUOTE_BIN must be the path of sfa-quote"
#endif
#ifndef SFA_OPPORTUNITY_BIN
#error "SFA_OPPORTUNITY_BIN must be the path of sfa-opportunity"
#endif

namespace sfa {
namespace {

namespace qv1 = ::sfa::quote::v1;
namespace ov1 = ::sfa::opportunity::v1;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("x-sfa-tenant", "acme");
  ctx->AddMetadata("x-sfa-user", "alice");
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

template <typename Stub, typename Req, typename Resp>
Resp Ok(Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& req) {
  Resp resp;
  grpc::Status s = (stub.*rpc)(Ctx().get(), req, &resp);
  EXPECT_TRUE(s.ok()) << Req::descriptor()->name() << ": " << s.error_code() << " " << s.error_message();
  return resp;
}

std::unique_ptr<sfa::testing::ServiceProcess> Start(const std::string& binary, const std::string& name,
                                                    const eventstore::testing::TempDir& dir, int grpc, int metrics,
                                                    const std::string& brokers, std::vector<std::string> extra) {
  auto p = sfa::testing::StartService(binary, dir.Sub(name), dir.Sub(name + ".log"), grpc, metrics, brokers, extra);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

TEST(QuoteAcceptanceE2eTest, AcceptedQuoteSetsTheOpportunityAmountThroughKafka) {
  eventstore::testing::TempDir dir("quote-acceptance-e2e");
  auto kafka = tools::EmbeddedKafka::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  const std::string brokers = (*kafka)->bootstrap_servers();
  const int opp_port = sfa::testing::FreePort(), opp_metrics = sfa::testing::FreePort();
  const int quote_port = sfa::testing::FreePort(), quote_metrics = sfa::testing::FreePort();
  auto opportunity = Start(SFA_OPPORTUNITY_BIN, "opportunity", dir, opp_port, opp_metrics, brokers, {});
  auto quote = Start(SFA_QUOTE_BIN, "quote", dir, quote_port, quote_metrics, brokers,
                     {absl::StrCat("--opportunity_target=127.0.0.1:", opp_port)});
  ASSERT_NE(opportunity, nullptr);
  ASSERT_NE(quote, nullptr);
  auto opp = ov1::OpportunityService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", opp_port), grpc::InsecureChannelCredentials()));
  auto quotes = qv1::QuoteService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", quote_port), grpc::InsecureChannelCredentials()));

  // A rep, a pipeline, an account and a deal (tests/support/sales_fixture.h).
  ASSERT_TRUE(sfa::testing::SeedGlobexDeal(*opp, Ctx).ok());

  qv1::UpsertProductRequest product;
  product.set_request_id("product");
  product.mutable_product()->set_product_id("server");
  product.mutable_product()->set_name("Server");
  product.mutable_product()->set_active(true);
  Ok(*quotes, &qv1::QuoteService::Stub::UpsertProduct, product);
  qv1::UpsertPriceBookRequest book;
  book.set_request_id("book");
  qv1::PriceBook* b = book.mutable_price_book();
  b->set_price_book_id("usd");
  b->set_name("USD");
  b->set_currency("USD");
  b->set_active(true);
  b->mutable_scope()->set_all(true);
  qv1::PriceBookEntry* entry = b->add_entries();
  entry->set_product_id("server");
  entry->mutable_list_price()->set_currency("USD");
  entry->mutable_list_price()->set_minor_units(12345'00);
  Ok(*quotes, &qv1::QuoteService::Stub::UpsertPriceBook, book);

  qv1::CreateQuoteRequest create;
  create.set_request_id("quote");
  create.set_quote_id("q1");
  create.set_name("Globex servers");
  create.set_opportunity_id("deal-1");
  create.set_currency("USD");
  qv1::QuoteLine* line = create.add_lines();
  line->set_product_id("server");
  line->set_quantity(8);
  qv1::Quote created = Ok(*quotes, &qv1::QuoteService::Stub::CreateQuote, create).quote();
  EXPECT_EQ(created.account_id(), "globex");
  const int64_t total = created.pricing().totals().net_total().minor_units();
  EXPECT_EQ(total, 8 * 12345'00);
  qv1::SendQuoteRequest send;
  send.set_request_id("send");
  send.set_quote_id("q1");
  Ok(*quotes, &qv1::QuoteService::Stub::SendQuote, send);
  qv1::AcceptQuoteRequest accept;
  accept.set_request_id("accept");
  accept.set_quote_id("q1");
  qv1::AcceptQuoteResponse accepted = Ok(*quotes, &qv1::QuoteService::Stub::AcceptQuote, accept);
  EXPECT_EQ(accepted.order().balance().minor_units(), total);

  // The opportunity service hears of it through Kafka and records the amount itself.
  ov1::GetOpportunityRequest get;
  get.set_opportunity_id("deal-1");
  ov1::Opportunity seen;
  EXPECT_TRUE(messaging::testing::WaitFor(
      [&] {
        seen = Ok(*opp, &ov1::OpportunityService::Stub::GetOpportunity, get).opportunity();
        return seen.amount().minor_units() == total;
      },
      absl::Seconds(60)))
      << "amount stayed " << seen.amount().minor_units() << "\n"
      << opportunity->LogTail();
  EXPECT_EQ(seen.version(), 2u);  // created, then the accepted quote's amount; once
}

}  // namespace
}  // namespace sfa

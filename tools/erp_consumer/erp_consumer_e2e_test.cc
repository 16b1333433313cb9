// End to end: sfa-quote and sfa-opportunity on the embedded Kafka, and sfa-erp-consumer run as an ERP
// team would run it. A quote is accepted (OrderPlaced), paid in two payments (PaymentRecorded twice,
// OrderPaid) and its deal closed as won (OpportunityWon); the consumer prints exactly those, with the
// right ids and amounts, commits its offsets under its group, and with --all-events prints every record.

#include <fcntl.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "messaging/test_util.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"
#include "tests/support/sales_fixture.h"
#include "tests/support/service_process.h"
#include "tools/erp_consumer/erp_event_line.pb.h"
#include "tools/kafka_broker/embedded_kafka.h"

#ifndef SFA_QUOTE_BIN
#error "SFA_QUOTE_BIN must be the path of sfa-quote"
#endif
#ifndef SFA_OPPORTUNITY_BIN
#error "SFA_OPPORTUNITY_BIN must be the path of sfa-opportunity"
#endif
#ifndef SFA_ERP_CONSUMER_BIN
#error "SFA_ERP_CONSUMER_BIN must be the path of sfa-erp-consumer"
#endif

namespace sfa {
namespace {

namespace qv1 = ::sfa::quote::v1;
namespace ov1 = ::sfa::opportunity::v1;
using ::sfa::tools::erp_consumer::ErpEventLine;

constexpr char kQuoteTopic[] = "sfa.quote.events.v1";
constexpr char kOpportunityTopic[] = "sfa.opportunity.events.v1";

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

common::v1::Money Usd(int64_t minor_units) {
  common::v1::Money m;
  m.set_currency("USD");
  m.set_minor_units(minor_units);
  return m;
}

std::unique_ptr<sfa::testing::ServiceProcess> Start(const std::string& binary, const std::string& name,
                                                    const eventstore::testing::TempDir& dir, int grpc, int metrics,
                                                    const std::string& brokers, std::vector<std::string> extra) {
  auto p = sfa::testing::StartService(binary, dir.Sub(name), dir.Sub(name + ".log"), grpc, metrics, brokers, extra);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What one run of sfa-erp-consumer printed.
struct ConsumerRun {
  int exit_code = -1;
  std::vector<ErpEventLine> lines;
  std::string stderr_text;
};

// Runs sfa-erp-consumer with `args` to its exit (killed after `timeout`); stdout must be JSON lines only.
ConsumerRun RunConsumer(const eventstore::testing::TempDir& dir, const std::string& name,
                        const std::vector<std::string>& args, absl::Duration timeout = absl::Seconds(90)) {
  const std::string out_path = dir.Sub(name + ".out"), err_path = dir.Sub(name + ".err");
  std::vector<std::string> argv_text = {SFA_ERP_CONSUMER_BIN};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || err < 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  ConsumerRun run;
  if (pid < 0) return run;
  int status = 0;
  const bool exited = messaging::testing::WaitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, timeout);
  if (!exited) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  run.exit_code = exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.stderr_text = ReadFile(err_path);
  for (absl::string_view text : absl::StrSplit(ReadFile(out_path), '\n', absl::SkipEmpty())) {
    ErpEventLine line;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(text), &line).ok())
        << "not a JSON line: " << text;
    run.lines.push_back(std::move(line));
  }
  return run;
}

// Waits until `topic` holds a record of each of `types` (its ce_type header); the relay publishes after the
// command is answered.
bool WaitForEventTypes(const std::string& brokers, const std::string& topic, std::set<std::string> types) {
  auto reader = messaging::testing::TopicReader::Create(brokers, topic);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return false;
  return messaging::testing::WaitFor(
      [&] {
        absl::StatusOr<std::vector<messaging::testing::Record>> records = (*reader)->ReadNew(absl::Seconds(5));
        if (!records.ok()) return false;
        for (const messaging::testing::Record& r : *records) {
          for (const auto& [name, value] : r.headers) {
            if (name == "ce_type") types.erase(value);
          }
        }
        return types.empty();
      },
      absl::Seconds(60));
}

template <typename Event>
std::vector<Event> Payloads(const std::vector<ErpEventLine>& lines) {
  std::vector<Event> out;
  for (const ErpEventLine& line : lines) {
    Event e;
    if (line.event_type() == Event::descriptor()->full_name()) {
      EXPECT_TRUE(line.payload().UnpackTo(&e)) << line.DebugString();
      out.push_back(e);
    }
  }
  return out;
}

TEST(ErpConsumerE2eTest, PrintsOrdersPaymentsAndWonDealsAndCommitsItsOffsets) {
  eventstore::testing::TempDir dir("erp-consumer-e2e");
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

  // A product at 12,345.00, a quote for 8 of them, sent and accepted: the order.
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
  *entry->mutable_list_price() = Usd(12345'00);
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
  Ok(*quotes, &qv1::QuoteService::Stub::CreateQuote, create);
  const int64_t total = 8 * 12345'00;
  qv1::SendQuoteRequest send;
  send.set_request_id("send");
  send.set_quote_id("q1");
  Ok(*quotes, &qv1::QuoteService::Stub::SendQuote, send);
  qv1::AcceptQuoteRequest accept;
  accept.set_request_id("accept");
  accept.set_quote_id("q1");
  const std::string order_id = Ok(*quotes, &qv1::QuoteService::Stub::AcceptQuote, accept).order().order_id();
  ASSERT_FALSE(order_id.empty());

  // Paid in two payments.
  for (auto [id, amount] : {std::pair{"pay-1", int64_t{30000'00}}, std::pair{"pay-2", total - 30000'00}}) {
    qv1::RecordPaymentRequest pay;
    pay.set_request_id(id);
    pay.set_order_id(order_id);
    pay.set_payment_id(id);
    *pay.mutable_amount() = Usd(amount);
    pay.set_reference(absl::StrCat("bank ", id));
    Ok(*quotes, &qv1::QuoteService::Stub::RecordPayment, pay);
  }

  // Once the accepted quote's total is the deal's amount (through Kafka), the deal is won at that amount.
  ov1::GetOpportunityRequest get;
  get.set_opportunity_id("deal-1");
  ASSERT_TRUE(messaging::testing::WaitFor(
      [&] {
        return Ok(*opp, &ov1::OpportunityService::Stub::GetOpportunity, get).opportunity().amount().minor_units() ==
               total;
      },
      absl::Seconds(60)))
      << opportunity->LogTail();
  ov1::CloseWonRequest won;
  won.set_request_id("won");
  won.set_opportunity_id("deal-1");
  Ok(*opp, &ov1::OpportunityService::Stub::CloseWon, won);

  ASSERT_TRUE(WaitForEventTypes(brokers, kQuoteTopic, {"sfa.quote.v1.OrderPaid"})) << quote->LogTail();
  ASSERT_TRUE(WaitForEventTypes(brokers, kOpportunityTopic, {"sfa.opportunity.v1.OpportunityWon"}))
      << opportunity->LogTail();

  // The ERP run: both topics, from the beginning, until the end.
  const std::vector<std::string> erp_args = {absl::StrCat("--brokers=", brokers),
                                             absl::StrCat("--topics=", kQuoteTopic, ",", kOpportunityTopic),
                                             "--group=erp-e2e", "--from-beginning", "--exit-at-end",
                                             // The mock cluster lets the next run of the group join only once
                                             // the previous member's session expired (45 s by default).
                                             "-X", "session.timeout.ms=6000"};
  ConsumerRun run = RunConsumer(dir, "erp", erp_args);
  ASSERT_EQ(run.exit_code, 0) << run.stderr_text;
  std::multiset<std::string> types;
  for (const ErpEventLine& l : run.lines) {
    types.insert(l.event_type());
    EXPECT_EQ(l.tenant(), "acme");
    EXPECT_EQ(l.key(), l.aggregate_id());
    EXPECT_FALSE(l.event_id().empty());
    EXPECT_TRUE(l.has_effective_time());
    EXPECT_EQ(l.topic(), l.event_type().rfind("sfa.quote.", 0) == 0 ? kQuoteTopic : kOpportunityTopic);
  }
  EXPECT_EQ(types, (std::multiset<std::string>{"sfa.quote.v1.OrderPlaced", "sfa.quote.v1.PaymentRecorded",
                                               "sfa.quote.v1.PaymentRecorded", "sfa.quote.v1.OrderPaid",
                                               "sfa.opportunity.v1.OpportunityWon"}))
      << run.stderr_text;

  std::vector<qv1::OrderPlaced> orders = Payloads<qv1::OrderPlaced>(run.lines);
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0].order_id(), order_id);
  EXPECT_EQ(orders[0].quote_id(), "q1");
  EXPECT_EQ(orders[0].opportunity_id(), "deal-1");
  EXPECT_EQ(orders[0].account_id(), "globex");
  ASSERT_EQ(orders[0].lines_size(), 1);
  EXPECT_EQ(orders[0].lines(0).line().quantity(), 8);
  EXPECT_EQ(orders[0].totals().net_total().SerializeAsString(), Usd(total).SerializeAsString());

  // Payments in the order they were made (one key, one partition), with running totals.
  std::vector<qv1::PaymentRecorded> payments = Payloads<qv1::PaymentRecorded>(run.lines);
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(payments[0].payment_id(), "pay-1");
  EXPECT_EQ(payments[0].order_id(), order_id);
  EXPECT_EQ(payments[0].amount().minor_units(), 30000'00);
  EXPECT_EQ(payments[0].balance().minor_units(), total - 30000'00);
  EXPECT_EQ(payments[1].payment_id(), "pay-2");
  EXPECT_EQ(payments[1].paid_total().minor_units(), total);
  EXPECT_EQ(payments[1].balance().minor_units(), 0);
  EXPECT_EQ(payments[1].reference(), "bank pay-2");
  std::vector<qv1::OrderPaid> paid = Payloads<qv1::OrderPaid>(run.lines);
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid[0].paid_total().minor_units(), total);

  std::vector<ov1::OpportunityWon> deals = Payloads<ov1::OpportunityWon>(run.lines);
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_EQ(deals[0].opportunity_id(), "deal-1");
  EXPECT_EQ(deals[0].account_id(), "globex");
  EXPECT_EQ(deals[0].amount().SerializeAsString(), Usd(total).SerializeAsString());

  // The group committed what it printed: a second run of it has nothing new to print.
  ConsumerRun again = RunConsumer(dir, "erp-again", erp_args);
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  EXPECT_TRUE(again.lines.empty()) << again.lines.size() << " lines printed twice";

  // --all-events prints one line per record on the topic, every one decoded.
  auto reader = messaging::testing::TopicReader::Create(brokers, kQuoteTopic);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<int64_t> records = (*reader)->EndOffsetSum();
  ASSERT_TRUE(records.ok()) << records.status();
  ConsumerRun all = RunConsumer(dir, "erp-all",
                                {absl::StrCat("--brokers=", brokers), absl::StrCat("--topics=", kQuoteTopic),
                                 "--group=erp-e2e-all", "--from-beginning", "--exit-at-end", "--all-events"});
  ASSERT_EQ(all.exit_code, 0) << all.stderr_text;
  EXPECT_EQ(static_cast<int64_t>(all.lines.size()), *records);
  std::set<std::string> all_types;
  for (const ErpEventLine& l : all.lines) {
    all_types.insert(l.event_type());
    EXPECT_TRUE(l.has_payload()) << l.event_type();
  }
  for (const char* type :
       {"sfa.quote.v1.ProductUpserted", "sfa.quote.v1.PriceBookUpserted", "sfa.quote.v1.QuoteCreated",
        "sfa.quote.v1.QuoteSent", "sfa.quote.v1.QuoteAccepted", "sfa.quote.v1.OrderPlaced"}) {
    EXPECT_EQ(all_types.count(type), 1u) << type;
  }
}

}  // namespace
}  // namespace sfa

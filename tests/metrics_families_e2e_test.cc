// Observability across the stack: the four services, with the embedded Kafka, each expose the same
// metric families under the same names on /metrics; one write per service moves its RPC, event store
// and outbox figures, and the events it publishes move the consumers' projection figures. Request logs
// are off unless --log_requests is given.

#include <google/protobuf/text_format.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "sfa/analytics/v1/analytics_service.grpc.pb.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"
#include "tests/support/service_process.h"
#include "tools/kafka_broker/embedded_kafka.h"

namespace sfa {
namespace {

struct Service {
  std::string name, binary;
  int grpc = 0, metrics = 0;
  std::unique_ptr<testing::ServiceProcess> process;
};

// GET /metrics as text.
std::string Scrape(int port) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/metrics-", port, ".txt");
  const std::string command = absl::StrCat("curl -fsS http://127.0.0.1:", port, "/metrics -o ", path);
  if (std::system(command.c_str()) != 0) return "";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::set<std::string> Families(const std::string& text) {
  std::set<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, "# TYPE ")) continue;
    std::vector<std::string> parts = absl::StrSplit(line, ' ');
    if (parts.size() >= 3) out.insert(parts[2]);
  }
  return out;
}

// The sum of the samples of `series` (a metric name, optionally followed by part of its labels) in `text`.
double Sum(const std::string& text, const std::string& name, const std::string& label_part = "") {
  double total = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, name) || absl::StartsWith(line, "#")) continue;
    const absl::string_view rest = line.substr(name.size());
    if (!rest.empty() && rest[0] != '{' && rest[0] != ' ') continue;  // another metric with this prefix
    if (!label_part.empty() && !absl::StrContains(line, label_part)) continue;
    double v = 0;
    if (absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &v)) total += v;
  }
  return total;
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("x-sfa-tenant", "acme");
  ctx->AddMetadata("x-sfa-user", "ops");
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

template <typename Message>
Message Pb(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

// Polls `condition` until it holds or 30 s pass.
bool Eventually(const std::function<bool()>& condition) {
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (absl::Now() < deadline) {
    if (condition()) return true;
    absl::SleepFor(absl::Milliseconds(200));
  }
  return condition();
}

TEST(MetricsFamiliesE2eTest, EveryServiceExposesTheSameFamiliesAndTheyMoveWithTraffic) {
  eventstore::testing::TempDir dir("metrics-families-e2e");
  auto kafka = tools::EmbeddedKafka::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  std::vector<Service> services(4);
  const std::pair<const char*, const char*> binaries[] = {
      {"lead", SFA_LEAD_BIN}, {"opportunity", SFA_OPPORTUNITY_BIN}, {"quote", SFA_QUOTE_BIN}, {"analytics", SFA_ANALYTICS_BIN}};
  for (size_t i = 0; i < services.size(); ++i) {
    services[i].name = binaries[i].first;
    services[i].binary = binaries[i].second;
  }
  for (Service& s : services) {
    s.grpc = testing::FreePort();
    s.metrics = testing::FreePort();
  }
  const int opportunity_port = services[1].grpc;
  for (Service& s : services) {
    std::vector<std::string> args = {absl::StrCat("--grpc_port=", s.grpc), absl::StrCat("--metrics_port=", s.metrics),
                                     absl::StrCat("--data_dir=", dir.Sub(s.name)),
                                     absl::StrCat("--kafka_brokers=", (*kafka)->bootstrap_servers()),
                                     "--listen_host=127.0.0.1", "--shutdown_grace_seconds=5", "--sync_writes=false"};
    if (s.name == "lead" || s.name == "quote") args.push_back(absl::StrCat("--opportunity_target=127.0.0.1:", opportunity_port));
    if (s.name == "quote") args.push_back("--log_requests");
    auto p = testing::ServiceProcess::Start(s.binary, args, dir.Sub(s.name + ".log"));
    ASSERT_TRUE(p.ok()) << p.status();
    s.process = *std::move(p);
    ASSERT_TRUE(testing::WaitForHttpOk(s.metrics, "/readyz", absl::Seconds(60))) << s.process->LogTail();
  }

  // The same families everywhere, and the ones dashboards and alerts are built on among them.
  const std::set<std::string> reference = Families(Scrape(services[0].metrics));
  for (const char* family :
       {"sfa_rpc_requests_total", "sfa_rpc_duration_seconds", "sfa_eventstore_appends_total",
        "sfa_eventstore_events_total", "sfa_eventstore_commit_seconds", "sfa_outbox_pending",
        "sfa_outbox_published_total", "sfa_outbox_delivery_errors_total", "sfa_projection_applied_total",
        "sfa_projection_lag_events", "sfa_projection_freshness_seconds", "sfa_inbox_handled_total"}) {
    EXPECT_TRUE(reference.contains(family)) << family;
  }
  for (const Service& s : services) {
    EXPECT_EQ(Families(Scrape(s.metrics)), reference) << s.name << " differs from " << services[0].name;
  }

  std::map<std::string, std::string> before;
  for (const Service& s : services) before[s.name] = Scrape(s.metrics);
  auto channel = [](int port) {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  };
  {
    auto stub = lead::v1::LeadService::NewStub(channel(services[0].grpc));
    lead::v1::CaptureLeadResponse r;
    ASSERT_TRUE(stub->CaptureLead(Ctx().get(),
                                  Pb<lead::v1::CaptureLeadRequest>(R"pb(request_id: "m1" person { name: "Mia" })pb"), &r)
                    .ok());
  }
  {
    auto stub = opportunity::v1::OpportunityService::NewStub(channel(services[1].grpc));
    opportunity::v1::CreateAccountResponse r;
    ASSERT_TRUE(stub->CreateAccount(Ctx().get(),
                                    Pb<opportunity::v1::CreateAccountRequest>(
                                        R"pb(request_id: "m2" account_id: "globex" name: "Globex")pb"),
                                    &r)
                    .ok());
  }
  {
    auto stub = quote::v1::QuoteService::NewStub(channel(services[2].grpc));
    quote::v1::UpsertProductResponse r;
    ASSERT_TRUE(stub->UpsertProduct(Ctx().get(),
                                    Pb<quote::v1::UpsertProductRequest>(
                                        R"pb(request_id: "m3" product { product_id: "p1" name: "P1" active: true })pb"),
                                    &r)
                    .ok());
  }
  {
    auto stub = analytics::v1::AnalyticsService::NewStub(channel(services[3].grpc));
    analytics::v1::SetQuotaResponse r;
    ASSERT_TRUE(stub->SetQuota(Ctx().get(),
                               Pb<analytics::v1::SetQuotaRequest>(
                                   R"pb(request_id: "m4" subject: QUOTA_SUBJECT_USER subject_id: "ops"
                                        period { start { seconds: 1700000000 } end { seconds: 1710000000 } }
                                        amount { currency: "USD" minor_units: 100 })pb"),
                               &r)
                    .ok());
  }
  for (const Service& s : services) {
    SCOPED_TRACE(s.name);
    const std::string after = Scrape(s.metrics);
    EXPECT_GT(Sum(after, "sfa_rpc_requests_total", "code=\"OK\""), Sum(before[s.name], "sfa_rpc_requests_total", "code=\"OK\""));
    EXPECT_GT(Sum(after, "sfa_rpc_duration_seconds_count"), Sum(before[s.name], "sfa_rpc_duration_seconds_count"));
    EXPECT_GT(Sum(after, "sfa_eventstore_events_total"), Sum(before[s.name], "sfa_eventstore_events_total"));
    EXPECT_TRUE(Eventually([&] {
      return Sum(Scrape(s.metrics), "sfa_outbox_published_total") > Sum(before[s.name], "sfa_outbox_published_total");
    })) << "nothing published to Kafka";
  }
  // The account created in the opportunity service reaches the lead service's and analytics' read models.
  for (const Service* s : {&services[0], &services[3]}) {
    EXPECT_TRUE(Eventually([&] {
      const std::string now = Scrape(s->metrics);
      return Sum(now, "sfa_projection_applied_total", "sfa.opportunity.events.v1") >
                 Sum(before[s->name], "sfa_projection_applied_total", "sfa.opportunity.events.v1") &&
             Sum(now, "sfa_projection_freshness_seconds_count", "sfa.opportunity.events.v1") > 0;
    })) << s->name << " applied nothing from the opportunity topic";
  }

  // Request logs: only the service started with --log_requests writes a line per call.
  for (Service& s : services) s.process->Stop();
  for (const Service& s : services) {
    std::ifstream in(dir.Sub(s.name + ".log"));
    std::stringstream log;
    log << in.rdbuf();
    EXPECT_EQ(absl::StrContains(log.str(), "msg=rpc "), s.name == "quote") << s.name;
  }
}

}  // namespace
}  // namespace sfa

// sfa-simulate against the real sfa-opportunity process: 2,000 simulated deals through the public gRPC API,
// the counts a user would check read back through ListOpportunities, the service's own events compared
// with the event sink's (sink B emits what the service publishes), and a second run of the binary that
// appends nothing.

#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "sfa/common/v1/event_feed.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tests/support/service_process.h"
#include "tools/simulator/api_sink.h"
#include "tools/simulator/event_sink.h"
#include "tools/simulator/truth.h"

#ifndef SFA_OPPORTUNITY_BIN
#error "SFA_OPPORTUNITY_BIN must be the path of sfa-opportunity"
#endif
#ifndef SFA_SIMULATE_BIN
#error "SFA_SIMULATE_BIN must be the path of sfa-simulate"
#endif

namespace sfa::tools::simulator {
namespace {

constexpr char kTenant[] = "sim";
constexpr int64_t kDeals = 2000;
constexpr uint64_t kSeed = 77;

using common::v1::EventEnvelope;
// (aggregate type, id, version) -> envelope.
using EventMap = std::map<std::tuple<std::string, std::string, uint64_t>, EventEnvelope>;

class SimulatorIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc_port_ = sfa::testing::FreePort();
    metrics_port_ = sfa::testing::FreePort();
    target_ = absl::StrCat("127.0.0.1:", grpc_port_);
    // Kafka at 127.0.0.1:1 never answers: the outbox keeps the events and the commands do not wait for it.
    auto service = sfa::testing::ServiceProcess::Start(
        SFA_OPPORTUNITY_BIN,
        {absl::StrCat("--grpc_port=", grpc_port_), absl::StrCat("--metrics_port=", metrics_port_),
         absl::StrCat("--data_dir=", dir_.Sub("data")), "--kafka_brokers=127.0.0.1:1", "--listen_host=127.0.0.1",
         "--shutdown_grace_seconds=5"},
        dir_.Sub("opportunity.log"));
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(*service);
    ASSERT_TRUE(sfa::testing::WaitForHttpOk(metrics_port_, "/readyz", absl::Seconds(60))) << service_->LogTail();
    channel_ = grpc::CreateChannel(target_, grpc::InsecureChannelCredentials());
    stub_ = v1::OpportunityService::NewStub(channel_);
    feed_ = common::v1::EventFeed::NewStub(channel_);
    SimulationOptions options;
    options.seed = kSeed;
    options.deals = kDeals;
    absl::StatusOr<Simulation> sim = Simulation::Create(DefaultModel(ConfiguredProbabilities::kSkewed), options);
    ASSERT_TRUE(sim.ok()) << sim.status();
    sim_ = std::make_unique<Simulation>(*std::move(sim));
  }

  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("x-sfa-tenant", kTenant);
    ctx->AddMetadata("x-sfa-user", "checker");
    ctx->AddMetadata("x-sfa-roles", "admin");
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return ctx;
  }

  int CountOpportunities(v1::ListOpportunitiesRequest filter) {
    int count = 0;
    filter.set_page_size(500);
    do {
      v1::ListOpportunitiesResponse page;
      const grpc::Status status = stub_->ListOpportunities(Ctx().get(), filter, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      count += page.opportunities_size();
      filter.set_page_token(page.next_page_token());
    } while (!filter.page_token().empty());
    return count;
  }

  int CountByStatus(v1::OpportunityStatus status) {
    v1::ListOpportunitiesRequest filter;
    filter.set_pipeline_id(kPipelineId);
    filter.set_status(status);
    return CountOpportunities(filter);
  }

  // The tenant's events from the service's catch-up feed.
  EventMap ServiceEvents(uint64_t* head) {
    EventMap out;
    common::v1::ReadEventsRequest request;
    auto ctx = Ctx();
    auto reader = feed_->ReadEvents(ctx.get(), request);
    EventEnvelope event;
    while (reader->Read(&event)) {
      *head = event.global_position();
      out[{event.aggregate_type(), event.aggregate_id(), event.aggregate_version()}] = event;
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out;
  }

  int RunBinary() {
    const std::string command = absl::StrCat(
        SFA_SIMULATE_BIN, " --target=", target_, " --tenant=", kTenant, " --seed=", kSeed, " --deals=", kDeals,
        " --configured_probabilities=skewed >", dir_.Sub("second.txt"), " 2>", dir_.Sub("second.log"));
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  eventstore::testing::TempDir dir_{"simulator-integration-test"};
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::string target_;
  std::unique_ptr<sfa::testing::ServiceProcess> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::OpportunityService::Stub> stub_;
  std::unique_ptr<common::v1::EventFeed::Stub> feed_;
  std::unique_ptr<Simulation> sim_;
};

TEST_F(SimulatorIntegrationTest, WritesTheSimulationThroughTheApiAndMatchesTheEventSink) {
  ApiSinkOptions options;
  options.tenant = kTenant;
  ApiSink sink(v1::OpportunityService::NewStub(channel_), options);
  const ApiSinkResult result = sink.Run(*sim_);
  ASSERT_TRUE(result.stopped.empty()) << result.stopped << service_->LogTail();
  ASSERT_EQ(result.failure_count, 0) << result.failures[0].request_id << ": " << result.failures[0].message;
  EXPECT_EQ(result.deals_ok, kDeals);
  const double seconds = absl::ToDoubleSeconds(result.setup_elapsed + result.deals_elapsed);
  std::cout << absl::StrFormat("%d deals, %d commands in %.2f s (%.0f commands/s)\n", kDeals, result.commands, seconds,
                               result.commands / seconds);

  // The counts a user would check, against the truth.
  absl::StatusOr<TruthReport> truth = ComputeTruth(*sim_);
  ASSERT_TRUE(truth.ok());
  v1::ListOpportunitiesRequest all;
  all.set_pipeline_id(kPipelineId);
  EXPECT_EQ(CountOpportunities(all), kDeals);
  EXPECT_EQ(CountByStatus(v1::OPPORTUNITY_STATUS_WON), truth->won_before_horizon);
  EXPECT_EQ(CountByStatus(v1::OPPORTUNITY_STATUS_LOST), truth->lost_before_horizon);
  EXPECT_EQ(CountByStatus(v1::OPPORTUNITY_STATUS_OPEN), truth->open_at_horizon);
  std::map<std::string, int> by_team;
  for (int64_t i = 0; i < kDeals; ++i) {
    const DealHistory deal = sim_->Deal(i);
    ++by_team[sim_->org().teams[sim_->org().reps[deal.owner].team].team_id];
  }
  for (const auto& [team, count] : by_team) {
    v1::ListOpportunitiesRequest filter;
    filter.set_team_id(team);
    EXPECT_EQ(CountOpportunities(filter), count) << team;
  }

  // What the service stored is what the event sink emits: same streams, versions, payloads and business
  // times (but for users, teams and the pipeline, which the service records "now", the sink at `from`).
  uint64_t head = 0;
  const EventMap stored = ServiceEvents(&head);
  EventMap emitted;
  EventSinkOptions sink_options;
  sink_options.tenant = kTenant;
  absl::StatusOr<EventSinkStats> stats = EmitEvents(*sim_, sink_options, [&](const EventEnvelope& e) {
    emitted[{e.aggregate_type(), e.aggregate_id(), e.aggregate_version()}] = e;
    return absl::OkStatus();
  });
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_EQ(stored.size(), emitted.size());
  for (const auto& [key, want] : emitted) {
    auto it = stored.find(key);
    ASSERT_NE(it, stored.end()) << std::get<0>(key) << "/" << std::get<1>(key) << " v" << std::get<2>(key);
    const EventEnvelope& got = it->second;
    ASSERT_EQ(got.payload_type(), want.payload_type()) << std::get<1>(key);
    ASSERT_EQ(got.request_id(), want.request_id()) << std::get<1>(key);
    const std::string& type = std::get<0>(key);
    ASSERT_EQ(got.payload(), want.payload()) << type << "/" << std::get<1>(key) << " v" << std::get<2>(key);
    if (type == "user" || type == "sales_team" || type == "pipeline") continue;
    ASSERT_EQ(got.occurred_at().seconds(), want.occurred_at().seconds()) << std::get<1>(key);
  }

  // A second run, by the binary as a script would call it: every request id is known, nothing appended.
  EXPECT_EQ(RunBinary(), 0) << service_->LogTail();
  uint64_t head_after = 0;
  EXPECT_EQ(ServiceEvents(&head_after).size(), stored.size());
  EXPECT_EQ(head_after, head);
}

}  // namespace
}  // namespace sfa::tools::simulator

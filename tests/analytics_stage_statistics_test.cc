// Learned P(win | stage) from simulated history: 20,000 deals from the simulator's known chain
// (tools/simulator, the envelopes the opportunity service would publish) applied to the stage_stats read
// model through the same de-duplicating apply Kafka uses; GetStageStatistics must land within +-0.03 of the
// chain's analytic truth for every stage, and a redelivery of every event changes nothing.

#include <grpcpp/grpcpp.h>

#include <map>
#include <vector>

#include "analytics/analytics_service.h"
#include "analytics/projections/projections.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "messaging/dedup_apply.h"
#include "server/service_host.h"
#include "opportunity/domain/opportunity.h"
#include "opportunity/domain/support.h"
#include "tools/simulator/chain.h"
#include "tools/simulator/event_sink.h"
#include "tools/simulator/model.h"
#include "tools/simulator/simulation.h"

namespace sfa::analytics {
namespace {

namespace sim = ::sfa::tools::simulator;

class StageStatisticsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerConfig config;
    config.service_name = "analytics";
    config.listen_host = "127.0.0.1";
    config.data_dir = dir_.Sub("data");
    config.kafka_brokers = "127.0.0.1:1";
    config.kafka_topic = "sfa.analytics.events.v1";
    config.shutdown_grace = absl::Seconds(1);
    config.sync_writes = false;
    server::ServiceHostOptions options;
    options.store.extra_column_families = projection_.column_families();
    for (const std::string& cf : as_of_.column_families()) options.store.extra_column_families.push_back(cf);
    options.metrics = &metrics_;
    options.handle_signals = false;
    auto host = server::ServiceHost::Create(config, std::move(options));
    ASSERT_TRUE(host.ok()) << host.status();
    host_ = *std::move(host);
    service_ = std::make_unique<AnalyticsServiceImpl>(host_->store());
    host_->AddService(v1::AnalyticsService::service_full_name(), service_.get());
    ASSERT_TRUE(host_->Start().ok());
    stub_ = v1::AnalyticsService::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", host_->grpc_port()),
                                                              grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    host_->Shutdown();
    service_.reset();
  }

  // Feeds every envelope of the simulation, 500 per commit, as the projection runner would.
  void Feed(const sim::Simulation& simulation) {
    std::vector<sfa::common::v1::EventEnvelope> batch;
    std::vector<eventstore::Projection*> projections = {&projection_, &as_of_};
    auto flush = [&]() -> absl::Status {
      absl::Status s = host_->store()->Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
        for (const auto& e : batch) {
          absl::StatusOr<messaging::ApplyOutcome> applied = messaging::ApplyOnce(e, projections, txn);
          if (!applied.ok()) return applied.status();
        }
        return absl::OkStatus();
      });
      batch.clear();
      return s;
    };
    sim::EventSinkOptions options;
    options.tenant = "acme";
    absl::StatusOr<sim::EventSinkStats> emitted =
        sim::EmitEvents(simulation, options, [&](const sfa::common::v1::EventEnvelope& e) -> absl::Status {
          batch.push_back(e);
          if (keep_ && e.aggregate_type() == "opportunity") kept_.push_back(e);
          return batch.size() == 500 ? flush() : absl::OkStatus();
        });
    ASSERT_TRUE(emitted.ok()) << emitted.status();
    ASSERT_TRUE(flush().ok());
  }

  eventstore::testing::TempDir dir_{"analytics-stage-stats"};
  base::MetricsRegistry metrics_;
  projections::StageStatsProjection projection_;
  projections::PipelineAsOfProjection as_of_;
  bool keep_ = false;
  std::vector<sfa::common::v1::EventEnvelope> kept_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<AnalyticsServiceImpl> service_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
};

TEST_F(StageStatisticsTest, LearnsWinProbabilitiesWithinThreeHundredthsOfTheTruth) {
  sim::SimulationOptions options;
  options.seed = 7;
  options.deals = 20'000;
  absl::StatusOr<sim::Simulation> simulation =
      sim::Simulation::Create(sim::DefaultModel(sim::ConfiguredProbabilities::kSkewed), options);
  ASSERT_TRUE(simulation.ok()) << simulation.status();
  Feed(*simulation);
  absl::StatusOr<sim::ChainSolution> truth = sim::SolveChain(simulation->model().chain);
  ASSERT_TRUE(truth.ok()) << truth.status();

  v1::GetStageStatisticsRequest request;
  request.set_pipeline_id(sim::kPipelineId);
  v1::GetStageStatisticsResponse response;
  grpc::ClientContext context;
  context.AddMetadata("x-sfa-tenant", "acme");
  context.AddMetadata("x-sfa-user", "analyst");
  grpc::Status status = stub_->GetStageStatistics(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const auto& stages = simulation->model().stages;
  ASSERT_EQ(response.stages_size(), static_cast<int>(stages.size()));
  for (int i = 0; i < response.stages_size(); ++i) {
    const v1::StageStatistics& s = response.stages(i);
    SCOPED_TRACE(s.stage_id());
    ASSERT_TRUE(s.has_learned_win_probability());
    EXPECT_NEAR(s.learned_win_probability(), truth->p_win[i], 0.03);
    std::cout << s.stage_id() << ": learned " << s.learned_win_probability() << " truth " << truth->p_win[i]
              << " configured " << s.configured_probability_percent() << "% exits " << s.transitions_out()
              << " days p50/p80 " << s.days_in_stage_p50() << "/" << s.days_in_stage_p80() << "\n";
    EXPECT_GT(s.days_in_stage_p80(), s.days_in_stage_p50());
  }

  // Kafka redelivers everything: the read model does not change.
  const auto before = eventstore::testing::DumpColumnFamily(*host_->store(), projections::kTransitionsCf);
  const auto days_before = eventstore::testing::DumpColumnFamily(*host_->store(), projections::kDayDeltasCf);
  ASSERT_FALSE(days_before.empty());
  Feed(*simulation);
  EXPECT_EQ(eventstore::testing::DumpColumnFamily(*host_->store(), projections::kTransitionsCf), before);
  EXPECT_EQ(eventstore::testing::DumpColumnFamily(*host_->store(), projections::kDayDeltasCf), days_before);
}

// The open pipeline as of several instants (some inside a day) against an independent oracle: the
// opportunity domain's own Evolve folding each deal's events up to the instant.
TEST_F(StageStatisticsTest, PipelineAsOfMatchesTheDealsFoldedToThatInstant) {
  sim::SimulationOptions options;
  options.seed = 11;
  options.deals = 3'000;
  absl::StatusOr<sim::Simulation> simulation = sim::Simulation::Create(sim::DefaultModel(), options);
  ASSERT_TRUE(simulation.ok()) << simulation.status();
  keep_ = true;
  Feed(*simulation);
  ASSERT_FALSE(kept_.empty());

  for (absl::Time as_of : {absl::FromCivil(absl::CivilSecond(2023, 6, 30, 23, 59, 59), absl::UTCTimeZone()),
                           absl::FromCivil(absl::CivilSecond(2024, 3, 15, 12, 30, 0), absl::UTCTimeZone()),
                           absl::FromCivil(absl::CivilSecond(2025, 9, 1, 0, 0, 0), absl::UTCTimeZone())}) {
    SCOPED_TRACE(absl::FormatTime(as_of));
    std::map<std::string, opportunity::domain::OpportunityState> deals;
    for (const auto& e : kept_) {
      if (opportunity::domain::ToTime(e.occurred_at()) > as_of) continue;
      auto payload = opportunity::domain::ParsePayload<opportunity::domain::OpportunityPayload>(e.payload_type(),
                                                                                                 e.payload());
      ASSERT_TRUE(payload.ok()) << payload.status();
      auto& state = deals[e.aggregate_id()];
      state = opportunity::domain::Evolve(
          std::move(state), opportunity::domain::OpportunityEvent{opportunity::domain::ToTime(e.occurred_at()), *payload});
    }
    int64_t count = 0, amount = 0;
    std::map<std::string, int64_t> count_by_stage;
    for (const auto& [id, state] : deals) {
      if (!state.IsOpen()) continue;
      ++count;
      ++count_by_stage[state.stage_id];
      if (state.amount) amount += state.amount->minor_units();
    }
    ASSERT_GT(count, 0);
    absl::StatusOr<v1::GetPipelineResponse> pipeline = [&] {
      v1::GetPipelineRequest request;
      *request.mutable_as_of() = opportunity::domain::ToTimestamp(as_of);
      return service_->Pipeline("acme", request, absl::Now());
    }();
    ASSERT_TRUE(pipeline.ok()) << pipeline.status();
    EXPECT_EQ(pipeline->count(), count);
    ASSERT_EQ(pipeline->amount_size(), 1);
    EXPECT_EQ(pipeline->amount(0).minor_units(), amount);
    std::map<std::string, int64_t> served;
    for (const v1::PipelineBucket& b : pipeline->by_stage()) served[b.key()] = b.count();
    EXPECT_EQ(served, count_by_stage);
  }
}

TEST_F(StageStatisticsTest, RefusesBadRequestsNamingTheField) {
  v1::GetStageStatisticsRequest request;
  v1::GetStageStatisticsResponse response;
  grpc::ClientContext context;
  context.AddMetadata("x-sfa-tenant", "acme");
  context.AddMetadata("x-sfa-user", "analyst");
  grpc::Status status = stub_->GetStageStatistics(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("pipeline_id"), std::string::npos);
  request.set_pipeline_id("nope");
  grpc::ClientContext again;
  again.AddMetadata("x-sfa-tenant", "acme");
  again.AddMetadata("x-sfa-user", "analyst");
  EXPECT_EQ(stub_->GetStageStatistics(&again, request, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace sfa::analytics

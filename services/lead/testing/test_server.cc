#include "lead/testing/test_server.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "google/protobuf/util/time_util.h"
#include "messaging/dedup_apply.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::lead::testing {
namespace {

server::ServerConfig Config(const std::string& data_dir) {
  server::ServerConfig config;
  config.service_name = "lead";
  config.listen_host = "127.0.0.1";
  config.grpc_port = 0;
  config.metrics_port = 0;
  config.data_dir = data_dir;
  config.kafka_brokers = "127.0.0.1:1";
  config.kafka_topic = "sfa.lead.events.v1";
  config.shutdown_grace = absl::Seconds(1);
  config.sync_writes = false;
  return config;
}

template <typename T>
T OrDie(absl::StatusOr<T> value) {
  if (!value.ok()) {
    std::cerr << "test server: " << value.status() << "\n";
    std::abort();
  }
  return *std::move(value);
}

}  // namespace

TestServer::TestServer(std::string opportunity_target) {
  server::ServiceHostOptions options;
  options.store.projections = {&leads_};
  options.store.extra_column_families = roster_.column_families();
  options.store.clock = &clock_;
  options.metrics = &metrics_;
  options.handle_signals = false;
  host_ = OrDie(server::ServiceHost::Create(Config(dir_.Sub("data")), std::move(options)));
  LeadServiceOptions service_options;
  service_options.clock = &clock_;
  service_options.ids = &ids_;
  service_options.trainer.min_interval = absl::ZeroDuration();
  if (!opportunity_target.empty()) {
    service_options.opportunity = opportunity::v1::OpportunityService::NewStub(
        grpc::CreateChannel(opportunity_target, grpc::InsecureChannelCredentials()));
    service_options.opportunity_deadline = absl::Seconds(5);
  }
  service_ = std::make_unique<LeadServiceImpl>(host_->store(), std::move(service_options));
  host_->AddService(v1::LeadService::service_full_name(), service_.get());
  if (absl::Status started = host_->Start(); !started.ok()) {
    std::cerr << "test server: " << started << "\n";
    std::abort();
  }
  stub_ = v1::LeadService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(host_->grpc_port()), grpc::InsecureChannelCredentials()));
}

TestServer::~TestServer() {
  host_->Shutdown();
  service_.reset();
  host_.reset();
}

void TestServer::FeedOpportunityEvents(const std::vector<sfa::common::v1::EventEnvelope>& events) {
  std::vector<eventstore::Projection*> projections = {&roster_};
  absl::Status status = store().Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
    for (const sfa::common::v1::EventEnvelope& event : events) {
      absl::StatusOr<messaging::ApplyOutcome> applied = messaging::ApplyOnce(event, projections, txn);
      if (!applied.ok()) return applied.status();
    }
    return absl::OkStatus();
  });
  ASSERT_TRUE(status.ok()) << status;
}

void TestServer::AnnounceTeam(const std::string& tenant, const std::string& team_id,
                              const std::vector<std::string>& members) {
  opportunity::v1::SalesTeamUpserted team;
  team.set_team_id(team_id);
  team.set_name(team_id);
  for (const std::string& m : members) team.add_member_user_ids(m);
  sfa::common::v1::EventEnvelope event;
  event.set_tenant(tenant);
  event.set_source("opportunity");
  event.set_aggregate_type("sales_team");
  event.set_aggregate_id(team_id);
  event.set_aggregate_version(++team_versions_[tenant + "/" + team_id]);
  event.set_payload_type(std::string(opportunity::v1::SalesTeamUpserted::descriptor()->full_name()));
  event.set_payload(team.SerializeAsString());
  *event.mutable_occurred_at() = google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(TestNow()));
  FeedOpportunityEvents({event});
}

}  // namespace sfa::lead::testing

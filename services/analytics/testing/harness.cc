#include "analytics/testing/harness.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "eventstore/test_util.h"
#include "messaging/dedup_apply.h"

namespace sfa::analytics::testing {

sfa::common::v1::EventEnvelope Envelope(const std::string& tenant, const std::string& source,
                                        const std::string& aggregate_type, const std::string& aggregate_id,
                                        uint64_t version, const google::protobuf::Message& message, absl::Time at) {
  sfa::common::v1::EventEnvelope e;
  e.set_event_id(absl::StrCat(source, ":", aggregate_type, ":", aggregate_id, ":", version));
  e.set_tenant(tenant);
  e.set_source(source);
  e.set_aggregate_type(aggregate_type);
  e.set_aggregate_id(aggregate_id);
  e.set_aggregate_version(version);
  e.set_payload_type(std::string(message.GetDescriptor()->full_name()));
  e.set_payload(message.SerializeAsString());
  *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(at));
  return e;
}

absl::StatusOr<std::unique_ptr<Harness>> Harness::Start(const std::string& data_dir) {
  std::unique_ptr<Harness> h(new Harness());
  server::ServerConfig config;
  config.service_name = "analytics";
  config.listen_host = "127.0.0.1";
  config.data_dir = data_dir;
  config.kafka_brokers = "127.0.0.1:1";
  config.kafka_topic = "sfa.analytics.events.v1";
  config.shutdown_grace = absl::Seconds(1);
  config.sync_writes = false;
  server::ServiceHostOptions options;
  options.store.projections = h->read_models_.own();
  options.store.extra_column_families = h->read_models_.kafka_column_families();
  options.metrics = &h->metrics_;
  options.handle_signals = false;
  absl::StatusOr<std::unique_ptr<server::ServiceHost>> host = server::ServiceHost::Create(config, std::move(options));
  if (!host.ok()) return host.status();
  h->host_ = *std::move(host);
  h->service_ = std::make_unique<AnalyticsServiceImpl>(h->host_->store());
  h->host_->AddService(v1::AnalyticsService::service_full_name(), h->service_.get());
  if (absl::Status s = h->host_->Start(); !s.ok()) return s;
  h->stub_ = v1::AnalyticsService::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", h->host_->grpc_port()),
                                                               grpc::InsecureChannelCredentials()));
  return h;
}

Harness::~Harness() {
  if (host_ != nullptr) host_->Shutdown();
  service_.reset();
}

absl::Status Harness::Feed(const std::vector<sfa::common::v1::EventEnvelope>& events, size_t batch) {
  const std::vector<eventstore::Projection*> projections = read_models_.kafka();
  for (size_t from = 0; from < events.size(); from += batch) {
    const size_t to = std::min(events.size(), from + batch);
    absl::Status s = host_->store()->Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
      for (size_t i = from; i < to; ++i) {
        absl::StatusOr<messaging::ApplyOutcome> applied = messaging::ApplyOnce(events[i], projections, txn);
        if (!applied.ok()) return applied.status();
      }
      return absl::OkStatus();
    });
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

std::unique_ptr<grpc::ClientContext> Harness::Context(const std::string& tenant, const std::string& user) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("x-sfa-tenant", tenant);
  context->AddMetadata("x-sfa-user", user);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  return context;
}

std::map<std::string, std::vector<std::pair<std::string, std::string>>> Harness::DumpKafkaReadModels() {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  for (const std::string& cf : read_models_.kafka_column_families()) {
    out[cf] = eventstore::testing::DumpColumnFamily(*host_->store(), cf);
  }
  return out;
}

}  // namespace sfa::analytics::testing

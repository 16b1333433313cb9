#ifndef SFA_SERVICES_ANALYTICS_TESTING_HARNESS_H_
#define SFA_SERVICES_ANALYTICS_TESTING_HARNESS_H_

// An in-process analytics service for tests and benchmarks: the host with every read model of
// ReadModels on a temporary data dir (no Kafka: Kafka brokers unreachable, the projection runner off),
// events fed through the same de-duplicating apply the projection runner uses, and a gRPC stub.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "analytics/analytics_service.h"
#include "analytics/read_models.h"
#include "base/metrics.h"
#include "server/service_host.h"
#include "sfa/analytics/v1/analytics_service.grpc.pb.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace sfa::analytics::testing {

// An envelope as another service would publish it: `message` as payload, at business time `at`.
// `source` is the publishing service ("opportunity", "lead", "quote").
sfa::common::v1::EventEnvelope Envelope(const std::string& tenant, const std::string& source,
                                        const std::string& aggregate_type, const std::string& aggregate_id,
                                        uint64_t version, const google::protobuf::Message& message, absl::Time at);

class Harness {
 public:
  // A fresh store in `data_dir` (created if missing).
  static absl::StatusOr<std::unique_ptr<Harness>> Start(const std::string& data_dir);
  ~Harness();

  // Applies `events` in order, `batch` per commit, each at most once per aggregate version.
  absl::Status Feed(const std::vector<sfa::common::v1::EventEnvelope>& events, size_t batch = 500);

  // A client context with the tenant and user headers set.
  static std::unique_ptr<grpc::ClientContext> Context(const std::string& tenant, const std::string& user = "tester");

  v1::AnalyticsService::Stub& stub() { return *stub_; }
  AnalyticsServiceImpl& service() { return *service_; }
  eventstore::EventStore& store() { return *host_->store(); }
  ReadModels& read_models() { return read_models_; }
  // Every Kafka-fed column family, for rebuild and redelivery comparisons.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> DumpKafkaReadModels();

 private:
  Harness() = default;
  base::MetricsRegistry metrics_;
  ReadModels read_models_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<AnalyticsServiceImpl> service_;
  std::unique_ptr<v1::AnalyticsService::Stub> stub_;
};

}  // namespace sfa::analytics::testing

#endif  // SFA_SERVICES_ANALYTICS_TESTING_HARNESS_H_

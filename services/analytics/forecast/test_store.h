#ifndef SFA_SERVICES_ANALYTICS_FORECAST_TEST_STORE_H_
#define SFA_SERVICES_ANALYTICS_FORECAST_TEST_STORE_H_

// For the forecast tests and benchmark: an event store holding the read models a forecast reads (dims,
// stage_stats — pipelines and transitions —, the as-of pipeline and forecast), fed through the same
// de-duplicating apply the Kafka projection runner uses, without a server.

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "analytics/dims/dims.h"
#include "analytics/forecast/forecast.h"
#include "analytics/projections/projections.h"
#include "eventstore/event_store.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace sfa::analytics::forecast::testing {

class TestStore {
 public:
  // Opens (or creates) the store in `path`.
  static absl::StatusOr<std::unique_ptr<TestStore>> Open(const std::string& path);

  // Applies `events` in order in one commit, each at most once per aggregate version.
  absl::Status Apply(const std::vector<sfa::common::v1::EventEnvelope>& events);
  // Buffers and commits every `batch` events; Flush commits the rest.
  absl::Status Add(const sfa::common::v1::EventEnvelope& event, size_t batch = 1000);
  absl::Status Flush();

  eventstore::EventStore& store() { return *store_; }
  // Every column family of the forecast read model, in key order.
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> DumpForecast() const;

 private:
  TestStore() = default;
  dims::DimsProjection dims_;
  projections::StageStatsProjection stage_stats_;
  projections::PipelineAsOfProjection pipeline_as_of_;
  ForecastProjection forecast_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::vector<sfa::common::v1::EventEnvelope> pending_;
};

}  // namespace sfa::analytics::forecast::testing

#endif  // SFA_SERVICES_ANALYTICS_FORECAST_TEST_STORE_H_

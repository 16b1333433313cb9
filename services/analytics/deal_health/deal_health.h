#ifndef SFA_SERVICES_ANALYTICS_DEAL_HEALTH_DEAL_HEALTH_H_
#define SFA_SERVICES_ANALYTICS_DEAL_HEALTH_DEAL_HEALTH_H_

// How the pipeline moves and where it is stuck: GetPipelineWaterfall (opening -> new, increased,
// decreased, pulled in, pushed out, won, lost -> closing, each with its deals), ListStalledDeals and
// the stall policy (DefineStallPolicy, the analytics service's own command and event).

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "server/principal.h"
#include "sfa/analytics/v1/analytics_service.pb.h"

namespace sfa::analytics::deal_health {

// Fed by the opportunity topic (Kafka).
class WaterfallProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "waterfall"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Fed by the opportunity topic (Kafka): open deals, their stage entry and last activity.
class StalledProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "stalled"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// The analytics service's own StallPolicyDefined events (applied in the event store's commit).
class StallPolicyProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "stall_policy"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

absl::Status Validate(const v1::GetPipelineWaterfallRequest& request);
absl::StatusOr<v1::GetPipelineWaterfallResponse> Waterfall(const eventstore::EventStore& store,
                                                           const std::string& tenant,
                                                           const v1::GetPipelineWaterfallRequest& request,
                                                           absl::Time now);

absl::Status Validate(const v1::ListStalledDealsRequest& request);
absl::StatusOr<v1::ListStalledDealsResponse> ListStalled(const eventstore::EventStore& store,
                                                         const std::string& tenant,
                                                         const v1::ListStalledDealsRequest& request, absl::Time now);

absl::Status Validate(const v1::DefineStallPolicyRequest& request);
// Runs the command through `runner` (stream stall_policy/default of the principal's tenant); `done` is
// called once, possibly on another thread.
void DefineStallPolicy(eventstore::CommandRunner& runner, const server::Principal& principal,
                       const v1::DefineStallPolicyRequest& request,
                       std::function<void(absl::StatusOr<v1::DefineStallPolicyResponse>)> done);

}  // namespace sfa::analytics::deal_health

#endif  // SFA_SERVICES_ANALYTICS_DEAL_HEALTH_DEAL_HEALTH_H_

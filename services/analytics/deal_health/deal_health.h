#ifndef SFA_SERVICES_ANALYTICS_DEAL_HEALTH_DEAL_HEALTH_H_
#define SFA_SERVICES_ANALYTICS_DEAL_HEALTH_DEAL_HEALTH_H_

// How the pipeline moves and where it is stuck: GetPipelineWaterfall (opening -> new, reopened, increased,
// decreased, pulled in, pushed out, won, lost -> closing, each with its deals), ListStalledDeals and
// the stall policy (DefineStallPolicy, the analytics service's own command and event). README.md in this
// folder gives the definitions and the read models' keys.

#include <cstdint>
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

// Waterfall read model (t = tenant, micros = business time in Unix microseconds, day = days since the epoch).
inline constexpr char kWaterfallDealsCf[] = "rm_an_waterfall";           // t|opp -> OpportunitySummary now
inline constexpr char kWaterfallChangesCf[] = "rm_an_waterfall_change";  // t|opp|micros|version -> snapshot
inline constexpr char kWaterfallDaysCf[] = "rm_an_waterfall_day";        // t|pipeline|day|opp -> ""
// Stalled-deals read model.
inline constexpr char kStalledDealsCf[] = "rm_an_stalled";              // t|opp -> created micros, summary
inline constexpr char kStalledActivityCf[] = "rm_an_stalled_activity";  // t|opp -> last activity micros
inline constexpr char kStalledByStageCf[] = "rm_an_stalled_by_stage";   // t|pipeline|stage|entered|opp
inline constexpr char kStalledByTouchCf[] = "rm_an_stalled_by_touch";   // t|pipeline|last touch|opp
// The stall policy (own events).
inline constexpr char kStallPolicyCf[] = "rm_an_stall_policy";  // t -> v1::StallPolicyDefined (version set)

// Limits and defaults of the requests.
inline constexpr int kDefaultDealsPerMovement = 100;
inline constexpr int kMaxDealsPerMovement = 1000;
inline constexpr absl::Duration kMaxWaterfallWindow = absl::Hours(24 * 400);
inline constexpr int kDefaultStalledPageSize = 50;
inline constexpr int kMaxStalledPageSize = 500;
inline constexpr size_t kMaxPageTokenLength = 2048;
inline constexpr size_t kMaxStallThresholds = 500;
inline constexpr absl::Duration kMaxStallDuration = absl::Hours(24 * 5 * 365);
inline constexpr absl::Duration kDefaultMaxWithoutActivity = absl::Hours(24 * 30);
// The learned p80 of a stage's time: over the current calendar month (UTC) and the 11 before it, from at
// least this many exits of the stage; with fewer, only the policy's maximum can stall a deal in it.
inline constexpr int kLearningMonths = 12;
inline constexpr int64_t kMinLearningSamples = 5;

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
absl::StatusOr<v1::ListStalledDealsResponse> ListStalled(const eventstore::EventStore& store, const std::string& tenant,
                                                         const v1::ListStalledDealsRequest& request, absl::Time now);

absl::Status Validate(const v1::DefineStallPolicyRequest& request);
// Runs the command through `runner` (stream stall_policy/default of the principal's tenant); `done` is
// called once, possibly on another thread.
void DefineStallPolicy(eventstore::CommandRunner& runner, const server::Principal& principal,
                       const v1::DefineStallPolicyRequest& request,
                       std::function<void(absl::StatusOr<v1::DefineStallPolicyResponse>)> done);

// The stall policy aggregate: its decider and fold (pure; tested as given/when/then).
inline constexpr char kStallPolicyStream[] = "stall_policy";
inline constexpr char kStallPolicyId[] = "default";
struct StallPolicyState {
  v1::StallPolicyDefined policy;  // policy.version() == version
  uint64_t version = 0;           // 0: never defined
};
absl::Status EvolveStallPolicy(StallPolicyState& state, const sfa::common::v1::EventEnvelope& event);
// The events defining `request.policy` (validated) on `state`: none when it is already the policy.
std::vector<v1::StallPolicyDefined> DecideStallPolicy(const StallPolicyState& state,
                                                      const v1::DefineStallPolicyRequest& request);

}  // namespace sfa::analytics::deal_health

#endif  // SFA_SERVICES_ANALYTICS_DEAL_HEALTH_DEAL_HEALTH_H_

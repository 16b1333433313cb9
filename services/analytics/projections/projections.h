#ifndef SFA_SERVICES_ANALYTICS_PROJECTIONS_PROJECTIONS_H_
#define SFA_SERVICES_ANALYTICS_PROJECTIONS_PROJECTIONS_H_

// The analytics service's read models, fed from the other services' topics by the projection runner
// (each event at most once per source-aggregate version, offsets in the same commit).
//
// StageStatsProjection (from sfa.opportunity.events.v1): each pipeline's latest definition, and per
// pipeline and calendar month (UTC, of the change's business time) the stage transitions counted for the
// absorbing chain and the time spent in each stage at its exit. A window query merges its months; no
// query walks deals.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "analytics/stats/markov.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"

namespace sfa::analytics::projections {

inline constexpr char kPipelinesCf[] = "rm_an_pipeline";        // t|pipeline -> opportunity.v1.PipelineDefined
inline constexpr char kTransitionsCf[] = "rm_an_transitions";   // t|pipeline|month -> stats::TransitionCounts
inline constexpr char kStageTimesCf[] = "rm_an_stage_times";    // t|pipeline|stage|month -> DurationHistogram

// The chain's counts from the raw moves of kTransitionsCf (merged over a window): moves out of open stages
// only, those into a won or lost stage as outcomes, classified by the pipeline's latest definition (empty
// when the pipeline is unknown).
absl::StatusOr<stats::TransitionCounts> ChainTransitions(const eventstore::EventStore& store, const std::string& tenant,
                                                         const std::string& pipeline_id,
                                                         const stats::TransitionCounts& raw);

// Month keys are YYYYMM as a number (base::KeyBuilder Uint64), so months sort in time order.
uint64_t MonthOf(absl::Time time);

// PipelineAsOfProjection (from sfa.opportunity.events.v1): each deal's current contribution to the open
// pipeline, and every change of a contribution as a delta at its business time — summed per pipeline and
// day, and kept per event for the exact tail of a day. The pipeline as of T = the day sums before T's day
// + the event deltas of T's day up to T: work bounded by the days of history and one day's changes, never
// by the number of deals.
inline constexpr char kDealsCf[] = "rm_an_deal";            // t|opp -> opportunity.v1.OpportunitySummary
inline constexpr char kDayDeltasCf[] = "rm_an_day_delta";   // t|pipeline|day|stage|category|currency -> Delta
// t|pipeline|day|micros|opp|version|n -> stage, category, currency, Delta
inline constexpr char kEventDeltasCf[] = "rm_an_event_delta";
// The same per owner (the owner_user_id filter; team and region filters sum their members' owners):
// t|pipeline|owner|day|stage|category|currency and t|pipeline|owner|day|micros|opp|version|n.
inline constexpr char kOwnerDayDeltasCf[] = "rm_an_owner_day_delta";
inline constexpr char kOwnerEventDeltasCf[] = "rm_an_owner_event_delta";

// A change of the open pipeline in one bucket: deals, amount (minor units) and amount x probability
// percent (the weighted amount x 100, kept exact).
struct Delta {
  int64_t count = 0;
  int64_t amount = 0;
  int64_t amount_x_percent = 0;
};
std::string EncodeDelta(const Delta& d);
bool DecodeDelta(absl::string_view bytes, Delta* d);
int64_t DayOf(absl::Time time);  // days since the epoch, UTC

// Visits every bucket delta of the open pipeline up to an instant (unix micros; changes at exactly that
// instant included when `inclusive`), under `prefix`: t|pipeline for Scope::kPipeline, t|pipeline|owner for
// Scope::kOwner. The buckets' sum is the open pipeline at the instant. Work: the days of history before it
// plus the changes of its own day.
enum class Scope { kPipeline, kOwner };
using DeltaVisitor = std::function<void(const std::string& stage, const std::string& category,
                                        const std::string& currency, const Delta& delta)>;
absl::Status VisitOpenPipeline(const eventstore::EventStore& store, Scope scope, const std::string& prefix,
                               int64_t micros, bool inclusive, const DeltaVisitor& visit);

class PipelineAsOfProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "pipeline_as_of"; }
  int version() const override { return 2; }  // 2: per-owner deltas
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

class StageStatsProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "stage_stats"; }
  int version() const override { return 2; }  // 2: moves kept raw, classified when asked
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

}  // namespace sfa::analytics::projections

#endif  // SFA_SERVICES_ANALYTICS_PROJECTIONS_PROJECTIONS_H_

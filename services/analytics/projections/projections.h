#ifndef SFA_SERVICES_ANALYTICS_PROJECTIONS_PROJECTIONS_H_
#define SFA_SERVICES_ANALYTICS_PROJECTIONS_PROJECTIONS_H_

// The analytics service's read models, fed from the other services' topics by the projection runner
// (each event at most once per source-aggregate version, offsets in the same commit).
//
// StageStatsProjection (from sfa.opportunity.events.v1): each pipeline's latest definition, and per
// pipeline and calendar month (UTC, of the change's business time) the stage transitions counted for the
// absorbing chain and the time spent in each stage at its exit. A window query merges its months; no
// query walks deals.

#include <string>
#include <vector>

#include "eventstore/projection.h"

namespace sfa::analytics::projections {

inline constexpr char kPipelinesCf[] = "rm_an_pipeline";        // t|pipeline -> opportunity.v1.PipelineDefined
inline constexpr char kTransitionsCf[] = "rm_an_transitions";   // t|pipeline|month -> stats::TransitionCounts
inline constexpr char kStageTimesCf[] = "rm_an_stage_times";    // t|pipeline|stage|month -> DurationHistogram

// Month keys are YYYYMM as a number (base::KeyBuilder Uint64), so months sort in time order.
uint64_t MonthOf(absl::Time time);

class StageStatsProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "stage_stats"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

}  // namespace sfa::analytics::projections

#endif  // SFA_SERVICES_ANALYTICS_PROJECTIONS_PROJECTIONS_H_

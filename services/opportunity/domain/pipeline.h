#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_PIPELINE_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_PIPELINE_H_

// The pipeline aggregate — a sales methodology as ordered stages with probabilities, forecast categories
// and exit criteria, kept in every version it was defined — and queries on one definition.

#include <cstdint>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "opportunity/domain/event.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kPipelineAggregate[] = "pipeline";

using PipelinePayload = std::variant<v1::PipelineDefined>;
using PipelineEvent = Event<PipelinePayload>;
// One immutable definition; shared so commands and caches hold it without copying.
using PipelineDefinition = std::shared_ptr<const v1::PipelineDefined>;

struct PipelineState {
  // versions[i] is pipeline_version i + 1; empty when the pipeline does not exist.
  std::vector<PipelineDefinition> versions;

  bool exists() const { return !versions.empty(); }
  // nullptr when the pipeline does not exist.
  PipelineDefinition Latest() const;
  // nullptr when there is no such version.
  PipelineDefinition Version(uint32_t pipeline_version) const;
};

struct DefinePipeline {
  v1::DefinePipelineRequest request;  // validated
  absl::Time now;
};

PipelineState Evolve(PipelineState state, const PipelineEvent& event);

// PipelineDefined with the next pipeline_version, or nothing when the definition equals the latest one.
// Rules (FAILED_PRECONDITION, named): duplicate_stage_id, duplicate_criterion_id, no_open_stage,
// open_stage_after_terminal, won_stage_count, no_lost_stage, terminal_stage_settings,
// open_stage_forecast_closed, terminal_stage_criteria.
absl::StatusOr<std::vector<PipelineEvent>> Decide(const PipelineState& state, const DefinePipeline& command);

// Queries on one definition.
// Index of the stage in definition order, or -1.
int StageIndex(const v1::PipelineDefined& pipeline, absl::string_view stage_id);
// The first open stage: where new opportunities start. nullptr only for an invalid definition.
const v1::Stage* FirstOpenStage(const v1::PipelineDefined& pipeline);
const v1::Stage* WonStage(const v1::PipelineDefined& pipeline);
std::vector<const v1::Stage*> LostStages(const v1::PipelineDefined& pipeline);

struct CriterionRef {
  int stage_index;
  const v1::Stage* stage;
  const v1::ExitCriterion* criterion;
};
std::optional<CriterionRef> FindCriterion(const v1::PipelineDefined& pipeline, absl::string_view criterion_id);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_PIPELINE_H_

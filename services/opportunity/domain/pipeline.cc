#include "opportunity/domain/pipeline.h"

#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "opportunity/domain/support.h"

namespace sfa::opportunity::domain {
namespace {

using google::protobuf::RepeatedPtrField;

absl::Status CheckUniqueIds(const RepeatedPtrField<v1::Stage>& stages) {
  absl::flat_hash_set<std::string> stage_ids;
  absl::flat_hash_set<std::string> criterion_ids;
  for (const v1::Stage& stage : stages) {
    if (!stage_ids.insert(stage.stage_id()).second) {
      return RuleViolation("duplicate_stage_id", absl::StrCat("stage_id ", stage.stage_id(), " appears twice"));
    }
    for (const v1::ExitCriterion& criterion : stage.exit_criteria()) {
      // Unique across the pipeline, so that MoveStage.criteria_met can name a criterion alone.
      if (!criterion_ids.insert(criterion.criterion_id()).second) {
        return RuleViolation("duplicate_criterion_id",
                             absl::StrCat("criterion_id ", criterion.criterion_id(), " appears twice in the pipeline"));
      }
    }
  }
  return absl::OkStatus();
}

// The order defines "forward": open stages in process order, then the outcomes.
absl::Status CheckOrder(const RepeatedPtrField<v1::Stage>& stages) {
  bool seen_terminal = false;
  for (const v1::Stage& stage : stages) {
    if (stage.type() != v1::STAGE_TYPE_OPEN) {
      seen_terminal = true;
    } else if (seen_terminal) {
      return RuleViolation("open_stage_after_terminal", absl::StrCat("open stage ", stage.stage_id(),
                                                                     " follows a won or lost stage; list the open "
                                                                     "stages first, in process order"));
    }
  }
  if (stages.empty() || stages[0].type() != v1::STAGE_TYPE_OPEN) {
    return RuleViolation("no_open_stage", "a pipeline needs at least one open stage, first");
  }
  return absl::OkStatus();
}

absl::Status CheckOutcomes(const RepeatedPtrField<v1::Stage>& stages) {
  int won = 0;
  int lost = 0;
  for (const v1::Stage& stage : stages) {
    won += stage.type() == v1::STAGE_TYPE_WON;
    lost += stage.type() == v1::STAGE_TYPE_LOST;
  }
  if (won != 1) {
    return RuleViolation("won_stage_count", absl::StrCat("a pipeline needs exactly one won stage, not ", won));
  }
  if (lost == 0) return RuleViolation("no_lost_stage", "a pipeline needs at least one lost stage");
  return absl::OkStatus();
}

// Terminal stages are facts, not estimates: fixing their numbers keeps every forecast consistent.
absl::Status CheckStageSettings(const v1::Stage& stage) {
  switch (stage.type()) {
    case v1::STAGE_TYPE_WON:
      if (stage.probability_percent() != 100 || stage.forecast_category() != v1::FORECAST_CATEGORY_CLOSED) {
        return RuleViolation("terminal_stage_settings", absl::StrCat("won stage ", stage.stage_id(),
                                                                     " must have probability 100 and forecast CLOSED"));
      }
      break;
    case v1::STAGE_TYPE_LOST:
      if (stage.probability_percent() != 0 || stage.forecast_category() != v1::FORECAST_CATEGORY_OMITTED) {
        return RuleViolation("terminal_stage_settings", absl::StrCat("lost stage ", stage.stage_id(),
                                                                     " must have probability 0 and forecast OMITTED"));
      }
      break;
    default:
      if (stage.forecast_category() == v1::FORECAST_CATEGORY_CLOSED) {
        return RuleViolation("open_stage_forecast_closed", absl::StrCat("open stage ", stage.stage_id(),
                                                                        " cannot forecast CLOSED; only won deals do"));
      }
      return absl::OkStatus();
  }
  if (!stage.exit_criteria().empty()) {
    return RuleViolation("terminal_stage_criteria", absl::StrCat("stage ", stage.stage_id(),
                                                                 " is terminal and is never left; it has no exit "
                                                                 "criteria"));
  }
  return absl::OkStatus();
}

absl::Status CheckDefinition(const RepeatedPtrField<v1::Stage>& stages) {
  SFA_RETURN_IF_ERROR(CheckUniqueIds(stages));
  SFA_RETURN_IF_ERROR(CheckOrder(stages));
  SFA_RETURN_IF_ERROR(CheckOutcomes(stages));
  for (const v1::Stage& stage : stages) SFA_RETURN_IF_ERROR(CheckStageSettings(stage));
  return absl::OkStatus();
}

bool SameDefinition(const v1::PipelineDefined& latest, const v1::PipelineDefined& candidate) {
  v1::PipelineDefined versionless = candidate;
  versionless.set_pipeline_version(latest.pipeline_version());
  return google::protobuf::util::MessageDifferencer::Equals(latest, versionless);
}

}  // namespace

PipelineDefinition PipelineState::Latest() const { return versions.empty() ? nullptr : versions.back(); }

PipelineDefinition PipelineState::Version(uint32_t pipeline_version) const {
  if (pipeline_version == 0 || pipeline_version > versions.size()) return nullptr;
  return versions[pipeline_version - 1];
}

PipelineState Evolve(PipelineState state, const PipelineEvent& event) {
  state.versions.push_back(std::make_shared<const v1::PipelineDefined>(std::get<v1::PipelineDefined>(event.payload)));
  return state;
}

absl::StatusOr<std::vector<PipelineEvent>> Decide(const PipelineState& state, const DefinePipeline& command) {
  const v1::DefinePipelineRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckDefinition(request.stages()));
  v1::PipelineDefined defined;
  defined.set_pipeline_id(request.pipeline_id());
  defined.set_pipeline_version(static_cast<uint32_t>(state.versions.size() + 1));
  defined.set_name(request.name());
  defined.set_description(request.description());
  *defined.mutable_stages() = request.stages();
  if (state.exists() && SameDefinition(*state.Latest(), defined)) return std::vector<PipelineEvent>();
  std::vector<PipelineEvent> events;
  events.push_back({command.now, std::move(defined)});
  return events;
}

int StageIndex(const v1::PipelineDefined& pipeline, absl::string_view stage_id) {
  for (int i = 0; i < pipeline.stages_size(); ++i) {
    if (pipeline.stages(i).stage_id() == stage_id) return i;
  }
  return -1;
}

const v1::Stage* FirstOpenStage(const v1::PipelineDefined& pipeline) {
  for (const v1::Stage& stage : pipeline.stages()) {
    if (stage.type() == v1::STAGE_TYPE_OPEN) return &stage;
  }
  return nullptr;
}

const v1::Stage* WonStage(const v1::PipelineDefined& pipeline) {
  for (const v1::Stage& stage : pipeline.stages()) {
    if (stage.type() == v1::STAGE_TYPE_WON) return &stage;
  }
  return nullptr;
}

std::vector<const v1::Stage*> LostStages(const v1::PipelineDefined& pipeline) {
  std::vector<const v1::Stage*> out;
  for (const v1::Stage& stage : pipeline.stages()) {
    if (stage.type() == v1::STAGE_TYPE_LOST) out.push_back(&stage);
  }
  return out;
}

std::optional<CriterionRef> FindCriterion(const v1::PipelineDefined& pipeline, absl::string_view criterion_id) {
  for (int i = 0; i < pipeline.stages_size(); ++i) {
    for (const v1::ExitCriterion& criterion : pipeline.stages(i).exit_criteria()) {
      if (criterion.criterion_id() == criterion_id) return CriterionRef{i, &pipeline.stages(i), &criterion};
    }
  }
  return std::nullopt;
}

}  // namespace sfa::opportunity::domain

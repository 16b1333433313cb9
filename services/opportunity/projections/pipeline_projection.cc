// Pipelines: each PipelineDefined is a version row, and replaces the latest row.

#include <string>
#include <vector>

#include "opportunity/domain/pipeline.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/projections.h"
#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {

std::vector<std::string> PipelineProjection::column_families() const { return {kPipelinesCf, kPipelineVersionsCf}; }

absl::Status PipelineProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() != domain::kPipelineAggregate) return absl::OkStatus();
  absl::StatusOr<domain::PipelinePayload> payload = Decode<domain::PipelinePayload>(event);
  if (!payload.ok()) return payload.status();
  const v1::PipelineDefined& e = std::get<v1::PipelineDefined>(*payload);
  v1::Pipeline row;
  row.set_pipeline_id(e.pipeline_id());
  row.set_name(e.name());
  row.set_description(e.description());
  row.set_pipeline_version(e.pipeline_version());
  *row.mutable_stages() = e.stages();
  row.set_latest_pipeline_version(e.pipeline_version());
  row.set_version(event.aggregate_version());
  *row.mutable_defined_at() = event.occurred_at();
  const std::string version_key =
      base::KeyBuilder().String(event.tenant()).String(e.pipeline_id()).Uint64(e.pipeline_version()).Release();
  SFA_RETURN_IF_ERROR(WriteRow(txn, kPipelineVersionsCf, version_key, row));
  return WriteRow(txn, kPipelinesCf, Key(event.tenant(), e.pipeline_id()), row);
}

}  // namespace sfa::opportunity::projections

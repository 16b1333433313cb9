#include <string>

#include "absl/time/civil_time.h"
#include "analytics/projections/projections.h"
#include "analytics/stats/durations.h"
#include "analytics/stats/markov.h"
#include "base/key_codec.h"
#include "eventstore/read_model_rows.h"
#include "eventstore/read_model_scan.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::projections {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using sfa::common::v1::EventEnvelope;

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

absl::Duration DurationOf(const google::protobuf::Duration& d) {
  return absl::Nanoseconds(google::protobuf::util::TimeUtil::DurationToNanoseconds(d));
}

// The type of a stage in the pipeline's latest definition; UNSPECIFIED when unknown.
ov1::StageType TypeOf(const ov1::PipelineDefined& pipeline, const std::string& stage_id) {
  for (const ov1::Stage& stage : pipeline.stages()) {
    if (stage.stage_id() == stage_id) return stage.type();
  }
  return ov1::STAGE_TYPE_UNSPECIFIED;
}

template <typename Stats>
absl::Status Update(eventstore::ReadModelTxn& txn, absl::string_view cf, const std::string& key,
                    const std::function<void(Stats&)>& change) {
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(cf, key);
  if (!bytes.ok()) return bytes.status();
  Stats stats;
  if (bytes->has_value()) {
    absl::StatusOr<Stats> parsed = Stats::Parse(**bytes);
    if (!parsed.ok()) return parsed.status();
    stats = *std::move(parsed);
  }
  change(stats);
  return txn.Put(cf, key, stats.Serialize());
}

}  // namespace

absl::StatusOr<stats::TransitionCounts> ChainTransitions(const eventstore::EventStore& store, const std::string& tenant,
                                                         const std::string& pipeline_id,
                                                         const stats::TransitionCounts& raw) {
  absl::StatusOr<std::optional<ov1::PipelineDefined>> pipeline = eventstore::GetRow<ov1::PipelineDefined>(
      store, kPipelinesCf, base::KeyBuilder().String(tenant).String(pipeline_id).Release());
  if (!pipeline.ok()) return pipeline.status();
  stats::TransitionCounts out;
  if (!pipeline->has_value()) return out;
  for (const auto& [from, exits] : raw.exits()) {
    // Only moves out of an open stage are steps of the chain (a reopen leaves a terminal stage).
    if (TypeOf(**pipeline, from) != ov1::STAGE_TYPE_OPEN) continue;
    // Rows written before moves were kept raw carry their outcomes already.
    if (exits.won > 0) out.AddOutcome(from, stats::Outcome::kWon, exits.won);
    if (exits.lost > 0) out.AddOutcome(from, stats::Outcome::kLost, exits.lost);
    for (const auto& [to, n] : exits.to_stage) {
      switch (TypeOf(**pipeline, to)) {
        case ov1::STAGE_TYPE_WON:
          out.AddOutcome(from, stats::Outcome::kWon, n);
          break;
        case ov1::STAGE_TYPE_LOST:
          out.AddOutcome(from, stats::Outcome::kLost, n);
          break;
        case ov1::STAGE_TYPE_OPEN:
          out.Add(from, to, n);
          break;
        default:
          break;  // a stage the definition does not know
      }
    }
  }
  return out;
}

uint64_t MonthOf(absl::Time time) {
  const absl::CivilMonth month = absl::ToCivilMonth(time, absl::UTCTimeZone());
  return static_cast<uint64_t>(month.year() * 100 + month.month());
}

std::vector<std::string> StageStatsProjection::column_families() const {
  return {kPipelinesCf, kTransitionsCf, kStageTimesCf};
}

absl::Status StageStatsProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  const std::string& t = event.tenant();
  if (event.payload_type() == ov1::PipelineDefined::descriptor()->full_name()) {
    ov1::PipelineDefined pipeline;
    if (!pipeline.ParseFromString(event.payload())) return absl::DataLossError("unreadable PipelineDefined");
    return eventstore::WriteRow(txn, kPipelinesCf, base::KeyBuilder().String(t).String(pipeline.pipeline_id()).Release(),
                                pipeline);
  }
  if (event.payload_type() != ov1::OpportunityStageChanged::descriptor()->full_name()) return absl::OkStatus();
  ov1::OpportunityStageChanged changed;
  if (!changed.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityStageChanged");
  // Every move is kept as it happened (from, to); which moves are steps of the chain and which reach an
  // outcome depends on the stage types, so ChainTransitions classifies them when asked. Apply then never
  // needs the pipeline's definition, which travels on another partition and may arrive later.
  const uint64_t month = MonthOf(TimeOf(event.occurred_at()));
  const std::string transitions_key = base::KeyBuilder().String(t).String(changed.pipeline_id()).Uint64(month).Release();
  absl::Status counted = Update<stats::TransitionCounts>(
      txn, kTransitionsCf, transitions_key,
      [&](stats::TransitionCounts& counts) { counts.Add(changed.from_stage_id(), changed.to_stage_id()); });
  if (!counted.ok()) return counted;
  if (!changed.has_time_in_from_stage()) return absl::OkStatus();
  const std::string times_key = base::KeyBuilder()
                                    .String(t)
                                    .String(changed.pipeline_id())
                                    .String(changed.from_stage_id())
                                    .Uint64(month)
                                    .Release();
  return Update<stats::DurationHistogram>(txn, kStageTimesCf, times_key, [&](stats::DurationHistogram& histogram) {
    histogram.Add(DurationOf(changed.time_in_from_stage()));
  });
}

}  // namespace sfa::analytics::projections

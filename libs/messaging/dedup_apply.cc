#include "messaging/dedup_apply.h"

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "base/log.h"
#include "eventstore/event_store.h"

namespace sfa::messaging {

using sfa::common::v1::EventEnvelope;

std::string AppliedVersionKey(const EventEnvelope& event) {
  return base::KeyBuilder()
      .String("proj_applied")
      .String(event.tenant())
      .String(event.source())
      .String(event.aggregate_type())
      .String(event.aggregate_id())
      .Release();
}

absl::Status ValidateForApply(const EventEnvelope& event) {
  const char* missing = event.tenant().empty()           ? "tenant"
                        : event.source().empty()         ? "source"
                        : event.aggregate_type().empty() ? "aggregate_type"
                        : event.aggregate_id().empty()   ? "aggregate_id"
                                                         : nullptr;
  if (missing != nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(), " has no ", missing));
  }
  if (event.aggregate_version() == 0) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event.event_id(), " has aggregate_version 0"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ApplyOutcome> ApplyOnce(const EventEnvelope& event,
                                       absl::Span<eventstore::Projection* const> projections,
                                       eventstore::ReadModelTxn& txn) {
  const std::string key = AppliedVersionKey(event);
  absl::StatusOr<std::optional<std::string>> stored = txn.Get(eventstore::kMetaCf, key);
  if (!stored.ok()) return stored.status();
  uint64_t last = 0;
  if (stored->has_value()) {
    if ((*stored)->size() != 8) {
      return absl::DataLossError(absl::StrCat("applied version of ", event.aggregate_type(), "/", event.aggregate_id(),
                                              " is ", (*stored)->size(), " bytes, want 8"));
    }
    last = base::DecodeUint64(**stored);
  }
  const uint64_t version = event.aggregate_version();
  if (version <= last) return ApplyOutcome::kDuplicate;
  for (eventstore::Projection* projection : projections) {
    if (absl::Status s = projection->Apply(event, txn); !s.ok()) return s;
  }
  if (absl::Status s = txn.Put(eventstore::kMetaCf, key, base::EncodeUint64(version)); !s.ok()) return s;
  if (version == last + 1) return ApplyOutcome::kApplied;
  // Applied anyway: holding every later event back for one that may never come (retention, an
  // offset reset) would stall the read model; the metric and the log make it visible, CatchUp repairs it.
  base::LogWarn("projection saw a version gap", {{"tenant", event.tenant()},
                                                 {"source", event.source()},
                                                 {"aggregate_type", event.aggregate_type()},
                                                 {"aggregate_id", event.aggregate_id()},
                                                 {"last_applied", last},
                                                 {"version", version},
                                                 {"position", event.global_position()}});
  return ApplyOutcome::kAppliedAfterGap;
}

void ApplyCounts::Add(ApplyOutcome outcome) {
  switch (outcome) {
    case ApplyOutcome::kAppliedAfterGap:
      ++gaps;
      [[fallthrough]];
    case ApplyOutcome::kApplied:
      ++applied;
      break;
    case ApplyOutcome::kDuplicate:
      ++duplicates;
      break;
  }
}

ApplyFamilies ApplyFamilies::Declare(base::MetricsRegistry& registry) {
  return ApplyFamilies{
      &registry.AddCounter("sfa_projection_applied_total", "Events applied to Kafka-fed read models.", {"topic"}),
      &registry.AddCounter("sfa_projection_duplicates_total",
                           "Events skipped because their aggregate version was already applied.", {"topic"}),
      &registry.AddCounter("sfa_projection_gaps_total",
                           "Events applied although earlier versions of their aggregate were never seen.", {"topic"}),
  };
}

ApplyMetrics ApplyMetrics::Create(base::MetricsRegistry& registry, const std::string& feed) {
  const ApplyFamilies families = ApplyFamilies::Declare(registry);
  return ApplyMetrics{&families.applied->WithLabels({feed}), &families.duplicates->WithLabels({feed}),
                      &families.gaps->WithLabels({feed})};
}

void ApplyMetrics::Record(const ApplyCounts& counts) const {
  if (counts.applied > 0) applied->Inc(static_cast<double>(counts.applied));
  if (counts.duplicates > 0) duplicates->Inc(static_cast<double>(counts.duplicates));
  if (counts.gaps > 0) gaps->Inc(static_cast<double>(counts.gaps));
}

}  // namespace sfa::messaging

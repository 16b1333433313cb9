#ifndef SFA_LIBS_MESSAGING_DEDUP_APPLY_H_
#define SFA_LIBS_MESSAGING_DEDUP_APPLY_H_

// The one way another service's event reaches a read model, whether it came from Kafka
// (ProjectionRunner) or from EventFeed.ReadEvents (CatchUp): at most once per source-aggregate version,
// with the last applied version kept in the same commit as the read-model writes. Replays, duplicates
// and overlaps between the two feeds therefore change nothing.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "base/metrics.h"
#include "eventstore/projection.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace sfa::messaging {

enum class ApplyOutcome {
  kApplied,          // the next version: applied
  kAppliedAfterGap,  // applied, but versions between the last applied one and this were never seen
  kDuplicate,        // at or below the last applied version: nothing written
};

// meta-cf key of the last applied version of the event's source aggregate:
// "proj_applied" | tenant | source service | aggregate type | aggregate id (base::KeyBuilder parts).
// The source is part of it because two services may use the same aggregate type name.
std::string AppliedVersionKey(const sfa::common::v1::EventEnvelope& event);

// OK when the event names its aggregate (tenant, source, type, id) and has a version >= 1; an event
// without them cannot be de-duplicated, so it must never reach ApplyOnce.
absl::Status ValidateForApply(const sfa::common::v1::EventEnvelope& event);

// Applies `event` to every projection unless its aggregate already reached its version, and records the
// new version, all in `txn`. Returns the projection's error unchanged (the caller's commit then writes
// nothing). A gap is logged here, once per occurrence, because only here is the last version known.
absl::StatusOr<ApplyOutcome> ApplyOnce(const sfa::common::v1::EventEnvelope& event,
                                       absl::Span<eventstore::Projection* const> projections,
                                       eventstore::ReadModelTxn& txn);

// Outcome counts of one commit; added to the metrics only once the commit succeeded.
struct ApplyCounts {
  uint64_t applied = 0;
  uint64_t duplicates = 0;
  uint64_t gaps = 0;
  void Add(ApplyOutcome outcome);
};

// Counters shared by every feed of read models, labelled by feed (a topic, or "catch_up").
// The families of ApplyMetrics, declared once (every service exposes them, with or without a feed).
struct ApplyFamilies {
  base::Family<base::Counter>* applied;
  base::Family<base::Counter>* duplicates;
  base::Family<base::Counter>* gaps;
  static ApplyFamilies Declare(base::MetricsRegistry& registry);
};

struct ApplyMetrics {
  base::Counter* applied;     // sfa_projection_applied_total
  base::Counter* duplicates;  // sfa_projection_duplicates_total
  base::Counter* gaps;        // sfa_projection_gaps_total

  static ApplyMetrics Create(base::MetricsRegistry& registry, const std::string& feed);
  void Record(const ApplyCounts& counts) const;
};

}  // namespace sfa::messaging

#endif  // SFA_LIBS_MESSAGING_DEDUP_APPLY_H_

#ifndef SFA_LIBS_MESSAGING_CATCH_UP_H_
#define SFA_LIBS_MESSAGING_CATCH_UP_H_

// Rebuilds or back-fills a Kafka-fed read model from the source service's EventFeed.ReadEvents, so
// Kafka retention never limits a rebuild. Events go through the same de-duplicating apply as the
// ProjectionRunner (dedup_apply.h), so catching up over events already applied from Kafka, or
// following Kafka after a catch-up, changes nothing.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/metrics.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "grpcpp/client_context.h"
#include "sfa/common/v1/event_feed.grpc.pb.h"

namespace sfa::messaging {

struct CatchUpOptions {
  uint64_t from_position = 0;  // first global position to read (0 = from the beginning)
  size_t batch_size = 500;     // events applied per EventStore::Commit
  // Sets call metadata (x-sfa-tenant, credentials) and the deadline; the feed serves one tenant per call.
  std::function<void(grpc::ClientContext&)> setup_context;
  base::MetricsRegistry* metrics = &base::MetricsRegistry::Default();
};

struct CatchUpResult {
  uint64_t events = 0;         // events received
  uint64_t applied = 0;        // of which applied
  uint64_t duplicates = 0;     // of which already applied before
  uint64_t last_position = 0;  // global position of the last event received; 0 if none
};

// Reads the feed from options.from_position to its current head (follow = false) and applies every
// event to `projections` in `store`. A feed or projection error is returned; batches committed before
// it stay applied, so calling again from result-or-original position is safe.
absl::StatusOr<CatchUpResult> CatchUp(sfa::common::v1::EventFeed::StubInterface& feed, eventstore::EventStore* store,
                                      const std::vector<eventstore::Projection*>& projections,
                                      const CatchUpOptions& options);

}  // namespace sfa::messaging

#endif  // SFA_LIBS_MESSAGING_CATCH_UP_H_

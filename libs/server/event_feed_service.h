#ifndef SFA_LIBS_SERVER_EVENT_FEED_SERVICE_H_
#define SFA_LIBS_SERVER_EVENT_FEED_SERVICE_H_

// sfa.common.v1.EventFeed over a service's event store: streams the calling tenant's events from a
// position, for read-model rebuilds and ERP back-fills beyond Kafka retention (catch-up subscriptions).
//
// One write is in flight per stream; the next page is read in OnWriteDone. A follow stream that has
// caught up is parked with a shared waiter thread, so no gRPC callback thread ever blocks on storage.
// On Shutdown() every stream ends with UNAVAILABLE: a client resumes from the position after the last
// event it received, on this replica or another.

#include <atomic>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "sfa/common/v1/event_feed.grpc.pb.h"

namespace sfa::server {

struct EventFeedOptions {
  size_t page_size = 256;  // events read from the store at a time
  // How often parked follow streams notice a cancellation or deadline; new events wake them at once.
  absl::Duration follow_poll = absl::Milliseconds(100);
};

// Largest accepted ReadEventsRequest.max_events (0 means no limit).
inline constexpr uint64_t kMaxEventsPerRead = 1'000'000;

// INVALID_ARGUMENT naming the field.
absl::Status ValidateReadEventsRequest(const sfa::common::v1::ReadEventsRequest& request);

class EventFeedService final : public sfa::common::v1::EventFeed::CallbackService {
 public:
  // The store must outlive the service.
  explicit EventFeedService(eventstore::EventStore* store, EventFeedOptions options = {});
  ~EventFeedService() override;  // Shutdown()

  grpc::ServerWriteReactor<sfa::common::v1::EventEnvelope>* ReadEvents(
      grpc::CallbackServerContext* context, const sfa::common::v1::ReadEventsRequest* request) override;

  // Ends every stream with UNAVAILABLE and refuses new ones. Call before grpc::Server::Shutdown so that
  // follow streams do not hold the shutdown for the whole grace period. Idempotent.
  void Shutdown();

  // Streams started and not yet done.
  int active_streams() const { return active_streams_.load(); }

 private:
  class Reactor;
  class FollowWaiter;

  eventstore::EventStore* store_;
  EventFeedOptions options_;
  std::unique_ptr<FollowWaiter> waiter_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_streams_{0};
};

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_EVENT_FEED_SERVICE_H_

#include "server/event_feed_service.h"

#include <algorithm>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/log.h"
#include "server/grpc_status.h"
#include "server/principal.h"

namespace sfa::server {

using sfa::common::v1::EventEnvelope;
using sfa::common::v1::ReadEventsRequest;

namespace {

constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();

// A call refused before it started streaming.
class RefusedReactor final : public grpc::ServerWriteReactor<EventEnvelope> {
 public:
  explicit RefusedReactor(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

grpc::Status ShuttingDown() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "server shutting down"); }

}  // namespace

absl::Status ValidateReadEventsRequest(const ReadEventsRequest& request) {
  if (request.max_events() > kMaxEventsPerRead) {
    return absl::InvalidArgumentError(absl::StrCat("max_events must be at most ", kMaxEventsPerRead,
                                                   " (0 means no limit), got ", request.max_events()));
  }
  return absl::OkStatus();
}

// One ReadEvents call. At any moment exactly one party moves it on: the handler (first step), a write
// completion (OnWriteDone), or the FollowWaiter (after parking). OnCancel only raises a flag, so
// Finish is called exactly once and never while the stream is parked.
class EventFeedService::Reactor final : public grpc::ServerWriteReactor<EventEnvelope> {
 public:
  Reactor(EventFeedService* service, std::string tenant, const ReadEventsRequest& request)
      : service_(service),
        tenant_(std::move(tenant)),
        next_position_(std::max<uint64_t>(request.from_position(), 1)),
        remaining_(request.max_events() == 0 ? kNoLimit : request.max_events()),
        follow_(request.follow()) {
    service_->active_streams_.fetch_add(1);
    Step();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "stream broken"));
      return;
    }
    next_position_ = page_[next_in_page_].global_position() + 1;
    ++next_in_page_;
    if (remaining_ != kNoLimit) --remaining_;
    Step();
  }

  void OnCancel() override { cancelled_.store(true); }

  void OnDone() override {
    service_->active_streams_.fetch_sub(1);
    delete this;
  }

  // Called by the FollowWaiter once the head has moved past the one seen when parking, or to let a
  // cancelled or stopping stream finish.
  void Resume() { Step(); }
  bool cancelled() const { return cancelled_.load(); }

 private:
  void Step() {
    if (cancelled_.load()) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
    if (service_->stopping_.load()) return Finish(ShuttingDown());
    if (remaining_ == 0) return Finish(grpc::Status::OK);
    if (next_in_page_ == page_.size() && !ReadPage()) return;
    const EventEnvelope& event = page_[next_in_page_];
    if (event.tenant() != tenant_) {
      // ReadTenant returned another tenant's event: a store bug. Never serve it.
      base::LogError("event feed: store returned a foreign tenant's event",
                     {{"tenant", tenant_}, {"position", event.global_position()}});
      return Finish(grpc::Status(grpc::StatusCode::INTERNAL, "event store returned an inconsistent page"));
    }
    StartWrite(&event);
  }

  // Loads the next page. False when the call finished or was parked instead.
  bool ReadPage();

  EventFeedService* const service_;
  const std::string tenant_;
  uint64_t next_position_;
  uint64_t remaining_;
  const bool follow_;
  std::vector<EventEnvelope> page_;
  size_t next_in_page_ = 0;
  std::atomic<bool> cancelled_{false};
};

// Holds follow streams that have caught up, and resumes them when the store's head moves. One thread
// serves all of them, waiting on EventStore::WaitForHeadAbove with a short deadline so that it also
// notices cancelled streams (client gone, deadline passed) promptly.
class EventFeedService::FollowWaiter {
 public:
  FollowWaiter(eventstore::EventStore* store, absl::Duration poll) : store_(store), poll_(poll) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~FollowWaiter() { Stop(); }

  // Parks `reactor` until the head passes `seen_head`. False when stopping: the caller finishes it.
  bool Park(Reactor* reactor, uint64_t seen_head) {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    parked_.push_back({reactor, seen_head});
    return true;
  }

  // Resumes every parked stream (they finish, seeing the service stopping) and joins the thread.
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    thread_.join();
  }

 private:
  struct Parked {
    Reactor* reactor;
    uint64_t seen_head;
  };

  void Loop() {
    while (true) {
      uint64_t lowest_seen = 0;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(
            +[](FollowWaiter* w) { return w->stopping_ || !w->parked_.empty(); }, this));
        if (stopping_) break;
        lowest_seen = parked_.front().seen_head;
        for (const Parked& p : parked_) lowest_seen = std::min(lowest_seen, p.seen_head);
      }
      uint64_t head = store_->WaitForHeadAbove(lowest_seen, absl::Now() + poll_);
      for (Reactor* r : TakeDue(head)) r->Resume();
    }
    for (Reactor* r : TakeDue(std::numeric_limits<uint64_t>::max())) r->Resume();
  }

  // Removes and returns the streams that can move on: new events, or cancelled.
  std::vector<Reactor*> TakeDue(uint64_t head) {
    absl::MutexLock lock(&mu_);
    std::vector<Reactor*> due;
    auto keep = std::partition(parked_.begin(), parked_.end(),
                               [head](const Parked& p) { return head <= p.seen_head && !p.reactor->cancelled(); });
    for (auto it = keep; it != parked_.end(); ++it) due.push_back(it->reactor);
    parked_.erase(keep, parked_.end());
    return due;
  }

  eventstore::EventStore* const store_;
  const absl::Duration poll_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Parked> parked_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

bool EventFeedService::Reactor::ReadPage() {
  eventstore::EventStore* store = service_->store_;
  // The head is read before the page: an event committed in between then wakes the parked stream at
  // once instead of being missed.
  uint64_t head = store->HeadPosition();
  size_t max_count = static_cast<size_t>(std::min<uint64_t>(service_->options_.page_size, remaining_));
  absl::StatusOr<std::vector<EventEnvelope>> page = store->ReadTenant(tenant_, next_position_, max_count);
  if (!page.ok()) {
    base::LogError("event feed: read failed",
                   {{"tenant", tenant_}, {"from_position", next_position_}, {"error", page.status().ToString()}});
    Finish(ToGrpcStatus(page.status()));
    return false;
  }
  page_ = *std::move(page);
  next_in_page_ = 0;
  if (!page_.empty()) return true;
  if (!follow_) {
    Finish(grpc::Status::OK);
  } else if (!service_->waiter_->Park(this, head)) {
    Finish(ShuttingDown());
  }
  return false;
}

EventFeedService::EventFeedService(eventstore::EventStore* store, EventFeedOptions options)
    : store_(store), options_(options), waiter_(std::make_unique<FollowWaiter>(store, options.follow_poll)) {}

EventFeedService::~EventFeedService() { Shutdown(); }

grpc::ServerWriteReactor<EventEnvelope>* EventFeedService::ReadEvents(grpc::CallbackServerContext* context,
                                                                      const ReadEventsRequest* request) {
  absl::StatusOr<Principal> principal = PrincipalFromContext(context);
  if (!principal.ok()) return new RefusedReactor(ToGrpcStatus(principal.status()));
  if (absl::Status valid = ValidateReadEventsRequest(*request); !valid.ok()) {
    return new RefusedReactor(ToGrpcStatus(valid));
  }
  if (stopping_.load()) return new RefusedReactor(ShuttingDown());
  return new Reactor(this, principal->tenant, *request);
}

void EventFeedService::Shutdown() {
  stopping_.store(true);
  waiter_->Stop();
}

}  // namespace sfa::server

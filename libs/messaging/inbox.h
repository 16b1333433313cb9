#ifndef SFA_LIBS_MESSAGING_INBOX_H_
#define SFA_LIBS_MESSAGING_INBOX_H_

// Reactions to another service's events that change this service's own state ("record the accepted
// quote's amount on the opportunity"). Two halves:
//
// - InboxProjection: a Kafka-fed read model (give it to the ProjectionRunner) that keeps the events a
//   service reacts to in its column family, written in the same commit as the consumer offsets and the
//   de-duplication versions. An event redelivered by Kafka is therefore queued at most once, and an
//   event whose offset was committed is never lost.
// - InboxWorker: a thread that runs the reaction for each queued event, oldest first, and removes the
//   entry once the reaction succeeded or failed for good. A reaction must be idempotent (run it as a
//   command with a request id derived from the event): after a crash between the reaction and the
//   removal it runs again and must change nothing the second time.
//
// A failure that retrying cannot fix (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS,
// PERMISSION_DENIED, DATA_LOSS) is logged, counted and dropped; any other is retried with backoff.

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/metrics.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"

namespace sfa::messaging {

class InboxProjection final : public eventstore::Projection {
 public:
  // Queues events for which `wanted` is true into column family "rm_inbox_<name>".
  InboxProjection(std::string name, std::function<bool(const sfa::common::v1::EventEnvelope&)> wanted);
  std::string name() const override { return "inbox_" + name_; }
  std::vector<std::string> column_families() const override { return {cf_}; }
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
  const std::string& cf() const { return cf_; }

 private:
  std::string name_;
  std::string cf_;
  std::function<bool(const sfa::common::v1::EventEnvelope&)> wanted_;
};

struct InboxWorkerOptions {
  absl::Duration poll_interval = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(30);
  base::MetricsRegistry* metrics = &base::MetricsRegistry::Default();
};

// The inbox worker's metric families, declared once; DeclareInboxMetrics declares them without series so
// every service exposes them.
struct InboxFamilies {
  base::Family<base::Counter>* handled;
  base::Family<base::Counter>* dropped;
  base::Family<base::Counter>* retried;
  static InboxFamilies Declare(base::MetricsRegistry& registry);
};
void DeclareInboxMetrics(base::MetricsRegistry& registry);

class InboxWorker {
 public:
  using Reaction = std::function<absl::Status(const sfa::common::v1::EventEnvelope&)>;

  // Starts the thread. `store` and `inbox` must outlive the worker.
  InboxWorker(eventstore::EventStore* store, const InboxProjection* inbox, Reaction react,
              InboxWorkerOptions options = {});
  ~InboxWorker();  // Stop()
  void Stop();

  // Entries queued and not yet handled (a scan; for tests and /metrics).
  size_t pending() const;

 private:
  void Loop();
  // Handles what is queued now; returns the delay before the next pass.
  absl::Duration Pass();

  eventstore::EventStore* store_;
  const InboxProjection* inbox_;
  Reaction react_;
  InboxWorkerOptions options_;
  base::Counter* handled_;
  base::Counter* dropped_;
  base::Counter* retried_;
  absl::Duration backoff_ = absl::ZeroDuration();
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sfa::messaging

#endif  // SFA_LIBS_MESSAGING_INBOX_H_

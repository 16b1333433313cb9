// The inbox: events a service reacts to are queued once (redeliveries change nothing), survive a restart,
// and are handed to the reaction oldest first; transient failures are retried, refusals dropped.

#include "messaging/inbox.h"

#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "messaging/dedup_apply.h"
#include "messaging/test_util.h"

namespace sfa::messaging {
namespace {

using sfa::common::v1::EventEnvelope;

EventEnvelope Event(const std::string& id, uint64_t version, const std::string& type = "QuoteAccepted") {
  EventEnvelope e;
  e.set_tenant("acme");
  e.set_source("quote");
  e.set_aggregate_type("quote");
  e.set_aggregate_id(id);
  e.set_aggregate_version(version);
  e.set_payload_type(type);
  return e;
}

class InboxTest : public ::testing::Test {
 protected:
  void Open() {
    eventstore::EventStoreOptions options;
    options.path = dir_.Sub("store");
    options.extra_column_families = inbox_.column_families();
    options.sync = false;
    options.metrics = &metrics_;
    auto store = eventstore::EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  void Deliver(const std::vector<EventEnvelope>& events) {
    std::vector<eventstore::Projection*> projections = {&inbox_};
    ASSERT_TRUE(store_
                    ->Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
                      for (const EventEnvelope& e : events) {
                        absl::StatusOr<ApplyOutcome> applied = ApplyOnce(e, projections, txn);
                        if (!applied.ok()) return applied.status();
                      }
                      return absl::OkStatus();
                    })
                    .ok());
  }

  eventstore::testing::TempDir dir_{"inbox-test"};
  base::MetricsRegistry metrics_;
  InboxProjection inbox_{"quotes", [](const EventEnvelope& e) { return e.payload_type() == "QuoteAccepted"; }};
  std::unique_ptr<eventstore::EventStore> store_;
};

TEST_F(InboxTest, QueuesOnceSurvivesRestartAndReactsInOrder) {
  Open();
  Deliver({Event("q1", 1), Event("q1", 2, "QuoteSent"), Event("q2", 1)});
  Deliver({Event("q1", 1), Event("q2", 1)});  // Kafka redelivers
  store_.reset();
  Open();  // nothing queued is lost

  absl::Mutex mu;
  std::vector<std::string> seen;
  InboxWorker worker(store_.get(), &inbox_, [&](const EventEnvelope& e) {
    absl::MutexLock lock(&mu);
    seen.push_back(e.aggregate_id() + "@" + std::to_string(e.aggregate_version()));
    return absl::OkStatus();
  }, {absl::Milliseconds(10), absl::Seconds(1), &metrics_});
  ASSERT_TRUE(testing::WaitFor([&] { return worker.pending() == 0; }));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"q1@1", "q2@1"}));
}

TEST_F(InboxTest, RetriesTransientFailuresAndDropsRefusals) {
  Open();
  Deliver({Event("refused", 1), Event("flaky", 1), Event("after", 1)});
  absl::Mutex mu;
  std::vector<std::string> seen;
  int flaky_attempts = 0;
  InboxWorker worker(store_.get(), &inbox_, [&](const EventEnvelope& e) -> absl::Status {
    absl::MutexLock lock(&mu);
    seen.push_back(e.aggregate_id());
    if (e.aggregate_id() == "refused") return absl::FailedPreconditionError("opportunity_closed: ...");
    if (e.aggregate_id() == "flaky" && ++flaky_attempts < 3) return absl::UnavailableError("busy");
    return absl::OkStatus();
  }, {absl::Milliseconds(10), absl::Milliseconds(50), &metrics_});
  ASSERT_TRUE(testing::WaitFor([&] { return worker.pending() == 0; }));
  absl::MutexLock lock(&mu);
  // The refusal is not retried; the flaky one is, and the entry after it waits its turn.
  EXPECT_EQ(seen, (std::vector<std::string>{"refused", "flaky", "flaky", "flaky", "after"}));
}

}  // namespace
}  // namespace sfa::messaging

#ifndef SFA_LIBS_MESSAGING_TEST_UTIL_H_
#define SFA_LIBS_MESSAGING_TEST_UTIL_H_

// Test helpers for the messaging lib: a plain consumer that reads a topic exactly as an ERP client
// would, a raw producer for replays and poison records, a read model that records what it was given,
// and polling with a deadline.

#include <librdkafka/rdkafka.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/metrics.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "messaging/cloudevents.h"

namespace sfa::messaging::testing {

// A store for tests: sync=false (speed), the given service name and extra column families.
absl::StatusOr<std::unique_ptr<eventstore::EventStore>> OpenScratchStore(const std::string& path,
                                                                         const std::string& service,
                                                                         std::vector<std::string> extra_cfs,
                                                                         base::MetricsRegistry* metrics);

// Polls `done` every few milliseconds until it holds or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(30));

struct Record {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  KafkaHeaders headers;
};

// Reads every partition of a topic from the beginning with manual assignment; each ReadNew returns
// the records appended since the previous call, up to the high watermarks it observed at its start.
class TopicReader {
 public:
  static absl::StatusOr<std::unique_ptr<TopicReader>> Create(const std::string& brokers, const std::string& topic);
  ~TopicReader();

  absl::StatusOr<std::vector<Record>> ReadNew(absl::Duration timeout = absl::Seconds(30));
  // Records currently in the topic (sum of high watermarks).
  absl::StatusOr<int64_t> EndOffsetSum();

 private:
  TopicReader(rd_kafka_t* rk, std::string topic, std::vector<int32_t> partitions);
  rd_kafka_t* rk_;
  std::string topic_;
  std::vector<int32_t> partitions_;
  std::map<int32_t, int64_t> next_;  // next offset to return per partition
};

// Produces records as they are (key, value, headers), waiting for every delivery. Not idempotent.
absl::Status ProduceRecords(const std::string& brokers, const std::string& topic, const std::vector<Record>& records);

// A read model that appends, per source aggregate, "<version>:<event id>," to one row of rm_test, so a
// duplicate, a reordering or a missing event all change its bytes.
class RecordingProjection : public eventstore::Projection {
 public:
  static constexpr char kCf[] = "rm_test";
  std::string name() const override { return "test"; }
  std::vector<std::string> column_families() const override { return {kCf}; }
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
  // Makes Apply fail with FAILED_PRECONDITION for this aggregate id (empty: never).
  void RefuseAggregate(std::string id);

 private:
  absl::Mutex mu_;
  std::string refuse_;
};

// The rm_test key of a source aggregate's row.
std::string RecordedRowKey(const std::string& tenant, const std::string& source, const std::string& type,
                           const std::string& id);
// What RecordingProjection holds after applying `events` once each, in order: its rm_test dump.
std::vector<std::pair<std::string, std::string>> ExpectedRecording(
    const std::vector<sfa::common::v1::EventEnvelope>& events);

// The rm_test row of one aggregate, "" when absent.
std::string RecordedRow(const eventstore::EventStore& store, const std::string& tenant, const std::string& source,
                        const std::string& type, const std::string& id);

// Appends `count` events to each of `aggregates` streams ("agg-0", "agg-1", ...) of type "deal",
// interleaved round-robin so positions of one aggregate are not contiguous.
absl::Status AppendInterleaved(eventstore::EventStore& store, const std::string& tenant, int aggregates, int count_each,
                               int first_round = 0);

}  // namespace sfa::messaging::testing

#endif  // SFA_LIBS_MESSAGING_TEST_UTIL_H_

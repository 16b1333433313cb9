#ifndef SFA_LIBS_EVENTSTORE_EVENT_STORE_H_
#define SFA_LIBS_EVENTSTORE_EVENT_STORE_H_

// The RocksDB event store every service writes through: streams with expected versions, one gapless
// global position log, idempotent commands, and the service's own read models updated in the same
// atomic WriteBatch as the events. A single sequencer thread group-commits all writes.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/id_generator.h"
#include "base/metrics.h"
#include "eventstore/projection.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace sfa::eventstore {

using EventEnvelope = sfa::common::v1::EventEnvelope;

// Column families every store has. Read models add their own, named "rm_<name>".
inline constexpr char kEventsCf[] = "events";      // tenant|type|id|version -> EventEnvelope
inline constexpr char kLogCf[] = "log";            // position -> events key
inline constexpr char kTenantLogCf[] = "tlog";     // tenant|position -> events key
inline constexpr char kStreamsCf[] = "streams";    // tenant|type|id -> current version
inline constexpr char kRequestsCf[] = "requests";  // tenant|request_id -> AppendResult record
inline constexpr char kRequestsByTimeCf[] = "requests_by_time";  // recorded_at|tenant|request_id -> ""
inline constexpr char kMetaCf[] = "meta";          // cursors, offsets, checkpoints, counters

// An aggregate's stream. Every key built from it starts with the tenant.
struct StreamId {
  std::string tenant;
  std::string type;
  std::string id;

  friend bool operator==(const StreamId&, const StreamId&) = default;
};

// Expected-version values besides an exact version (>= 1).
inline constexpr int64_t kAnyVersion = -1;  // append whatever the current version is
inline constexpr int64_t kNoStream = 0;     // the stream must not exist yet

// One event to append; version, position and envelope fields are assigned at commit.
struct NewEvent {
  std::string payload_type;  // fully-qualified protobuf message name
  std::string payload;       // serialized message
  // Business time of the change; absl::InfinitePast() means "now" (the commit time).
  absl::Time occurred_at = absl::InfinitePast();
  std::string event_id;  // generated when empty
};

// Who and what caused an append; copied into every envelope.
struct CommandContext {
  std::string request_id;  // idempotency key; empty disables de-duplication
  std::string actor;
  std::string correlation_id;
  std::string causation_id;
};

struct AppendRequest {
  StreamId stream;
  int64_t expected_version = kAnyVersion;
  std::vector<NewEvent> events;  // at least one
  CommandContext context;
};

struct AppendResult {
  StreamId stream;
  uint64_t first_version = 0;
  uint64_t last_version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  // True when request_id had been seen: nothing was appended and this is the first call's result.
  bool deduplicated = false;
};

struct EventStoreOptions {
  std::string path;                // RocksDB directory, created when missing
  std::string service = "sfa";     // written into every envelope's `source`
  bool sync = true;                // fsync the WAL before acknowledging
  absl::Duration request_ttl = absl::Hours(24);  // idempotency records expire after this
  uint64_t max_requests = 1'000'000;             // ...and at most this many are kept
  size_t max_group_size = 1024;    // appends committed in one WriteBatch at most
  // The service's own read models, updated in the same batch as its events. Not owned.
  std::vector<Projection*> projections;
  // Column families for read models fed from elsewhere (Kafka projections).
  std::vector<std::string> extra_column_families;
  base::Clock* clock = &base::SystemClock::Instance();
  base::IdGenerator* ids = &base::RandomIdGenerator::Instance();
  base::MetricsRegistry* metrics = &base::MetricsRegistry::Default();
};

class EventStore {
 public:
  // Opens (or creates) the store, then brings every projection up to the head of the log: a new
  // projection, or one whose version() changed, is rebuilt from ReadAll before Open returns.
  static absl::StatusOr<std::unique_ptr<EventStore>> Open(EventStoreOptions options);
  ~EventStore();  // stops the sequencer after draining queued work, then closes RocksDB

  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Appends atomically with the own read-model updates. Blocks until durable (options.sync).
  // ABORTED on a version conflict, INVALID_ARGUMENT on a malformed request, the projection's error
  // if a read model refuses an event (then nothing is written).
  absl::StatusOr<AppendResult> Append(AppendRequest request);
  // Same, completing on the sequencer thread; `done` must not block.
  void AppendAsync(AppendRequest request, std::function<void(absl::StatusOr<AppendResult>)> done);

  // Runs `fn` on the sequencer inside the next group commit and writes what it wrote in the same
  // batch; nothing is written if it fails. For read models fed from Kafka (offsets go in the batch).
  absl::Status Commit(std::function<absl::Status(ReadModelTxn&)> fn);

  // Events of one stream with version >= from_version, at most max_count.
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const StreamId& stream, uint64_t from_version = 1,
                                                        size_t max_count = SIZE_MAX) const;
  // Events of every tenant with position >= from_position, in position order.
  absl::StatusOr<std::vector<EventEnvelope>> ReadAll(uint64_t from_position, size_t max_count) const;
  // Events of one tenant with position >= from_position, in position order.
  absl::StatusOr<std::vector<EventEnvelope>> ReadTenant(absl::string_view tenant, uint64_t from_position,
                                                        size_t max_count) const;

  // The recorded result of a command's request id (tenant-scoped), if it was seen and has not expired.
  // Lets a command handler answer a retry without deciding again.
  absl::StatusOr<std::optional<AppendResult>> FindRequest(absl::string_view tenant,
                                                          absl::string_view request_id) const;

  // Current version of a stream; 0 when it does not exist.
  absl::StatusOr<uint64_t> StreamVersion(const StreamId& stream) const;
  // Position of the last committed event; 0 for an empty store.
  uint64_t HeadPosition() const;
  // Blocks until HeadPosition() > position or the deadline passes; returns the head.
  uint64_t WaitForHeadAbove(uint64_t position, absl::Time deadline) const;

  // Drops a projection's read model and rebuilds it from ReadAll. Writes wait meanwhile.
  absl::Status RebuildProjection(absl::string_view name);

  // Meta values (cursors, offsets) outside a group commit, for components that own their key.
  absl::StatusOr<std::optional<std::string>> GetMeta(absl::string_view key) const;
  absl::Status PutMeta(absl::string_view key, absl::string_view value, bool sync = false);

  // Read access for query code: point reads and iterators over read-model column families.
  rocksdb::DB* db() const;
  // The handle of a column family by name; nullptr when the store has none of that name.
  rocksdb::ColumnFamilyHandle* Handle(absl::string_view cf) const;
  const EventStoreOptions& options() const;

  class Impl;

 private:
  explicit EventStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Key of a stream's event at a version in kEventsCf; streams keys are the same without the version.
std::string StreamKey(const StreamId& stream);
std::string EventKey(const StreamId& stream, uint64_t version);

}  // namespace sfa::eventstore

#endif  // SFA_LIBS_EVENTSTORE_EVENT_STORE_H_

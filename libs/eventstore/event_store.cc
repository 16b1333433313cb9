#include "eventstore/event_store.h"

#include <algorithm>
#include <deque>
#include <map>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/key_codec.h"
#include "base/log.h"
#include "eventstore/read_model_txn.h"
#include "google/protobuf/util/time_util.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/iterator.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/write_batch_with_index.h"
#include "rocksdb/write_batch.h"

namespace sfa::eventstore {
namespace {

using base::KeyBuilder;
using base::KeyReader;

constexpr size_t kMaxTenantLen = 64;
constexpr size_t kMaxTypeLen = 64;
constexpr size_t kMaxIdLen = 256;
constexpr size_t kMaxRequestIdLen = 256;
constexpr size_t kMaxEventsPerAppend = 1000;
constexpr size_t kReplayPage = 1000;
constexpr char kRequestsCountKey[] = "eventstore/requests_count";

std::string ProjectionCheckpointKey(absl::string_view name) { return absl::StrCat("projection/", name); }

std::string RequestKey(absl::string_view tenant, absl::string_view request_id) {
  return KeyBuilder().String(tenant).String(request_id).Release();
}

// requests value: first/last version, first/last position, recorded_at micros, stream type, stream id.
std::string EncodeRequestRecord(const AppendResult& r, absl::Time recorded_at) {
  return KeyBuilder()
      .Uint64(r.first_version)
      .Uint64(r.last_version)
      .Uint64(r.first_position)
      .Uint64(r.last_position)
      .Int64(absl::ToUnixMicros(recorded_at))
      .String(r.stream.type)
      .String(r.stream.id)
      .Release();
}

absl::StatusOr<AppendResult> DecodeRequestRecord(absl::string_view tenant, absl::string_view value) {
  KeyReader r(value);
  AppendResult out;
  auto fv = r.Uint64(), lv = r.Uint64(), fp = r.Uint64(), lp = r.Uint64();
  auto at = r.Int64();
  auto type = r.String(), id = r.String();
  if (!fv.ok() || !lv.ok() || !fp.ok() || !lp.ok() || !at.ok() || !type.ok() || !id.ok()) {
    return absl::DataLossError("corrupt idempotency record");
  }
  out.stream = StreamId{std::string(tenant), *type, *id};
  out.first_version = *fv;
  out.last_version = *lv;
  out.first_position = *fp;
  out.last_position = *lp;
  out.deduplicated = true;
  return out;
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

absl::Status ValidateAppend(const AppendRequest& req) {
  const StreamId& s = req.stream;
  if (s.tenant.empty() || s.tenant.size() > kMaxTenantLen) {
    return absl::InvalidArgumentError(absl::StrCat("stream.tenant must be 1..", kMaxTenantLen, " bytes"));
  }
  if (s.type.empty() || s.type.size() > kMaxTypeLen) {
    return absl::InvalidArgumentError(absl::StrCat("stream.type must be 1..", kMaxTypeLen, " bytes"));
  }
  if (s.id.empty() || s.id.size() > kMaxIdLen) {
    return absl::InvalidArgumentError(absl::StrCat("stream.id must be 1..", kMaxIdLen, " bytes"));
  }
  if (req.expected_version < kAnyVersion) {
    return absl::InvalidArgumentError("expected_version must be >= -1 (any), 0 (no stream) or a version");
  }
  if (req.events.empty() || req.events.size() > kMaxEventsPerAppend) {
    return absl::InvalidArgumentError(absl::StrCat("events must hold 1..", kMaxEventsPerAppend, " events"));
  }
  if (req.context.request_id.size() > kMaxRequestIdLen) {
    return absl::InvalidArgumentError(absl::StrCat("request_id must be at most ", kMaxRequestIdLen, " bytes"));
  }
  for (size_t i = 0; i < req.events.size(); ++i) {
    if (req.events[i].payload_type.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("events[", i, "].payload_type is required"));
    }
  }
  return absl::OkStatus();
}

std::vector<double> GroupSizeBuckets() { return {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}; }

// The store's metrics, declared in one place.
struct StoreMetrics {
  explicit StoreMetrics(base::MetricsRegistry& r, const std::string& service)
      : appends(r.AddCounter("sfa_eventstore_appends_total", "Append requests by result.", {"service", "result"})),
        ok(appends.WithLabels({service, "ok"})),
        duplicate(appends.WithLabels({service, "duplicate"})),
        conflict(appends.WithLabels({service, "conflict"})),
        failed(appends.WithLabels({service, "error"})),
        events(r.AddCounter("sfa_eventstore_events_total", "Events appended.", {"service"}).WithLabels({service})),
        group_size(r.AddHistogram("sfa_eventstore_group_commit_size", "Writes per group commit.", {"service"},
                                  GroupSizeBuckets())
                       .WithLabels({service})),
        commit_seconds(r.AddHistogram("sfa_eventstore_commit_seconds", "Time to write one group commit.", {"service"})
                           .WithLabels({service})),
        head(r.AddGauge("sfa_eventstore_head_position", "Global position of the last committed event.", {"service"})
                 .WithLabels({service})) {}

  base::Family<base::Counter>& appends;
  base::Counter& ok;
  base::Counter& duplicate;
  base::Counter& conflict;
  base::Counter& failed;
  base::Counter& events;
  base::Histogram& group_size;
  base::Histogram& commit_seconds;
  base::Gauge& head;
};

}  // namespace

std::string StreamKey(const StreamId& stream) {
  return KeyBuilder().String(stream.tenant).String(stream.type).String(stream.id).Release();
}

std::string EventKey(const StreamId& stream, uint64_t version) {
  return KeyBuilder(StreamKey(stream)).Uint64(version).Release();
}

class EventStore::Impl {
 public:
  explicit Impl(EventStoreOptions options)
      : options_(std::move(options)), metrics_(*options_.metrics, options_.service) {}
  ~Impl() { Close(); }

  absl::Status Open();
  void Close();

  void Enqueue(AppendRequest request, std::function<void(absl::StatusOr<AppendResult>)> done);
  absl::Status Commit(std::function<absl::Status(ReadModelTxn&)> fn);
  absl::Status RunExclusive(std::function<absl::Status()> fn);

  absl::StatusOr<std::vector<EventEnvelope>> ReadIndex(rocksdb::ColumnFamilyHandle* index, const std::string& prefix,
                                                       uint64_t from_position, size_t max_count) const;
  absl::StatusOr<std::vector<EventEnvelope>> ReadStream(const StreamId& stream, uint64_t from_version,
                                                        size_t max_count) const;
  absl::StatusOr<uint64_t> StreamVersion(const StreamId& stream) const;
  uint64_t head() const { return head_.load(std::memory_order_acquire); }
  uint64_t WaitForHeadAbove(uint64_t position, absl::Time deadline) const;
  absl::Status RebuildProjection(Projection* p, uint64_t from_position, bool clear);
  Projection* FindProjection(absl::string_view name) const;

  rocksdb::DB* db() const { return db_; }
  rocksdb::ColumnFamilyHandle* Handle(absl::string_view name) const {
    auto it = cfs_.find(name);
    return it == cfs_.end() ? nullptr : it->second;
  }
  const EventStoreOptions& options() const { return options_; }

 private:
  struct Job {
    enum class Kind { kAppend, kCommit, kExclusive } kind;
    AppendRequest request;
    std::function<void(absl::StatusOr<AppendResult>)> append_done;
    std::function<absl::Status(ReadModelTxn&)> commit_fn;
    std::function<absl::Status()> exclusive_fn;
    std::function<void(absl::Status)> status_done;
  };

  // What the jobs of one group have staged but not yet written.
  struct GroupState {
    uint64_t next_position;
    absl::flat_hash_map<std::string, uint64_t> stream_versions;  // stream key -> version after staging
    absl::flat_hash_map<std::string, AppendResult> requests;     // request key -> result
    uint64_t requests_added = 0;
    absl::Time now;
  };

  void SequencerLoop();
  void RunGroup(std::vector<Job>& group);
  absl::StatusOr<AppendResult> StageAppend(const AppendRequest& req, GroupState& gs,
                                           rocksdb::WriteBatchWithIndex& batch, BatchTxn& txn);
  absl::StatusOr<uint64_t> CurrentVersion(const std::string& stream_key, const GroupState& gs,
                                          rocksdb::WriteBatchWithIndex& batch) const;
  void RememberVersions(const GroupState& gs);
  absl::StatusOr<std::optional<AppendResult>> FindRequest(const std::string& tenant, const std::string& key,
                                                          const GroupState& gs) const;
  absl::Status ApplyProjections(const EventEnvelope& env, BatchTxn& txn);
  absl::Status PutCheckpoints(rocksdb::WriteBatchWithIndex& batch, uint64_t position);
  void SweepRequests();
  absl::Status CatchUpProjections();
  absl::StatusOr<uint64_t> LoadHead() const;
  void PublishHead(uint64_t position);

  EventStoreOptions options_;
  StoreMetrics metrics_;
  rocksdb::DB* db_ = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  BatchTxn::CfMap cfs_;

  absl::Mutex queue_mu_;
  std::deque<Job> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread sequencer_;

  std::atomic<uint64_t> head_{0};
  mutable absl::Mutex head_mu_;
  mutable absl::CondVar head_cv_;

  // Stream versions as last committed. The sequencer is the only writer, so this never goes stale;
  // it is dropped whole when it grows past kVersionCacheSize (crude, but the hot streams refill it).
  static constexpr size_t kVersionCacheSize = 200'000;
  absl::flat_hash_map<std::string, uint64_t> version_cache_;  // sequencer thread only
  uint64_t requests_count_ = 0;  // sequencer thread only
  absl::Time next_sweep_ = absl::InfinitePast();
};

absl::Status EventStore::Impl::Open() {
  rocksdb::Options db_opts;
  db_opts.create_if_missing = true;
  db_opts.create_missing_column_families = true;
  db_opts.IncreaseParallelism(2);
  db_opts.max_background_jobs = 2;
  db_opts.keep_log_file_num = 5;

  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_opts;
  cf_opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_opts.write_buffer_size = 32 << 20;
  // Every append looks up its request id, which is almost always new: a memtable bloom filter answers
  // those misses without walking the skiplist.
  cf_opts.memtable_prefix_bloom_size_ratio = 0.05;
  cf_opts.memtable_whole_key_filtering = true;

  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName, kEventsCf, kLogCf, kTenantLogCf,
                                    kStreamsCf, kRequestsCf, kRequestsByTimeCf, kMetaCf};
  for (Projection* p : options_.projections) {
    for (const std::string& cf : p->column_families()) names.push_back(cf);
  }
  for (const std::string& cf : options_.extra_column_families) names.push_back(cf);
  std::sort(names.begin() + 1, names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    return absl::InvalidArgumentError("event store: a column family is declared twice");
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& n : names) descriptors.emplace_back(n, cf_opts);

  // Column families of read models that were removed from the code stay on disk until dropped here.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_opts, options_.path, &existing).ok()) {
    for (const std::string& n : existing) {
      if (std::find(names.begin(), names.end(), n) == names.end()) descriptors.emplace_back(n, cf_opts);
    }
  }

  rocksdb::Status s = rocksdb::DB::Open(db_opts, options_.path, descriptors, &handles_, &db_);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open event store at ", options_.path));
  for (size_t i = 0; i < descriptors.size(); ++i) cfs_[descriptors[i].name] = handles_[i];

  absl::StatusOr<uint64_t> head = LoadHead();
  if (!head.ok()) return head.status();
  head_ = *head;
  metrics_.head.Set(static_cast<double>(*head));

  std::string count;
  if (db_->Get(rocksdb::ReadOptions(), cfs_[kMetaCf], kRequestsCountKey, &count).ok() && count.size() == 8) {
    requests_count_ = base::DecodeUint64(count);
  }

  sequencer_ = std::thread([this] { SequencerLoop(); });
  return RunExclusive([this] { return CatchUpProjections(); });
}

void EventStore::Impl::Close() {
  {
    absl::MutexLock lock(&queue_mu_);
    if (stopping_ && !sequencer_.joinable()) return;
    stopping_ = true;
  }
  if (sequencer_.joinable()) sequencer_.join();
  if (db_ == nullptr) return;
  for (rocksdb::ColumnFamilyHandle* h : handles_) db_->DestroyColumnFamilyHandle(h);
  handles_.clear();
  cfs_.clear();
  db_->Close();
  delete db_;
  db_ = nullptr;
}

absl::StatusOr<uint64_t> EventStore::Impl::LoadHead() const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Handle(kLogCf)));
  it->SeekToLast();
  if (!it->status().ok()) return FromRocks(it->status(), "read log head");
  if (!it->Valid()) return uint64_t{0};
  return base::DecodeUint64(ToView(it->key()));
}

void EventStore::Impl::PublishHead(uint64_t position) {
  {
    absl::MutexLock lock(&head_mu_);
    head_.store(position, std::memory_order_release);
  }
  head_cv_.SignalAll();
  metrics_.head.Set(static_cast<double>(position));
}

uint64_t EventStore::Impl::WaitForHeadAbove(uint64_t position, absl::Time deadline) const {
  absl::MutexLock lock(&head_mu_);
  while (head_.load(std::memory_order_acquire) <= position) {
    if (head_cv_.WaitWithDeadline(&head_mu_, deadline)) break;
  }
  return head_.load(std::memory_order_acquire);
}

void EventStore::Impl::Enqueue(AppendRequest request, std::function<void(absl::StatusOr<AppendResult>)> done) {
  if (absl::Status v = ValidateAppend(request); !v.ok()) {
    done(v);
    return;
  }
  absl::MutexLock lock(&queue_mu_);
  if (stopping_) {
    done(absl::UnavailableError("event store is closing"));
    return;
  }
  Job job{Job::Kind::kAppend, std::move(request), std::move(done), nullptr, nullptr, nullptr};
  queue_.push_back(std::move(job));
}

absl::Status EventStore::Impl::Commit(std::function<absl::Status(ReadModelTxn&)> fn) {
  absl::Notification done;
  absl::Status result;
  {
    absl::MutexLock lock(&queue_mu_);
    if (stopping_) return absl::UnavailableError("event store is closing");
    Job job{Job::Kind::kCommit, {}, nullptr, std::move(fn), nullptr, [&](absl::Status s) {
              result = std::move(s);
              done.Notify();
            }};
    queue_.push_back(std::move(job));
  }
  done.WaitForNotification();
  return result;
}

absl::Status EventStore::Impl::RunExclusive(std::function<absl::Status()> fn) {
  absl::Notification done;
  absl::Status result;
  {
    absl::MutexLock lock(&queue_mu_);
    if (stopping_) return absl::UnavailableError("event store is closing");
    Job job{Job::Kind::kExclusive, {}, nullptr, nullptr, std::move(fn), [&](absl::Status s) {
              result = std::move(s);
              done.Notify();
            }};
    queue_.push_back(std::move(job));
  }
  done.WaitForNotification();
  return result;
}

void EventStore::Impl::SequencerLoop() {
  for (;;) {
    std::vector<Job> group;
    {
      absl::MutexLock lock(&queue_mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue_mu_) { return !queue_.empty() || stopping_; };
      queue_mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(1));
      if (queue_.empty() && stopping_) return;
      // An exclusive job runs alone; appends and commits are grouped up to max_group_size.
      while (!queue_.empty() && group.size() < options_.max_group_size) {
        bool exclusive = queue_.front().kind == Job::Kind::kExclusive;
        if (exclusive && !group.empty()) break;
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (exclusive) break;
      }
    }
    if (group.empty()) {
      SweepRequests();
      continue;
    }
    if (group.front().kind == Job::Kind::kExclusive) {
      group.front().status_done(group.front().exclusive_fn());
      continue;
    }
    RunGroup(group);
    SweepRequests();  // returns at once unless a sweep is due or the record limit is exceeded
  }
}

absl::StatusOr<uint64_t> EventStore::Impl::CurrentVersion(const std::string& stream_key, const GroupState& gs,
                                                          rocksdb::WriteBatchWithIndex& batch) const {
  if (auto it = gs.stream_versions.find(stream_key); it != gs.stream_versions.end()) return it->second;
  if (auto it = version_cache_.find(stream_key); it != version_cache_.end()) return it->second;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(kStreamsCf), stream_key, &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "read stream version");
  return base::DecodeUint64(value);
}

absl::StatusOr<std::optional<AppendResult>> EventStore::Impl::FindRequest(const std::string& tenant,
                                                                         const std::string& key,
                                                                         const GroupState& gs) const {
  if (auto it = gs.requests.find(key); it != gs.requests.end()) {
    AppendResult r = it->second;
    r.deduplicated = true;
    return std::optional<AppendResult>(r);
  }
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(kRequestsCf), key, &value);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  if (!s.ok()) return FromRocks(s, "read idempotency record");
  absl::StatusOr<AppendResult> r = DecodeRequestRecord(tenant, value);
  if (!r.ok()) return r.status();
  return std::optional<AppendResult>(*r);
}

absl::Status EventStore::Impl::ApplyProjections(const EventEnvelope& env, BatchTxn& txn) {
  for (Projection* p : options_.projections) {
    if (absl::Status s = p->Apply(env, txn); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("read model ", p->name(), ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<AppendResult> EventStore::Impl::StageAppend(const AppendRequest& req, GroupState& gs,
                                                           rocksdb::WriteBatchWithIndex& batch, BatchTxn& txn) {
  const std::string request_key =
      req.context.request_id.empty() ? std::string() : RequestKey(req.stream.tenant, req.context.request_id);
  if (!request_key.empty()) {
    absl::StatusOr<std::optional<AppendResult>> seen = FindRequest(req.stream.tenant, request_key, gs);
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) return **seen;
  }

  const std::string stream_key = StreamKey(req.stream);
  absl::StatusOr<uint64_t> current = CurrentVersion(stream_key, gs, batch);
  if (!current.ok()) return current.status();
  const bool matches = req.expected_version == kAnyVersion ||
                       static_cast<uint64_t>(req.expected_version) == *current;
  if (!matches) {
    return absl::AbortedError(absl::StrCat("stream ", req.stream.type, "/", req.stream.id, " is at version ",
                                           *current, ", expected ", req.expected_version));
  }

  AppendResult result;
  result.stream = req.stream;
  result.first_version = *current + 1;
  result.first_position = gs.next_position;
  uint64_t version = *current;
  uint64_t position = gs.next_position;
  const std::string tenant_prefix = KeyBuilder().String(req.stream.tenant).Release();
  EventEnvelope env;
  for (const NewEvent& ev : req.events) {
    ++version;
    env.Clear();
    env.set_event_id(ev.event_id.empty() ? options_.ids->NewId() : ev.event_id);
    env.set_tenant(req.stream.tenant);
    env.set_aggregate_type(req.stream.type);
    env.set_aggregate_id(req.stream.id);
    env.set_aggregate_version(version);
    env.set_global_position(position);
    *env.mutable_occurred_at() = ToProto(ev.occurred_at == absl::InfinitePast() ? gs.now : ev.occurred_at);
    *env.mutable_recorded_at() = ToProto(gs.now);
    env.set_actor(req.context.actor);
    env.set_request_id(req.context.request_id);
    env.set_correlation_id(req.context.correlation_id);
    env.set_causation_id(req.context.causation_id);
    env.set_payload_type(ev.payload_type);
    env.set_payload(ev.payload);
    env.set_source(options_.service);

    const std::string event_key = EventKey(req.stream, version);
    const std::string position_key = base::EncodeUint64(position);
    batch.Put(Handle(kEventsCf), event_key, env.SerializeAsString());
    batch.Put(Handle(kLogCf), position_key, event_key);
    batch.Put(Handle(kTenantLogCf), tenant_prefix + position_key, event_key);
    if (absl::Status s = ApplyProjections(env, txn); !s.ok()) return s;
    ++position;
  }
  result.last_version = version;
  result.last_position = position - 1;
  batch.Put(Handle(kStreamsCf), stream_key, base::EncodeUint64(version));
  if (!request_key.empty()) {
    batch.Put(Handle(kRequestsCf), request_key, EncodeRequestRecord(result, gs.now));
    batch.Put(Handle(kRequestsByTimeCf),
              KeyBuilder().Int64(absl::ToUnixMicros(gs.now)).Raw(request_key).Release(), "");
  }
  // Only now, with every write staged, does the group see this append.
  gs.stream_versions[stream_key] = version;
  gs.next_position = position;
  if (!request_key.empty()) {
    gs.requests[request_key] = result;
    ++gs.requests_added;
  }
  return result;
}

absl::Status EventStore::Impl::PutCheckpoints(rocksdb::WriteBatchWithIndex& batch, uint64_t position) {
  for (Projection* p : options_.projections) {
    std::string value = KeyBuilder().Int64(p->version()).Uint64(position).Release();
    rocksdb::Status s = batch.Put(Handle(kMetaCf), ProjectionCheckpointKey(p->name()), value);
    if (!s.ok()) return FromRocks(s, "write projection checkpoint");
  }
  return absl::OkStatus();
}

void EventStore::Impl::RunGroup(std::vector<Job>& group) {
  const absl::Time start = absl::Now();
  rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
  BatchTxn txn(db_, &batch, &cfs_);
  GroupState gs{head() + 1, {}, {}, 0, options_.clock->Now()};

  std::vector<absl::StatusOr<AppendResult>> outcomes;
  outcomes.reserve(group.size());
  bool wrote = false;
  for (Job& job : group) {
    batch.SetSavePoint();
    absl::StatusOr<AppendResult> outcome = AppendResult{};
    if (job.kind == Job::Kind::kAppend) {
      outcome = StageAppend(job.request, gs, batch, txn);
    } else if (absl::Status s = job.commit_fn(txn); !s.ok()) {
      outcome = s;
    }
    if (!outcome.ok()) {
      batch.RollbackToSavePoint();
    } else {
      batch.PopSavePoint();
      wrote = wrote || job.kind == Job::Kind::kCommit || !outcome->deduplicated;
    }
    outcomes.push_back(std::move(outcome));
  }

  absl::Status write_status;
  const uint64_t new_head = gs.next_position - 1;
  if (wrote) {
    if (new_head > head()) write_status = PutCheckpoints(batch, new_head);
    if (gs.requests_added > 0) {
      requests_count_ += gs.requests_added;
      batch.Put(Handle(kMetaCf), kRequestsCountKey, base::EncodeUint64(requests_count_));
    }
    rocksdb::WriteOptions wo;
    wo.sync = options_.sync;
    if (write_status.ok()) write_status = FromRocks(db_->Write(wo, batch.GetWriteBatch()), "commit");
    if (!write_status.ok()) {
      requests_count_ -= gs.requests_added;
      base::LogError("event store commit failed", {{"service", options_.service}, {"error", write_status.ToString()}});
    } else {
      RememberVersions(gs);
      if (new_head > head()) PublishHead(new_head);
    }
  }
  metrics_.group_size.Observe(static_cast<double>(group.size()));
  metrics_.commit_seconds.Observe(absl::ToDoubleSeconds(absl::Now() - start));

  for (size_t i = 0; i < group.size(); ++i) {
    absl::StatusOr<AppendResult>& outcome = outcomes[i];
    if (outcome.ok() && !write_status.ok()) outcome = write_status;
    Job& job = group[i];
    if (job.kind == Job::Kind::kCommit) {
      job.status_done(outcome.status());
      continue;
    }
    if (outcome.ok()) {
      if (outcome->deduplicated) {
        metrics_.duplicate.Inc();
      } else {
        metrics_.ok.Inc();
        metrics_.events.Inc(static_cast<double>(outcome->last_version - outcome->first_version + 1));
      }
    } else if (absl::IsAborted(outcome.status())) {
      metrics_.conflict.Inc();
    } else {
      metrics_.failed.Inc();
    }
    job.append_done(std::move(outcome));
  }
}

void EventStore::Impl::RememberVersions(const GroupState& gs) {
  if (version_cache_.size() + gs.stream_versions.size() > kVersionCacheSize) version_cache_.clear();
  for (const auto& [key, version] : gs.stream_versions) version_cache_[key] = version;
}

void EventStore::Impl::SweepRequests() {
  const absl::Time now = options_.clock->Now();
  if (now < next_sweep_ && requests_count_ <= options_.max_requests) return;
  next_sweep_ = now + absl::Minutes(1);
  const int64_t cutoff = absl::ToUnixMicros(now - options_.request_ttl);
  rocksdb::WriteBatch batch;
  uint64_t removed = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Handle(kRequestsByTimeCf)));
  for (it->SeekToFirst(); it->Valid() && removed < 100'000; it->Next()) {
    KeyReader r(ToView(it->key()));
    absl::StatusOr<int64_t> at = r.Int64();
    if (!at.ok()) break;
    if (*at >= cutoff && requests_count_ - removed <= options_.max_requests) break;
    batch.Delete(Handle(kRequestsCf), ToSlice(r.rest()));
    batch.Delete(Handle(kRequestsByTimeCf), it->key());
    ++removed;
  }
  if (removed == 0) return;
  batch.Put(Handle(kMetaCf), kRequestsCountKey, base::EncodeUint64(requests_count_ - removed));
  if (absl::Status s = FromRocks(db_->Write(rocksdb::WriteOptions(), &batch), "expire idempotency records");
      !s.ok()) {
    base::LogError("idempotency sweep failed", {{"service", options_.service}, {"error", s.ToString()}});
    return;
  }
  requests_count_ -= removed;
  // More to remove than one sweep takes: come back on the next idle tick.
  if (requests_count_ > options_.max_requests) next_sweep_ = now;
}

Projection* EventStore::Impl::FindProjection(absl::string_view name) const {
  for (Projection* p : options_.projections) {
    if (p->name() == name) return p;
  }
  return nullptr;
}

absl::Status EventStore::Impl::CatchUpProjections() {
  for (Projection* p : options_.projections) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(kMetaCf), ProjectionCheckpointKey(p->name()), &value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "read projection checkpoint");
    int64_t version = -1;
    uint64_t position = 0;
    if (s.ok()) {
      KeyReader r(value);
      auto v = r.Int64();
      auto pos = r.Uint64();
      if (v.ok() && pos.ok()) {
        version = *v;
        position = *pos;
      }
    }
    if (version != p->version()) {
      if (head() > 0) base::LogInfo("rebuilding read model", {{"service", options_.service}, {"read_model", p->name()},
                                              {"stored_version", version}, {"version", p->version()}});
      if (absl::Status r = RebuildProjection(p, 1, /*clear=*/true); !r.ok()) return r;
    } else if (position < head()) {
      if (absl::Status r = RebuildProjection(p, position + 1, /*clear=*/false); !r.ok()) return r;
    }
  }
  return absl::OkStatus();
}

// Runs on the sequencer thread with no group in flight, so no append interleaves with the replay.
absl::Status EventStore::Impl::RebuildProjection(Projection* p, uint64_t from_position, bool clear) {
  rocksdb::WriteOptions unsynced;
  if (clear) {
    rocksdb::WriteBatch wipe;
    for (const std::string& cf : p->column_families()) {
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Handle(cf)));
      it->SeekToLast();
      if (!it->Valid()) continue;
      std::string last = it->key().ToString();
      wipe.DeleteRange(Handle(cf), "", last);
      wipe.Delete(Handle(cf), last);
    }
    wipe.Put(Handle(kMetaCf), ProjectionCheckpointKey(p->name()), KeyBuilder().Int64(p->version()).Uint64(0).Release());
    if (absl::Status s = FromRocks(db_->Write(unsynced, &wipe), "clear read model"); !s.ok()) return s;
  }
  uint64_t next = from_position;
  for (;;) {
    absl::StatusOr<std::vector<EventEnvelope>> page = ReadIndex(Handle(kLogCf), "", next, kReplayPage);
    if (!page.ok()) return page.status();
    if (page->empty()) break;
    rocksdb::WriteBatchWithIndex batch(rocksdb::BytewiseComparator(), 0, /*overwrite_key=*/true);
    BatchTxn txn(db_, &batch, &cfs_);
    for (const EventEnvelope& env : *page) {
      if (absl::Status s = p->Apply(env, txn); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat("rebuild ", p->name(), " at position ", env.global_position(),
                                                   ": ", s.message()));
      }
    }
    next = page->back().global_position() + 1;
    batch.Put(Handle(kMetaCf), ProjectionCheckpointKey(p->name()),
              KeyBuilder().Int64(p->version()).Uint64(next - 1).Release());
    if (absl::Status s = FromRocks(db_->Write(unsynced, batch.GetWriteBatch()), "rebuild read model"); !s.ok()) {
      return s;
    }
  }
  rocksdb::FlushOptions flush;
  std::vector<rocksdb::ColumnFamilyHandle*> to_flush = {Handle(kMetaCf)};
  for (const std::string& cf : p->column_families()) to_flush.push_back(Handle(cf));
  return FromRocks(db_->Flush(flush, to_flush), "flush rebuilt read model");
}

absl::StatusOr<std::vector<EventEnvelope>> EventStore::Impl::ReadIndex(rocksdb::ColumnFamilyHandle* index,
                                                                       const std::string& prefix,
                                                                       uint64_t from_position,
                                                                       size_t max_count) const {
  std::vector<EventEnvelope> out;
  if (max_count == 0) return out;
  std::string upper = base::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, index));
  std::vector<std::string> event_keys;
  for (it->Seek(prefix + base::EncodeUint64(from_position)); it->Valid() && event_keys.size() < max_count;
       it->Next()) {
    event_keys.push_back(it->value().ToString());
  }
  if (!it->status().ok()) return FromRocks(it->status(), "read log");
  if (event_keys.empty()) return out;

  std::vector<rocksdb::Slice> keys(event_keys.begin(), event_keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), Handle(kEventsCf), keys.size(), keys.data(), values.data(), statuses.data());
  out.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!statuses[i].ok()) return FromRocks(statuses[i], "read event named by the log");
    if (!out[i].ParseFromArray(values[i].data(), static_cast<int>(values[i].size()))) {
      return absl::DataLossError("event store: unparsable envelope");
    }
  }
  return out;
}

absl::StatusOr<std::vector<EventEnvelope>> EventStore::Impl::ReadStream(const StreamId& stream, uint64_t from_version,
                                                                        size_t max_count) const {
  std::vector<EventEnvelope> out;
  const std::string prefix = StreamKey(stream);
  std::string upper = base::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, Handle(kEventsCf)));
  for (it->Seek(prefix + base::EncodeUint64(std::max<uint64_t>(from_version, 1)));
       it->Valid() && out.size() < max_count; it->Next()) {
    EventEnvelope env;
    if (!env.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError("event store: unparsable envelope");
    }
    out.push_back(std::move(env));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "read stream");
  return out;
}

absl::StatusOr<uint64_t> EventStore::Impl::StreamVersion(const StreamId& stream) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(kStreamsCf), StreamKey(stream), &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "read stream version");
  return base::DecodeUint64(value);
}

// ---------------------------------------------------------------------------------------------------------------

EventStore::EventStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventStore::~EventStore() = default;

absl::StatusOr<std::unique_ptr<EventStore>> EventStore::Open(EventStoreOptions options) {
  if (options.path.empty()) return absl::InvalidArgumentError("event store path is required");
  if (options.max_group_size == 0) return absl::InvalidArgumentError("max_group_size must be positive");
  auto impl = std::make_unique<Impl>(std::move(options));
  if (absl::Status s = impl->Open(); !s.ok()) return s;
  return std::unique_ptr<EventStore>(new EventStore(std::move(impl)));
}

absl::StatusOr<AppendResult> EventStore::Append(AppendRequest request) {
  absl::Notification done;
  absl::StatusOr<AppendResult> result;
  impl_->Enqueue(std::move(request), [&](absl::StatusOr<AppendResult> r) {
    result = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return result;
}

void EventStore::AppendAsync(AppendRequest request, std::function<void(absl::StatusOr<AppendResult>)> done) {
  impl_->Enqueue(std::move(request), std::move(done));
}

absl::Status EventStore::Commit(std::function<absl::Status(ReadModelTxn&)> fn) { return impl_->Commit(std::move(fn)); }

absl::StatusOr<std::vector<EventEnvelope>> EventStore::ReadStream(const StreamId& stream, uint64_t from_version,
                                                                  size_t max_count) const {
  return impl_->ReadStream(stream, from_version, max_count);
}

absl::StatusOr<std::vector<EventEnvelope>> EventStore::ReadAll(uint64_t from_position, size_t max_count) const {
  return impl_->ReadIndex(impl_->Handle(kLogCf), "", std::max<uint64_t>(from_position, 1), max_count);
}

absl::StatusOr<std::vector<EventEnvelope>> EventStore::ReadTenant(absl::string_view tenant, uint64_t from_position,
                                                                  size_t max_count) const {
  return impl_->ReadIndex(impl_->Handle(kTenantLogCf), KeyBuilder().String(tenant).Release(),
                          std::max<uint64_t>(from_position, 1), max_count);
}

absl::StatusOr<uint64_t> EventStore::StreamVersion(const StreamId& stream) const {
  return impl_->StreamVersion(stream);
}

absl::StatusOr<std::optional<AppendResult>> EventStore::FindRequest(absl::string_view tenant,
                                                                    absl::string_view request_id) const {
  std::string value;
  rocksdb::Status s = impl_->db()->Get(rocksdb::ReadOptions(), impl_->Handle(kRequestsCf),
                                       RequestKey(tenant, request_id), &value);
  if (s.IsNotFound()) return std::optional<AppendResult>();
  if (!s.ok()) return FromRocks(s, "read idempotency record");
  absl::StatusOr<AppendResult> r = DecodeRequestRecord(tenant, value);
  if (!r.ok()) return r.status();
  return std::optional<AppendResult>(*r);
}

uint64_t EventStore::HeadPosition() const { return impl_->head(); }

uint64_t EventStore::WaitForHeadAbove(uint64_t position, absl::Time deadline) const {
  return impl_->WaitForHeadAbove(position, deadline);
}

absl::Status EventStore::RebuildProjection(absl::string_view name) {
  Projection* p = impl_->FindProjection(name);
  if (p == nullptr) return absl::NotFoundError(absl::StrCat("no projection named '", name, "'"));
  return impl_->RunExclusive([this, p] { return impl_->RebuildProjection(p, 1, /*clear=*/true); });
}

absl::StatusOr<std::optional<std::string>> EventStore::GetMeta(absl::string_view key) const {
  std::string value;
  rocksdb::Status s = impl_->db()->Get(rocksdb::ReadOptions(), impl_->Handle(kMetaCf), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "read meta");
  return std::optional<std::string>(std::move(value));
}

absl::Status EventStore::PutMeta(absl::string_view key, absl::string_view value, bool sync) {
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(impl_->db()->Put(wo, impl_->Handle(kMetaCf), ToSlice(key), ToSlice(value)), "write meta");
}

rocksdb::DB* EventStore::db() const { return impl_->db(); }
rocksdb::ColumnFamilyHandle* EventStore::Handle(absl::string_view cf) const { return impl_->Handle(cf); }
const EventStoreOptions& EventStore::options() const { return impl_->options(); }

}  // namespace sfa::eventstore

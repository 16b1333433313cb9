#include "messaging/projection_runner.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/key_codec.h"
#include "base/log.h"
#include "messaging/dedup_apply.h"
#include "messaging/rdkafka_util.h"

namespace sfa::messaging {
namespace {

using eventstore::EventEnvelope;

constexpr int kPollMs = 100;  // bounds how long Stop waits for the loop
constexpr int kMetadataTimeoutMs = 5000;
constexpr absl::Duration kMinBackoff = absl::Milliseconds(50);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);

struct TopicMetrics {
  ApplyMetrics apply;
  base::Counter* poison;
  base::Gauge* lag;
  base::Histogram* freshness;
};

// Read-model freshness: 1 ms to 10 min, about 20 % apart, so p50/p99 read off the buckets are close.
std::vector<double> FreshnessBuckets() {
  std::vector<double> out;
  for (double b = 0.001; b < 600; b *= 1.2) out.push_back(b);
  out.push_back(600);
  return out;
}

// Every family of the projection runner, declared once (DeclareProjectionRunnerMetrics).
struct RunnerFamilies {
  ApplyFamilies apply;
  base::Family<base::Counter>* poison;
  base::Family<base::Gauge>* lag;
  base::Family<base::Histogram>* freshness;
  base::Family<base::Counter>* consumer_errors;
  base::Family<base::Counter>* commit_errors;

  static RunnerFamilies Declare(base::MetricsRegistry& r) {
    return RunnerFamilies{
        ApplyFamilies::Declare(r),
        &r.AddCounter("sfa_projection_poison_total", "Records skipped because they are not a valid EventEnvelope.",
                      {"topic"}),
        &r.AddGauge("sfa_projection_lag_events",
                    "Records on the assigned partitions not yet applied (high watermark - next offset).", {"topic"}),
        &r.AddHistogram("sfa_projection_freshness_seconds",
                        "From an event's commit in its source service (recorded_at: the command was acknowledged "
                        "right after) to its commit in this read model.",
                        {"topic"}, FreshnessBuckets()),
        &r.AddCounter("sfa_projection_consumer_errors_total",
                      "Errors reported by the Kafka consumer (transport, offsets)."),
        &r.AddCounter("sfa_projection_commit_errors_total",
                      "Batches whose commit failed and is retried (a projection refused an event)."),
    };
  }
};

struct RunnerMetrics {
  std::map<std::string, TopicMetrics> topics;
  base::Counter* consumer_errors;
  base::Counter* commit_errors;

  static RunnerMetrics Create(base::MetricsRegistry& r, const std::vector<std::string>& topics) {
    const RunnerFamilies f = RunnerFamilies::Declare(r);
    RunnerMetrics m;
    for (const std::string& topic : topics) {
      m.topics.emplace(topic, TopicMetrics{ApplyMetrics::Create(r, topic), &f.poison->WithLabels({topic}),
                                           &f.lag->WithLabels({topic}), &f.freshness->WithLabels({topic})});
    }
    m.consumer_errors = &f.consumer_errors->Get();
    m.commit_errors = &f.commit_errors->Get();
    return m;
  }
};

struct PartitionState {
  std::string topic;
  int32_t partition = 0;
  int64_t next_offset = RD_KAFKA_OFFSET_BEGINNING;  // a real offset once one is stored or consumed
};

}  // namespace

std::string ProjectionOffsetKey(absl::string_view topic, int32_t partition) {
  return absl::StrCat("proj_offset/", topic, "/", partition);
}

class ProjectionRunner::Impl {
 public:
  Impl(eventstore::EventStore* store, ProjectionRunnerOptions options)
      : store_(store),
        options_(std::move(options)),
        metrics_(RunnerMetrics::Create(*options_.metrics, options_.topics)) {}
  ~Impl() { Stop(); }

  absl::Status Init();
  void StartThread() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop();
  int64_t lag() const { return lag_.load(std::memory_order_relaxed); }
  uint64_t consumed() const { return consumed_.load(std::memory_order_relaxed); }

 private:
  // A polled record, parsed outside the commit so the sequencer thread only applies.
  struct Item {
    KafkaMessagePtr message;
    std::string topic;
    std::optional<EventEnvelope> event;  // empty: poison
  };

  static void OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<Impl*>(opaque)->LogConsumerError(static_cast<rd_kafka_resp_err_t>(err), reason);
  }
  static void OnLog(const rd_kafka_t*, int level, const char* fac, const char* buf) {
    base::Log(level <= 2 ? base::LogLevel::kError : base::LogLevel::kDebug, "librdkafka",
              {{"facility", fac}, {"detail", buf}});
  }

  void Run();
  absl::Status Assign();
  void PollBatch();
  Item Parse(KafkaMessagePtr m) const;
  absl::Status ApplyBatch();
  void UpdateLag();
  void LogConsumerError(rd_kafka_resp_err_t err, absl::string_view reason);
  void LogProblemOnce(absl::string_view msg, const absl::Status& status);
  void Backoff();

  eventstore::EventStore* const store_;
  const ProjectionRunnerOptions options_;
  RunnerMetrics metrics_;
  rd_kafka_t* consumer_ = nullptr;

  // Owned by the runner thread.
  bool assigned_ = false;
  std::vector<PartitionState> partitions_;
  std::vector<Item> batch_;  // polled, not yet committed (kept across a failed commit)
  absl::Duration backoff_ = kMinBackoff;
  std::string last_problem_;
  std::atomic<int> last_consumer_error_{RD_KAFKA_RESP_ERR_NO_ERROR};  // librdkafka threads too

  std::atomic<int64_t> lag_{0};
  std::atomic<uint64_t> consumed_{0};
  absl::Notification stop_;
  std::thread thread_;
  absl::Mutex stop_mu_;
  bool stopped_ = false;
};

absl::Status ProjectionRunner::Impl::Init() {
  if (options_.brokers.empty() || options_.topics.empty()) {
    return absl::InvalidArgumentError("projection runner needs brokers and topics");
  }
  if (options_.replicas < 1 || options_.replica_ordinal < 0 || options_.replica_ordinal >= options_.replicas) {
    return absl::InvalidArgumentError(
        absl::StrCat("replica_ordinal ", options_.replica_ordinal, " is not in [0, replicas=", options_.replicas, ")"));
  }
  if (options_.max_batch == 0) return absl::InvalidArgumentError("max_batch must be > 0");
  for (eventstore::Projection* projection : options_.projections) {
    for (const std::string& cf : projection->column_families()) {
      if (store_->Handle(cf) == nullptr) {
        return absl::FailedPreconditionError(
            absl::StrCat("projection ", projection->name(), " writes column family ", cf,
                         " which the store lacks; add it to EventStoreOptions::extra_column_families"));
      }
    }
  }
  absl::StatusOr<KafkaConfPtr> conf = MakeKafkaConf(
      {
          {"bootstrap.servers", options_.brokers},
          {"client.id", absl::StrCat("sfa-projection-", options_.replica_ordinal)},
          // librdkafka 2.0 refuses assign() without a group.id. No group is joined (no subscribe) and
          // nothing is committed: offsets live in RocksDB, next to the read model.
          {"group.id", "sfa-projection-runner-unused"},
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          // Used when there is no stored offset, or it fell off retention (then the gap metric shows
          // it and CatchUp repairs the read model).
          {"auto.offset.reset", "earliest"},
          {"enable.partition.eof", "false"},
          // A read model should trail its source by milliseconds: do not let the broker hold a fetch
          // for librdkafka's default 500 ms when nothing new has arrived.
          {"fetch.wait.max.ms", "10"},
      },
      options_.consumer_config);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), this);
  rd_kafka_conf_set_error_cb(conf->get(), &Impl::OnError);
  rd_kafka_conf_set_log_cb(conf->get(), &Impl::OnLog);
  char errstr[512];
  consumer_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof(errstr));
  if (consumer_ == nullptr) return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", errstr));
  conf.value().release();  // rd_kafka_new took ownership
  return absl::OkStatus();
}

absl::Status ProjectionRunner::Impl::Assign() {
  std::vector<PartitionState> partitions;
  for (const std::string& topic : options_.topics) {
    absl::StatusOr<std::vector<int32_t>> ids = TopicPartitions(consumer_, topic, kMetadataTimeoutMs);
    if (!ids.ok()) return ids.status();
    for (int32_t p : *ids) {
      if (p % options_.replicas != options_.replica_ordinal) continue;
      PartitionState state{topic, p};
      absl::StatusOr<std::optional<std::string>> stored = store_->GetMeta(ProjectionOffsetKey(topic, p));
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) {
        if ((*stored)->size() != 8) {
          return absl::DataLossError(
              absl::StrCat(ProjectionOffsetKey(topic, p), " holds ", (*stored)->size(), " bytes, want 8"));
        }
        state.next_offset = static_cast<int64_t>(base::DecodeUint64(**stored));
      }
      partitions.push_back(std::move(state));
    }
  }
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions.size())));
  for (const PartitionState& p : partitions) {
    rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset = p.next_offset;
  }
  if (rd_kafka_resp_err_t err = rd_kafka_assign(consumer_, list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(err, "assign partitions");
  }
  partitions_ = std::move(partitions);
  assigned_ = true;
  std::string assignment;
  for (const PartitionState& p : partitions_) {
    absl::StrAppend(&assignment, assignment.empty() ? "" : ",", p.topic, "/", p.partition, "@",
                    p.next_offset < 0 ? std::string("beginning") : absl::StrCat(p.next_offset));
  }
  base::LogInfo("projection runner assigned", {{"replica", options_.replica_ordinal}, {"partitions", assignment}});
  return absl::OkStatus();
}

void ProjectionRunner::Impl::Run() {
  while (!stop_.HasBeenNotified()) {
    if (!assigned_) {
      if (absl::Status s = Assign(); !s.ok()) {
        LogProblemOnce("projection runner cannot assign partitions; retrying", s);
        Backoff();
        continue;
      }
      last_problem_.clear();
    }
    if (batch_.empty()) PollBatch();
    if (!batch_.empty()) {
      if (absl::Status s = ApplyBatch(); !s.ok()) {
        // The same records are retried: skipping them would lose events for good.
        metrics_.commit_errors->Inc();
        LogProblemOnce("projection runner cannot apply a batch; retrying it", s);
        UpdateLag();  // a stalled partition must show as growing lag
        Backoff();
        continue;
      }
      batch_.clear();
      last_problem_.clear();
      backoff_ = kMinBackoff;
    }
    UpdateLag();
  }
}

void ProjectionRunner::Impl::PollBatch() {
  int timeout_ms = kPollMs;
  while (batch_.size() < options_.max_batch) {
    KafkaMessagePtr m(rd_kafka_consumer_poll(consumer_, timeout_ms));
    if (m == nullptr) return;
    timeout_ms = 0;  // take what has arrived, do not wait to fill the batch
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      LogConsumerError(m->err, rd_kafka_message_errstr(m.get()));
      continue;
    }
    last_consumer_error_.store(RD_KAFKA_RESP_ERR_NO_ERROR);
    batch_.push_back(Parse(std::move(m)));
  }
}

ProjectionRunner::Impl::Item ProjectionRunner::Impl::Parse(KafkaMessagePtr m) const {
  Item item{nullptr, rd_kafka_topic_name(m->rkt), std::nullopt};
  EventEnvelope event;
  absl::Status valid = event.ParseFromArray(m->payload, static_cast<int>(m->len))
                           ? ValidateForApply(event)
                           : absl::InvalidArgumentError("value is not an EventEnvelope");
  if (valid.ok()) {
    item.event = std::move(event);
  } else {
    // Skipped, not retried: the record will never parse, and one bad record must not stall the topic.
    base::LogWarn(
        "projection runner skips a poison record",
        {{"topic", item.topic}, {"partition", m->partition}, {"offset", m->offset}, {"error", valid.message()}});
  }
  item.message = std::move(m);
  return item;
}

absl::Status ProjectionRunner::Impl::ApplyBatch() {
  const std::vector<Item>& items = batch_;
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets;
  for (const Item& item : items) {
    int64_t& next = next_offsets[{item.topic, item.message->partition}];
    next = std::max(next, item.message->offset + 1);
  }
  std::map<std::string, ApplyCounts> counts;
  absl::Status status = store_->Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
    counts.clear();
    for (const Item& item : items) {
      if (!item.event.has_value()) continue;
      absl::StatusOr<ApplyOutcome> outcome = ApplyOnce(*item.event, options_.projections, txn);
      if (!outcome.ok()) {
        return absl::Status(outcome.status().code(),
                            absl::StrCat(item.topic, "/", item.message->partition, "@", item.message->offset, " event ",
                                         item.event->event_id(), ": ", outcome.status().message()));
      }
      counts[item.topic].Add(*outcome);
    }
    for (const auto& [tp, next] : next_offsets) {
      absl::Status s = txn.Put(eventstore::kMetaCf, ProjectionOffsetKey(tp.first, tp.second),
                               base::EncodeUint64(static_cast<uint64_t>(next)));
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  const absl::Time committed = absl::Now();
  for (const Item& item : items) {
    TopicMetrics& m = metrics_.topics.at(item.topic);
    if (!item.event.has_value()) {
      m.poison->Inc();
      continue;
    }
    if (item.event->has_recorded_at()) {
      const absl::Time recorded =
          absl::FromUnixSeconds(item.event->recorded_at().seconds()) + absl::Nanoseconds(item.event->recorded_at().nanos());
      m.freshness->Observe(std::max(0.0, absl::ToDoubleSeconds(committed - recorded)));
    }
  }
  for (const auto& [topic, c] : counts) metrics_.topics.at(topic).apply.Record(c);
  for (PartitionState& p : partitions_) {
    auto it = next_offsets.find({p.topic, p.partition});
    if (it != next_offsets.end()) p.next_offset = it->second;
  }
  consumed_.fetch_add(items.size(), std::memory_order_relaxed);
  return absl::OkStatus();
}

void ProjectionRunner::Impl::UpdateLag() {
  std::map<std::string, int64_t> by_topic;
  int64_t total = 0;
  for (const PartitionState& p : partitions_) {
    int64_t low = RD_KAFKA_OFFSET_INVALID, high = RD_KAFKA_OFFSET_INVALID;
    // Cached from fetch responses: no broker round trip on every loop.
    if (rd_kafka_get_watermark_offsets(consumer_, p.topic.c_str(), p.partition, &low, &high) !=
            RD_KAFKA_RESP_ERR_NO_ERROR ||
        high < 0) {
      continue;
    }
    const int64_t next = p.next_offset >= 0 ? p.next_offset : std::max<int64_t>(low, 0);
    const int64_t lag = std::max<int64_t>(0, high - next);
    by_topic[p.topic] += lag;
    total += lag;
  }
  for (auto& [topic, m] : metrics_.topics) m.lag->Set(static_cast<double>(by_topic[topic]));
  lag_.store(total, std::memory_order_relaxed);
}

void ProjectionRunner::Impl::LogConsumerError(rd_kafka_resp_err_t err, absl::string_view reason) {
  metrics_.consumer_errors->Inc();
  // Transport errors repeat on every reconnect while a broker is down: log each kind once in a row.
  if (last_consumer_error_.exchange(err) == err) return;
  base::LogWarn("kafka consumer error", {{"error", rd_kafka_err2name(err)}, {"reason", reason}});
}

void ProjectionRunner::Impl::LogProblemOnce(absl::string_view msg, const absl::Status& status) {
  if (last_problem_ == status.ToString()) return;
  last_problem_ = status.ToString();
  base::LogError(msg, {{"replica", options_.replica_ordinal}, {"error", last_problem_}});
}

void ProjectionRunner::Impl::Backoff() {
  stop_.WaitForNotificationWithTimeout(backoff_);
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void ProjectionRunner::Impl::Stop() {
  absl::MutexLock lock(&stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  stop_.Notify();
  if (thread_.joinable()) thread_.join();
  batch_.clear();  // messages must be gone before their consumer
  if (consumer_ != nullptr) {
    // No group was joined, so there is nothing to leave or commit: skip the consumer-close handshake.
    rd_kafka_assign(consumer_, nullptr);
    rd_kafka_destroy_flags(consumer_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    consumer_ = nullptr;
  }
}

absl::StatusOr<std::unique_ptr<ProjectionRunner>> ProjectionRunner::Start(eventstore::EventStore* store,
                                                                          ProjectionRunnerOptions options) {
  if (store == nullptr) return absl::InvalidArgumentError("projection runner needs a store");
  auto impl = std::make_unique<Impl>(store, std::move(options));
  if (absl::Status s = impl->Init(); !s.ok()) return s;
  impl->StartThread();
  return std::unique_ptr<ProjectionRunner>(new ProjectionRunner(std::move(impl)));
}

ProjectionRunner::ProjectionRunner(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProjectionRunner::~ProjectionRunner() { impl_->Stop(); }
void ProjectionRunner::Stop() { impl_->Stop(); }
int64_t ProjectionRunner::lag() const { return impl_->lag(); }
uint64_t ProjectionRunner::consumed() const { return impl_->consumed(); }

void DeclareProjectionRunnerMetrics(base::MetricsRegistry& registry) { RunnerFamilies::Declare(registry); }

}  // namespace sfa::messaging

#include "messaging/outbox_relay.h"

#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/key_codec.h"
#include "base/log.h"
#include "messaging/cloudevents.h"
#include "messaging/rdkafka_util.h"

// Delivery semantics: at least once, in position order. The cursor is persisted with sync=false and only
// after delivery reports, so a crash (or a rewind after a failed delivery) re-publishes events that may
// already be in Kafka. Consumers de-duplicate by (source, tenant, aggregate, version) — see
// dedup_apply.h — so a re-published event changes no read model.

namespace sfa::messaging {
namespace {

using eventstore::EventEnvelope;

constexpr size_t kReadBatch = 500;
// How long one rd_kafka_poll waits for delivery reports while messages are in flight.
constexpr int kDeliveryPollMs = 5;
// The cursor is written at most this often while running (and always on Stop).
constexpr absl::Duration kPersistInterval = absl::Milliseconds(100);
constexpr absl::Duration kMinBackoff = absl::Milliseconds(50);
constexpr absl::Duration kMaxBackoff = absl::Seconds(5);

std::string CursorKey(absl::string_view topic) { return absl::StrCat("outbox/", topic, "/cursor"); }

int ToMillis(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 0, INT32_MAX));
}

struct RelayMetrics {
  base::Gauge* pending;
  base::Counter* published;
  base::Counter* delivery_errors;
  base::Gauge* delivered_position;
  base::Counter* producer_restarts;

  static RelayMetrics Create(base::MetricsRegistry& r, const std::string& topic) {
    return RelayMetrics{
        &r.AddGauge("sfa_outbox_pending", "Events committed but not yet acknowledged by Kafka.", {"topic"})
             .WithLabels({topic}),
        &r.AddCounter("sfa_outbox_published_total", "Events acknowledged by Kafka (re-publications included).",
                      {"topic"})
             .WithLabels({topic}),
        &r.AddCounter("sfa_outbox_delivery_errors_total",
                      "Failed deliveries; each makes the relay re-publish from its cursor.", {"topic"})
             .WithLabels({topic}),
        &r.AddGauge("sfa_outbox_delivered_position", "Highest position at or below which every event is acknowledged.",
                    {"topic"})
             .WithLabels({topic}),
        &r.AddCounter("sfa_outbox_producer_restarts_total",
                      "Producers recreated after an idempotent-producer fatal error.", {"topic"})
             .WithLabels({topic}),
    };
  }
};

}  // namespace

class OutboxRelay::Impl {
 public:
  Impl(eventstore::EventStore* store, OutboxRelayOptions options)
      : store_(store),
        options_(std::move(options)),
        cursor_key_(CursorKey(options_.topic)),
        metrics_(RelayMetrics::Create(*options_.metrics, options_.topic)) {}

  ~Impl() { Stop(absl::ZeroDuration()); }

  absl::Status Init();
  void StartThread() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop(absl::Duration flush_timeout);
  absl::Status InjectFatalError();

  uint64_t delivered_position() const { return delivered_.load(std::memory_order_acquire); }
  uint64_t pending() const {
    const uint64_t head = store_->HeadPosition();
    const uint64_t delivered = delivered_position();
    return head > delivered ? head - delivered : 0;
  }

 private:
  static void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
    static_cast<Impl*>(opaque)->HandleDelivery(*m);
  }
  static void OnError(rd_kafka_t*, int err, const char* reason, void* opaque) {
    static_cast<Impl*>(opaque)->HandleError(static_cast<rd_kafka_resp_err_t>(err), reason);
  }
  static void OnLog(const rd_kafka_t*, int level, const char* fac, const char* buf) {
    // librdkafka repeats connection failures on every reconnect; the error callback logs them once.
    base::Log(level <= 2 ? base::LogLevel::kError : base::LogLevel::kDebug, "librdkafka",
              {{"facility", fac}, {"detail", buf}});
  }

  void Run();
  void Step();
  absl::StatusOr<rd_kafka_t*> CreateProducer();
  void DestroyProducer();
  void RecreateProducer();
  size_t ProduceAvailable();
  rd_kafka_resp_err_t Produce(const EventEnvelope& event);
  void HandleDelivery(const rd_kafka_message_t& m);
  void HandleError(rd_kafka_resp_err_t err, const char* reason);
  bool FirstInStreak(rd_kafka_resp_err_t err, uint64_t position);
  void MarkDelivered(uint64_t position);
  void Rewind();
  void PersistCursor(bool force);
  void Backoff();
  void Shutdown();

  eventstore::EventStore* const store_;
  const OutboxRelayOptions options_;
  const std::string cursor_key_;
  const RelayMetrics metrics_;

  // Everything below is owned by the relay thread (librdkafka serves callbacks from rd_kafka_poll and
  // rd_kafka_flush, which only that thread calls), except where marked.
  absl::Mutex producer_mu_;  // guards swaps of producer_ against InjectFatalError
  rd_kafka_t* producer_ = nullptr;
  uint64_t cursor_ = 0;  // every position <= cursor_ is acknowledged
  uint64_t persisted_cursor_ = 0;
  absl::Time last_persist_ = absl::InfinitePast();
  uint64_t next_ = 1;               // next position to produce
  std::deque<bool> window_;         // acknowledged? for positions cursor_+1 .. next_-1
  size_t in_flight_ = 0;            // produced, no delivery report yet
  bool rewind_ = false;             // a delivery failed: re-produce from cursor_+1
  std::atomic<bool> fatal_{false};  // set by the error callback
  absl::Duration backoff_ = kMinBackoff;
  // Kafka errors logged in the current failure streak, which ends when the cursor passes the position
  // the streak started at: an outage logs each kind of error once, not on every reconnect or retry.
  std::set<rd_kafka_resp_err_t> logged_errors_;
  uint64_t streak_position_ = 0;
  std::string last_logged_problem_;

  std::atomic<uint64_t> delivered_{0};  // any thread
  absl::Duration flush_timeout_;        // written before stop_ is notified
  absl::Notification stop_;
  std::thread thread_;
  absl::Mutex stop_mu_;  // serializes Stop calls
  bool stopped_ = false;
};

absl::Status OutboxRelay::Impl::Init() {
  if (options_.brokers.empty() || options_.topic.empty()) {
    return absl::InvalidArgumentError("outbox relay needs brokers and topic");
  }
  if (options_.max_in_flight == 0) return absl::InvalidArgumentError("max_in_flight must be > 0");
  absl::StatusOr<std::optional<std::string>> stored = store_->GetMeta(cursor_key_);
  if (!stored.ok()) return stored.status();
  if (stored->has_value()) {
    if ((*stored)->size() != 8) {
      return absl::DataLossError(absl::StrCat(cursor_key_, " holds ", (*stored)->size(), " bytes, want 8"));
    }
    cursor_ = base::DecodeUint64(**stored);
  }
  persisted_cursor_ = cursor_;
  next_ = cursor_ + 1;
  delivered_.store(cursor_, std::memory_order_release);
  metrics_.delivered_position->Set(static_cast<double>(cursor_));
  absl::StatusOr<rd_kafka_t*> producer = CreateProducer();
  if (!producer.ok()) return producer.status();
  producer_ = *producer;
  base::LogInfo("outbox relay started",
                {{"topic", options_.topic}, {"cursor", cursor_}, {"head", store_->HeadPosition()}});
  return absl::OkStatus();
}

absl::StatusOr<rd_kafka_t*> OutboxRelay::Impl::CreateProducer() {
  absl::StatusOr<KafkaConfPtr> conf = MakeKafkaConf(
      {
          {"bootstrap.servers", options_.brokers},
          {"client.id", absl::StrCat("sfa-outbox-", options_.topic)},
          {"enable.idempotence", "true"},
          {"acks", "all"},
          // Infinite: a message is retried until delivered or the producer hits a fatal error, so an
          // outage only delays events, it never turns into a delivery error.
          {"message.timeout.ms", "0"},
          // The Java client's default, so ERP consumers can compute an aggregate's partition themselves.
          {"partitioner", "murmur2_random"},
          {"linger.ms", "5"},
          {"compression.type", "lz4"},
      },
      options_.producer_config);
  if (!conf.ok()) return conf.status();
  rd_kafka_conf_set_opaque(conf->get(), this);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &Impl::OnDelivery);
  rd_kafka_conf_set_error_cb(conf->get(), &Impl::OnError);
  rd_kafka_conf_set_log_cb(conf->get(), &Impl::OnLog);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", errstr));
  conf.value().release();  // rd_kafka_new took ownership
  return rk;
}

void OutboxRelay::Impl::DestroyProducer() {
  if (producer_ == nullptr) return;
  // Purged messages report ERR__PURGE_*; serve those reports so in_flight_ ends at zero.
  rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_poll(producer_, 0);
  rd_kafka_t* old;
  {
    absl::MutexLock lock(&producer_mu_);
    old = producer_;
    producer_ = nullptr;
  }
  rd_kafka_destroy(old);
}

void OutboxRelay::Impl::RecreateProducer() {
  if (producer_ != nullptr) {
    char reason[512] = "";
    rd_kafka_resp_err_t err = rd_kafka_fatal_error(producer_, reason, sizeof(reason));
    base::LogError(
        "kafka producer failed fatally; recreating it and re-publishing from the cursor",
        {{"topic", options_.topic}, {"error", rd_kafka_err2name(err)}, {"reason", reason}, {"cursor", cursor_}});
    metrics_.producer_restarts->Inc();
    DestroyProducer();
  }
  fatal_.store(false);
  in_flight_ = 0;
  Rewind();
  absl::StatusOr<rd_kafka_t*> producer = CreateProducer();
  if (!producer.ok()) {
    if (last_logged_problem_ != producer.status().ToString()) {
      last_logged_problem_ = producer.status().ToString();
      base::LogError("cannot recreate kafka producer", {{"topic", options_.topic}, {"error", last_logged_problem_}});
    }
    Backoff();
    return;
  }
  absl::MutexLock lock(&producer_mu_);
  producer_ = *producer;
}

void OutboxRelay::Impl::Run() {
  while (!stop_.HasBeenNotified()) Step();
  Shutdown();
}

void OutboxRelay::Impl::Step() {
  if (producer_ == nullptr || fatal_.load()) {
    RecreateProducer();
    return;
  }
  rd_kafka_poll(producer_, 0);  // delivery reports and errors
  if (fatal_.load()) return;
  if (rewind_) {
    if (in_flight_ > 0) {
      rd_kafka_poll(producer_, kDeliveryPollMs);
      return;
    }
    Rewind();
    Backoff();  // a failure that repeats (e.g. a record the broker refuses) must not spin
    return;
  }
  const size_t produced = ProduceAvailable();
  PersistCursor(/*force=*/false);
  metrics_.pending->Set(static_cast<double>(pending()));
  if (produced > 0) return;
  if (in_flight_ > 0) {
    rd_kafka_poll(producer_, kDeliveryPollMs);
  } else {
    store_->WaitForHeadAbove(next_ - 1, absl::Now() + options_.idle_poll);
  }
}

size_t OutboxRelay::Impl::ProduceAvailable() {
  if (window_.size() >= options_.max_in_flight || next_ > store_->HeadPosition()) return 0;
  const size_t room = std::min(options_.max_in_flight - window_.size(), kReadBatch);
  absl::StatusOr<std::vector<EventEnvelope>> events = store_->ReadAll(next_, room);
  if (!events.ok()) {
    if (last_logged_problem_ != events.status().ToString()) {
      last_logged_problem_ = events.status().ToString();
      base::LogError("outbox relay cannot read the log",
                     {{"topic", options_.topic}, {"position", next_}, {"error", last_logged_problem_}});
    }
    Backoff();
    return 0;
  }
  size_t produced = 0;
  for (const EventEnvelope& event : *events) {
    if (event.global_position() != next_) {
      // The log is gapless by contract; publishing past a hole would make the cursor lie.
      std::string problem = absl::StrCat("log returned position ", event.global_position(), ", want ", next_);
      if (last_logged_problem_ != problem) {
        last_logged_problem_ = problem;
        base::LogError("outbox relay found a hole in the log", {{"topic", options_.topic}, {"error", problem}});
      }
      Backoff();
      break;
    }
    rd_kafka_resp_err_t err = Produce(event);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) break;  // the local queue drains as reports arrive
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      fatal_.store(true);
      break;
    }
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      metrics_.delivery_errors->Inc();
      if (FirstInStreak(err, next_)) {
        base::LogWarn("outbox relay cannot produce; retrying from the cursor",
                      {{"topic", options_.topic}, {"position", next_}, {"error", rd_kafka_err2str(err)}});
      }
      rewind_ = true;
      break;
    }
    window_.push_back(false);
    ++in_flight_;
    ++next_;
    ++produced;
  }
  if (produced > 0) last_logged_problem_.clear();
  return produced;
}

rd_kafka_resp_err_t OutboxRelay::Impl::Produce(const EventEnvelope& event) {
  const std::string value = event.SerializeAsString();
  KafkaHeadersPtr headers = ToKafkaHeaders(CloudEventHeaders(event, options_.source));
  const std::string& key = event.aggregate_id();
  // No explicit timestamp: the broker's retention runs on it, and occurred_at may be back-dated.
  rd_kafka_resp_err_t err = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(options_.topic.c_str()), RD_KAFKA_V_KEY(key.data(), key.size()),
      RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
      RD_KAFKA_V_HEADERS(headers.get()),
      RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(static_cast<uintptr_t>(event.global_position()))), RD_KAFKA_V_END);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) headers.release();  // the message owns them now
  return err;
}

void OutboxRelay::Impl::HandleDelivery(const rd_kafka_message_t& m) {
  --in_flight_;
  const uint64_t position = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m._private));
  if (m.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    metrics_.published->Inc();
    backoff_ = kMinBackoff;
    MarkDelivered(position);
    return;
  }
  // Our own purges (rewind, fatal error, shutdown) are not delivery errors.
  if (m.err == RD_KAFKA_RESP_ERR__PURGE_QUEUE || m.err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) return;
  metrics_.delivery_errors->Inc();
  if (m.err == RD_KAFKA_RESP_ERR__FATAL) fatal_.store(true);
  if (FirstInStreak(m.err, position)) {
    base::LogWarn("outbox delivery failed; re-publishing from the cursor", {{"topic", options_.topic},
                                                                            {"position", position},
                                                                            {"partition", m.partition},
                                                                            {"cursor", cursor_},
                                                                            {"error", rd_kafka_err2str(m.err)}});
  }
  if (!rewind_ && producer_ != nullptr) {
    // Messages not yet sent would only be re-sent after the rewind anyway.
    rd_kafka_purge(producer_, RD_KAFKA_PURGE_F_QUEUE);
  }
  rewind_ = true;
}

void OutboxRelay::Impl::HandleError(rd_kafka_resp_err_t err, const char* reason) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    fatal_.store(true);
    return;  // RecreateProducer logs it with the underlying error
  }
  // Transport errors repeat while a broker is down; deliveries resume by themselves, so log the first.
  if (!FirstInStreak(err, cursor_ + 1)) return;
  base::LogWarn(
      "kafka producer error",
      {{"topic", options_.topic}, {"error", rd_kafka_err2name(err)}, {"reason", reason}, {"cursor", cursor_}});
}

void OutboxRelay::Impl::MarkDelivered(uint64_t position) {
  if (position <= cursor_ || position - cursor_ > window_.size()) return;  // stale: before a rewind
  window_[position - cursor_ - 1] = true;
  while (!window_.empty() && window_.front()) {
    window_.pop_front();
    ++cursor_;
  }
  delivered_.store(cursor_, std::memory_order_release);
  metrics_.delivered_position->Set(static_cast<double>(cursor_));
  if (!logged_errors_.empty() && cursor_ >= streak_position_) {
    base::LogInfo("outbox relay delivering again", {{"topic", options_.topic}, {"cursor", cursor_}});
    logged_errors_.clear();
  }
}

bool OutboxRelay::Impl::FirstInStreak(rd_kafka_resp_err_t err, uint64_t position) {
  if (logged_errors_.empty()) streak_position_ = position;
  return logged_errors_.insert(err).second;
}

void OutboxRelay::Impl::Rewind() {
  // Everything above the cursor goes out again, delivered or not: re-sending only the failed position
  // would put an older aggregate version after a newer one, and consumers would drop it as stale.
  window_.clear();
  next_ = cursor_ + 1;
  rewind_ = false;
}

void OutboxRelay::Impl::PersistCursor(bool force) {
  if (cursor_ == persisted_cursor_) return;
  const absl::Time now = absl::Now();
  if (!force && now - last_persist_ < kPersistInterval) return;
  last_persist_ = now;
  absl::Status s = store_->PutMeta(cursor_key_, base::EncodeUint64(cursor_), /*sync=*/false);
  if (!s.ok()) {
    if (last_logged_problem_ != s.ToString()) {
      last_logged_problem_ = s.ToString();
      base::LogError("outbox relay cannot persist its cursor",
                     {{"topic", options_.topic}, {"cursor", cursor_}, {"error", last_logged_problem_}});
    }
    return;
  }
  persisted_cursor_ = cursor_;
}

void OutboxRelay::Impl::Backoff() {
  stop_.WaitForNotificationWithTimeout(backoff_);
  backoff_ = std::min(backoff_ * 2, kMaxBackoff);
}

void OutboxRelay::Impl::Shutdown() {
  if (producer_ != nullptr && !fatal_.load()) {
    // Serves delivery reports, so the cursor includes everything acknowledged in time.
    rd_kafka_flush(producer_, ToMillis(flush_timeout_));
  }
  PersistCursor(/*force=*/true);
  DestroyProducer();
  metrics_.pending->Set(static_cast<double>(pending()));
  base::LogInfo("outbox relay stopped",
                {{"topic", options_.topic}, {"cursor", cursor_}, {"head", store_->HeadPosition()}});
}

void OutboxRelay::Impl::Stop(absl::Duration flush_timeout) {
  absl::MutexLock lock(&stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  flush_timeout_ = flush_timeout;
  stop_.Notify();
  if (thread_.joinable()) {
    thread_.join();
  } else {
    DestroyProducer();  // Init failed: nothing was published, nothing to persist
  }
}

absl::Status OutboxRelay::Impl::InjectFatalError() {
  absl::MutexLock lock(&producer_mu_);
  if (producer_ == nullptr) return absl::FailedPreconditionError("no producer");
  rd_kafka_resp_err_t err =
      rd_kafka_test_fatal_error(producer_, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, "injected by test");
  return KafkaError(err, "rd_kafka_test_fatal_error");
}

absl::StatusOr<std::unique_ptr<OutboxRelay>> OutboxRelay::Start(eventstore::EventStore* store,
                                                                OutboxRelayOptions options) {
  if (store == nullptr) return absl::InvalidArgumentError("outbox relay needs a store");
  auto impl = std::make_unique<Impl>(store, std::move(options));
  if (absl::Status s = impl->Init(); !s.ok()) return s;
  impl->StartThread();
  return std::unique_ptr<OutboxRelay>(new OutboxRelay(std::move(impl)));
}

OutboxRelay::OutboxRelay(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutboxRelay::~OutboxRelay() { impl_->Stop(absl::ZeroDuration()); }
void OutboxRelay::Stop(absl::Duration flush_timeout) { impl_->Stop(flush_timeout); }
uint64_t OutboxRelay::delivered_position() const { return impl_->delivered_position(); }
uint64_t OutboxRelay::pending() const { return impl_->pending(); }
absl::Status OutboxRelay::InjectFatalErrorForTesting() { return impl_->InjectFatalError(); }

}  // namespace sfa::messaging

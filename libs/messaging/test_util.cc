#include "messaging/test_util.h"

#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/key_codec.h"
#include "eventstore/test_util.h"
#include "messaging/rdkafka_util.h"
#include "rocksdb/db.h"

namespace sfa::messaging::testing {

absl::StatusOr<std::unique_ptr<eventstore::EventStore>> OpenScratchStore(const std::string& path,
                                                                         const std::string& service,
                                                                         std::vector<std::string> extra_cfs,
                                                                         base::MetricsRegistry* metrics) {
  eventstore::EventStoreOptions options;
  options.path = path;
  options.service = service;
  options.sync = false;
  options.extra_column_families = std::move(extra_cfs);
  options.metrics = metrics;
  return eventstore::EventStore::Open(std::move(options));
}

bool WaitFor(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling interval, not synchronisation
  }
  return true;
}

absl::StatusOr<std::unique_ptr<TopicReader>> TopicReader::Create(const std::string& brokers, const std::string& topic) {
  absl::StatusOr<KafkaConfPtr> conf = MakeKafkaConf({{"bootstrap.servers", brokers},
                                                     {"group.id", "sfa-test-topic-reader"},
                                                     {"enable.auto.commit", "false"},
                                                     {"enable.partition.eof", "false"}},
                                                    {});
  if (!conf.ok()) return conf.status();
  // The reader outlives broker outages in some tests; its reconnect noise is not what they check.
  rd_kafka_conf_set_log_cb(conf->get(), [](const rd_kafka_t*, int, const char*, const char*) {});
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) return absl::InternalError(errstr);
  conf.value().release();
  absl::StatusOr<std::vector<int32_t>> partitions = TopicPartitions(rk, topic, 10'000);
  if (!partitions.ok()) {
    rd_kafka_destroy(rk);
    return partitions.status();
  }
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(partitions->size())));
  for (int32_t p : *partitions) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  if (rd_kafka_resp_err_t err = rd_kafka_assign(rk, list.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_destroy(rk);
    return KafkaError(err, "assign");
  }
  return std::unique_ptr<TopicReader>(new TopicReader(rk, topic, *std::move(partitions)));
}

TopicReader::TopicReader(rd_kafka_t* rk, std::string topic, std::vector<int32_t> partitions)
    : rk_(rk), topic_(std::move(topic)), partitions_(std::move(partitions)) {
  for (int32_t p : partitions_) next_[p] = 0;
}

TopicReader::~TopicReader() {
  rd_kafka_assign(rk_, nullptr);
  rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

absl::StatusOr<int64_t> TopicReader::EndOffsetSum() {
  int64_t sum = 0;
  for (int32_t p : partitions_) {
    int64_t low = 0, high = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), p, &low, &high, 10'000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "query watermarks");
    sum += high;
  }
  return sum;
}

absl::StatusOr<std::vector<Record>> TopicReader::ReadNew(absl::Duration timeout) {
  std::map<int32_t, int64_t> high;
  for (int32_t p : partitions_) {
    int64_t low = 0;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), p, &low, &high[p], 10'000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return KafkaError(err, "query watermarks");
  }
  auto caught_up = [&] {
    for (const auto& [p, h] : high) {
      if (next_[p] < h) return false;
    }
    return true;
  };
  std::vector<Record> out;
  const absl::Time deadline = absl::Now() + timeout;
  while (!caught_up()) {
    if (absl::Now() > deadline) return absl::DeadlineExceededError("topic not read to its end in time");
    KafkaMessagePtr m(rd_kafka_consumer_poll(rk_, 100));
    if (m == nullptr || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    Record r;
    r.partition = m->partition;
    r.offset = m->offset;
    if (m->key != nullptr) r.key.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload != nullptr) r.value.assign(static_cast<const char*>(m->payload), m->len);
    r.headers = FromKafkaHeaders(*m);
    next_[r.partition] = r.offset + 1;
    out.push_back(std::move(r));
  }
  return out;
}

namespace {
void CountFailure(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) static_cast<std::atomic<int>*>(opaque)->fetch_add(1);
}
}  // namespace

absl::Status ProduceRecords(const std::string& brokers, const std::string& topic, const std::vector<Record>& records) {
  absl::StatusOr<KafkaConfPtr> conf =
      MakeKafkaConf({{"bootstrap.servers", brokers}, {"linger.ms", "1"}, {"log_level", "3"}}, {});
  if (!conf.ok()) return conf.status();
  std::atomic<int> failures{0};
  rd_kafka_conf_set_opaque(conf->get(), &failures);
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &CountFailure);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof(errstr));
  if (rk == nullptr) return absl::InternalError(errstr);
  conf.value().release();
  absl::Status status;
  for (const Record& r : records) {
    KafkaHeadersPtr headers = ToKafkaHeaders(r.headers);
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(r.partition),
        RD_KAFKA_V_KEY(r.key.data(), r.key.size()), RD_KAFKA_V_VALUE(const_cast<char*>(r.value.data()), r.value.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = KafkaError(err, "produce");
      break;
    }
    headers.release();
  }
  if (rd_kafka_resp_err_t err = rd_kafka_flush(rk, 30'000); status.ok() && err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    status = KafkaError(err, "flush");
  }
  rd_kafka_destroy(rk);
  if (status.ok() && failures.load() > 0)
    status = absl::InternalError(absl::StrCat(failures.load(), " deliveries failed"));
  return status;
}

std::string RecordedRowKey(const std::string& tenant, const std::string& source, const std::string& type,
                           const std::string& id) {
  return base::KeyBuilder().String(tenant).String(source).String(type).String(id).Release();
}

std::vector<std::pair<std::string, std::string>> ExpectedRecording(
    const std::vector<sfa::common::v1::EventEnvelope>& events) {
  std::map<std::string, std::string> rows;
  for (const auto& e : events) {
    absl::StrAppend(&rows[RecordedRowKey(e.tenant(), e.source(), e.aggregate_type(), e.aggregate_id())],
                    e.aggregate_version(), ":", e.event_id(), ",");
  }
  return {rows.begin(), rows.end()};
}

absl::Status RecordingProjection::Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  {
    absl::MutexLock lock(&mu_);
    if (!refuse_.empty() && refuse_ == event.aggregate_id()) {
      return absl::FailedPreconditionError(absl::StrCat("refusing ", event.aggregate_id()));
    }
  }
  const std::string key = RecordedRowKey(event.tenant(), event.source(), event.aggregate_type(), event.aggregate_id());
  absl::StatusOr<std::optional<std::string>> row = txn.Get(kCf, key);
  if (!row.ok()) return row.status();
  std::string value = row->value_or("");
  absl::StrAppend(&value, event.aggregate_version(), ":", event.event_id(), ",");
  return txn.Put(kCf, key, value);
}

void RecordingProjection::RefuseAggregate(std::string id) {
  absl::MutexLock lock(&mu_);
  refuse_ = std::move(id);
}

std::string RecordedRow(const eventstore::EventStore& store, const std::string& tenant, const std::string& source,
                        const std::string& type, const std::string& id) {
  std::string value;
  rocksdb::Status s = store.db()->Get(rocksdb::ReadOptions(), store.Handle(RecordingProjection::kCf),
                                      RecordedRowKey(tenant, source, type, id), &value);
  return s.ok() ? value : "";
}

absl::Status AppendInterleaved(eventstore::EventStore& store, const std::string& tenant, int aggregates, int count_each,
                               int first_round) {
  for (int round = first_round; round < first_round + count_each; ++round) {
    for (int a = 0; a < aggregates; ++a) {
      eventstore::StreamId stream{tenant, "deal", absl::StrCat("agg-", a)};
      absl::StatusOr<eventstore::AppendResult> r = store.Append(eventstore::testing::MakeAppend(
          stream, eventstore::kAnyVersion,
          {eventstore::testing::MakeEvent("sfa.test.v1.DealTouched", absl::StrCat("round-", round))}));
      if (!r.ok()) return r.status();
    }
  }
  return absl::OkStatus();
}

}  // namespace sfa::messaging::testing

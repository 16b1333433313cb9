#include "messaging/outbox_relay.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tools/kafka_broker/embedded_kafka.h"
#include "messaging/cloudevents.h"
#include "messaging/test_util.h"

namespace sfa::messaging {
namespace {

using eventstore::EventEnvelope;
using eventstore::EventStore;
using testing::AppendInterleaved;
using testing::Record;
using testing::TopicReader;
using testing::WaitFor;

constexpr char kTopic[] = "sfa.lead.events.v1";
constexpr char kSource[] = "/sfa/lead";

class OutboxRelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartKafka();
    eventstore::EventStoreOptions options;
    options.path = dir_.Sub("db");
    options.service = "lead";
    options.sync = false;
    options.metrics = &metrics_;
    absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  void StartKafka() {
    tools::EmbeddedKafkaOptions options;
    options.partitions = 3;
    options.topics = {kTopic};
    absl::StatusOr<std::unique_ptr<tools::EmbeddedKafka>> kafka = tools::EmbeddedKafka::Start(options);
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = *std::move(kafka);
  }

  std::unique_ptr<OutboxRelay> StartRelay(size_t max_in_flight = 10'000,
                                          std::map<std::string, std::string> producer_config = {}) {
    OutboxRelayOptions options;
    options.brokers = kafka_->bootstrap_servers();
    options.topic = kTopic;
    options.source = kSource;
    options.max_in_flight = max_in_flight;
    options.idle_poll = absl::Milliseconds(20);
    options.metrics = &metrics_;
    options.producer_config = std::move(producer_config);
    // librdkafka's default of 10 s between reconnects would dominate the outage tests.
    options.producer_config["reconnect.backoff.max.ms"] = "500";
    absl::StatusOr<std::unique_ptr<OutboxRelay>> relay = OutboxRelay::Start(store_.get(), options);
    EXPECT_TRUE(relay.ok()) << relay.status();
    return relay.ok() ? *std::move(relay) : nullptr;
  }

  std::unique_ptr<TopicReader> Reader() {
    absl::StatusOr<std::unique_ptr<TopicReader>> reader = TopicReader::Create(kafka_->bootstrap_servers(), kTopic);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? *std::move(reader) : nullptr;
  }

  bool AllDelivered(const OutboxRelay& relay) {
    return WaitFor([&] { return relay.delivered_position() == store_->HeadPosition(); }, absl::Seconds(60));
  }

  double Counter(const std::string& name) {
    return metrics_.AddCounter(name, "", {"topic"}).WithLabels({kTopic}).value();
  }
  double Gauge(const std::string& name) { return metrics_.AddGauge(name, "", {"topic"}).WithLabels({kTopic}).value(); }

  // Every record parses to the envelope stored at its position, carries the right key and headers, and
  // each aggregate's versions follow each other within one partition. Returns positions in topic order.
  std::vector<uint64_t> CheckRecords(const std::vector<Record>& records) {
    std::vector<uint64_t> positions;
    std::map<std::string, std::pair<int32_t, uint64_t>> last;  // aggregate -> (partition, version)
    for (const Record& r : records) {
      EventEnvelope event;
      EXPECT_TRUE(event.ParseFromString(r.value)) << "offset " << r.offset;
      positions.push_back(event.global_position());
      absl::StatusOr<std::vector<EventEnvelope>> stored = store_->ReadAll(event.global_position(), 1);
      EXPECT_TRUE(stored.ok() && stored->size() == 1);
      if (stored.ok() && !stored->empty()) {
        EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(event, stored->front()))
            << event.DebugString() << " vs " << stored->front().DebugString();
      }
      EXPECT_EQ(r.key, event.aggregate_id());
      absl::StatusOr<CloudEventAttributes> ce = ParseCloudEventHeaders(r.headers);
      EXPECT_TRUE(ce.ok()) << ce.status();
      if (ce.ok()) {
        EXPECT_EQ(ce->specversion, "1.0");
        EXPECT_EQ(ce->id, event.event_id());
        EXPECT_EQ(ce->source, kSource);
        EXPECT_EQ(ce->type, event.payload_type());
        EXPECT_EQ(ce->subject, absl::StrCat(event.aggregate_type(), "/", event.aggregate_id()));
        EXPECT_EQ(ce->content_type, "application/protobuf");
        EXPECT_EQ(ce->tenant, event.tenant());
        EXPECT_EQ(ce->sequence, event.aggregate_version());
        EXPECT_EQ(ce->time, absl::FromUnixSeconds(event.occurred_at().seconds()) +
                                absl::Nanoseconds(event.occurred_at().nanos()));
      }
      const std::string aggregate = absl::StrCat(event.tenant(), "/", event.aggregate_id());
      auto it = last.find(aggregate);
      if (it != last.end()) {
        EXPECT_EQ(it->second.first, r.partition) << aggregate << " moved partition";
        EXPECT_EQ(event.aggregate_version(), it->second.second + 1) << aggregate << " out of order";
      }
      last[aggregate] = {r.partition, event.aggregate_version()};
    }
    return positions;
  }

  // Positions first..last, each exactly once.
  static void ExpectExactly(std::vector<uint64_t> positions, uint64_t first, uint64_t last) {
    std::sort(positions.begin(), positions.end());
    std::vector<uint64_t> want;
    for (uint64_t p = first; p <= last; ++p) want.push_back(p);
    EXPECT_EQ(positions, want);
  }

  base::MetricsRegistry metrics_;
  eventstore::testing::TempDir dir_{"outbox-relay-test"};
  std::unique_ptr<tools::EmbeddedKafka> kafka_;
  std::unique_ptr<EventStore> store_;
};

TEST_F(OutboxRelayTest, PublishesEveryPositionOnceWithKeyEnvelopeAndCloudEventsHeaders) {
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 5, 12).ok());
  ASSERT_TRUE(AppendInterleaved(*store_, "globex", 3, 10).ok());
  ASSERT_EQ(store_->HeadPosition(), 90u);
  std::unique_ptr<OutboxRelay> relay = StartRelay();
  ASSERT_TRUE(AllDelivered(*relay));
  EXPECT_EQ(relay->pending(), 0u);

  std::unique_ptr<TopicReader> reader = Reader();
  absl::StatusOr<std::vector<Record>> records = reader->ReadNew();
  ASSERT_TRUE(records.ok()) << records.status();
  ExpectExactly(CheckRecords(*records), 1, 90);
  // Aggregates spread over partitions by key.
  std::set<int32_t> partitions;
  for (const Record& r : *records) partitions.insert(r.partition);
  EXPECT_GT(partitions.size(), 1u);

  EXPECT_EQ(Counter("sfa_outbox_published_total"), 90);
  EXPECT_EQ(Counter("sfa_outbox_delivery_errors_total"), 0);
  EXPECT_EQ(Gauge("sfa_outbox_delivered_position"), 90);
  EXPECT_TRUE(WaitFor([&] { return Gauge("sfa_outbox_pending") == 0; }));
}

TEST_F(OutboxRelayTest, NewEventsFollowWhileRunning) {
  std::unique_ptr<OutboxRelay> relay = StartRelay();
  std::unique_ptr<TopicReader> reader = Reader();
  for (int round = 0; round < 5; ++round) {
    ASSERT_TRUE(AppendInterleaved(*store_, "acme", 4, 3, round * 3).ok());
    ASSERT_TRUE(AllDelivered(*relay));
  }
  absl::StatusOr<std::vector<Record>> records = reader->ReadNew();
  ASSERT_TRUE(records.ok()) << records.status();
  ExpectExactly(CheckRecords(*records), 1, 60);
}

TEST_F(OutboxRelayTest, SmallInFlightWindowStillDeliversEverythingInOrder) {
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 3, 20).ok());
  std::unique_ptr<OutboxRelay> relay = StartRelay(/*max_in_flight=*/2);
  ASSERT_TRUE(AllDelivered(*relay));
  absl::StatusOr<std::vector<Record>> records = Reader()->ReadNew();
  ASSERT_TRUE(records.ok()) << records.status();
  ExpectExactly(CheckRecords(*records), 1, 60);
}

TEST_F(OutboxRelayTest, BrokerOutageDelaysEventsButLosesAndDuplicatesNone) {
  std::unique_ptr<OutboxRelay> relay = StartRelay();
  std::unique_ptr<TopicReader> reader = Reader();
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 4, 5).ok());
  ASSERT_TRUE(AllDelivered(*relay));
  absl::StatusOr<std::vector<Record>> before = reader->ReadNew();
  ASSERT_TRUE(before.ok()) << before.status();
  ExpectExactly(CheckRecords(*before), 1, 20);

  kafka_->SetAllBrokersDown();
  // Commands keep succeeding: the events wait in the store.
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 4, 5, 5).ok());
  ASSERT_TRUE(AppendInterleaved(*store_, "globex", 2, 5).ok());
  EXPECT_EQ(relay->pending(), 30u);
  // Nothing can be acknowledged while the brokers are down (observed for a bounded time).
  EXPECT_FALSE(WaitFor([&] { return relay->delivered_position() > 20; }, absl::Seconds(2)));
  EXPECT_EQ(relay->pending(), 30u);
  EXPECT_TRUE(WaitFor([&] { return Gauge("sfa_outbox_pending") == 30; }));

  kafka_->SetAllBrokersUp();
  ASSERT_TRUE(AllDelivered(*relay));
  EXPECT_EQ(relay->pending(), 0u);
  absl::StatusOr<std::vector<Record>> after = reader->ReadNew();
  ASSERT_TRUE(after.ok()) << after.status();
  std::vector<Record> all = *before;
  all.insert(all.end(), after->begin(), after->end());
  ExpectExactly(CheckRecords(all), 1, 50);
}

TEST_F(OutboxRelayTest, RestartResumesFromThePersistedCursor) {
  const std::string cursor_key = absl::StrCat("outbox/", kTopic, "/cursor");
  auto stored_cursor = [&]() -> uint64_t {
    absl::StatusOr<std::optional<std::string>> cursor = store_->GetMeta(cursor_key);
    return cursor.ok() && cursor->has_value() ? base::DecodeUint64(**cursor) : 0;
  };
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 3, 10).ok());
  std::unique_ptr<OutboxRelay> first = StartRelay();
  ASSERT_TRUE(AllDelivered(*first));
  ASSERT_TRUE(WaitFor([&] { return stored_cursor() == 30; }));  // persisted while running
  // Delivered just before the stop, so only Stop itself can have persisted them.
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 3, 10, 10).ok());
  ASSERT_TRUE(AllDelivered(*first));
  first->Stop(absl::Seconds(10));
  EXPECT_EQ(stored_cursor(), 60u);
  first.reset();

  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 3, 10, 20).ok());
  std::unique_ptr<OutboxRelay> second = StartRelay();
  EXPECT_GE(second->delivered_position(), 60u);  // starts at the cursor, not at 0
  ASSERT_TRUE(AllDelivered(*second));
  absl::StatusOr<std::vector<Record>> records = Reader()->ReadNew();
  ASSERT_TRUE(records.ok()) << records.status();
  ExpectExactly(CheckRecords(*records), 1, 90);
}

TEST_F(OutboxRelayTest, EventsCommittedWhileNoBrokerExistedReachANewCluster) {
  std::unique_ptr<OutboxRelay> relay = StartRelay();
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 2, 5).ok());
  ASSERT_TRUE(AllDelivered(*relay));
  const std::string old_brokers = kafka_->bootstrap_servers();

  kafka_.reset();  // the whole cluster is gone, data and all
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 2, 5, 5).ok());
  EXPECT_EQ(relay->pending(), 10u);
  relay->Stop(absl::Milliseconds(200));  // must not hang without a broker
  relay.reset();

  StartKafka();
  ASSERT_NE(kafka_->bootstrap_servers(), old_brokers);
  relay = StartRelay();
  ASSERT_TRUE(AllDelivered(*relay));
  absl::StatusOr<std::vector<Record>> records = Reader()->ReadNew();
  ASSERT_TRUE(records.ok()) << records.status();
  // The new cluster holds exactly what the old one never acknowledged.
  ExpectExactly(CheckRecords(*records), 11, 20);
}

TEST_F(OutboxRelayTest, FatalProducerErrorRecreatesTheProducerAndResumesFromTheCursor) {
  std::unique_ptr<OutboxRelay> relay = StartRelay();
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 3, 5).ok());
  ASSERT_TRUE(AllDelivered(*relay));

  ASSERT_TRUE(relay->InjectFatalErrorForTesting().ok());
  ASSERT_TRUE(WaitFor([&] { return Counter("sfa_outbox_producer_restarts_total") == 1; }));
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 3, 5, 5).ok());
  ASSERT_TRUE(AllDelivered(*relay));
  absl::StatusOr<std::vector<Record>> records = Reader()->ReadNew();
  ASSERT_TRUE(records.ok()) << records.status();
  ExpectExactly(CheckRecords(*records), 1, 30);
}

TEST_F(OutboxRelayTest, AnEventKafkaRefusesBlocksTheRelayAndIsNeverSkipped) {
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 2, 1).ok());
  eventstore::StreamId stream{"acme", "deal", "huge"};
  ASSERT_TRUE(store_
                  ->Append(eventstore::testing::MakeAppend(
                      stream, eventstore::kNoStream,
                      {eventstore::testing::MakeEvent("sfa.test.v1.Huge", std::string(4000, 'x'))}))
                  .ok());
  ASSERT_TRUE(AppendInterleaved(*store_, "acme", 2, 1, 1).ok());
  // The producer refuses records over 2000 bytes: position 3 can never be delivered.
  std::unique_ptr<OutboxRelay> relay = StartRelay(10'000, {{"message.max.bytes", "2000"}});
  ASSERT_TRUE(WaitFor([&] { return relay->delivered_position() == 2; }));
  ASSERT_TRUE(WaitFor([&] { return Counter("sfa_outbox_delivery_errors_total") >= 2; }));  // retried
  EXPECT_FALSE(WaitFor([&] { return relay->delivered_position() > 2; }, absl::Seconds(1)));
  EXPECT_EQ(relay->pending(), 3u);
  relay->Stop(absl::Seconds(1));
  absl::StatusOr<std::vector<Record>> records = Reader()->ReadNew();
  ASSERT_TRUE(records.ok()) << records.status();
  // Nothing after the refused event went out: publishing 4 and 5 would mean 3 was skipped.
  ExpectExactly(CheckRecords(*records), 1, 2);
}

TEST(OutboxRelayStartTest, RefusesBadOptions) {
  eventstore::testing::TempDir dir("outbox-relay-start");
  eventstore::EventStoreOptions store_options;
  store_options.path = dir.Sub("db");
  store_options.sync = false;
  base::MetricsRegistry metrics;
  store_options.metrics = &metrics;
  absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(store_options);
  ASSERT_TRUE(store.ok()) << store.status();

  OutboxRelayOptions options;
  options.metrics = &metrics;
  options.brokers = "127.0.0.1:1";
  EXPECT_EQ(OutboxRelay::Start(store->get(), options).status().code(), absl::StatusCode::kInvalidArgument);
  options.topic = "t";
  options.producer_config["no.such.property"] = "1";
  absl::Status bad_property = OutboxRelay::Start(store->get(), options).status();
  EXPECT_EQ(bad_property.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_property.message()), ::testing::HasSubstr("no.such.property"));
}

}  // namespace
}  // namespace sfa::messaging

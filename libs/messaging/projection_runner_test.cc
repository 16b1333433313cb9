#include "messaging/projection_runner.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/kafka_broker/embedded_kafka.h"
#include "messaging/outbox_relay.h"
#include "messaging/test_util.h"
#include "rocksdb/db.h"

namespace sfa::messaging {
namespace {

using eventstore::EventEnvelope;
using eventstore::EventStore;
using eventstore::testing::DumpColumnFamily;
using testing::AppendInterleaved;
using testing::ExpectedRecording;
using testing::OpenScratchStore;
using testing::Record;
using testing::RecordingProjection;
using testing::TopicReader;
using testing::WaitFor;
using Dump = std::vector<std::pair<std::string, std::string>>;

constexpr char kTopic[] = "sfa.lead.events.v1";
constexpr int kPartitions = 3;

class ProjectionRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tools::EmbeddedKafkaOptions options;
    options.partitions = kPartitions;
    options.topics = {kTopic};
    absl::StatusOr<std::unique_ptr<tools::EmbeddedKafka>> kafka = tools::EmbeddedKafka::Start(options);
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = *std::move(kafka);
    source_ = Open("source", "lead", {});
    target_ = Open("target", "analytics", {RecordingProjection::kCf});
    ASSERT_TRUE(source_ != nullptr && target_ != nullptr);
  }

  std::unique_ptr<EventStore> Open(const std::string& name, const std::string& service,
                                   std::vector<std::string> extra_cfs) {
    auto store = OpenScratchStore(dir_.Sub(name), service, std::move(extra_cfs), &metrics_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // Publishes everything in the source store through the outbox relay.
  void Publish() {
    if (relay_ == nullptr) {
      OutboxRelayOptions options;
      options.brokers = kafka_->bootstrap_servers();
      options.topic = kTopic;
      options.source = "/sfa/lead";
      options.idle_poll = absl::Milliseconds(20);
      options.metrics = &metrics_;
      absl::StatusOr<std::unique_ptr<OutboxRelay>> relay = OutboxRelay::Start(source_.get(), options);
      ASSERT_TRUE(relay.ok()) << relay.status();
      relay_ = *std::move(relay);
    }
    ASSERT_TRUE(WaitFor([&] { return relay_->delivered_position() == source_->HeadPosition(); }));
  }

  std::unique_ptr<ProjectionRunner> StartRunner(EventStore* store, size_t max_batch = 500, int ordinal = 0,
                                                int replicas = 1) {
    ProjectionRunnerOptions options;
    options.brokers = kafka_->bootstrap_servers();
    options.topics = {kTopic};
    options.projections = {&projection_};
    options.replica_ordinal = ordinal;
    options.replicas = replicas;
    options.max_batch = max_batch;
    options.metrics = &metrics_;
    absl::StatusOr<std::unique_ptr<ProjectionRunner>> runner = ProjectionRunner::Start(store, options);
    EXPECT_TRUE(runner.ok()) << runner.status();
    return runner.ok() ? *std::move(runner) : nullptr;
  }

  // Waits until the runner consumed `n` records, then checks it consumed no more.
  bool ConsumedExactly(const ProjectionRunner& runner, uint64_t n) {
    return WaitFor([&] { return runner.consumed() >= n; }) && runner.consumed() == n;
  }

  std::vector<EventEnvelope> SourceEvents() {
    absl::StatusOr<std::vector<EventEnvelope>> events = source_->ReadAll(1, SIZE_MAX);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *events : std::vector<EventEnvelope>{};
  }

  Dump ReadModel(const EventStore& store) { return DumpColumnFamily(store, RecordingProjection::kCf); }

  std::vector<Record> AllRecords() {
    absl::StatusOr<std::unique_ptr<TopicReader>> reader = TopicReader::Create(kafka_->bootstrap_servers(), kTopic);
    EXPECT_TRUE(reader.ok()) << reader.status();
    if (!reader.ok()) return {};
    absl::StatusOr<std::vector<Record>> records = (*reader)->ReadNew();
    EXPECT_TRUE(records.ok()) << records.status();
    return records.ok() ? *records : std::vector<Record>{};
  }

  int64_t EndOffsetSum() {
    absl::StatusOr<std::unique_ptr<TopicReader>> reader = TopicReader::Create(kafka_->bootstrap_servers(), kTopic);
    EXPECT_TRUE(reader.ok()) << reader.status();
    absl::StatusOr<int64_t> sum = reader.ok() ? (*reader)->EndOffsetSum() : reader.status();
    EXPECT_TRUE(sum.ok()) << sum.status();
    return sum.ok() ? *sum : -1;
  }

  // Sum over partitions of the next offsets stored in the store's meta (0 where none is stored).
  int64_t StoredOffsetSum(const EventStore& store) {
    int64_t sum = 0;
    for (int p = 0; p < kPartitions; ++p) {
      absl::StatusOr<std::optional<std::string>> v = store.GetMeta(ProjectionOffsetKey(kTopic, p));
      EXPECT_TRUE(v.ok()) << v.status();
      if (v.ok() && v->has_value()) sum += static_cast<int64_t>(base::DecodeUint64(**v));
    }
    return sum;
  }

  void DeleteStoredOffsets(EventStore& store) {
    for (int p = 0; p < kPartitions; ++p) {
      ASSERT_TRUE(
          store.db()
              ->Delete(rocksdb::WriteOptions(), store.Handle(eventstore::kMetaCf), ProjectionOffsetKey(kTopic, p))
              .ok());
    }
  }

  double Counter(const std::string& name) {
    return metrics_.AddCounter(name, "", {"topic"}).WithLabels({kTopic}).value();
  }

  static EventEnvelope Envelope(const std::string& id, uint64_t version) {
    EventEnvelope e;
    e.set_event_id(absl::StrCat(id, "-v", version));
    e.set_tenant("acme");
    e.set_source("lead");
    e.set_aggregate_type("deal");
    e.set_aggregate_id(id);
    e.set_aggregate_version(version);
    e.set_payload_type("sfa.test.v1.DealTouched");
    return e;
  }

  static Record RawRecord(const std::string& key, std::string value, int32_t partition = 0) {
    Record r;
    r.partition = partition;
    r.key = key;
    r.value = std::move(value);
    return r;
  }

  base::MetricsRegistry metrics_;
  eventstore::testing::TempDir dir_{"projection-runner-test"};
  std::unique_ptr<tools::EmbeddedKafka> kafka_;
  std::unique_ptr<EventStore> source_;
  std::unique_ptr<EventStore> target_;
  std::unique_ptr<OutboxRelay> relay_;
  RecordingProjection projection_;
};

TEST_F(ProjectionRunnerTest, AppliesEveryEventOnceAndReplaysChangeNothing) {
  ASSERT_TRUE(AppendInterleaved(*source_, "acme", 4, 20).ok());
  ASSERT_TRUE(AppendInterleaved(*source_, "globex", 2, 10).ok());
  Publish();
  // Small batches: several commits, and duplicates of one aggregate inside one batch on the replay.
  std::unique_ptr<ProjectionRunner> runner = StartRunner(target_.get(), /*max_batch=*/7);
  ASSERT_TRUE(ConsumedExactly(*runner, 100));
  const Dump built = ReadModel(*target_);
  EXPECT_EQ(built, ExpectedRecording(SourceEvents()));
  EXPECT_EQ(built.size(), 6u);
  EXPECT_EQ(Counter("sfa_projection_applied_total"), 100);
  EXPECT_TRUE(WaitFor([&] { return runner->lag() == 0; }));
  EXPECT_EQ(StoredOffsetSum(*target_), 100);

  // The whole topic a second time, record for record (as a producer retry storm or a mirror would).
  std::vector<Record> records = AllRecords();
  ASSERT_EQ(records.size(), 100u);
  ASSERT_TRUE(testing::ProduceRecords(kafka_->bootstrap_servers(), kTopic, records).ok());
  ASSERT_TRUE(ConsumedExactly(*runner, 200));
  EXPECT_EQ(ReadModel(*target_), built);
  EXPECT_EQ(Counter("sfa_projection_duplicates_total"), 100);
  EXPECT_EQ(StoredOffsetSum(*target_), 200);

  // Offsets lost: the runner starts from the beginning of every partition and re-reads everything.
  runner->Stop();
  DeleteStoredOffsets(*target_);
  runner = StartRunner(target_.get());
  ASSERT_TRUE(ConsumedExactly(*runner, 200));
  EXPECT_EQ(ReadModel(*target_), built);
  EXPECT_EQ(Counter("sfa_projection_duplicates_total"), 300);
  EXPECT_EQ(Counter("sfa_projection_applied_total"), 100);
  EXPECT_EQ(StoredOffsetSum(*target_), 200);
}

TEST_F(ProjectionRunnerTest, RestartResumesFromStoredOffsets) {
  ASSERT_TRUE(AppendInterleaved(*source_, "acme", 5, 6).ok());
  Publish();
  std::unique_ptr<ProjectionRunner> runner = StartRunner(target_.get());
  ASSERT_TRUE(ConsumedExactly(*runner, 30));
  runner->Stop();
  runner.reset();

  ASSERT_TRUE(AppendInterleaved(*source_, "acme", 5, 4, 6).ok());
  Publish();
  runner = StartRunner(target_.get());
  // Only the 20 new records are read: nothing before the stored offsets comes back.
  ASSERT_TRUE(ConsumedExactly(*runner, 20));
  EXPECT_EQ(ReadModel(*target_), ExpectedRecording(SourceEvents()));
  EXPECT_EQ(Counter("sfa_projection_duplicates_total"), 0);
  EXPECT_EQ(Counter("sfa_projection_applied_total"), 50);
}

TEST_F(ProjectionRunnerTest, PoisonRecordsAreSkippedCountedAndPassed) {
  ASSERT_TRUE(AppendInterleaved(*source_, "acme", 3, 4).ok());
  Publish();
  EventEnvelope nameless = Envelope("x", 1);
  nameless.clear_aggregate_id();
  ASSERT_TRUE(
      testing::ProduceRecords(kafka_->bootstrap_servers(), kTopic,
                              {RawRecord("junk", "not a protobuf", 0), RawRecord("x", nameless.SerializeAsString(), 1)})
          .ok());
  ASSERT_TRUE(AppendInterleaved(*source_, "acme", 3, 4, 4).ok());
  Publish();

  std::unique_ptr<ProjectionRunner> runner = StartRunner(target_.get());
  ASSERT_TRUE(ConsumedExactly(*runner, 26));
  EXPECT_EQ(ReadModel(*target_), ExpectedRecording(SourceEvents()));
  EXPECT_EQ(Counter("sfa_projection_poison_total"), 2);
  EXPECT_EQ(Counter("sfa_projection_applied_total"), 24);
  // Offsets moved past the poison: a restart does not meet it again.
  EXPECT_EQ(StoredOffsetSum(*target_), 26);
}

TEST_F(ProjectionRunnerTest, VersionGapIsAppliedCountedAndLaterVersionsStillApply) {
  std::vector<Record> records;
  for (uint64_t v : {1, 3, 4}) records.push_back(RawRecord("deal-9", Envelope("deal-9", v).SerializeAsString()));
  ASSERT_TRUE(testing::ProduceRecords(kafka_->bootstrap_servers(), kTopic, records).ok());
  std::unique_ptr<ProjectionRunner> runner = StartRunner(target_.get());
  ASSERT_TRUE(ConsumedExactly(*runner, 3));
  EXPECT_EQ(testing::RecordedRow(*target_, "acme", "lead", "deal", "deal-9"), "1:deal-9-v1,3:deal-9-v3,4:deal-9-v4,");
  EXPECT_EQ(Counter("sfa_projection_gaps_total"), 1);
  // The missing version arriving late is older than what was applied: skipped, like any replay.
  ASSERT_TRUE(testing::ProduceRecords(kafka_->bootstrap_servers(), kTopic,
                                      {RawRecord("deal-9", Envelope("deal-9", 2).SerializeAsString())})
                  .ok());
  ASSERT_TRUE(ConsumedExactly(*runner, 4));
  EXPECT_EQ(Counter("sfa_projection_duplicates_total"), 1);
}

TEST_F(ProjectionRunnerTest, SameAggregateFromTwoSourcesIsTrackedSeparately) {
  EventEnvelope from_lead = Envelope("same-id", 1);
  EventEnvelope from_quote = Envelope("same-id", 1);
  from_quote.set_source("quote");
  from_quote.set_event_id("quote-event");
  ASSERT_TRUE(testing::ProduceRecords(kafka_->bootstrap_servers(), kTopic,
                                      {RawRecord("same-id", from_lead.SerializeAsString()),
                                       RawRecord("same-id", from_quote.SerializeAsString())})
                  .ok());
  std::unique_ptr<ProjectionRunner> runner = StartRunner(target_.get());
  ASSERT_TRUE(ConsumedExactly(*runner, 2));
  EXPECT_EQ(Counter("sfa_projection_applied_total"), 2);
  EXPECT_EQ(testing::RecordedRow(*target_, "acme", "quote", "deal", "same-id"), "1:quote-event,");
}

TEST_F(ProjectionRunnerTest, RefusedEventStallsItsBatchUntilAcceptedNeverSkipsIt) {
  projection_.RefuseAggregate("agg-1");
  ASSERT_TRUE(AppendInterleaved(*source_, "acme", 3, 5).ok());
  Publish();
  std::unique_ptr<ProjectionRunner> runner = StartRunner(target_.get());
  const auto commit_errors = [&] {
    return metrics_.AddCounter("sfa_projection_commit_errors_total", "").Get().value();
  };
  ASSERT_TRUE(WaitFor([&] { return commit_errors() >= 1; }));
  EXPECT_EQ(testing::RecordedRow(*target_, "acme", "lead", "deal", "agg-1"), "");
  EXPECT_FALSE(WaitFor([&] { return runner->consumed() == 15; }, absl::Seconds(1)));
  EXPECT_GT(runner->lag(), 0);  // the stalled records show as lag
  EXPECT_GT(metrics_.AddGauge("sfa_projection_lag_events", "", {"topic"}).WithLabels({kTopic}).value(), 0);

  projection_.RefuseAggregate("");
  ASSERT_TRUE(ConsumedExactly(*runner, 15));
  EXPECT_EQ(ReadModel(*target_), ExpectedRecording(SourceEvents()));
  EXPECT_TRUE(WaitFor([&] { return runner->lag() == 0; }));
}

TEST_F(ProjectionRunnerTest, ReplicasSplitPartitionsByOrdinal) {
  ASSERT_TRUE(AppendInterleaved(*source_, "acme", 8, 3).ok());
  Publish();
  std::unique_ptr<EventStore> other = Open("target-1", "analytics", {RecordingProjection::kCf});
  std::unique_ptr<ProjectionRunner> r0 = StartRunner(target_.get(), 500, /*ordinal=*/0, /*replicas=*/2);
  std::unique_ptr<ProjectionRunner> r1 = StartRunner(other.get(), 500, /*ordinal=*/1, /*replicas=*/2);
  ASSERT_TRUE(WaitFor([&] { return r0->consumed() + r1->consumed() == 24; }));
  Dump d0 = ReadModel(*target_), d1 = ReadModel(*other);
  EXPECT_FALSE(d0.empty());
  EXPECT_FALSE(d1.empty());
  Dump both = d0;
  both.insert(both.end(), d1.begin(), d1.end());
  std::sort(both.begin(), both.end());
  EXPECT_EQ(both, ExpectedRecording(SourceEvents()));  // disjoint and complete
}

TEST_F(ProjectionRunnerTest, StartRefusesAProjectionWhoseColumnFamilyIsMissing) {
  ProjectionRunnerOptions options;
  options.brokers = kafka_->bootstrap_servers();
  options.topics = {kTopic};
  options.projections = {&projection_};
  options.metrics = &metrics_;
  EXPECT_EQ(ProjectionRunner::Start(source_.get(), options).status().code(), absl::StatusCode::kFailedPrecondition);
  options.replicas = 2;
  options.replica_ordinal = 2;
  EXPECT_EQ(ProjectionRunner::Start(target_.get(), options).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sfa::messaging

#include "messaging/catch_up.h"

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tools/kafka_broker/embedded_kafka.h"
#include "messaging/outbox_relay.h"
#include "messaging/projection_runner.h"
#include "messaging/test_util.h"

namespace sfa::messaging {
namespace {

using eventstore::EventEnvelope;
using eventstore::EventStore;
using eventstore::testing::DumpColumnFamily;
using sfa::common::v1::EventFeed;
using testing::AppendInterleaved;
using testing::ExpectedRecording;
using testing::OpenScratchStore;
using testing::RecordingProjection;
using testing::WaitFor;
using Dump = std::vector<std::pair<std::string, std::string>>;

constexpr char kTopic[] = "sfa.lead.events.v1";

// EventFeed served from a store, one tenant per call as the real service does; it can be told to fail
// after a number of events, like a server going away mid-stream.
class StoreFeed final : public EventFeed::Service {
 public:
  explicit StoreFeed(EventStore* store) : store_(store) {}
  void FailAfter(int events) { fail_after_ = events; }

  grpc::Status ReadEvents(grpc::ServerContext* context, const sfa::common::v1::ReadEventsRequest* request,
                          grpc::ServerWriter<EventEnvelope>* writer) override {
    auto tenant = context->client_metadata().find("x-sfa-tenant");
    if (tenant == context->client_metadata().end()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "x-sfa-tenant missing");
    }
    absl::StatusOr<std::vector<EventEnvelope>> events = store_->ReadTenant(
        absl::string_view(tenant->second.data(), tenant->second.size()), request->from_position(), SIZE_MAX);
    if (!events.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, std::string(events.status().message()));
    int sent = 0;
    for (const EventEnvelope& e : *events) {
      if (fail_after_ >= 0 && sent == fail_after_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "going away");
      if (context->IsCancelled() || !writer->Write(e)) return grpc::Status::CANCELLED;
      ++sent;
    }
    return grpc::Status::OK;
  }

 private:
  EventStore* store_;
  std::atomic<int> fail_after_{-1};
};

class CatchUpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    source_ = Open("source", "lead");
    ASSERT_TRUE(AppendInterleaved(*source_, "acme", 4, 15).ok());
    ASSERT_TRUE(AppendInterleaved(*source_, "globex", 3, 10).ok());
    feed_ = std::make_unique<StoreFeed>(source_.get());
    grpc::ServerBuilder builder;
    builder.RegisterService(feed_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = EventFeed::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  std::unique_ptr<EventStore> Open(const std::string& name, const std::string& service = "analytics") {
    auto store = OpenScratchStore(dir_.Sub(name), service, {RecordingProjection::kCf}, &metrics_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  absl::StatusOr<CatchUpResult> CatchUpTenant(EventStore* store, const std::string& tenant, uint64_t from = 0,
                                              size_t batch_size = 500) {
    CatchUpOptions options;
    options.from_position = from;
    options.batch_size = batch_size;
    options.metrics = &metrics_;
    options.setup_context = [tenant](grpc::ClientContext& context) {
      context.AddMetadata("x-sfa-tenant", tenant);
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    };
    return CatchUp(*stub_, store, {&projection_}, options);
  }

  // Catch-up of every tenant from the beginning; the applied/duplicate totals.
  std::pair<uint64_t, uint64_t> CatchUpAll(EventStore* store) {
    uint64_t applied = 0, duplicates = 0;
    for (const char* tenant : {"acme", "globex"}) {
      absl::StatusOr<CatchUpResult> r = CatchUpTenant(store, tenant);
      EXPECT_TRUE(r.ok()) << r.status();
      if (r.ok()) {
        applied += r->applied;
        duplicates += r->duplicates;
      }
    }
    return {applied, duplicates};
  }

  // The read model and the de-duplication state: both must match between feeds.
  static Dump State(const EventStore& store) {
    Dump state = DumpColumnFamily(store, RecordingProjection::kCf);
    const std::string prefix = base::KeyBuilder().String("proj_applied").Release();
    for (auto& [k, v] : DumpColumnFamily(store, eventstore::kMetaCf)) {
      if (absl::string_view(k).substr(0, prefix.size()) == prefix) state.emplace_back(k, v);
    }
    return state;
  }

  Dump Expected() {
    absl::StatusOr<std::vector<EventEnvelope>> events = source_->ReadAll(1, SIZE_MAX);
    EXPECT_TRUE(events.ok());
    return ExpectedRecording(*events);
  }

  // Builds the read model of `store` from Kafka: relay from the source, runner into the store.
  void BuildFromKafka(EventStore* store, uint64_t want_consumed) {
    tools::EmbeddedKafkaOptions kafka_options;
    kafka_options.topics = {kTopic};
    absl::StatusOr<std::unique_ptr<tools::EmbeddedKafka>> kafka = tools::EmbeddedKafka::Start(kafka_options);
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    OutboxRelayOptions relay_options;
    relay_options.brokers = (*kafka)->bootstrap_servers();
    relay_options.topic = kTopic;
    relay_options.metrics = &metrics_;
    absl::StatusOr<std::unique_ptr<OutboxRelay>> relay = OutboxRelay::Start(source_.get(), relay_options);
    ASSERT_TRUE(relay.ok()) << relay.status();
    ProjectionRunnerOptions runner_options;
    runner_options.brokers = (*kafka)->bootstrap_servers();
    runner_options.topics = {kTopic};
    runner_options.projections = {&projection_};
    runner_options.metrics = &metrics_;
    absl::StatusOr<std::unique_ptr<ProjectionRunner>> runner = ProjectionRunner::Start(store, runner_options);
    ASSERT_TRUE(runner.ok()) << runner.status();
    ASSERT_TRUE(WaitFor([&] { return (*runner)->consumed() >= want_consumed; }));
    EXPECT_EQ((*runner)->consumed(), want_consumed);
  }

  base::MetricsRegistry metrics_;
  eventstore::testing::TempDir dir_{"catch-up-test"};
  std::unique_ptr<EventStore> source_;
  std::unique_ptr<StoreFeed> feed_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<EventFeed::Stub> stub_;
  RecordingProjection projection_;
};

TEST_F(CatchUpTest, BuildsTheSameReadModelAsKafka) {
  std::unique_ptr<EventStore> from_kafka = Open("from-kafka");
  BuildFromKafka(from_kafka.get(), 90);
  std::unique_ptr<EventStore> from_feed = Open("from-feed");
  EXPECT_EQ(CatchUpAll(from_feed.get()), std::make_pair(uint64_t{90}, uint64_t{0}));

  EXPECT_EQ(DumpColumnFamily(*from_feed, RecordingProjection::kCf), Expected());
  EXPECT_EQ(State(*from_feed), State(*from_kafka));
}

TEST_F(CatchUpTest, CatchingUpOverAppliedEventsChangesNothing) {
  std::unique_ptr<EventStore> store = Open("target");
  CatchUpAll(store.get());
  const Dump once = State(*store);
  EXPECT_EQ(CatchUpAll(store.get()), std::make_pair(uint64_t{0}, uint64_t{90}));
  EXPECT_EQ(State(*store), once);
  // A range starting in the middle, with small batches: still nothing.
  absl::StatusOr<CatchUpResult> tail = CatchUpTenant(store.get(), "acme", 30, 7);
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_EQ(tail->applied, 0u);
  EXPECT_GT(tail->duplicates, 0u);
  EXPECT_EQ(State(*store), once);
}

TEST_F(CatchUpTest, KafkaAfterCatchUpChangesNothing) {
  std::unique_ptr<EventStore> store = Open("target");
  CatchUpAll(store.get());
  const Dump caught_up = State(*store);
  BuildFromKafka(store.get(), 90);  // every record a duplicate
  EXPECT_EQ(State(*store), caught_up);
}

TEST_F(CatchUpTest, FeedErrorIsReturnedKeepsCommittedBatchesAndARetryCompletes) {
  std::unique_ptr<EventStore> store = Open("target");
  feed_->FailAfter(25);
  absl::StatusOr<CatchUpResult> broken = CatchUpTenant(store.get(), "acme", 0, 10);
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(broken.status().message()), ::testing::HasSubstr("going away"));
  EXPECT_FALSE(DumpColumnFamily(*store, RecordingProjection::kCf).empty());

  feed_->FailAfter(-1);
  CatchUpAll(store.get());
  EXPECT_EQ(DumpColumnFamily(*store, RecordingProjection::kCf), Expected());
}

TEST_F(CatchUpTest, ProjectionErrorStopsTheStreamAndIsReturned) {
  std::unique_ptr<EventStore> store = Open("target");
  projection_.RefuseAggregate("agg-2");
  absl::StatusOr<CatchUpResult> r = CatchUpTenant(store.get(), "acme", 0, 5);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("refusing agg-2"));
  EXPECT_EQ(testing::RecordedRow(*store, "acme", "lead", "deal", "agg-2"), "");
}

TEST_F(CatchUpTest, FeedRefusalIsReturned) {
  std::unique_ptr<EventStore> store = Open("target");
  CatchUpOptions options;
  options.metrics = &metrics_;  // no tenant metadata
  absl::StatusOr<CatchUpResult> r = CatchUp(*stub_, store.get(), {&projection_}, options);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace sfa::messaging

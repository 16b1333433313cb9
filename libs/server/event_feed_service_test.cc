#include "server/event_feed_service.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::server {
namespace {

using sfa::common::v1::EventEnvelope;
using sfa::common::v1::EventFeed;
using sfa::common::v1::ReadEventsRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct ReadResult {
  grpc::Status status;
  std::vector<EventEnvelope> events;

  std::vector<uint64_t> positions() const {
    std::vector<uint64_t> out;
    for (const EventEnvelope& e : events) out.push_back(e.global_position());
    return out;
  }
};

ReadEventsRequest Request(uint64_t from, uint64_t max_events = 0, bool follow = false) {
  ReadEventsRequest r;
  r.set_from_position(from);
  r.set_max_events(max_events);
  r.set_follow(follow);
  return r;
}

void SetCaller(grpc::ClientContext& ctx, const std::string& tenant) {
  if (!tenant.empty()) ctx.AddMetadata("x-sfa-tenant", tenant);
  ctx.AddMetadata("x-sfa-user", "feed-test");
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
}

// A real gRPC server on a loopback port with EventFeed over a scratch store. Tenants "a" and "b" take
// turns: "a" owns the odd positions 1..9, "b" the even ones 2..10.
class EventFeedServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    eventstore::EventStoreOptions options;
    options.path = dir_.Sub("store");
    options.service = "test";
    options.sync = false;
    options.metrics = &metrics_;
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store = eventstore::EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    for (int i = 0; i < 5; ++i) {
      Append("a", "lead-a");
      Append("b", "lead-b");
    }
    ASSERT_EQ(store_->HeadPosition(), 10u);

    service_ = std::make_unique<EventFeedService>(
        store_.get(), EventFeedOptions{.page_size = 2, .follow_poll = absl::Milliseconds(20)});
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    stub_ = EventFeed::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (service_) service_->Shutdown();
    if (server_) server_->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    server_.reset();
    service_.reset();
    store_.reset();
  }

  uint64_t Append(const std::string& tenant, const std::string& lead_id) {
    absl::StatusOr<eventstore::AppendResult> r = store_->Append(eventstore::testing::MakeAppend(
        {tenant, "lead", lead_id}, eventstore::kAnyVersion, {eventstore::testing::MakeEvent("test.Happened", "x")}));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->last_position : 0;
  }

  ReadResult ReadToEnd(const std::string& tenant, const ReadEventsRequest& request) {
    grpc::ClientContext ctx;
    SetCaller(ctx, tenant);
    std::unique_ptr<grpc::ClientReader<EventEnvelope>> reader = stub_->ReadEvents(&ctx, request);
    ReadResult result;
    EventEnvelope e;
    while (reader->Read(&e)) result.events.push_back(e);
    result.status = reader->Finish();
    return result;
  }

  // Polls until no stream is open on the server, the way a test waits for a reactor to be done.
  bool WaitForNoStreams() {
    absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (service_->active_streams() != 0) {
      if (absl::Now() > deadline) return false;
      absl::SleepFor(absl::Milliseconds(5));
    }
    return true;
  }

  eventstore::testing::TempDir dir_{"event-feed-test"};
  base::MetricsRegistry metrics_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<EventFeedService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<EventFeed::Stub> stub_;
};

TEST_F(EventFeedServiceTest, WithoutTenantIsUnauthenticated) {
  ReadResult r = ReadToEnd("", Request(0));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(r.status.error_message(), "missing x-sfa-tenant metadata");
  EXPECT_TRUE(r.events.empty());
}

TEST_F(EventFeedServiceTest, ServesOnlyTheCallersTenantInPositionOrder) {
  ReadResult a = ReadToEnd("a", Request(0));
  ASSERT_TRUE(a.status.ok()) << a.status.error_message();
  EXPECT_THAT(a.positions(), ElementsAre(1, 3, 5, 7, 9));
  for (const EventEnvelope& e : a.events) EXPECT_EQ(e.tenant(), "a");

  ReadResult b = ReadToEnd("b", Request(0));
  ASSERT_TRUE(b.status.ok()) << b.status.error_message();
  EXPECT_THAT(b.positions(), ElementsAre(2, 4, 6, 8, 10));
  for (const EventEnvelope& e : b.events) EXPECT_EQ(e.tenant(), "b");

  ReadResult none = ReadToEnd("c", Request(0));
  ASSERT_TRUE(none.status.ok());
  EXPECT_TRUE(none.events.empty());
}

TEST_F(EventFeedServiceTest, StartsAtFromPosition) {
  EXPECT_THAT(ReadToEnd("a", Request(5)).positions(), ElementsAre(5, 7, 9));
  EXPECT_THAT(ReadToEnd("a", Request(6)).positions(), ElementsAre(7, 9));
  EXPECT_TRUE(ReadToEnd("a", Request(11)).events.empty());
}

TEST_F(EventFeedServiceTest, HonoursMaxEvents) {
  EXPECT_THAT(ReadToEnd("a", Request(0, /*max_events=*/2)).positions(), ElementsAre(1, 3));
  EXPECT_THAT(ReadToEnd("a", Request(4, /*max_events=*/3)).positions(), ElementsAre(5, 7, 9));
  EXPECT_THAT(ReadToEnd("a", Request(0, /*max_events=*/1, /*follow=*/true)).positions(), ElementsAre(1));
}

TEST_F(EventFeedServiceTest, RefusesMaxEventsAboveTheBound) {
  ReadResult r = ReadToEnd("a", Request(0, kMaxEventsPerRead + 1));
  EXPECT_EQ(r.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(r.status.error_message(), HasSubstr("max_events"));
}

TEST_F(EventFeedServiceTest, FollowDeliversNewEventsUntilCancelled) {
  grpc::ClientContext ctx;
  SetCaller(ctx, "a");
  std::unique_ptr<grpc::ClientReader<EventEnvelope>> reader = stub_->ReadEvents(&ctx, Request(7, 0, true));
  EventEnvelope e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.global_position(), 7u);
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.global_position(), 9u);

  // Caught up: the stream stays open. Another tenant's event must not reach it; ours must.
  Append("b", "lead-b");
  uint64_t ours = Append("a", "lead-a2");
  ASSERT_TRUE(reader->Read(&e));  // blocks until delivered (or the 20 s deadline fails the test)
  EXPECT_EQ(e.global_position(), ours);
  EXPECT_EQ(e.tenant(), "a");
  EXPECT_EQ(e.aggregate_id(), "lead-a2");

  ctx.TryCancel();
  EXPECT_FALSE(reader->Read(&e));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(WaitForNoStreams()) << "the server kept the cancelled follow stream open";
}

TEST_F(EventFeedServiceTest, FollowEndsAtTheDeadline) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-sfa-tenant", "a");
  ctx.AddMetadata("x-sfa-user", "feed-test");
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(300)));
  std::unique_ptr<grpc::ClientReader<EventEnvelope>> reader = stub_->ReadEvents(&ctx, Request(9, 0, true));
  EventEnvelope e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_FALSE(reader->Read(&e));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_TRUE(WaitForNoStreams()) << "the server kept the expired follow stream open";
}

TEST_F(EventFeedServiceTest, ShutdownEndsFollowStreamsWithUnavailable) {
  grpc::ClientContext ctx;
  SetCaller(ctx, "b");
  std::unique_ptr<grpc::ClientReader<EventEnvelope>> reader = stub_->ReadEvents(&ctx, Request(10, 0, true));
  EventEnvelope e;
  ASSERT_TRUE(reader->Read(&e));
  EXPECT_EQ(e.global_position(), 10u);
  service_->Shutdown();
  EXPECT_FALSE(reader->Read(&e));
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ReadToEnd("b", Request(0)).status.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ValidateReadEventsRequestTest, BoundsMaxEvents) {
  EXPECT_TRUE(ValidateReadEventsRequest(Request(0, 0)).ok());
  EXPECT_TRUE(ValidateReadEventsRequest(Request(0, kMaxEventsPerRead)).ok());
  EXPECT_EQ(ValidateReadEventsRequest(Request(0, kMaxEventsPerRead + 1)).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sfa::server

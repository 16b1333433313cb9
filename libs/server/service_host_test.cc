#include "server/service_host.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/wrappers.pb.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/sync_stream.h>
#include <httplib.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sfa/common/v1/event_feed.grpc.pb.h"

namespace sfa::server {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

constexpr char kTopic[] = "sfa.hosttest.events.v1";
constexpr int kServing = 1;     // grpc.health.v1.HealthCheckResponse.SERVING
constexpr int kNotServing = 2;  // ... NOT_SERVING

// Polls `done` until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10)) {
  absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

// grpc++ serves grpc.health.v1.Health but installs no C++ client stubs. HealthCheckRequest
// {string service = 1} and HealthCheckResponse {enum status = 1} have the wire format of the well-known
// StringValue and Int32Value, so those stand in for them. Returns the status, or -1 when the call fails.
int HealthStatus(grpc::Channel* channel, const std::string& service) {
  google::protobuf::StringValue request;
  request.set_value(service);
  google::protobuf::Int32Value response;
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::internal::RpcMethod method("/grpc.health.v1.Health/Check", grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::Status status = grpc::internal::BlockingUnaryCall(channel, method, &ctx, request, &response);
  return status.ok() ? response.value() : -1;
}

// Asks grpc.reflection.v1alpha for the service list. The reflection plugin links the request and response
// messages into the generated pool; dynamic messages avoid a second, clashing copy of them.
std::vector<std::string> ReflectedServices(grpc::Channel* channel) {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  const google::protobuf::Descriptor* req_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest");
  const google::protobuf::Descriptor* resp_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse");
  if (req_type == nullptr || resp_type == nullptr) return {"<reflection messages not linked>"};
  google::protobuf::DynamicMessageFactory factory;
  std::unique_ptr<google::protobuf::Message> request(factory.GetPrototype(req_type)->New());
  request->GetReflection()->SetString(request.get(), req_type->FindFieldByName("list_services"), "*");

  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::internal::RpcMethod method("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                                   grpc::internal::RpcMethod::BIDI_STREAMING);
  std::unique_ptr<grpc::ClientReaderWriter<google::protobuf::Message, google::protobuf::Message>> stream(
      grpc::internal::ClientReaderWriterFactory<google::protobuf::Message, google::protobuf::Message>::Create(
          channel, method, &ctx));
  std::unique_ptr<google::protobuf::Message> response(factory.GetPrototype(resp_type)->New());
  if (!stream->Write(*request) || !stream->WritesDone() || !stream->Read(response.get())) return {};
  stream->Finish();

  const google::protobuf::Message& list =
      response->GetReflection()->GetMessage(*response, resp_type->FindFieldByName("list_services_response"));
  const google::protobuf::FieldDescriptor* services = list.GetDescriptor()->FindFieldByName("service");
  std::vector<std::string> names;
  for (int i = 0; i < list.GetReflection()->FieldSize(list, services); ++i) {
    const google::protobuf::Message& s = list.GetReflection()->GetRepeatedMessage(list, services, i);
    names.push_back(s.GetReflection()->GetString(s, s.GetDescriptor()->FindFieldByName("name")));
  }
  return names;
}

// HTTP status of GET `path` on the host's metrics port; -1 when nothing answers.
int HttpStatus(int port, const std::string& path, std::string* body = nullptr) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(2);
  httplib::Result result = client.Get(path.c_str());
  if (!result) return -1;
  if (body != nullptr) *body = result->body;
  return result->status;
}

class ServiceHostTest : public ::testing::Test {
 protected:
  ServerConfig Config(const std::string& brokers) const {
    ServerConfig config;
    config.service_name = "hosttest";
    config.listen_host = "127.0.0.1";
    config.grpc_port = 0;
    config.metrics_port = 0;
    config.data_dir = dir_.Sub("data");
    config.kafka_brokers = brokers;
    config.kafka_topic = kTopic;
    config.shutdown_grace = absl::Seconds(1);  // the relay waits this long for a down Kafka
    config.sync_writes = false;
    return config;
  }

  ServiceHostOptions Options() {
    ServiceHostOptions options;
    options.metrics = &metrics_;
    options.handle_signals = false;
    return options;
  }

  // A host whose Kafka is a closed port: startup must not depend on Kafka being up.
  std::unique_ptr<ServiceHost> StartHost(ServiceHostOptions options) {
    absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Create(Config("127.0.0.1:1"), std::move(options));
    EXPECT_TRUE(host.ok()) << host.status();
    if (!host.ok()) return nullptr;
    absl::Status started = (*host)->Start();
    EXPECT_TRUE(started.ok()) << started;
    return started.ok() ? *std::move(host) : nullptr;
  }

  std::shared_ptr<grpc::Channel> Channel(const ServiceHost& host) {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(host.grpc_port()), grpc::InsecureChannelCredentials());
  }

  eventstore::testing::TempDir dir_{"service-host-test"};
  base::MetricsRegistry metrics_;
};

TEST_F(ServiceHostTest, ServesHealthReflectionMetricsAndEventFeed) {
  std::unique_ptr<ServiceHost> host = StartHost(Options());
  ASSERT_NE(host, nullptr);
  ASSERT_NE(host->grpc_port(), 0);
  ASSERT_NE(host->metrics_port(), 0);
  std::shared_ptr<grpc::Channel> channel = Channel(*host);

  EXPECT_EQ(HealthStatus(channel.get(), ""), kServing);
  EXPECT_EQ(HealthStatus(channel.get(), "sfa.common.v1.EventFeed"), kServing);
  EXPECT_THAT(ReflectedServices(channel.get()), IsSupersetOf({"sfa.common.v1.EventFeed", "grpc.health.v1.Health",
                                                              "grpc.reflection.v1alpha.ServerReflection"}));

  EXPECT_EQ(HttpStatus(host->metrics_port(), "/healthz"), 200);
  EXPECT_EQ(HttpStatus(host->metrics_port(), "/readyz"), 200);
  std::string metrics;
  ASSERT_EQ(HttpStatus(host->metrics_port(), "/metrics", &metrics), 200);
  EXPECT_THAT(metrics, HasSubstr("sfa_rpc_requests_total{service=\"grpc.health.v1.Health\",method=\"Check\","
                                 "code=\"OK\"} 2"));
  EXPECT_THAT(metrics, HasSubstr("sfa_rpc_duration_seconds_count{service=\"grpc.health.v1.Health\","
                                 "method=\"Check\"} 2"));

  // Kafka is unreachable, yet commands commit and the feed serves them.
  absl::StatusOr<eventstore::AppendResult> appended = host->store()->Append(eventstore::testing::MakeAppend(
      {"acme", "lead", "l1"}, eventstore::kNoStream, {eventstore::testing::MakeEvent("test.LeadCreated", "x")}));
  ASSERT_TRUE(appended.ok()) << appended.status();
  auto feed = sfa::common::v1::EventFeed::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-sfa-tenant", "acme");
  ctx.AddMetadata("x-sfa-user", "tester");
  sfa::common::v1::ReadEventsRequest request;
  auto reader = feed->ReadEvents(&ctx, request);
  sfa::common::v1::EventEnvelope event;
  ASSERT_TRUE(reader->Read(&event));
  EXPECT_EQ(event.aggregate_id(), "l1");
  EXPECT_EQ(event.source(), "hosttest");
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_TRUE(reader->Finish().ok());
  ASSERT_TRUE(WaitFor([&] {
    std::string body;
    HttpStatus(host->metrics_port(), "/metrics", &body);
    return body.find(
               "sfa_rpc_requests_total{service=\"sfa.common.v1.EventFeed\",method=\"ReadEvents\","
               "code=\"OK\"} 1") != std::string::npos;
  })) << "the interceptor did not count the streaming call";

  host->Shutdown();
}

TEST_F(ServiceHostTest, CountsCancelledStreams) {
  std::unique_ptr<ServiceHost> host = StartHost(Options());
  ASSERT_NE(host, nullptr);
  ASSERT_TRUE(host->store()
                  ->Append(eventstore::testing::MakeAppend({"acme", "lead", "l1"}, eventstore::kNoStream,
                                                           {eventstore::testing::MakeEvent("test.LeadCreated", "x")}))
                  .ok());
  auto feed = sfa::common::v1::EventFeed::NewStub(Channel(*host));
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-sfa-tenant", "acme");
  ctx.AddMetadata("x-sfa-user", "tester");
  sfa::common::v1::ReadEventsRequest request;
  request.set_follow(true);
  auto reader = feed->ReadEvents(&ctx, request);
  sfa::common::v1::EventEnvelope event;
  ASSERT_TRUE(reader->Read(&event));  // the stream is running and now waits for more
  ctx.TryCancel();
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  EXPECT_TRUE(WaitFor([&] {
    std::string body;
    HttpStatus(host->metrics_port(), "/metrics", &body);
    return body.find(
               "sfa_rpc_requests_total{service=\"sfa.common.v1.EventFeed\",method=\"ReadEvents\","
               "code=\"CANCELLED\"} 1") != std::string::npos;
  })) << "the interceptor did not count the cancelled stream";
}

TEST_F(ServiceHostTest, ShutdownFailsReadinessFirstThenClosesEverything) {
  ServiceHostOptions options = Options();
  options.drain_delay = absl::Minutes(5);  // cut short below by a second Shutdown()
  std::unique_ptr<ServiceHost> host = StartHost(std::move(options));
  ASSERT_NE(host, nullptr);
  std::shared_ptr<grpc::Channel> channel = Channel(*host);
  int metrics_port = host->metrics_port();
  ASSERT_EQ(HttpStatus(metrics_port, "/readyz"), 200);
  ASSERT_EQ(HealthStatus(channel.get(), ""), kServing);

  std::atomic<bool> first_returned{false};
  std::thread first([&] {
    host->Shutdown();
    first_returned = true;
  });
  // Draining: still live and still answering gRPC, but no longer ready.
  EXPECT_TRUE(WaitFor([&] { return HttpStatus(metrics_port, "/readyz") == 503; }));
  EXPECT_EQ(HttpStatus(metrics_port, "/healthz"), 200);
  EXPECT_EQ(HealthStatus(channel.get(), ""), kNotServing);
  EXPECT_EQ(HealthStatus(channel.get(), "sfa.common.v1.EventFeed"), kNotServing);
  EXPECT_FALSE(first_returned.load());

  host->Shutdown();  // a second request skips the rest of the drain and waits for the end
  first.join();
  EXPECT_TRUE(first_returned.load());
  EXPECT_EQ(host->store(), nullptr);
  EXPECT_EQ(host->grpc_server(), nullptr);
  EXPECT_EQ(HttpStatus(metrics_port, "/healthz"), -1);
  EXPECT_EQ(HealthStatus(channel.get(), ""), -1);

  // The store was closed cleanly: it opens again with the data intact.
  eventstore::EventStoreOptions reopen;
  reopen.path = Config("127.0.0.1:1").data_dir;
  reopen.metrics = &metrics_;
  EXPECT_TRUE(eventstore::EventStore::Open(reopen).ok());
}

TEST_F(ServiceHostTest, RunReturnsAfterShutdown) {
  std::unique_ptr<ServiceHost> host = StartHost(Options());
  ASSERT_NE(host, nullptr);
  std::atomic<int> exit_code{-1};
  std::thread runner([&] { exit_code = host->Run(); });
  host->Shutdown();
  runner.join();
  EXPECT_EQ(exit_code.load(), 0);
  EXPECT_FALSE(host->ready());
}

TEST_F(ServiceHostTest, SigtermEndsRunGracefully) {
  // A fresh process (re-executed for this test only), so that no thread predates the blocked mask.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ServiceHostOptions options = Options();
        options.handle_signals = true;
        absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Create(Config("127.0.0.1:1"), options);
        if (!host.ok() || !(*host)->Start().ok()) std::exit(3);
        kill(getpid(), SIGTERM);
        int code = (*host)->Run();
        std::exit(code == 0 && (*host)->store() == nullptr ? 0 : 4);
      },
      ::testing::ExitedWithCode(0), "reason=SIGTERM(.|\n)*shutdown complete");
}

TEST_F(ServiceHostTest, RefusesUnknownServiceNames) {
  absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Create(Config("127.0.0.1:1"), Options());
  ASSERT_TRUE(host.ok()) << host.status();
  EventFeedService stray((*host)->store());
  (*host)->AddService("sfa.nope.v1.Nope", &stray);
  absl::Status started = (*host)->Start();
  EXPECT_EQ(started.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(started.message(), HasSubstr("sfa.nope.v1.Nope"));
}

TEST_F(ServiceHostTest, RefusesTakenPorts) {
  std::unique_ptr<ServiceHost> first = StartHost(Options());
  ASSERT_NE(first, nullptr);
  ServerConfig config = Config("127.0.0.1:1");
  config.data_dir = dir_.Sub("other");
  config.metrics_port = first->metrics_port();
  EXPECT_EQ(ServiceHost::Create(config, Options()).status().code(), absl::StatusCode::kUnavailable);

  config.metrics_port = 0;
  config.grpc_port = first->grpc_port();
  absl::StatusOr<std::unique_ptr<ServiceHost>> second = ServiceHost::Create(config, Options());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ((*second)->Start().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sfa::server

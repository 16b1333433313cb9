#include "server/service_host.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/log.h"
#include "messaging/inbox.h"
#include "server/metrics_interceptor.h"

namespace sfa::server {
namespace {

// "::" -> "[::]:50051"; grpc wants IPv6 literals bracketed.
std::string ListenAddress(const std::string& host, int port) {
  bool bare_ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return bare_ipv6 ? absl::StrCat("[", host, "]:", port) : absl::StrCat(host, ":", port);
}

}  // namespace

ServiceHost::ServiceHost(ServerConfig config, ServiceHostOptions options)
    : config_(std::move(config)), options_(std::move(options)) {}

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Create(ServerConfig config, ServiceHostOptions options) {
  base::SetLogLevel(config.log_level);
  std::unique_ptr<ServiceHost> host(new ServiceHost(std::move(config), std::move(options)));
  const std::string& service = host->config_.service_name;
  // Every service exposes the same metric families, whether or not it has Kafka-fed read models or an
  // inbox (dashboards and alerts need not know which service is which).
  messaging::DeclareProjectionRunnerMetrics(*host->options_.metrics);
  messaging::DeclareInboxMetrics(*host->options_.metrics);
  if (host->options_.handle_signals) {
    // Before any thread starts, so every thread inherits the blocked mask.
    absl::StatusOr<std::unique_ptr<ShutdownSignalWatcher>> signals = ShutdownSignalWatcher::Start(
        [h = host.get()](int signo) { h->RequestShutdown(signo == SIGTERM ? "SIGTERM" : "SIGINT"); });
    if (!signals.ok()) return signals.status();
    host->signals_ = *std::move(signals);
  }
  // HTTP first: /healthz answers while the store opens (a projection rebuild may take a while), and a
  // taken port fails before anything touches the data directory.
  absl::StatusOr<std::unique_ptr<HttpEndpoint>> http = HttpEndpoint::Start(
      {.host = host->config_.listen_host, .port = host->config_.metrics_port, .metrics = host->options_.metrics});
  if (!http.ok()) return http.status();
  host->http_ = *std::move(http);
  base::LogInfo("http endpoint listening", {{"service", service}, {"port", host->http_->port()}});
  if (absl::Status s = host->OpenStore(); !s.ok()) return s;
  return host;
}

ServiceHost::~ServiceHost() {
  {
    absl::MutexLock lock(&mu_);
    hurry_ = true;
  }
  RequestShutdown("host destroyed");
  std::call_once(stop_once_, [this] { StopAll(); });
}

void ServiceHost::AddService(std::string name, grpc::Service* service) {
  options_.services.push_back({std::move(name), service});
}

absl::Status ServiceHost::OpenStore() {
  eventstore::EventStoreOptions store_options = options_.store;
  store_options.path = config_.data_dir;
  store_options.service = config_.service_name;
  store_options.sync = config_.sync_writes;
  store_options.metrics = options_.metrics;
  absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store = eventstore::EventStore::Open(store_options);
  if (!store.ok()) {
    return absl::Status(store.status().code(),
                        absl::StrCat("opening the event store in ", config_.data_dir, ": ", store.status().message()));
  }
  store_ = *std::move(store);
  base::LogInfo("event store opened", {{"service", config_.service_name},
                                       {"path", config_.data_dir},
                                       {"head_position", store_->HeadPosition()},
                                       {"sync", config_.sync_writes ? "true" : "false"},
                                       {"took", absl::FormatDuration(absl::Now() - start)}});
  return absl::OkStatus();
}

absl::Status ServiceHost::Start() {
  if (started_) return absl::FailedPreconditionError("ServiceHost::Start called twice");
  started_ = true;
  if (absl::Status s = StartMessaging(); !s.ok()) return s;
  if (absl::Status s = StartGrpc(); !s.ok()) return s;
  http_->SetReady(true);
  base::LogInfo("service ready",
                {{"service", config_.service_name}, {"grpc_port", grpc_port_}, {"metrics_port", http_->port()}});
  return absl::OkStatus();
}

absl::Status ServiceHost::StartMessaging() {
  messaging::OutboxRelayOptions relay_options;
  relay_options.brokers = config_.kafka_brokers;
  relay_options.topic = config_.kafka_topic;
  relay_options.source = absl::StrCat("/sfa/", config_.service_name);
  relay_options.producer_config = options_.producer_config;
  relay_options.metrics = options_.metrics;
  absl::StatusOr<std::unique_ptr<messaging::OutboxRelay>> relay =
      messaging::OutboxRelay::Start(store_.get(), relay_options);
  if (!relay.ok()) return relay.status();
  relay_ = *std::move(relay);
  base::LogInfo(
      "outbox relay started",
      {{"service", config_.service_name}, {"topic", config_.kafka_topic}, {"brokers", config_.kafka_brokers}});
  if (!options_.projection_runner.has_value()) return absl::OkStatus();

  messaging::ProjectionRunnerOptions runner_options = *options_.projection_runner;
  if (runner_options.brokers.empty()) runner_options.brokers = config_.kafka_brokers;
  runner_options.metrics = options_.metrics;
  absl::StatusOr<std::unique_ptr<messaging::ProjectionRunner>> runner =
      messaging::ProjectionRunner::Start(store_.get(), runner_options);
  if (!runner.ok()) return runner.status();
  runner_ = *std::move(runner);
  base::LogInfo("projection runner started", {{"service", config_.service_name},
                                              {"topics", absl::StrJoin(runner_options.topics, ",")},
                                              {"replica", runner_options.replica_ordinal}});
  return absl::OkStatus();
}

absl::Status ServiceHost::StartGrpc() {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const HostedService& hosted : options_.services) {
    if (hosted.service == nullptr || pool->FindServiceByName(hosted.name) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("hosted service \"", hosted.name, "\" is null or not a gRPC service linked into this binary"));
    }
  }
  event_feed_ = std::make_unique<EventFeedService>(store_.get(), options_.event_feed);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::string address = ListenAddress(config_.listen_host, config_.grpc_port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &grpc_port_);
  builder.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams_per_connection);
  // gRPC binds with SO_REUSEPORT by default: a second instance would share the port silently.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (const HostedService& hosted : options_.services) builder.RegisterService(hosted.service);
  builder.RegisterService(event_feed_.get());
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<MetricsInterceptorFactory>(*options_.metrics, config_.log_requests));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat("cannot start the gRPC server on ", address));
  }
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  health->SetServingStatus(sfa::common::v1::EventFeed::service_full_name(), true);
  std::vector<std::string> names = {sfa::common::v1::EventFeed::service_full_name()};
  for (const HostedService& hosted : options_.services) {
    health->SetServingStatus(hosted.name, true);
    names.push_back(hosted.name);
  }
  base::LogInfo("grpc server listening", {{"service", config_.service_name},
                                          {"address", ListenAddress(config_.listen_host, grpc_port_)},
                                          {"services", absl::StrJoin(names, ",")}});
  return absl::OkStatus();
}

int ServiceHost::Run() {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(&shutdown_requested_));
  }
  std::call_once(stop_once_, [this] { StopAll(); });
  return 0;
}

void ServiceHost::Shutdown() {
  RequestShutdown("Shutdown()");
  std::call_once(stop_once_, [this] { StopAll(); });
}

void ServiceHost::RequestShutdown(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  if (shutdown_requested_) {
    hurry_ = true;
    return;
  }
  shutdown_requested_ = true;
  shutdown_reason_ = std::string(reason);
}

void ServiceHost::StopAll() {
  absl::Time start = absl::Now();
  std::string reason;
  {
    absl::MutexLock lock(&mu_);
    reason = shutdown_reason_;
  }
  base::LogInfo("shutdown started", {{"service", config_.service_name}, {"reason", reason}});
  DrainAndStopGrpc();
  for (auto hook = stop_hooks_.rbegin(); hook != stop_hooks_.rend(); ++hook) (*hook)();
  StopMessagingAndStore();
  if (http_ != nullptr) {
    http_->Stop();
    base::LogInfo("http endpoint stopped", {{"service", config_.service_name}});
  }
  signals_.reset();
  base::LogInfo("shutdown complete",
                {{"service", config_.service_name}, {"took", absl::FormatDuration(absl::Now() - start)}});
}

void ServiceHost::DrainAndStopGrpc() {
  if (http_ != nullptr) http_->SetReady(false);
  if (server_ == nullptr) return;
  // Health reports NOT_SERVING from here on, whatever a service sets later.
  server_->GetHealthCheckService()->Shutdown();
  if (options_.drain_delay > absl::ZeroDuration()) {
    base::LogInfo("draining",
                  {{"service", config_.service_name}, {"delay", absl::FormatDuration(options_.drain_delay)}});
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&hurry_), options_.drain_delay);
  }
  event_feed_->Shutdown();
  server_->Shutdown(absl::ToChronoTime(absl::Now() + config_.shutdown_grace));
  server_.reset();
  event_feed_.reset();
  base::LogInfo("grpc server stopped", {{"service", config_.service_name}});
}

void ServiceHost::AddStopHook(std::function<void()> stop) { stop_hooks_.push_back(std::move(stop)); }

void ServiceHost::StopMessagingAndStore() {
  if (runner_ != nullptr) {
    runner_->Stop();
    base::LogInfo("projection runner stopped", {{"service", config_.service_name}, {"lag", runner_->lag()}});
    runner_.reset();
  }
  if (relay_ != nullptr) {
    relay_->Stop(config_.shutdown_grace);
    base::LogInfo("outbox relay stopped", {{"service", config_.service_name},
                                           {"delivered_position", relay_->delivered_position()},
                                           {"pending", relay_->pending()}});
    relay_.reset();
  }
  if (store_ != nullptr) {
    store_.reset();
    base::LogInfo("event store closed", {{"service", config_.service_name}});
  }
}

}  // namespace sfa::server

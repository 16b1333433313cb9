#ifndef SFA_LIBS_SERVER_SERVICE_HOST_H_
#define SFA_LIBS_SERVER_SERVICE_HOST_H_

// Everything a service process runs besides its domain: the event store, the outbox relay to Kafka, an
// optional Kafka projection runner, the gRPC server (EventFeed, health, reflection, metrics interceptor)
// and the HTTP endpoint, started in dependency order and stopped gracefully on SIGTERM/SIGINT.
//
//   auto host = OrExit("lead", ServiceHost::Create(config, options));   // store open, /healthz up
//   LeadServiceImpl lead(host->store());
//   host->AddService(sfa::lead::v1::LeadService::service_full_name(), &lead);
//   OrExit("lead", host->Start());                                      // relay, gRPC, ready
//   return host->Run();                                                 // until SIGTERM
//
// Shutdown order: /readyz 503 and health NOT_SERVING; the optional drain delay; EventFeed streams end and
// gRPC stops accepting, in-flight calls get shutdown_grace to finish; the projection runner stops; the
// outbox relay flushes for up to shutdown_grace and persists its cursor; the store closes; HTTP stops.

#include <grpcpp/server.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/metrics.h"
#include "eventstore/event_store.h"
#include "messaging/outbox_relay.h"
#include "messaging/projection_runner.h"
#include "server/config.h"
#include "server/event_feed_service.h"
#include "server/http_endpoint.h"
#include "server/signals.h"

namespace sfa::server {

// A domain gRPC service and its full proto name ("sfa.lead.v1.LeadService"), under which its health
// status is reported. grpc::Service does not expose its own name, hence the pair.
struct HostedService {
  std::string name;
  grpc::Service* service;  // not owned; must outlive the host's Run()/Shutdown()
};

struct ServiceHostOptions {
  // Projections, extra column families, request TTL, clock, ids... The host sets path (the config's
  // data_dir), service, sync (sync_writes) and metrics.
  eventstore::EventStoreOptions store;
  // Kafka-fed read models. Empty brokers default to the config's; metrics to `metrics`.
  std::optional<messaging::ProjectionRunnerOptions> projection_runner;
  // Extra librdkafka producer properties for the outbox relay (security settings, ...).
  std::map<std::string, std::string> producer_config;
  std::vector<HostedService> services;  // more may be added with AddService() before Start()
  EventFeedOptions event_feed;
  base::MetricsRegistry* metrics = &base::MetricsRegistry::Default();
  int max_receive_message_bytes = 4 << 20;
  int max_concurrent_streams_per_connection = 256;
  // Time between failing readiness and closing the gRPC listener, so load balancers (Kubernetes
  // endpoints) stop routing here first. A second signal or Shutdown() cuts it short.
  absl::Duration drain_delay = absl::ZeroDuration();
  // Take SIGTERM/SIGINT as shutdown requests. Tests turn it off and call Shutdown().
  bool handle_signals = true;
};

class ServiceHost {
 public:
  // Sets the log level, starts watching signals, starts the HTTP endpoint (live, not ready) and opens the
  // event store (which may rebuild projections first).
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Create(ServerConfig config, ServiceHostOptions options);
  ~ServiceHost();  // Shutdown(), hurried past any drain delay

  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  // Before Start() only.
  void AddService(std::string name, grpc::Service* service);

  // Work the service runs beside its RPCs on the store (an inbox worker) is stopped by `stop` during
  // shutdown: after gRPC has stopped, before the projection runner and the store. Hooks run in reverse
  // order of registration. Before Start() only.
  void AddStopHook(std::function<void()> stop);

  // Starts the outbox relay, the projection runner and the gRPC server, then reports ready.
  absl::Status Start();

  // Blocks until SIGTERM/SIGINT or Shutdown(), then shuts down gracefully. Returns the exit code.
  int Run();

  // Does what a signal does, and returns once the shutdown has finished. Safe from any thread and more
  // than once; a second request while draining cuts the drain delay short.
  void Shutdown();

  eventstore::EventStore* store() const { return store_.get(); }
  const ServerConfig& config() const { return config_; }
  int grpc_port() const { return grpc_port_; }  // bound port; 0 before Start()
  int metrics_port() const { return http_ ? http_->port() : 0; }
  bool ready() const { return http_ && http_->ready(); }
  // For in-process channels in tests; nullptr outside Start()..Shutdown().
  grpc::Server* grpc_server() const { return server_.get(); }

 private:
  ServiceHost(ServerConfig config, ServiceHostOptions options);

  absl::Status OpenStore();
  absl::Status StartMessaging();
  absl::Status StartGrpc();
  void RequestShutdown(absl::string_view reason);
  void StopAll();
  void DrainAndStopGrpc();
  void StopMessagingAndStore();

  const ServerConfig config_;
  ServiceHostOptions options_;

  absl::Mutex mu_;
  bool shutdown_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool hurry_ ABSL_GUARDED_BY(mu_) = false;  // a second request: skip the drain delay
  std::string shutdown_reason_ ABSL_GUARDED_BY(mu_);
  std::once_flag stop_once_;
  std::vector<std::function<void()>> stop_hooks_;
  bool started_ = false;

  std::unique_ptr<ShutdownSignalWatcher> signals_;
  std::unique_ptr<HttpEndpoint> http_;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<messaging::OutboxRelay> relay_;
  std::unique_ptr<messaging::ProjectionRunner> runner_;
  std::unique_ptr<EventFeedService> event_feed_;
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
};

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_SERVICE_HOST_H_

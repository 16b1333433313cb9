#include "server/http_endpoint.h"

#include <httplib.h>
#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sfa::server {
namespace {

constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr int kWorkerThreads = 2;  // scrapes and probes are rare and cheap

}  // namespace

absl::StatusOr<std::unique_ptr<HttpEndpoint>> HttpEndpoint::Start(HttpEndpointOptions options) {
  auto server = std::make_unique<httplib::Server>();
  server->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  // httplib's default adds SO_REUSEPORT, which lets a second process bind the same port and take half
  // the probes; a taken port must fail startup instead.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  int port = options.port;
  if (port == 0) {
    port = server->bind_to_any_port(options.host);
  } else if (!server->bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat("cannot bind the HTTP endpoint to ", options.host, ":", options.port));
  }
  std::unique_ptr<HttpEndpoint> endpoint(new HttpEndpoint(std::move(server), port));
  HttpEndpoint* self = endpoint.get();
  base::MetricsRegistry* metrics = options.metrics;
  self->server_->Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics->Serialize(), kMetricsContentType);
  });
  self->server_->Get("/healthz",
                     [](const httplib::Request&, httplib::Response& res) { res.set_content("ok\n", "text/plain"); });
  self->server_->Get("/readyz", [self](const httplib::Request&, httplib::Response& res) {
    bool ready = self->ready();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "ready\n" : "not ready\n", "text/plain");
  });
  self->thread_ = std::thread([self] {
    self->server_->listen_after_bind();
    self->listening_done_.store(true);
  });
  return endpoint;
}

HttpEndpoint::HttpEndpoint(std::unique_ptr<httplib::Server> server, int port)
    : server_(std::move(server)), port_(port) {}

HttpEndpoint::~HttpEndpoint() { Stop(); }

void HttpEndpoint::Stop() {
  if (!thread_.joinable()) return;
  // httplib's stop() does nothing until the listen loop has started, so a Stop() right after Start()
  // must wait for it; the loop starts within microseconds.
  absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (!server_->is_running() && !listening_done_.load() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(1));
  }
  server_->stop();
  thread_.join();
}

}  // namespace sfa::server

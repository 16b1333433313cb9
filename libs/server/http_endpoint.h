#ifndef SFA_LIBS_SERVER_HTTP_ENDPOINT_H_
#define SFA_LIBS_SERVER_HTTP_ENDPOINT_H_

// The operational HTTP port, on its own thread:
//   /metrics  Prometheus text format (version 0.0.4) of a MetricsRegistry
//   /healthz  200 while the process runs (liveness)
//   /readyz   200 only while the service is serving, else 503 (readiness: starting or draining)

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "base/metrics.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace sfa::server {

struct HttpEndpointOptions {
  std::string host = "0.0.0.0";
  int port = 0;  // 0 binds any free port; see HttpEndpoint::port()
  base::MetricsRegistry* metrics = &base::MetricsRegistry::Default();
};

class HttpEndpoint {
 public:
  // Binds (failing fast when the port is taken) and starts serving. Not ready until SetReady(true).
  static absl::StatusOr<std::unique_ptr<HttpEndpoint>> Start(HttpEndpointOptions options);
  ~HttpEndpoint();  // Stop()

  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  void SetReady(bool ready) { ready_.store(ready); }
  bool ready() const { return ready_.load(); }
  // The bound port.
  int port() const { return port_; }
  // Closes the listener and joins the thread. Idempotent.
  void Stop();

 private:
  HttpEndpoint(std::unique_ptr<httplib::Server> server, int port);

  std::unique_ptr<httplib::Server> server_;
  int port_;
  std::atomic<bool> ready_{false};
  std::atomic<bool> listening_done_{false};
  std::thread thread_;
};

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_HTTP_ENDPOINT_H_

#ifndef SFA_LIBS_SERVER_METRICS_INTERCEPTOR_H_
#define SFA_LIBS_SERVER_METRICS_INTERCEPTOR_H_

// A gRPC server interceptor that counts every call by service, method and status code and times it:
//   sfa_rpc_requests_total{service,method,code}   code is the gRPC name, e.g. "OK", "INVALID_ARGUMENT"
//   sfa_rpc_duration_seconds{service,method}      from the call's arrival to its status being sent
// and, when asked (--log_requests; off by default), logs one info line per call.

#include <grpcpp/support/server_interceptor.h>

#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "base/metrics.h"

namespace sfa::server {

struct RpcMetrics {
  explicit RpcMetrics(base::MetricsRegistry& registry);
  base::Family<base::Counter>& requests;
  base::Family<base::Histogram>& duration;
};

// "/sfa.lead.v1.LeadService/CreateLead" -> {"sfa.lead.v1.LeadService", "CreateLead"}.
std::pair<std::string, std::string> SplitFullMethod(absl::string_view full_method);

class MetricsInterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // The registry must outlive every server built with this factory.
  explicit MetricsInterceptorFactory(base::MetricsRegistry& registry, bool log_requests = false)
      : metrics_(registry), log_requests_(log_requests) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override;

 private:
  RpcMetrics metrics_;
  bool log_requests_;
};

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_METRICS_INTERCEPTOR_H_

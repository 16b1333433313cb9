#include "server/metrics_interceptor.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/grpc_status.h"

namespace sfa::server {
namespace {

using grpc::experimental::InterceptionHookPoints;

// One per call; gRPC deletes it when the call ends.
class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(const RpcMetrics& metrics, std::pair<std::string, std::string> method, bool log)
      : metrics_(metrics),
        log_(log),
        service_(std::move(method.first)),
        method_(std::move(method.second)),
        // The factory runs when the call is matched, just before POST_RECV_INITIAL_METADATA: the earliest
        // moment a server interceptor can see.
        start_(absl::Now()) {}

  // A call that ends without the server sending a status was cancelled underneath it (client gone,
  // deadline); count it rather than lose it.
  ~MetricsInterceptor() override {
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (log_ && methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      if (auto it = metadata->find("x-sfa-tenant"); it != metadata->end()) {
        tenant_.assign(it->second.data(), it->second.size());
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    metrics_.requests.WithLabels({service_, method_, std::string(GrpcCodeName(code))}).Inc();
    const absl::Duration took = absl::Now() - start_;
    metrics_.duration.WithLabels({service_, method_}).Observe(absl::ToDoubleSeconds(took));
    if (log_) {
      base::LogInfo("rpc", {{"method", absl::StrCat(service_, "/", method_)},
                            {"code", std::string(GrpcCodeName(code))},
                            {"ms", absl::StrCat(absl::ToDoubleMilliseconds(took))},
                            {"tenant", tenant_}});
    }
  }

  const RpcMetrics& metrics_;
  const bool log_;
  std::string tenant_;
  std::string service_;
  std::string method_;
  absl::Time start_;
  bool recorded_ = false;
};

}  // namespace

RpcMetrics::RpcMetrics(base::MetricsRegistry& registry)
    : requests(registry.AddCounter("sfa_rpc_requests_total", "gRPC calls handled, by final status code",
                                   {"service", "method", "code"})),
      duration(registry.AddHistogram("sfa_rpc_duration_seconds",
                                     "gRPC call duration from arrival to status sent (whole stream for streams)",
                                     {"service", "method"})) {}

std::pair<std::string, std::string> SplitFullMethod(absl::string_view full_method) {
  absl::ConsumePrefix(&full_method, "/");
  size_t slash = full_method.rfind('/');
  if (slash == absl::string_view::npos) return {"unknown", std::string(full_method)};
  return {std::string(full_method.substr(0, slash)), std::string(full_method.substr(slash + 1))};
}

grpc::experimental::Interceptor* MetricsInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  const char* method = info->method();
  return new MetricsInterceptor(metrics_, SplitFullMethod(method != nullptr ? method : "/unknown/unknown"),
                                log_requests_);
}

}  // namespace sfa::server

#ifndef SFA_LIBS_SERVER_UNARY_CALL_H_
#define SFA_LIBS_SERVER_UNARY_CALL_H_

// How every service answers a unary callback RPC: the principal from the call metadata (UNAUTHENTICATED
// without one), the request's shape check, then the handler, which replies exactly once, possibly later
// and on another thread; the reply is mapped to a grpc::Status. CallTracker lets a service's destructor
// wait for the calls it accepted.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/grpc_status.h"
#include "server/principal.h"

namespace sfa::server {

template <typename Response>
using Reply = std::function<void(absl::StatusOr<Response>)>;

class CallTracker {
 public:
  void Started() {
    absl::MutexLock lock(&mu_);
    ++in_flight_;
  }
  void Finished() {
    absl::MutexLock lock(&mu_);
    --in_flight_;
  }
  // Blocks until every started call finished.
  void WaitIdle() {
    absl::MutexLock lock(&mu_);
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
    mu_.Await(absl::Condition(&idle));
  }

 private:
  absl::Mutex mu_;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

// `validate(request)` returns absl::Status; `handler(principal, request, reply)`.
template <typename Request, typename Response, typename Validate, typename Handler>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context, const Request* request, Response* response,
                                     CallTracker& calls, Validate validate, Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  calls.Started();
  Reply<Response> finish = [&calls, reactor, response](absl::StatusOr<Response> result) {
    if (result.ok()) *response = *std::move(result);
    reactor->Finish(ToGrpcStatus(result.status()));
    calls.Finished();
  };
  absl::StatusOr<Principal> principal = PrincipalFromContext(context);
  if (!principal.ok()) {
    finish(principal.status());
    return reactor;
  }
  if (absl::Status valid = validate(*request); !valid.ok()) {
    finish(valid);
    return reactor;
  }
  handler(*principal, *request, std::move(finish));
  return reactor;
}

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_UNARY_CALL_H_

#ifndef SFA_LIBS_SERVER_GRPC_STATUS_H_
#define SFA_LIBS_SERVER_GRPC_STATUS_H_

// The one mapping between absl::Status (used below the RPC layer) and grpc::Status (on the wire).
// Both enumerations number their codes identically (the canonical google.rpc.Code), so the mapping keeps
// code and message; a code outside that set becomes UNKNOWN rather than an undefined enum value.

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace sfa::server {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// "OK", "INVALID_ARGUMENT", ...; "UNKNOWN" for codes outside the canonical set. Used as a metric label.
absl::string_view GrpcCodeName(grpc::StatusCode code);

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_GRPC_STATUS_H_

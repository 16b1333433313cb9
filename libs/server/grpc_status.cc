#include "server/grpc_status.h"

#include <string>

namespace sfa::server {
namespace {

// Highest canonical code (UNAUTHENTICATED = 16) in both enumerations.
constexpr int kMaxCanonicalCode = 16;

bool IsCanonical(int code) { return code >= 0 && code <= kMaxCanonicalCode; }

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  int code = static_cast<int>(status.code());
  grpc::StatusCode grpc_code = IsCanonical(code) ? static_cast<grpc::StatusCode>(code) : grpc::StatusCode::UNKNOWN;
  return grpc::Status(grpc_code, std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  int code = static_cast<int>(status.error_code());
  absl::StatusCode absl_code = IsCanonical(code) ? static_cast<absl::StatusCode>(code) : absl::StatusCode::kUnknown;
  return absl::Status(absl_code, status.error_message());
}

absl::string_view GrpcCodeName(grpc::StatusCode code) {
  // Indexed by code number, as in grpc/impl/codegen/status.h.
  static constexpr absl::string_view kNames[kMaxCanonicalCode + 1] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  int n = static_cast<int>(code);
  return IsCanonical(n) ? kNames[n] : "UNKNOWN";
}

}  // namespace sfa::server

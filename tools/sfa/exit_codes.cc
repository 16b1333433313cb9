#include "tools/sfa/exit_codes.h"

#include "absl/strings/str_cat.h"

namespace sfa::tools::cli {
namespace {

// Highest canonical code (UNAUTHENTICATED = 16).
constexpr int kMaxCanonicalCode = 16;

bool IsCanonical(int code) { return code >= 0 && code <= kMaxCanonicalCode; }

}  // namespace

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 3;
    case grpc::StatusCode::NOT_FOUND:
      return 4;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 5;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 6;
    case grpc::StatusCode::ABORTED:
      return 7;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 8;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 9;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 10;
    case grpc::StatusCode::UNAVAILABLE:
      return 11;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 12;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 13;
    default:  // CANCELLED, UNKNOWN, INTERNAL, DATA_LOSS, anything new
      return kExitFailure;
  }
}

absl::string_view StatusCodeName(grpc::StatusCode code) {
  // Indexed by code number, as in grpcpp/support/status_code_enum.h.
  static constexpr absl::string_view kNames[kMaxCanonicalCode + 1] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  const int n = static_cast<int>(code);
  return IsCanonical(n) ? kNames[n] : "UNKNOWN";
}

std::string ErrorLine(grpc::StatusCode code, absl::string_view message, absl::string_view fallback) {
  return absl::StrCat("sfa: ", StatusCodeName(code), ": ", message.empty() ? fallback : message);
}

std::string UsageLine(absl::string_view message) { return absl::StrCat("sfa: USAGE: ", message); }

const std::vector<ExitCodeRow>& ExitCodeTable() {
  static const std::vector<ExitCodeRow> kTable = {
      {0, "OK", "done"},
      {1, "CANCELLED, UNKNOWN, INTERNAL, DATA_LOSS", "the service or the CLI failed; see the message"},
      {2, "(none: nothing was sent)", "bad flags or arguments; see --help"},
      {3, "INVALID_ARGUMENT, OUT_OF_RANGE", "the service refused a field; the message names it"},
      {4, "NOT_FOUND", "no such record in this tenant"},
      {5, "ALREADY_EXISTS", "the id is taken"},
      {6, "FAILED_PRECONDITION", "a business rule refused it; the message starts with the rule"},
      {7, "ABORTED", "version conflict: read again and retry"},
      {8, "UNAUTHENTICATED", "tenant or user missing or malformed (--tenant, --user)"},
      {9, "PERMISSION_DENIED", "the user or roles may not do this (--roles)"},
      {10, "RESOURCE_EXHAUSTED", "a size limit was hit"},
      {11, "UNAVAILABLE", "service not reachable or shutting down: check the target, retry"},
      {12, "DEADLINE_EXCEEDED", "no answer within --deadline; it may have been applied: retry with --request-id"},
      {13, "UNIMPLEMENTED", "the service does not offer this call yet"},
  };
  return kTable;
}

}  // namespace sfa::tools::cli

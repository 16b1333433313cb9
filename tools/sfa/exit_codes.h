#ifndef SFA_TOOLS_SFA_EXIT_CODES_H_
#define SFA_TOOLS_SFA_EXIT_CODES_H_

// The one mapping from a call's outcome to the CLI's exit code and its stderr line, so that a script can
// branch on "not found" or "try again" without parsing messages. README.md prints the same table.

#include <grpcpp/support/status.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace sfa::tools::cli {

inline constexpr int kExitOk = 0;
// CANCELLED, UNKNOWN, INTERNAL, DATA_LOSS, and failures of the CLI itself (e.g. JSON printing).
inline constexpr int kExitFailure = 1;
// Bad flags or arguments, found before anything was sent (CLI11 and the CLI's own checks).
inline constexpr int kExitUsage = 2;

// The exit code for a gRPC status: kExitOk for OK, one code per kind of failure otherwise.
int ExitCodeFor(grpc::StatusCode code);

// "NOT_FOUND"; "UNKNOWN" for a code outside the canonical set.
absl::string_view StatusCodeName(grpc::StatusCode code);

// "sfa: NOT_FOUND: opportunity deal-9 not found": the stderr line of a failed call. An empty message
// (the generated UNIMPLEMENTED default has none) is replaced by `fallback`.
std::string ErrorLine(grpc::StatusCode code, absl::string_view message, absl::string_view fallback = "");

// "sfa: USAGE: ..." for kExitUsage.
std::string UsageLine(absl::string_view message);

// One row of the documented table: the exit code, the statuses that map to it, what a script should do.
struct ExitCodeRow {
  int exit_code;
  std::string statuses;
  std::string meaning;
};
const std::vector<ExitCodeRow>& ExitCodeTable();

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_EXIT_CODES_H_

#ifndef SFA_TOOLS_MAVENTECH_IMPORT_RETRY_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_RETRY_H_

// Which gRPC errors the importer resends and how long it waits first. Resending is safe because every
// request carries a request id derived from the data: the service answers a seen one with its first
// result.

#include <grpcpp/support/status.h>

#include "absl/time/time.h"

namespace sfa::tools::maventech {

struct RetryPolicy {
  int max_attempts = 8;  // the first send included
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// ABORTED (a version conflict), UNAVAILABLE (not reachable, starting or stopping) and DEADLINE_EXCEEDED
// (the request may or may not have been applied; the request id makes the resend harmless).
bool IsRetryable(grpc::StatusCode code);

// Errors after which no other request can succeed either, so the import stops: UNAUTHENTICATED,
// PERMISSION_DENIED, UNIMPLEMENTED, and UNAVAILABLE once its retries are spent.
bool StopsImport(grpc::StatusCode code);

// The wait after failed attempt `attempt` (1-based): initial_backoff * 2^(attempt-1), at most max_backoff,
// times `jitter` (the caller draws it from [0.5, 1] so that concurrent senders spread out).
absl::Duration Backoff(const RetryPolicy& policy, int attempt, double jitter);

// "UNAVAILABLE".
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_RETRY_H_

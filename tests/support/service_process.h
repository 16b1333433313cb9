#ifndef SFA_TESTS_SUPPORT_SERVICE_PROCESS_H_
#define SFA_TESTS_SUPPORT_SERVICE_PROCESS_H_

// Runs a service binary as a child process for end-to-end tests: free loopback ports, readiness by
// polling its /readyz, and a graceful SIGTERM (SIGKILL after a deadline) when the test is done.

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sfa::testing {

// A loopback TCP port that was free a moment ago (bound to port 0, then released).
int FreePort();

// GET http://127.0.0.1:<port><path> answered 200 before the deadline.
bool WaitForHttpOk(int port, const std::string& path, absl::Duration timeout);

class ServiceProcess;

// Starts a service binary as the stack runs it — loopback, the given ports, its event store in `data_dir`,
// Kafka at `brokers`, a 5 s shutdown grace, then `extra` flags — and waits up to 60 s for its /readyz.
// The log goes to `log_path`; a service that does not become ready is an error carrying the log's tail.
absl::StatusOr<std::unique_ptr<ServiceProcess>> StartService(const std::string& binary, const std::string& data_dir,
                                                             const std::string& log_path, int grpc_port,
                                                             int metrics_port, const std::string& brokers,
                                                             const std::vector<std::string>& extra = {});

class ServiceProcess {
 public:
  // Starts `binary args...` with stdout and stderr appended to `log_path`.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(const std::string& binary,
                                                               const std::vector<std::string>& args,
                                                               const std::string& log_path);
  ~ServiceProcess();  // Stop() if still running

  // SIGTERM, then SIGKILL after `grace`; returns the raw wait status.
  int Stop(absl::Duration grace = absl::Seconds(20));
  // SIGKILL at once (a crash); returns the raw wait status.
  int Kill();
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  // The last `bytes` of the log, for failure messages.
  std::string LogTail(size_t bytes = 4000) const;

 private:
  ServiceProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  int WaitFor(absl::Duration timeout);
  pid_t pid_;
  std::string log_path_;
};

}  // namespace sfa::testing

#endif  // SFA_TESTS_SUPPORT_SERVICE_PROCESS_H_

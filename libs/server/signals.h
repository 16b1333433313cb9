#ifndef SFA_LIBS_SERVER_SIGNALS_H_
#define SFA_LIBS_SERVER_SIGNALS_H_

// SIGTERM/SIGINT delivered to one dedicated thread instead of interrupting whichever thread the kernel
// picks: the signals are blocked in every thread and read from a signalfd.

#include <functional>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"

namespace sfa::server {

// Blocks SIGTERM and SIGINT in the calling thread; threads started afterwards inherit the mask. Call it
// before any thread starts (ParseCommandLine does), or a signal may land on a thread that dies of it.
void BlockShutdownSignals();

// Calls `on_signal(signo)` on its own thread for every SIGTERM/SIGINT until destroyed.
class ShutdownSignalWatcher {
 public:
  // Blocks the signals in the calling thread first.
  static absl::StatusOr<std::unique_ptr<ShutdownSignalWatcher>> Start(std::function<void(int)> on_signal);
  ~ShutdownSignalWatcher();

  ShutdownSignalWatcher(const ShutdownSignalWatcher&) = delete;
  ShutdownSignalWatcher& operator=(const ShutdownSignalWatcher&) = delete;

 private:
  ShutdownSignalWatcher(int signal_fd, int wake_fd, std::function<void(int)> on_signal);
  void Loop();

  int signal_fd_;
  int wake_fd_;  // eventfd written by the destructor to end Loop
  std::function<void(int)> on_signal_;
  std::thread thread_;
};

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_SIGNALS_H_

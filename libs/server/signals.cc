#include "server/signals.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace sfa::server {
namespace {

sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

absl::StatusOr<std::unique_ptr<ShutdownSignalWatcher>> ShutdownSignalWatcher::Start(
    std::function<void(int)> on_signal) {
  BlockShutdownSignals();
  sigset_t set = ShutdownSignals();
  int signal_fd = signalfd(-1, &set, SFD_CLOEXEC);
  if (signal_fd < 0) return absl::InternalError(absl::StrCat("signalfd: ", std::strerror(errno)));
  int wake_fd = eventfd(0, EFD_CLOEXEC);
  if (wake_fd < 0) {
    close(signal_fd);
    return absl::InternalError(absl::StrCat("eventfd: ", std::strerror(errno)));
  }
  return std::unique_ptr<ShutdownSignalWatcher>(new ShutdownSignalWatcher(signal_fd, wake_fd, std::move(on_signal)));
}

ShutdownSignalWatcher::ShutdownSignalWatcher(int signal_fd, int wake_fd, std::function<void(int)> on_signal)
    : signal_fd_(signal_fd), wake_fd_(wake_fd), on_signal_(std::move(on_signal)) {
  thread_ = std::thread([this] { Loop(); });
}

ShutdownSignalWatcher::~ShutdownSignalWatcher() {
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
  thread_.join();
  close(signal_fd_);
  close(wake_fd_);
}

void ShutdownSignalWatcher::Loop() {
  pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    if (fds[0].revents == 0) continue;
    signalfd_siginfo info;
    if (read(signal_fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) {
      on_signal_(static_cast<int>(info.ssi_signo));
    }
  }
}

}  // namespace sfa::server

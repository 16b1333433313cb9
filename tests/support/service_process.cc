#include "tests/support/service_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sfa::testing {

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

namespace {

bool HttpOk(int port, const std::string& path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string req = absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    if (write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[64] = {};
      ssize_t n = read(fd, buf, sizeof(buf) - 1);
      ok = n > 0 && absl::StrContains(absl::string_view(buf, n), " 200 ");
    }
  }
  close(fd);
  return ok;
}

}  // namespace

bool WaitForHttpOk(int port, const std::string& path, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (HttpOk(port, path)) return true;
    absl::SleepFor(absl::Milliseconds(50));  // polling interval, not synchronisation
  }
  return false;
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(const std::string& binary,
                                                                      const std::vector<std::string>& args,
                                                                      const std::string& log_path) {
  if (access(binary.c_str(), X_OK) != 0) return absl::NotFoundError(absl::StrCat("no executable at ", binary));
  int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (log < 0) return absl::InternalError(absl::StrCat("cannot open ", log_path, ": ", std::strerror(errno)));
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    close(log);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(log);
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", std::strerror(errno)));
  return std::unique_ptr<ServiceProcess>(new ServiceProcess(pid, log_path));
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) Stop();
}

int ServiceProcess::WaitFor(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (true) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return status;
    }
    if (absl::Now() >= deadline) return -1;
    absl::SleepFor(absl::Milliseconds(20));
  }
}

int ServiceProcess::Stop(absl::Duration grace) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = WaitFor(grace);
  if (status == -1) return Kill();
  return status;
}

int ServiceProcess::Kill() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::string ServiceProcess::LogTail(size_t bytes) const {
  std::ifstream in(log_path_);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > bytes ? all.substr(all.size() - bytes) : all;
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> StartService(const std::string& binary, const std::string& data_dir,
                                                             const std::string& log_path, int grpc_port,
                                                             int metrics_port, const std::string& brokers,
                                                             const std::vector<std::string>& extra) {
  std::vector<std::string> args = {absl::StrCat("--grpc_port=", grpc_port),
                                   absl::StrCat("--metrics_port=", metrics_port),
                                   absl::StrCat("--data_dir=", data_dir),
                                   absl::StrCat("--kafka_brokers=", brokers),
                                   "--listen_host=127.0.0.1",
                                   "--shutdown_grace_seconds=5"};
  args.insert(args.end(), extra.begin(), extra.end());
  absl::StatusOr<std::unique_ptr<ServiceProcess>> p = ServiceProcess::Start(binary, args, log_path);
  if (!p.ok()) return p.status();
  if (!WaitForHttpOk(metrics_port, "/readyz", absl::Seconds(60))) {
    return absl::DeadlineExceededError(absl::StrCat(binary, " not ready within 60 s:\n", (*p)->LogTail()));
  }
  return p;
}

}  // namespace sfa::testing

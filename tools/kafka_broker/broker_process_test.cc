// Runs the sfa-kafka-broker binary as the dev stack does: a child process that publishes its bootstrap
// address to a file, serves real Kafka clients (kcat), obeys the outage signals and stops on SIGTERM.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#ifndef SFA_KAFKA_BROKER_BIN
#error "SFA_KAFKA_BROKER_BIN must be the path of sfa-kafka-broker"
#endif

namespace sfa::tools {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

std::string MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/broker_process_test.XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  for (absl::string_view dir : absl::StrSplit(path, ':', absl::SkipEmpty())) {
    if (access((std::string(dir) + "/" + program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// Runs a shell command; returns its exit code and fills `output` with stdout+stderr.
int RunCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  output->clear();
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output->append(buf, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The broker as a child process with stdout/stderr in `log_path`; killed if the test leaves it running.
class BrokerProcess {
 public:
  BrokerProcess(std::vector<std::string> args, const std::string& log_path) {
    args.insert(args.begin(), SFA_KAFKA_BROKER_BIN);
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a crashed test
      int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int null = open("/dev/null", O_RDONLY);
      dup2(null, 0);
      dup2(log, 1);
      dup2(log, 2);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~BrokerProcess() {
    if (pid_ > 0 && !status_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid() const { return pid_; }
  bool Signal(int sig) { return kill(pid_, sig) == 0; }

  // The raw wait status once the child has exited, or nullopt at the deadline.
  std::optional<int> WaitForExit(absl::Duration timeout) {
    absl::Time deadline = absl::Now() + timeout;
    while (!status_ && absl::Now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
      } else {
        absl::SleepFor(kPollInterval);
      }
    }
    return status_;
  }
  bool Running() { return !WaitForExit(absl::ZeroDuration()).has_value(); }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

class BrokerProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    bootstrap_file_ = dir_ + "/bootstrap";
    log_file_ = dir_ + "/broker.log";
  }
  void TearDown() override { RunCommand("rm -rf '" + dir_ + "'", &ignored_); }

  // Polls for the bootstrap file while the broker is alive; returns its trimmed contents or "".
  std::string WaitForBootstrap(BrokerProcess& broker, absl::Duration timeout) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline && broker.Running()) {
      if (FileExists(bootstrap_file_)) return std::string(absl::StripAsciiWhitespace(ReadFile(bootstrap_file_)));
      absl::SleepFor(kPollInterval);
    }
    return "";
  }

  // Polls the broker's log for a line containing `text`.
  bool WaitForLog(const std::string& text, absl::Duration timeout) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (absl::StrContains(ReadFile(log_file_), text)) return true;
      absl::SleepFor(kPollInterval);
    }
    return false;
  }

  std::string dir_, bootstrap_file_, log_file_, ignored_;
};

TEST_F(BrokerProcessTest, PublishesBootstrapFileAndRemovesItOnSigterm) {
  BrokerProcess broker({"--bootstrap-file=" + bootstrap_file_}, log_file_);
  std::string bootstrap = WaitForBootstrap(broker, absl::Seconds(20));
  ASSERT_THAT(bootstrap, HasSubstr("127.0.0.1:")) << ReadFile(log_file_);
  EXPECT_THAT(ReadFile(log_file_), HasSubstr("bootstrap=" + bootstrap));

  ASSERT_TRUE(broker.Signal(SIGTERM));
  std::optional<int> status = broker.WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(status.has_value()) << "still running 20 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;
  EXPECT_FALSE(FileExists(bootstrap_file_));
}

TEST_F(BrokerProcessTest, KcatSeesTopicsAndOutageSignals) {
  if (!OnPath("kcat")) GTEST_SKIP() << "kcat not on PATH (apt-get install kcat)";
  BrokerProcess broker({"--bootstrap-file=" + bootstrap_file_}, log_file_);
  const std::string bootstrap = WaitForBootstrap(broker, absl::Seconds(20));
  ASSERT_FALSE(bootstrap.empty()) << ReadFile(log_file_);

  const std::string kcat_list = "kcat -L -m 3 -b " + bootstrap;
  std::string out;
  ASSERT_EQ(RunCommand(kcat_list, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("topic \"sfa.lead.events.v1\" with 3 partitions"));
  EXPECT_THAT(out, HasSubstr("topic \"sfa.opportunity.events.v1\" with 3 partitions"));
  EXPECT_THAT(out, HasSubstr("topic \"sfa.quote.events.v1\" with 3 partitions"));

  ASSERT_TRUE(broker.Signal(SIGUSR1));
  ASSERT_TRUE(WaitForLog("all brokers down", absl::Seconds(10)));
  EXPECT_NE(RunCommand(kcat_list, &out), 0) << out;

  ASSERT_TRUE(broker.Signal(SIGUSR2));
  ASSERT_TRUE(WaitForLog("all brokers up", absl::Seconds(10)));
  EXPECT_EQ(RunCommand(kcat_list, &out), 0) << out;

  ASSERT_TRUE(broker.Signal(SIGINT));
  std::optional<int> status = broker.WaitForExit(absl::Seconds(20));
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;
}

TEST_F(BrokerProcessTest, InvalidFlagsExitTwoWithOneLineReason) {
  for (const char* flag : {"--partitions=0", "--brokers=x", "--topics=a,,b", "--no-such-flag"}) {
    BrokerProcess broker({flag, "--bootstrap-file=" + bootstrap_file_}, log_file_);
    std::optional<int> status = broker.WaitForExit(absl::Seconds(20));
    ASSERT_TRUE(status.has_value()) << flag;
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 2) << flag << ": wait status " << *status;
    std::string log = ReadFile(log_file_);
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << flag << ": " << log;
    EXPECT_FALSE(FileExists(bootstrap_file_)) << flag;
  }
}

}  // namespace
}  // namespace sfa::tools

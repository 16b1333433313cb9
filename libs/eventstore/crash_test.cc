// SIGKILL crash recovery: a child appends under load with fsync on and is killed at random instants.
// After each kill the store must hold every acknowledged append, no partial batch, and a gapless log.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <random>
#include <sstream>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "eventstore/event_store.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"

namespace sfa::eventstore {
namespace {

struct Ack {
  uint64_t first_position;
  uint64_t last_position;
  std::string stream;
  uint64_t last_version;
};

// Runs the child for `run_for`, then SIGKILLs it; returns every ack it printed (all of them were
// acknowledged before the kill, since the child prints only after Append returned).
std::map<std::string, Ack> RunAndKill(const std::string& db, const std::string& tag, absl::Duration run_for) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    close(fds[0]);
    close(fds[1]);
    execl(CRASH_CHILD_PATH, CRASH_CHILD_PATH, db.c_str(), tag.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string data;
  char buf[65536];
  const absl::Time kill_at = absl::Now() + run_for;
  bool killed = false;
  for (;;) {
    int timeout_ms = killed ? -1 : std::max<int64_t>(0, absl::ToInt64Milliseconds(kill_at - absl::Now()));
    pollfd p{fds[0], POLLIN, 0};
    int n = poll(&p, 1, timeout_ms);
    if (n == 0 && !killed) {
      kill(pid, SIGKILL);
      killed = true;
      continue;
    }
    ssize_t got = read(fds[0], buf, sizeof(buf));
    if (got <= 0) break;  // EOF: the child is gone and the pipe drained
    data.append(buf, got);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child ended early, status " << status;

  std::map<std::string, Ack> acks;
  for (absl::string_view line : absl::StrSplit(data, '\n', absl::SkipEmpty())) {
    std::vector<std::string> f = absl::StrSplit(line, ' ');
    EXPECT_EQ(f.size(), 5u) << line;
    if (f.size() != 5) continue;
    acks[f[0]] = Ack{std::stoull(f[1]), std::stoull(f[2]), f[3], std::stoull(f[4])};
  }
  return acks;
}

TEST(EventStoreCrashTest, SigkillLosesNoAcknowledgedAppendAndLeavesNoPartialBatch) {
  testing::TempDir dir("sfa-crash");
  const std::string db = dir.Sub("db");
  std::mt19937 rng(20261123);
  std::uniform_int_distribution<int> run_ms(150, 600);
  std::map<std::string, Ack> all_acks;
  constexpr int kKills = 24;

  for (int round = 0; round < kKills; ++round) {
    std::map<std::string, Ack> acks = RunAndKill(db, "r" + std::to_string(round), absl::Milliseconds(run_ms(rng)));
    all_acks.insert(acks.begin(), acks.end());

    EventStoreOptions options;
    options.path = db;
    options.service = "crash";
    auto store = EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    const uint64_t head = (*store)->HeadPosition();

    // Gapless log; each request's events all present or all absent; versions contiguous per stream.
    std::map<std::string, std::vector<uint64_t>> positions_by_request;
    std::map<std::string, uint64_t> last_version_by_stream;
    uint64_t expect = 1;
    for (;;) {
      auto page = (*store)->ReadAll(expect, 5000);
      ASSERT_TRUE(page.ok()) << page.status();
      if (page->empty()) break;
      for (const EventEnvelope& e : *page) {
        ASSERT_EQ(e.global_position(), expect) << "gap in the log";
        ++expect;
        positions_by_request[e.request_id()].push_back(e.global_position());
        std::string stream = e.tenant() + "/" + e.aggregate_id();
        ASSERT_EQ(e.aggregate_version(), last_version_by_stream[stream] + 1) << "version gap in " << stream;
        last_version_by_stream[stream] = e.aggregate_version();
      }
    }
    ASSERT_EQ(expect - 1, head);
    for (const auto& [request, positions] : positions_by_request) {
      ASSERT_EQ(positions.size(), 3u) << "partial batch for " << request;
      ASSERT_EQ(positions.back() - positions.front(), 2u) << "batch not contiguous for " << request;
    }
    for (const auto& [stream, version] : last_version_by_stream) {
      size_t slash = stream.find('/');
      auto v = (*store)->StreamVersion(StreamId{stream.substr(0, slash), "thing", stream.substr(slash + 1)});
      ASSERT_TRUE(v.ok());
      ASSERT_EQ(*v, version) << "stream index disagrees with events for " << stream;
    }
    for (const auto& [request, ack] : all_acks) {
      auto it = positions_by_request.find(request);
      ASSERT_NE(it, positions_by_request.end()) << "acknowledged append lost: " << request;
      ASSERT_EQ(it->second.front(), ack.first_position) << request;
      ASSERT_EQ(it->second.back(), ack.last_position) << request;
    }
    std::cout << "round " << round << ": acknowledged " << acks.size() << " appends, log head " << head << "\n";
  }
  EXPECT_GT(all_acks.size(), static_cast<size_t>(kKills)) << "the child should get appends acknowledged";
}

}  // namespace
}  // namespace sfa::eventstore

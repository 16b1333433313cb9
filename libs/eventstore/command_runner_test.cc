#include "eventstore/command_runner.h"

#include <atomic>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::eventstore {
namespace {

using ::sfa::eventstore::testing::MakeEvent;
using ::sfa::eventstore::testing::TempDir;
using ::testing::HasSubstr;

// A counter aggregate: Created, then Added(n) events.
struct Counter {
  bool exists = false;
  int64_t total = 0;
  uint64_t last_version = 0;
};

absl::Status EvolveCounter(Counter& c, const EventEnvelope& e) {
  c.last_version = e.aggregate_version();
  if (e.payload_type() == "test.Created") {
    c.exists = true;
    return absl::OkStatus();
  }
  int64_t n = 0;
  if (e.payload_type() != "test.Added" || !absl::SimpleAtoi(e.payload(), &n)) {
    return absl::InternalError(absl::StrCat("unknown event ", e.payload_type()));
  }
  c.total += n;
  return absl::OkStatus();
}

class CommandRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EventStoreOptions o;
    o.path = dir_.Sub("db");
    o.sync = false;
    o.metrics = &metrics_;
    store_ = std::move(*EventStore::Open(o));
    runner_ = std::make_unique<CommandRunner>(store_.get());
  }
  void TearDown() override {
    runner_.reset();
    store_.reset();
  }

  Command<Counter> Add(const std::string& id, int64_t n, const std::string& request_id = "",
                       int64_t expected = kAnyVersion) {
    Command<Counter> c;
    c.stream = {"acme", "counter", id};
    c.context.request_id = request_id;
    c.expected_version = expected;
    c.evolve = EvolveCounter;
    c.decide = [n](const Counter& state, uint64_t) -> absl::StatusOr<std::vector<NewEvent>> {
      if (!state.exists) return absl::NotFoundError("counter does not exist");
      if (n == 0) return std::vector<NewEvent>{};  // nothing to change
      return std::vector<NewEvent>{MakeEvent("test.Added", absl::StrCat(n))};
    };
    return c;
  }

  Command<Counter> Create(const std::string& id, const std::string& request_id) {
    Command<Counter> c;
    c.stream = {"acme", "counter", id};
    c.context.request_id = request_id;
    c.evolve = EvolveCounter;
    c.decide = [](const Counter& state, uint64_t) -> absl::StatusOr<std::vector<NewEvent>> {
      if (state.exists) return absl::AlreadyExistsError("counter exists");
      return std::vector<NewEvent>{MakeEvent("test.Created", "")};
    };
    return c;
  }

  TempDir dir_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<EventStore> store_;
  std::unique_ptr<CommandRunner> runner_;
};

TEST_F(CommandRunnerTest, ReturnsTheStateAfterTheCommand) {
  ASSERT_TRUE(runner_->RunSync(Create("c1", "create-c1")).ok());
  absl::StatusOr<CommandResult<Counter>> r = runner_->RunSync(Add("c1", 5));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state.total, 5);
  EXPECT_EQ(r->version, 2u);
  EXPECT_EQ(r->append.first_version, 2u);
  EXPECT_EQ(r->append.last_position, 2u);
}

TEST_F(CommandRunnerTest, ConcurrentCommandsWithoutExpectedVersionAllApply) {
  ASSERT_TRUE(runner_->RunSync(Create("c1", "create-c1")).ok());
  constexpr int kThreads = 8, kEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!runner_->RunSync(Add("c1", 1)).ok()) failures++;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto loaded = runner_->Load<Counter>(StreamId{"acme", "counter", "c1"}, EvolveCounter);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->first.total, kThreads * kEach);  // conflicts were re-decided, none lost or doubled
}

TEST_F(CommandRunnerTest, AConflictWithAnotherWriterIsRedecidedOnFreshState) {
  ASSERT_TRUE(runner_->RunSync(Create("c1", "create-c1")).ok());
  Command<Counter> cmd = Add("c1", 10);
  int decisions = 0;
  auto inner = cmd.decide;
  cmd.decide = [&](const Counter& state, uint64_t version) {
    if (++decisions == 1) {
      // Another process writes between this command's read and its append.
      EXPECT_TRUE(store_->Append(testing::MakeAppend(StreamId{"acme", "counter", "c1"}, kAnyVersion,
                                                     {MakeEvent("test.Added", "100")}))
                      .ok());
    }
    return inner(state, version);
  };
  absl::StatusOr<CommandResult<Counter>> r = runner_->RunSync(cmd);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(decisions, 2);
  EXPECT_EQ(r->state.total, 110);
  EXPECT_EQ(r->version, 3u);
}

TEST_F(CommandRunnerTest, CachedStateFollowsWritesFromElsewhere) {
  const absl::Time t = absl::FromUnixSeconds(1'700'000'000);
  Command<Counter> create = Create("c1", "create-c1");
  auto timed = [t](Command<Counter> c) {  // business times: the runner may cache what it folded
    auto inner = c.decide;
    c.decide = [inner, t](const Counter& s, uint64_t v) -> absl::StatusOr<std::vector<NewEvent>> {
      auto events = inner(s, v);
      if (events.ok()) for (NewEvent& e : *events) e.occurred_at = t;
      return events;
    };
    return c;
  };
  ASSERT_TRUE(runner_->RunSync(timed(create)).ok());
  ASSERT_TRUE(runner_->RunSync(timed(Add("c1", 2))).ok());
  // Another writer appends behind the runner's back; the next command must see it.
  ASSERT_TRUE(store_->Append(testing::MakeAppend(StreamId{"acme", "counter", "c1"}, kAnyVersion,
                                                 {MakeEvent("test.Added", "40")}))
                  .ok());
  absl::StatusOr<CommandResult<Counter>> r = runner_->RunSync(timed(Add("c1", 1)));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->state.total, 43);
  EXPECT_EQ(r->version, 4u);
  auto fresh = CommandRunner(store_.get()).Load<Counter>(StreamId{"acme", "counter", "c1"}, EvolveCounter);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->first.total, 43);
}

TEST_F(CommandRunnerTest, ARequestIdReusedForAnotherKindOfAggregateIsAlreadyExists) {
  ASSERT_TRUE(runner_->RunSync(Create("c1", "shared-request")).ok());
  Command<Counter> other = Create("x1", "shared-request");
  other.stream.type = "gauge";
  absl::StatusOr<CommandResult<Counter>> r = runner_->RunSync(other);
  EXPECT_TRUE(absl::IsAlreadyExists(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), HasSubstr("already used for a counter command"));
}

TEST_F(CommandRunnerTest, StaleExpectedVersionIsAbortedAndChangesNothing) {
  ASSERT_TRUE(runner_->RunSync(Create("c1", "create-c1")).ok());
  ASSERT_TRUE(runner_->RunSync(Add("c1", 1, "", 1)).ok());
  absl::StatusOr<CommandResult<Counter>> stale = runner_->RunSync(Add("c1", 1, "", 1));
  EXPECT_TRUE(absl::IsAborted(stale.status())) << stale.status();
  EXPECT_THAT(stale.status().message(), HasSubstr("is at version 2"));
  EXPECT_EQ(store_->HeadPosition(), 2u);
}

TEST_F(CommandRunnerTest, RetriedCreateAnswersWithTheFirstAggregate) {
  // The server generates ids, so a retry arrives with a new id but the same request id.
  absl::StatusOr<CommandResult<Counter>> first = runner_->RunSync(Create("generated-1", "create-req"));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(runner_->RunSync(Add("generated-1", 3)).ok());
  absl::StatusOr<CommandResult<Counter>> retry = runner_->RunSync(Create("generated-2", "create-req"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->append.deduplicated);
  EXPECT_EQ(retry->append.stream.id, "generated-1");
  EXPECT_EQ(retry->state.total, 3);  // the aggregate as it is now
  EXPECT_EQ(*store_->StreamVersion(StreamId{"acme", "counter", "generated-2"}), 0u);
}

TEST_F(CommandRunnerTest, ConcurrentDuplicatesAreAnsweredFromStorage) {
  constexpr int kThreads = 8;
  std::atomic<int> fresh{0}, deduplicated{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto r = runner_->RunSync(Create(absl::StrCat("id-", t), "same-request"));
      ASSERT_TRUE(r.ok()) << r.status();
      (r->append.deduplicated ? deduplicated : fresh)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(deduplicated.load(), kThreads - 1);
  EXPECT_EQ(store_->HeadPosition(), 1u);
}

TEST_F(CommandRunnerTest, RefusalsAndNoOpsAppendNothing) {
  absl::StatusOr<CommandResult<Counter>> missing = runner_->RunSync(Add("nope", 1));
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  ASSERT_TRUE(runner_->RunSync(Create("c1", "create-c1")).ok());
  absl::StatusOr<CommandResult<Counter>> noop = runner_->RunSync(Add("c1", 0));
  ASSERT_TRUE(noop.ok());
  EXPECT_EQ(noop->version, 1u);
  EXPECT_EQ(noop->append.last_position, 0u);
  EXPECT_TRUE(absl::IsAlreadyExists(runner_->RunSync(Create("c1", "other")).status()));
  EXPECT_EQ(store_->HeadPosition(), 1u);
}

}  // namespace
}  // namespace sfa::eventstore

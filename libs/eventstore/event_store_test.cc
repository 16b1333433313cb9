#include "eventstore/event_store.h"

#include <atomic>
#include <barrier>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::eventstore {
namespace {

using ::sfa::eventstore::testing::DumpColumnFamily;
using ::sfa::eventstore::testing::MakeAppend;
using ::sfa::eventstore::testing::MakeEvent;
using ::sfa::eventstore::testing::TempDir;
using ::testing::HasSubstr;

const StreamId kOpp1{"acme", "opportunity", "opp-1"};
const StreamId kOpp2{"acme", "opportunity", "opp-2"};
const StreamId kOtherTenant{"globex", "opportunity", "opp-1"};

// A read model that keeps, per stream, the number of events and the last payload, plus a key-only
// index by payload — the shape service read models take (row + secondary index in one batch).
class CountingProjection : public Projection {
 public:
  explicit CountingProjection(int version = 1) : version_(version) {}
  std::string name() const override { return "counting"; }
  int version() const override { return version_; }
  std::vector<std::string> column_families() const override { return {"rm_counting", "rm_counting_by_payload"}; }
  absl::Status Apply(const EventEnvelope& e, ReadModelTxn& txn) override {
    ++applied;
    if (e.payload_type() == "test.Poison") return absl::FailedPreconditionError("poison refused");
    std::string row = base::KeyBuilder().String(e.tenant()).String(e.aggregate_id()).Release();
    absl::StatusOr<std::optional<std::string>> old = txn.Get("rm_counting", row);
    if (!old.ok()) return old.status();
    uint64_t count = old->has_value() ? base::DecodeUint64(**old) : 0;
    if (old->has_value()) {
      std::string old_payload = old->value().substr(8);
      if (absl::Status s = txn.Delete("rm_counting_by_payload",
                                      base::KeyBuilder().String(e.tenant()).String(old_payload).String(e.aggregate_id()).Release());
          !s.ok()) {
        return s;
      }
    }
    if (absl::Status s = txn.Put("rm_counting", row, base::EncodeUint64(count + 1) + e.payload()); !s.ok()) return s;
    return txn.Put("rm_counting_by_payload",
                   base::KeyBuilder().String(e.tenant()).String(e.payload()).String(e.aggregate_id()).Release(), "");
  }
  std::atomic<int> applied{0};

 private:
  int version_;
};

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen(std::vector<Projection*> projections = {}) {
    store_.reset();
    EventStoreOptions o;
    o.path = dir_.Sub("db");
    o.service = "test";
    o.sync = false;
    o.clock = &clock_;
    o.ids = &ids_;
    o.metrics = &metrics_;
    o.projections = std::move(projections);
    o.extra_column_families = {"rm_external"};
    o.request_ttl = absl::Hours(1);
    o.max_requests = max_requests_;
    auto s = EventStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  absl::StatusOr<AppendResult> Append(const StreamId& stream, int64_t expected, int n,
                                      const std::string& request_id = "", const std::string& type = "test.Happened") {
    std::vector<NewEvent> events;
    for (int i = 0; i < n; ++i) events.push_back(MakeEvent(type, absl::StrCat("p", i)));
    return store_->Append(MakeAppend(stream, expected, std::move(events), request_id));
  }

  TempDir dir_;
  base::FakeClock clock_;
  base::SequentialIdGenerator ids_{"evt-"};
  base::MetricsRegistry metrics_;
  uint64_t max_requests_ = 1'000'000;
  std::unique_ptr<EventStore> store_;
};

TEST_F(EventStoreTest, AppendAssignsVersionsPositionsAndEnvelopeFields) {
  const absl::Time business = absl::FromUnixSeconds(1'500'000'000);
  AppendRequest req = MakeAppend(kOpp1, kNoStream,
                                 {MakeEvent("test.Created", "a", business), MakeEvent("test.Renamed", "b")}, "req-1");
  req.context.correlation_id = "corr";
  req.context.causation_id = "cause";
  absl::StatusOr<AppendResult> r = store_->Append(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_version, 1u);
  EXPECT_EQ(r->last_version, 2u);
  EXPECT_EQ(r->first_position, 1u);
  EXPECT_EQ(r->last_position, 2u);
  EXPECT_FALSE(r->deduplicated);

  auto events = store_->ReadStream(kOpp1);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  const EventEnvelope& e1 = (*events)[0];
  EXPECT_EQ(e1.event_id(), "evt-1");
  EXPECT_EQ(e1.tenant(), "acme");
  EXPECT_EQ(e1.aggregate_type(), "opportunity");
  EXPECT_EQ(e1.aggregate_id(), "opp-1");
  EXPECT_EQ(e1.aggregate_version(), 1u);
  EXPECT_EQ(e1.global_position(), 1u);
  EXPECT_EQ(e1.occurred_at().seconds(), 1'500'000'000);  // business time kept
  EXPECT_EQ(e1.recorded_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(e1.actor(), "tester");
  EXPECT_EQ(e1.request_id(), "req-1");
  EXPECT_EQ(e1.correlation_id(), "corr");
  EXPECT_EQ(e1.causation_id(), "cause");
  EXPECT_EQ(e1.payload_type(), "test.Created");
  EXPECT_EQ(e1.payload(), "a");
  EXPECT_EQ(e1.source(), "test");
  // No business time given: the commit time.
  EXPECT_EQ((*events)[1].occurred_at().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(store_->HeadPosition(), 2u);
  EXPECT_EQ(*store_->StreamVersion(kOpp1), 2u);
  EXPECT_EQ(*store_->StreamVersion(kOpp2), 0u);
}

TEST_F(EventStoreTest, ExpectedVersionIsEnforced) {
  ASSERT_TRUE(Append(kOpp1, kNoStream, 1).ok());
  absl::StatusOr<AppendResult> again = Append(kOpp1, kNoStream, 1);
  EXPECT_TRUE(absl::IsAborted(again.status())) << again.status();
  EXPECT_THAT(again.status().message(), HasSubstr("is at version 1, expected 0"));
  EXPECT_TRUE(absl::IsAborted(Append(kOpp1, 5, 1).status()));
  EXPECT_TRUE(Append(kOpp1, 1, 1).ok());
  EXPECT_TRUE(Append(kOpp1, kAnyVersion, 1).ok());
  EXPECT_EQ(*store_->StreamVersion(kOpp1), 3u);
  EXPECT_EQ(store_->HeadPosition(), 3u);  // refused appends take no position
}

TEST_F(EventStoreTest, ConcurrentAppendsToOneStreamExactlyOneWinsPerVersion) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 60;
  std::atomic<int> wins[kRounds] = {};
  std::atomic<int> aborted{0};
  std::barrier sync(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        sync.arrive_and_wait();  // everyone appends at the same expected version
        auto r = store_->Append(MakeAppend(kOpp1, round, {MakeEvent("test.Raced", absl::StrCat(t))}));
        if (r.ok()) {
          wins[round]++;
        } else if (absl::IsAborted(r.status())) {
          aborted++;
        }
        sync.arrive_and_wait();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int round = 0; round < kRounds; ++round) EXPECT_EQ(wins[round].load(), 1) << "round " << round;
  EXPECT_EQ(aborted.load(), kRounds * (kThreads - 1));
  EXPECT_EQ(*store_->StreamVersion(kOpp1), static_cast<uint64_t>(kRounds));
  auto all = store_->ReadAll(1, 1000);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), static_cast<size_t>(kRounds));
  for (size_t i = 0; i < all->size(); ++i) {
    EXPECT_EQ((*all)[i].global_position(), i + 1);
    EXPECT_EQ((*all)[i].aggregate_version(), i + 1);
  }
}

TEST_F(EventStoreTest, RetriedRequestIdReturnsFirstResultAndAppendsNothing) {
  absl::StatusOr<AppendResult> first = Append(kOpp1, kNoStream, 2, "create-opp-1");
  ASSERT_TRUE(first.ok());
  // Even with a now-stale expected version, the retry answers like the first call did.
  absl::StatusOr<AppendResult> retry = Append(kOpp1, kNoStream, 2, "create-opp-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->deduplicated);
  EXPECT_EQ(retry->first_version, first->first_version);
  EXPECT_EQ(retry->last_position, first->last_position);
  EXPECT_EQ(retry->stream, kOpp1);
  EXPECT_EQ(store_->HeadPosition(), 2u);

  // Request ids are per tenant: another tenant's identical key is a different command.
  absl::StatusOr<AppendResult> other = Append(kOtherTenant, kNoStream, 1, "create-opp-1");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->deduplicated);

  // Survives a restart.
  Reopen();
  absl::StatusOr<AppendResult> after = Append(kOpp1, kNoStream, 2, "create-opp-1");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->deduplicated);
  EXPECT_EQ(store_->HeadPosition(), 3u);
}

TEST_F(EventStoreTest, ConcurrentDuplicatesAppendOnce) {
  constexpr int kThreads = 8;
  std::barrier sync(kThreads);
  std::atomic<int> fresh{0}, deduplicated{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      sync.arrive_and_wait();
      auto r = Append(kOpp2, kAnyVersion, 3, "same-key");
      ASSERT_TRUE(r.ok());
      (r->deduplicated ? deduplicated : fresh)++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(deduplicated.load(), kThreads - 1);
  EXPECT_EQ(*store_->StreamVersion(kOpp2), 3u);
}

TEST_F(EventStoreTest, IdempotencyRecordsExpireAfterTtl) {
  ASSERT_TRUE(Append(kOpp1, kAnyVersion, 1, "old").ok());
  clock_.Advance(absl::Hours(2));
  ASSERT_TRUE(Append(kOpp1, kAnyVersion, 1, "new").ok());  // the commit after the TTL triggers a sweep
  auto old_again = Append(kOpp1, kAnyVersion, 1, "old");
  ASSERT_TRUE(old_again.ok());
  EXPECT_FALSE(old_again->deduplicated) << "expired record should be gone";
  auto new_again = Append(kOpp1, kAnyVersion, 1, "new");
  ASSERT_TRUE(new_again.ok());
  EXPECT_TRUE(new_again->deduplicated);
}

TEST_F(EventStoreTest, IdempotencyRecordsAreBoundedInNumber) {
  max_requests_ = 10;
  Reopen();
  for (int i = 0; i < 25; ++i) {
    clock_.Advance(absl::Seconds(1));
    ASSERT_TRUE(Append(kOpp1, kAnyVersion, 1, absl::StrCat("r", i)).ok());
  }
  EXPECT_LE(DumpColumnFamily(*store_, kRequestsCf).size(), 11u);
  auto oldest = Append(kOpp1, kAnyVersion, 1, "r0");
  ASSERT_TRUE(oldest.ok());
  EXPECT_FALSE(oldest->deduplicated);
  auto newest = Append(kOpp1, kAnyVersion, 1, "r24");
  ASSERT_TRUE(newest.ok());
  EXPECT_TRUE(newest->deduplicated);
}

TEST_F(EventStoreTest, ReadAllIsGaplessAndReadTenantSeesOnlyItsTenant) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Append(i % 2 ? kOtherTenant : kOpp1, kAnyVersion, 2).ok());
  }
  auto all = store_->ReadAll(1, 100);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 20u);
  for (size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].global_position(), i + 1);

  auto page = store_->ReadAll(7, 5);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 5u);
  EXPECT_EQ(page->front().global_position(), 7u);

  auto acme = store_->ReadTenant("acme", 1, 100);
  ASSERT_TRUE(acme.ok());
  ASSERT_EQ(acme->size(), 10u);
  uint64_t last = 0;
  for (const EventEnvelope& e : *acme) {
    EXPECT_EQ(e.tenant(), "acme");
    EXPECT_GT(e.global_position(), last);
    last = e.global_position();
  }
  auto acme_tail = store_->ReadTenant("acme", 10, 100);
  ASSERT_TRUE(acme_tail.ok());
  for (const EventEnvelope& e : *acme_tail) EXPECT_GE(e.global_position(), 10u);
  EXPECT_TRUE(store_->ReadTenant("acm", 1, 100)->empty());  // a tenant prefix is not a tenant
  EXPECT_TRUE(store_->ReadTenant("nobody", 1, 100)->empty());
}

TEST_F(EventStoreTest, ReadStreamFromVersion) {
  ASSERT_TRUE(Append(kOpp1, kNoStream, 5).ok());
  ASSERT_TRUE(Append(kOpp2, kNoStream, 1).ok());
  auto tail = store_->ReadStream(kOpp1, 4);
  ASSERT_TRUE(tail.ok());
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ((*tail)[0].aggregate_version(), 4u);
  EXPECT_EQ(store_->ReadStream(kOpp1, 1, 2)->size(), 2u);
  EXPECT_TRUE(store_->ReadStream(StreamId{"acme", "opportunity", "opp"})->empty());  // id prefix is no match
}

TEST_F(EventStoreTest, MalformedAppendsAreInvalidArgumentNamingTheField) {
  auto no_tenant = Append(StreamId{"", "opportunity", "x"}, kAnyVersion, 1);
  EXPECT_TRUE(absl::IsInvalidArgument(no_tenant.status()));
  EXPECT_THAT(no_tenant.status().message(), HasSubstr("stream.tenant"));
  EXPECT_THAT(Append(StreamId{"acme", "", "x"}, kAnyVersion, 1).status().message(), HasSubstr("stream.type"));
  EXPECT_THAT(Append(StreamId{"acme", "t", std::string(300, 'x')}, kAnyVersion, 1).status().message(),
              HasSubstr("stream.id"));
  EXPECT_THAT(Append(kOpp1, kAnyVersion, 0).status().message(), HasSubstr("events"));
  EXPECT_THAT(Append(kOpp1, -7, 1).status().message(), HasSubstr("expected_version"));
  EXPECT_THAT(Append(kOpp1, kAnyVersion, 1, std::string(300, 'r')).status().message(), HasSubstr("request_id"));
  EXPECT_THAT(Append(kOpp1, kAnyVersion, 1, "", "").status().message(), HasSubstr("payload_type"));
  EXPECT_EQ(store_->HeadPosition(), 0u);
}

TEST_F(EventStoreTest, OwnReadModelIsWrittenWithTheEventsAndRebuildsIdentically) {
  CountingProjection projection;
  Reopen({&projection});
  for (int i = 0; i < 50; ++i) {
    ASSERT_TRUE(Append(StreamId{i % 3 ? "acme" : "globex", "opportunity", absl::StrCat("o", i % 7)}, kAnyVersion,
                       1 + i % 3)
                    .ok());
  }
  auto rows = DumpColumnFamily(*store_, "rm_counting");
  auto index = DumpColumnFamily(*store_, "rm_counting_by_payload");
  ASSERT_FALSE(rows.empty());
  ASSERT_EQ(rows.size(), index.size());  // the index follows the rows: stale entries were deleted

  ASSERT_TRUE(store_->RebuildProjection("counting").ok());
  EXPECT_EQ(DumpColumnFamily(*store_, "rm_counting"), rows);
  EXPECT_EQ(DumpColumnFamily(*store_, "rm_counting_by_payload"), index);

  // A changed projection version rebuilds on open, with the same result.
  CountingProjection v2(2);
  Reopen({&v2});
  EXPECT_GT(v2.applied.load(), 0);
  EXPECT_EQ(DumpColumnFamily(*store_, "rm_counting"), rows);
  EXPECT_EQ(DumpColumnFamily(*store_, "rm_counting_by_payload"), index);

  // An unchanged one does not replay anything.
  CountingProjection v2_again(2);
  Reopen({&v2_again});
  EXPECT_EQ(v2_again.applied.load(), 0);
  EXPECT_TRUE(absl::IsNotFound(store_->RebuildProjection("nope")));
}

TEST_F(EventStoreTest, ProjectionAddedLaterCatchesUpOnOpen) {
  ASSERT_TRUE(Append(kOpp1, kAnyVersion, 4).ok());
  CountingProjection projection;
  Reopen({&projection});
  EXPECT_EQ(projection.applied.load(), 4);
  auto rows = DumpColumnFamily(*store_, "rm_counting");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(base::DecodeUint64(rows[0].second), 4u);
}

TEST_F(EventStoreTest, ARefusingReadModelRejectsOnlyItsAppend) {
  CountingProjection projection;
  Reopen({&projection});
  ASSERT_TRUE(Append(kOpp1, kAnyVersion, 1).ok());
  auto rows = DumpColumnFamily(*store_, "rm_counting");

  std::atomic<int> done{0};
  absl::StatusOr<AppendResult> poison, fine;
  store_->AppendAsync(MakeAppend(kOpp1, kAnyVersion, {MakeEvent("test.Happened", "x"), MakeEvent("test.Poison", "y")},
                                 "poison-req"),
                      [&](absl::StatusOr<AppendResult> r) {
                        poison = r;
                        done++;
                      });
  store_->AppendAsync(MakeAppend(kOpp2, kAnyVersion, {MakeEvent("test.Happened", "z")}), [&](absl::StatusOr<AppendResult> r) {
    fine = r;
    done++;
  });
  while (done.load() < 2) std::this_thread::yield();
  EXPECT_TRUE(absl::IsFailedPrecondition(poison.status())) << poison.status();
  EXPECT_THAT(poison.status().message(), HasSubstr("read model counting"));
  ASSERT_TRUE(fine.ok()) << fine.status();
  EXPECT_EQ(fine->first_position, 2u);  // the refused append left no gap
  EXPECT_EQ(*store_->StreamVersion(kOpp1), 1u);
  EXPECT_EQ(store_->HeadPosition(), 2u);
  // The refused request id was not recorded, so a corrected retry is possible.
  auto retry = Append(kOpp1, kAnyVersion, 1, "poison-req");
  ASSERT_TRUE(retry.ok());
  EXPECT_FALSE(retry->deduplicated);
}

TEST_F(EventStoreTest, CommitWritesReadModelsAtomically) {
  ASSERT_TRUE(store_->Commit([](ReadModelTxn& txn) { return txn.Put("rm_external", "k1", "v1"); }).ok());
  absl::Status failed = store_->Commit([](ReadModelTxn& txn) {
    EXPECT_TRUE(txn.Put("rm_external", "k2", "v2").ok());
    auto seen = txn.Get("rm_external", "k2");  // reads see this commit's own writes
    EXPECT_TRUE(seen.ok() && seen->has_value());
    return absl::InternalError("changed my mind");
  });
  EXPECT_TRUE(absl::IsInternal(failed));
  auto rows = DumpColumnFamily(*store_, "rm_external");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].first, "k1");

  absl::Status forbidden = store_->Commit([](ReadModelTxn& txn) { return txn.Put(kEventsCf, "k", "v"); });
  EXPECT_TRUE(absl::IsPermissionDenied(forbidden));
  EXPECT_TRUE(absl::IsInvalidArgument(store_->Commit([](ReadModelTxn& txn) { return txn.Put("rm_nope", "k", "v"); })));
}

TEST_F(EventStoreTest, ScanSeesPendingWritesInKeyOrder) {
  ASSERT_TRUE(store_->Commit([](ReadModelTxn& txn) {
                      txn.Put("rm_external", "a/1", "x").IgnoreError();
                      txn.Put("rm_external", "a/3", "x").IgnoreError();
                      txn.Put("rm_external", "b/1", "x").IgnoreError();
                      return absl::OkStatus();
                    })
                  .ok());
  std::vector<std::string> seen;
  ASSERT_TRUE(store_->Commit([&](ReadModelTxn& txn) {
                      txn.Put("rm_external", "a/2", "pending").IgnoreError();
                      txn.Delete("rm_external", "a/3").IgnoreError();
                      return txn.Scan("rm_external", "a/", [&](absl::string_view k, absl::string_view) {
                        seen.emplace_back(k);
                        return true;
                      });
                    })
                  .ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"a/1", "a/2"}));
}

TEST_F(EventStoreTest, StateSurvivesReopen) {
  ASSERT_TRUE(Append(kOpp1, kNoStream, 3).ok());
  Reopen();
  EXPECT_EQ(store_->HeadPosition(), 3u);
  EXPECT_EQ(*store_->StreamVersion(kOpp1), 3u);
  auto r = Append(kOpp1, 3, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->first_position, 4u);
}

TEST_F(EventStoreTest, WaitForHeadAboveWakesOnCommit) {
  std::thread writer([&] { ASSERT_TRUE(Append(kOpp1, kAnyVersion, 1).ok()); });
  uint64_t head = store_->WaitForHeadAbove(0, absl::Now() + absl::Seconds(10));
  writer.join();
  EXPECT_EQ(head, 1u);
  EXPECT_EQ(store_->WaitForHeadAbove(1, absl::Now() + absl::Milliseconds(20)), 1u);  // times out
}

TEST_F(EventStoreTest, MetricsCountAppendsByResult) {
  ASSERT_TRUE(Append(kOpp1, kNoStream, 2, "m").ok());
  ASSERT_TRUE(Append(kOpp1, kNoStream, 2, "m").ok());
  ASSERT_FALSE(Append(kOpp1, kNoStream, 1).ok());
  std::string text = metrics_.Serialize();
  EXPECT_THAT(text, HasSubstr("sfa_eventstore_appends_total{service=\"test\",result=\"ok\"} 1"));
  EXPECT_THAT(text, HasSubstr("sfa_eventstore_appends_total{service=\"test\",result=\"duplicate\"} 1"));
  EXPECT_THAT(text, HasSubstr("sfa_eventstore_appends_total{service=\"test\",result=\"conflict\"} 1"));
  EXPECT_THAT(text, HasSubstr("sfa_eventstore_events_total{service=\"test\"} 2"));
  EXPECT_THAT(text, HasSubstr("sfa_eventstore_head_position{service=\"test\"} 2"));
}

}  // namespace
}  // namespace sfa::eventstore

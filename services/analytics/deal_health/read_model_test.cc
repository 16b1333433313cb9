// The waterfall and stalled read models: every event applied twice changes nothing, and a rebuild from
// scratch — in another interleaving of the aggregates, as a catch-up from EventFeed would deliver them —
// equals the incrementally built model byte for byte.

#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analytics/deal_health/deal_health.h"
#include "analytics/deal_health/test_events.h"
#include "analytics/testing/harness.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"

namespace sfa::analytics::deal_health {
namespace {

using testing::Day;
using testing::Eur;
using testing::Usd;
namespace ov1 = ::sfa::opportunity::v1;
using Dump = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

// A varied history: every event type both read models fold, reopenings, activities before their deal.
std::vector<sfa::common::v1::EventEnvelope> History() {
  testing::Events e;
  e.Pipeline("p1", {"s1", "s2", "s3"});
  std::mt19937 random(7);
  for (int i = 0; i < 60; ++i) {
    const std::string id = absl::StrCat("D", i);
    const int start = static_cast<int>(random() % 60);
    if (i % 7 == 0) e.Activity(absl::StrCat("pre", i), id, Day(start + 1));
    e.Created(id, Day(start), i % 5 == 0 ? Eur(1000 + i) : Usd(1000 + i), Day(start + 40));
    int day = start;
    const int steps = static_cast<int>(random() % 6);
    for (int step = 0; step < steps; ++step) {
      day += 1 + static_cast<int>(random() % 10);
      switch (random() % 7) {
        case 0:
          e.Amount(id, Day(day), Usd(1000 + i), Usd(500 + 10 * step));
          break;
        case 1:
          e.CloseDate(id, Day(day), Day(start + 40), Day(day + 5 + step));
          break;
        case 2:
          e.Stage(id, Day(day), absl::StrCat("s", 2 + step % 2), ov1::STAGE_CHANGE_KIND_FORWARD);
          break;
        case 3:
          e.Activity(absl::StrCat("act", i, "-", step), id, Day(day));
          break;
        case 4:
          e.Won(id, Day(day), Usd(2000 + i));
          break;
        case 5:
          e.Lost(id, Day(day));
          break;
        default:
          e.Reopened(id, Day(day), "s2");
          break;
      }
    }
  }
  return e.all();
}

// The events in another order that keeps each aggregate's own order (a different partition interleaving).
std::vector<sfa::common::v1::EventEnvelope> Interleaved(const std::vector<sfa::common::v1::EventEnvelope>& events) {
  std::map<std::string, std::vector<sfa::common::v1::EventEnvelope>> by_aggregate;
  std::vector<std::string> order;
  for (const auto& e : events) {
    const std::string key = e.aggregate_type() + "/" + e.aggregate_id();
    if (by_aggregate[key].empty()) order.push_back(key);
    by_aggregate[key].push_back(e);
  }
  std::vector<sfa::common::v1::EventEnvelope> out;
  // Round-robin from the last aggregate backwards, the pipeline definition first (the stage statistics
  // need it, and in Kafka it is long published before any deal).
  std::map<std::string, size_t> next;
  out.push_back(by_aggregate[order[0]][0]);
  next[order[0]] = 1;
  for (bool more = true; more;) {
    more = false;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      size_t& n = next[*it];
      if (n < by_aggregate[*it].size()) {
        out.push_back(by_aggregate[*it][n++]);
        more = true;
      }
    }
  }
  return out;
}

class ReadModelTest : public ::testing::Test {
 protected:
  std::unique_ptr<analytics::testing::Harness> Start(const std::string& name) {
    absl::StatusOr<std::unique_ptr<analytics::testing::Harness>> h = analytics::testing::Harness::Start(dir_.Sub(name));
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? *std::move(h) : nullptr;
  }

  static Dump DumpOwn(analytics::testing::Harness& h) {
    Dump out;
    std::vector<std::string> cfs = WaterfallProjection().column_families();
    for (const std::string& cf : StalledProjection().column_families()) cfs.push_back(cf);
    for (const std::string& cf : cfs) out[cf] = eventstore::testing::DumpColumnFamily(h.store(), cf);
    return out;
  }

  eventstore::testing::TempDir dir_;
};

TEST_F(ReadModelTest, EveryEventAppliedTwiceChangesNothing) {
  const std::vector<sfa::common::v1::EventEnvelope> events = History();
  std::unique_ptr<analytics::testing::Harness> once = Start("once"), twice = Start("twice");
  ASSERT_TRUE(once && twice);
  ASSERT_TRUE(once->Feed(events).ok());
  // Straight into the projections, without the runner's de-duplication: each event twice in a row, then
  // the whole history once more, newest first (every event a stale redelivery after newer ones).
  WaterfallProjection waterfall;
  StalledProjection stalled;
  auto apply = [&](const sfa::common::v1::EventEnvelope& e, int times) {
    return twice->store().Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
      for (int round = 0; round < times; ++round) {
        SFA_RETURN_IF_ERROR(waterfall.Apply(e, txn));
        SFA_RETURN_IF_ERROR(stalled.Apply(e, txn));
      }
      return absl::OkStatus();
    });
  };
  for (const auto& e : events) ASSERT_TRUE(apply(e, 2).ok());
  for (auto it = events.rbegin(); it != events.rend(); ++it) ASSERT_TRUE(apply(*it, 1).ok());
  const Dump expected = DumpOwn(*once);
  EXPECT_FALSE(expected.at(kWaterfallChangesCf).empty());
  EXPECT_FALSE(expected.at(kStalledByTouchCf).empty());
  EXPECT_EQ(DumpOwn(*twice), expected);

  // And a redelivery of everything through the runner's path changes nothing either.
  ASSERT_TRUE(once->Feed(events).ok());
  EXPECT_EQ(DumpOwn(*once), expected);
}

TEST_F(ReadModelTest, ARebuildInAnotherInterleavingEqualsTheIncrementalModel) {
  const std::vector<sfa::common::v1::EventEnvelope> events = History();
  std::unique_ptr<analytics::testing::Harness> incremental = Start("incremental"), rebuilt = Start("rebuilt");
  ASSERT_TRUE(incremental && rebuilt);
  // Incrementally: one event per commit, asking questions in between.
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_TRUE(incremental->Feed({events[i]}).ok());
    if (i % 50 == 0) {
      v1::ListStalledDealsRequest r;
      ASSERT_TRUE(ListStalled(incremental->store(), "acme", r, Day(70)).ok());
    }
  }
  ASSERT_TRUE(rebuilt->Feed(Interleaved(events), 10'000).ok());
  EXPECT_EQ(DumpOwn(*rebuilt), DumpOwn(*incremental));

  // The answers agree too.
  v1::GetPipelineWaterfallRequest w;
  *w.mutable_from() = domain::ToTimestamp(Day(20));
  *w.mutable_to() = domain::ToTimestamp(Day(50));
  absl::StatusOr<v1::GetPipelineWaterfallResponse> a = Waterfall(incremental->store(), "acme", w, absl::Now());
  absl::StatusOr<v1::GetPipelineWaterfallResponse> b = Waterfall(rebuilt->store(), "acme", w, absl::Now());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->SerializeAsString(), b->SerializeAsString());
}

// The identity holds on the varied history for many windows, not only on the hand-built one.
TEST_F(ReadModelTest, TheWaterfallIdentityHoldsForEveryWindow) {
  std::unique_ptr<analytics::testing::Harness> h = Start("identity");
  ASSERT_TRUE(h);
  ASSERT_TRUE(h->Feed(History()).ok());
  std::set<std::string> seen;
  for (int from = 0; from < 120; from += 7) {
    for (int length : {1, 10, 45}) {
      v1::GetPipelineWaterfallRequest w;
      *w.mutable_from() = domain::ToTimestamp(Day(from, from % 24));
      *w.mutable_to() = domain::ToTimestamp(Day(from + length, 3));
      absl::StatusOr<v1::GetPipelineWaterfallResponse> r = Waterfall(h->store(), "acme", w, absl::Now());
      ASSERT_TRUE(r.ok()) << r.status();
      std::map<std::string, int64_t> sum, closing;
      int64_t count = 0;
      for (const v1::WaterfallMovement& m : r->movements()) {
        const bool pipeline_total = m.movement() == "pulled_in" || m.movement() == "pushed_out";
        const int sign = m.movement() == "won" || m.movement() == "lost" ? -1 : 1;
        if (m.movement() == "closing") {
          for (const auto& money : m.amount()) closing[money.currency()] = money.minor_units();
          EXPECT_EQ(count, m.count()) << "from day " << from << " for " << length;
          continue;
        }
        if (pipeline_total) continue;
        if (m.movement() != "increased" && m.movement() != "decreased") count += sign * m.count();
        for (const auto& money : m.amount()) sum[money.currency()] += money.minor_units();
      }
      std::erase_if(sum, [](const auto& entry) { return entry.second == 0; });
      EXPECT_EQ(sum, closing) << "from day " << from << " for " << length;
      for (const v1::WaterfallMovement& m : r->movements()) {
        if (m.count() > 0) seen.insert(m.movement());
      }
    }
  }
  // The windows exercised every movement.
  EXPECT_EQ(seen.size(), 10u);
}

}  // namespace
}  // namespace sfa::analytics::deal_health

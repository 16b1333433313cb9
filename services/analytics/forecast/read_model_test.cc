// The forecast read model: a deal's states as spans, the state known at an instant, wins and their
// slippage, a reopened win taken back; a redelivery changes nothing; a rebuild from scratch (another
// commit size and another interleaving of deals) equals the incremental one byte for byte.

#include "analytics/forecast/read_model.h"

#include <memory>

#include "analytics/forecast/exposure.h"
#include "analytics/forecast/test_events.h"
#include "analytics/forecast/test_store.h"
#include "analytics/stats/durations.h"
#include "base/key_codec.h"
#include "eventstore/read_model_scan.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "tools/simulator/event_sink.h"
#include "tools/simulator/model.h"
#include "tools/simulator/simulation.h"

namespace sfa::analytics::forecast {
namespace {

namespace ov1 = ::sfa::opportunity::v1;

using testing::Day;
using testing::Events;

constexpr int64_t kDay = 86'400'000'000;

Events Pipeline() {
  Events e;
  e.Pipeline("p",
             {{"a", ov1::STAGE_TYPE_OPEN, 20, ov1::FORECAST_CATEGORY_PIPELINE},
              {"b", ov1::STAGE_TYPE_OPEN, 60, ov1::FORECAST_CATEGORY_COMMIT},
              {"won", ov1::STAGE_TYPE_WON, 100, ov1::FORECAST_CATEGORY_CLOSED},
              {"lost", ov1::STAGE_TYPE_LOST, 0, ov1::FORECAST_CATEGORY_OMITTED}},
             Day(2025, 1, 1));
  return e;
}

class ReadModelTest : public ::testing::Test {
 protected:
  std::unique_ptr<testing::TestStore> Open(const std::string& name) {
    absl::StatusOr<std::unique_ptr<testing::TestStore>> store = testing::TestStore::Open(dir_.Sub(name));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  // The states of `pipeline` under `index` for the months of [from, to), known at as_of (nullopt: now).
  std::vector<DealState> States(testing::TestStore& store, DateIndex index, absl::Time from, absl::Time to,
                                std::optional<absl::Time> as_of) {
    std::vector<DealState> out;
    const absl::Status s = ForEachState(
        store.store(), "acme", "p", index, MonthsCovering(absl::ToUnixMicros(from), absl::ToUnixMicros(to)),
        as_of ? std::optional<int64_t>(absl::ToUnixMicros(*as_of)) : std::nullopt, [&](DealState&& d) {
          out.push_back(std::move(d));
          return absl::OkStatus();
        });
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  eventstore::testing::TempDir dir_{"forecast-read-model"};
};

TEST_F(ReadModelTest, KnowsEachDealAsItWasAtAnyInstant) {
  std::unique_ptr<testing::TestStore> store = Open("db");
  Events e = Pipeline();
  e.Create("D", "p", "a", 100000, Day(2025, 3, 15), Day(2025, 1, 10));
  e.Move("D", "b", Day(2025, 2, 1));
  e.CloseDate("D", Day(2025, 4, 10), Day(2025, 3, 20));
  e.Amount("D", 120000, Day(2025, 4, 1));
  e.Move("D", "won", Day(2025, 4, 5));
  ASSERT_TRUE(store->Apply(e.all()).ok());

  const absl::Time jan = Day(2025, 1, 1), may = Day(2025, 5, 1);
  // Before it existed, and at the instant of its creation (an event at T is not yet known at T).
  EXPECT_TRUE(States(*store, DateIndex::kExpectedClose, jan, may, Day(2025, 1, 5)).empty());
  EXPECT_TRUE(States(*store, DateIndex::kExpectedClose, jan, may, Day(2025, 1, 10)).empty());
  // In a, expected Mar 15.
  std::vector<DealState> s = States(*store, DateIndex::kExpectedClose, jan, may, Day(2025, 1, 20));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].opportunity_id, "D");
  EXPECT_EQ(s[0].stage_id, "a");
  EXPECT_EQ(s[0].probability_percent, 20);
  EXPECT_EQ(s[0].from, absl::ToUnixMicros(Day(2025, 1, 10)));
  EXPECT_EQ(s[0].to, absl::ToUnixMicros(Day(2025, 2, 1)));
  // At Feb 1 itself the move is not yet known; just after it, it is.
  EXPECT_EQ(States(*store, DateIndex::kExpectedClose, jan, may, Day(2025, 2, 1))[0].stage_id, "a");
  EXPECT_EQ(States(*store, DateIndex::kExpectedClose, jan, may, Day(2025, 2, 1) + absl::Seconds(1))[0].stage_id, "b");
  // After the push: the expected close is Apr 10 (April's index), the first date still Mar 15.
  s = States(*store, DateIndex::kExpectedClose, Day(2025, 4, 1), may, Day(2025, 3, 25));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(*s[0].expected_close, absl::ToUnixMicros(Day(2025, 4, 10)));
  EXPECT_EQ(*s[0].first_expected_close, absl::ToUnixMicros(Day(2025, 3, 15)));
  EXPECT_TRUE(States(*store, DateIndex::kExpectedClose, Day(2025, 3, 1), Day(2025, 4, 1), Day(2025, 3, 25)).empty());
  s = States(*store, DateIndex::kFirstExpectedClose, Day(2025, 3, 1), Day(2025, 4, 1), Day(2025, 4, 2));
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].amount_minor, 120000);
  // Won Apr 5: open no more, neither now nor as of later.
  EXPECT_TRUE(States(*store, DateIndex::kExpectedClose, jan, may, std::nullopt).empty());
  EXPECT_TRUE(States(*store, DateIndex::kExpectedClose, jan, may, Day(2025, 4, 6)).empty());

  std::vector<WonRow> wins;
  ASSERT_TRUE(
      ForEachWin(store->store(), "acme", "p", absl::ToUnixMicros(jan), absl::ToUnixMicros(may), [&](WonRow&& w) {
        wins.push_back(std::move(w));
        return absl::OkStatus();
      }).ok());
  ASSERT_EQ(wins.size(), 1u);
  EXPECT_EQ(wins[0].amount_minor, 120000);
  EXPECT_EQ(wins[0].created, absl::ToUnixMicros(Day(2025, 1, 10)));
  // Slippage from the first date: Apr 5 - Mar 15 = 21 days, in April's histogram.
  absl::StatusOr<std::optional<std::string>> slip = eventstore::GetValue(
      store->store(), kSlippageCf, base::KeyBuilder().String("acme").String("p").Uint64(202504).Release());
  ASSERT_TRUE(slip.ok() && slip->has_value());
  absl::StatusOr<stats::SlippageHistogram> h = stats::SlippageHistogram::Parse(**slip);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->count(), 1);
  EXPECT_NEAR(absl::ToDoubleHours(*h->Percentile(0.5)) / 24, 21, 21 * 0.05);
  // Open time by stage and distance from the first date: a from -64 to -42 days, b from -42 to +21.
  absl::StatusOr<std::optional<std::string>> exposure = eventstore::GetValue(
      store->store(), kExposureCf, base::KeyBuilder().String("acme").String("p").Uint64(202504).Release());
  ASSERT_TRUE(exposure.ok() && exposure->has_value());
  absl::StatusOr<ExposureTable> table = ExposureTable::Parse(**exposure);
  ASSERT_TRUE(table.ok());
  int64_t a = 0, b = 0;
  for (int64_t v : table->stages().at("a").won) a += v;
  for (int64_t v : table->stages().at("b").won) b += v;
  EXPECT_EQ(a, 22 * 86400);
  EXPECT_EQ(b, 63 * 86400);
}

TEST_F(ReadModelTest, AReopenedWinIsNoLongerAWin) {
  std::unique_ptr<testing::TestStore> store = Open("db");
  Events e = Pipeline();
  e.Create("D", "p", "b", 100000, Day(2025, 3, 1), Day(2025, 1, 10));
  e.Move("D", "won", Day(2025, 3, 5));
  e.Move("D", "b", Day(2025, 3, 9), /*reopen=*/true);
  ASSERT_TRUE(store->Apply(e.all()).ok());
  auto dump = store->DumpForecast();
  EXPECT_TRUE(dump[kWonCf].empty());
  EXPECT_TRUE(dump[kSlippageCf].empty());
  EXPECT_TRUE(dump[kExposureCf].empty());
  // Open again since Mar 9, and known as won (not open) in between.
  EXPECT_EQ(States(*store, DateIndex::kExpectedClose, Day(2025, 3, 1), Day(2025, 4, 1), std::nullopt).size(), 1u);
  EXPECT_TRUE(States(*store, DateIndex::kExpectedClose, Day(2025, 3, 1), Day(2025, 4, 1), Day(2025, 3, 7)).empty());
  EXPECT_EQ(States(*store, DateIndex::kExpectedClose, Day(2025, 3, 1), Day(2025, 4, 1), Day(2025, 3, 4)).size(), 1u);

  Events more = e;
  more.Move("D", "lost", Day(2025, 3, 20));
  ASSERT_TRUE(store->Apply(more.all()).ok());  // the earlier events are duplicates
  dump = store->DumpForecast();
  EXPECT_TRUE(dump[kWonCf].empty());
  ASSERT_EQ(dump[kExposureCf].size(), 1u);
  absl::StatusOr<ExposureTable> table = ExposureTable::Parse(dump[kExposureCf][0].second);
  ASSERT_TRUE(table.ok());
  int64_t won = 0, lost = 0;
  for (int64_t v : table->stages().at("b").won) won += v;
  for (int64_t v : table->stages().at("b").lost) lost += v;
  EXPECT_EQ(won, 0);
  EXPECT_EQ(lost, (54 + 11) * 86400);  // Jan 10 -> Mar 5 and Mar 9 -> Mar 20; not the days it stood won
}

TEST_F(ReadModelTest, IgnoresOtherAggregatesAndDealsItNeverSawCreated) {
  std::unique_ptr<testing::TestStore> store = Open("db");
  Events e = Pipeline();
  e.Create("D", "p", "a", 100000, Day(2025, 3, 1), Day(2025, 1, 10));
  std::vector<sfa::common::v1::EventEnvelope> events = e.all();
  events.erase(events.begin() + 1);  // the create
  ASSERT_TRUE(store->Apply(events).ok());
  Events later = Pipeline();
  later.Create("X", "p", "a", 100, Day(2025, 3, 1), Day(2025, 1, 10));
  later.Move("X", "b", Day(2025, 2, 1));
  std::vector<sfa::common::v1::EventEnvelope> only_move = {later.all().back()};
  ASSERT_TRUE(store->Apply(only_move).ok());
  for (const auto& [cf, rows] : store->DumpForecast()) EXPECT_TRUE(rows.empty()) << cf;
}

// 300 simulated deals: fed deal by deal in commits of 1,000 events, then every event again (Kafka
// redelivers); a second store fed in business-time order, one event per commit. Same bytes.
TEST_F(ReadModelTest, RedeliveryChangesNothingAndARebuildEqualsTheIncrementalModel) {
  namespace sim = ::sfa::tools::simulator;
  sim::SimulationOptions options;
  options.seed = 3;
  options.deals = 300;
  absl::StatusOr<sim::Simulation> simulation = sim::Simulation::Create(sim::DefaultModel(), options);
  ASSERT_TRUE(simulation.ok()) << simulation.status();
  auto feed = [&](testing::TestStore& store, sim::EventOrder order, size_t batch) {
    sim::EventSinkOptions sink;
    sink.tenant = "acme";
    sink.order = order;
    absl::StatusOr<sim::EventSinkStats> emitted = sim::EmitEvents(
        *simulation, sink, [&](const sfa::common::v1::EventEnvelope& e) { return store.Add(e, batch); });
    ASSERT_TRUE(emitted.ok()) << emitted.status();
    ASSERT_TRUE(store.Flush().ok());
  };
  std::unique_ptr<testing::TestStore> incremental = Open("incremental");
  feed(*incremental, sim::EventOrder::kByTime, 1);
  const auto before = incremental->DumpForecast();
  for (const char* cf : {kDealsCf, kOpenCf, kSpansCf, kWonCf, kSlippageCf, kExposureCf, kPipelineStartCf}) {
    EXPECT_FALSE(before.at(cf).empty()) << cf;
  }
  feed(*incremental, sim::EventOrder::kByTime, 1000);
  EXPECT_EQ(incremental->DumpForecast(), before);

  std::unique_ptr<testing::TestStore> rebuilt = Open("rebuilt");
  feed(*rebuilt, sim::EventOrder::kByDeal, 1000);
  EXPECT_EQ(rebuilt->DumpForecast(), before);
}

TEST(ExposureTableTest, SplitsOpenTimeAcrossBucketsAndRoundTrips) {
  ExposureTable t;
  // -20 d .. +10 d: 6 d in [-20,-14), 7 in [-14,-7), 7 in [-7,0), 7 in [0,7), 3 in [7,14).
  t.Add("s", true, absl::Hours(-20 * 24), absl::Hours(10 * 24));
  const ExposureTable::Cells& c = t.stages().at("s");
  EXPECT_EQ(c.won[OverdueBucket(absl::Hours(-15 * 24))], 6 * 86400);
  EXPECT_EQ(c.won[OverdueBucket(absl::Hours(-10 * 24))], 7 * 86400);
  EXPECT_EQ(c.won[OverdueBucket(absl::Hours(-1))], 7 * 86400);
  EXPECT_EQ(c.won[OverdueBucket(absl::ZeroDuration())], 7 * 86400);
  EXPECT_EQ(c.won[OverdueBucket(absl::Hours(8 * 24))], 3 * 86400);
  EXPECT_EQ(OverdueBucket(absl::Hours(-1000 * 24)), 0);
  EXPECT_EQ(OverdueBucket(absl::Hours(1000 * 24)), kOverdueBuckets - 1);
  t.Add("s", false, absl::Hours(200 * 24), absl::Hours(400 * 24));
  absl::StatusOr<ExposureTable> parsed = ExposureTable::Parse(t.Serialize());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, t);
  EXPECT_FALSE(ExposureTable::Parse(t.Serialize() + "x").ok());
  EXPECT_FALSE(ExposureTable::Parse(t.Serialize().substr(0, 20)).ok());
  // Taken back, nothing is left.
  t.Add("s", true, absl::Hours(-20 * 24), absl::Hours(10 * 24), -1);
  t.Add("s", false, absl::Hours(200 * 24), absl::Hours(400 * 24), -1);
  EXPECT_TRUE(t.empty());
}

TEST(ExposureTableTest, OddsRatioFollowsWhereWinnersAndLosersSpentTheirTime) {
  ExposureTable t;
  // Winners spend their time just before their date; losers mostly long after it.
  for (int i = 0; i < 10; ++i) t.Add("s", true, absl::Hours(-10 * 24), absl::ZeroDuration());
  for (int i = 0; i < 10; ++i) t.Add("s", false, absl::Hours(-10 * 24), absl::Hours(100 * 24));
  const double before = t.OddsRatio("s", OverdueBucket(absl::Hours(-3 * 24)));
  const double long_after = t.OddsRatio("s", OverdueBucket(absl::Hours(70 * 24)));
  EXPECT_GT(before, 1.5);
  EXPECT_LT(long_after, 0.2);
  EXPECT_DOUBLE_EQ(t.OddsRatio("unknown", 3), 1.0);
  EXPECT_NEAR(ScaleOdds(0.5, 3.0), 0.75, 1e-12);
  EXPECT_EQ(ScaleOdds(1.0, 0.1), 1.0);
}

}  // namespace
}  // namespace sfa::analytics::forecast

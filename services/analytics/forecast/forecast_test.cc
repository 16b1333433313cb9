// GetForecast and BacktestForecast on a small hand-made history whose figures are worked out by hand
// below, and the requests they refuse.
//
// Pipeline p: a (open, 20 %, PIPELINE), b (open, 60 %, COMMIT), won, lost. Year 2025, amounts in USD.
//   H1..H4  created Jan 10 in a, 1,000.00, first expected close Mar 1. Feb 1: H1, H2 a -> b; H3, H4 lost.
//           Mar 3: H1 won (slippage +2 days), H2 lost.
//   D4      created Apr 1 in b, 300.00, expected May 1 (bob); May 5 the date is pushed to Jun 18.
//   D1      created May 10 in b, 1,000.00, expected Jun 20 (ann).
//   D2      created May 10 in a, 400.00, expected Jun 25 (bob).
//   D3      created May 10 in a, 2,000.00, expected Jun 30 (ann).
//   D5      created May 10 in a, 700.00, expected Aug 10 (ann).
//   E1      created May 10 in b, 999.00 EUR, expected Jun 20 (ann): another currency.
//   C1      created Jun 1 09:00 in a, 500.00, no date (ann); Jun 2 a -> b; Jun 3 won.
//
// Learned from every month (a forecast now): a exits 3 -> b, 2 -> lost; b exits 2 -> won, 1 -> lost, so
// P(win | b) = 2/3 and P(win | a) = 3/5 x 2/3 = 2/5. Only H1's win has a first date: slippage is one
// sample of +2 days, so a deal expected on day d closes on d + 2 (a histogram bucket ~2 h wide). Won and
// lost deals of a stage spent the same time at the same distance from their dates (H1..H4 move together),
// so the overdue odds factor is 1 everywhere.
//
// GetForecast June as of Jun 15: C1 already won (500.00). D1 closes Jun 22, D2 Jun 27: in June; D3 Jul 2,
// D5 Aug 12: not; D4's first date (May 1) is 45 days past and no win ever slipped that far: no chance.
// Run-rate: the rest of June is 16 days; 9 whole 16-day windows fit since the first deal (Jan 10 -> Jun 15
// is 156 days); of the wins in them only C1 was created in its own window: 500.00 / 9 = 55.56.
//   HISTORICAL  = 500 + 1,000 x 2/3 + 400 x 2/5 + 55.56 = 1,382.22 (ann 1,222.22, bob 160.00)
//   STAGE_WEIGHTED = 500 + 1,000 x 60 % + 400 x 20 % + 2,000 x 20 % + 300 x 60 % = 1,760.00
//   roll-up (expected in June: D1, D4 commit; D2, D3 pipeline; C1 closed): commit 500 + 1,300 = 1,800,
//   best case 1,800, open pipeline 3,700.
//   MONTE_CARLO: D1 wins w.p. 2/3, D2 w.p. 2/5, C1's run-rate 8 copies of 500 w.p. 1/72 each. Totals:
//   P(0) = 1/3 x 3/5 x (71/72)^8 = 0.179 > 10 %, so P10 = 500 (closed only); P(total < 1,000) = 0.333 and
//   P(total = 1,000) = 2/3 x 3/5 x 0.894 = 0.358, so P50 = 1,500; P(total >= 1,400) = 0.28 and P(total >
//   1,400) = 0.03, so P90 = 1,900.
//
// BacktestForecast May and June (learned from the months before each: P(win | a) = 1/4, P(win | b) = 1/2):
//   May (as of May 1): only D4 is open, expected May 1: STAGE_WEIGHTED 180.00, HISTORICAL 300 x 1/2 =
//   150.00; nothing won in May (no error, no MAPE term).
//   June (as of Jun 1): STAGE_WEIGHTED 600 + 80 + 400 + 180 = 1,260.00; HISTORICAL 1,000 x 1/2 + 400 x 1/4
//   = 600.00 (no run-rate: no deal was created and won inside a 30-day window); actual 500.00 (C1).
//   error: STAGE_WEIGHTED (1,260 - 500) / 500 = 1.52, HISTORICAL 0.2. MONTE_CARLO June: totals 0, 400,
//   1,000, 1,400 w.p. 3/8, 1/8, 3/8, 1/8: P10 0, P90 1,400 hold 500; May: P10 0, P90 300 hold 0.

#include "analytics/forecast/forecast.h"

#include <memory>

#include "analytics/forecast/test_events.h"
#include "analytics/forecast/test_store.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"

namespace sfa::analytics::forecast {
namespace {

namespace ov1 = ::sfa::opportunity::v1;

using testing::Day;
using testing::Events;
using testing::Ts;

class ForecastTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::TestStore>> store = testing::TestStore::Open(dir_.Sub("db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    Events e;
    e.Pipeline("p",
               {{"a", ov1::STAGE_TYPE_OPEN, 20, ov1::FORECAST_CATEGORY_PIPELINE},
                {"b", ov1::STAGE_TYPE_OPEN, 60, ov1::FORECAST_CATEGORY_COMMIT},
                {"won", ov1::STAGE_TYPE_WON, 100, ov1::FORECAST_CATEGORY_CLOSED},
                {"lost", ov1::STAGE_TYPE_LOST, 0, ov1::FORECAST_CATEGORY_OMITTED}},
               Day(2025, 1, 1));
    e.Team("team-1", {"ann"}, Day(2025, 1, 1));
    e.Team("team-2", {"bob"}, Day(2025, 1, 1));
    for (const char* h : {"H1", "H2", "H3", "H4"}) e.Create(h, "p", "a", 100000, Day(2025, 3, 1), Day(2025, 1, 10));
    e.Move("H1", "b", Day(2025, 2, 1));
    e.Move("H2", "b", Day(2025, 2, 1));
    e.Move("H3", "lost", Day(2025, 2, 1));
    e.Move("H4", "lost", Day(2025, 2, 1));
    e.Move("H1", "won", Day(2025, 3, 3));
    e.Move("H2", "lost", Day(2025, 3, 3));
    e.Create("D4", "p", "b", 30000, Day(2025, 5, 1), Day(2025, 4, 1), "bob");
    e.CloseDate("D4", Day(2025, 6, 18), Day(2025, 5, 5));
    e.Create("D1", "p", "b", 100000, Day(2025, 6, 20), Day(2025, 5, 10), "ann");
    e.Create("D2", "p", "a", 40000, Day(2025, 6, 25), Day(2025, 5, 10), "bob");
    e.Create("D3", "p", "a", 200000, Day(2025, 6, 30), Day(2025, 5, 10), "ann");
    e.Create("D5", "p", "a", 70000, Day(2025, 8, 10), Day(2025, 5, 10), "ann");
    e.Create("E1", "p", "b", 99900, Day(2025, 6, 20), Day(2025, 5, 10), "ann", "EUR");
    e.Create("C1", "p", "a", 50000, absl::InfinitePast(), Day(2025, 6, 1, 9), "ann");
    e.Move("C1", "b", Day(2025, 6, 2));
    e.Move("C1", "won", Day(2025, 6, 3));
    ASSERT_TRUE(store_->Apply(e.all()).ok());
  }

  v1::GetForecastRequest June(v1::ForecastMethod method, v1::GroupBy group_by = v1::GROUP_BY_UNSPECIFIED) {
    v1::GetForecastRequest r;
    *r.mutable_period()->mutable_start() = Ts(Day(2025, 6, 1));
    *r.mutable_period()->mutable_end() = Ts(Day(2025, 7, 1));
    r.set_method(method);
    r.set_group_by(group_by);
    r.set_pipeline_id("p");
    r.set_runs(20000);
    r.set_seed(7);
    return r;
  }

  absl::StatusOr<v1::GetForecastResponse> Forecast(const v1::GetForecastRequest& r) {
    if (absl::Status valid = Validate(r); !valid.ok()) return valid;
    return forecast::Forecast(store_->store(), "acme", r, Day(2025, 6, 15));
  }

  v1::BacktestForecastRequest MayJune(v1::ForecastMethod method) {
    v1::BacktestForecastRequest r;
    r.set_method(method);
    for (int month : {5, 6}) {
      v1::Period* p = r.add_periods();
      *p->mutable_start() = Ts(Day(2025, month, 1));
      *p->mutable_end() = Ts(Day(2025, month + 1, 1));
    }
    r.set_pipeline_id("p");
    r.set_runs(20000);
    return r;
  }

  absl::StatusOr<v1::BacktestForecastResponse> Backtest(const v1::BacktestForecastRequest& r) {
    if (absl::Status valid = Validate(r); !valid.ok()) return valid;
    return forecast::Backtest(store_->store(), "acme", r, Day(2025, 8, 1));
  }

  eventstore::testing::TempDir dir_{"forecast-test"};
  std::unique_ptr<testing::TestStore> store_;
};

TEST_F(ForecastTest, HistoricalIsTheWonSoFarPlusLearnedOddsTimesCloseChancePlusTheRunRate) {
  absl::StatusOr<v1::GetForecastResponse> r = Forecast(June(v1::FORECAST_METHOD_HISTORICAL));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->currency(), "USD");
  ASSERT_EQ(r->skipped_currencies_size(), 1);
  EXPECT_EQ(r->skipped_currencies(0), "EUR");
  ASSERT_EQ(r->groups_size(), 1);
  const v1::ForecastFigures& all = r->groups(0);
  EXPECT_EQ(all.key(), "all");
  EXPECT_EQ(all.expected().minor_units(), 138222);  // 1,382.22
  EXPECT_EQ(all.expected().currency(), "USD");
  EXPECT_EQ(all.closed_won().minor_units(), 50000);
  EXPECT_EQ(all.commit().minor_units(), 180000);
  EXPECT_EQ(all.best_case().minor_units(), 180000);
  EXPECT_EQ(all.pipeline().minor_units(), 370000);
  EXPECT_FALSE(all.has_p10());
}

TEST_F(ForecastTest, StageWeightedIsTheWonSoFarPlusConfiguredPercentOfDealsExpectedInThePeriod) {
  absl::StatusOr<v1::GetForecastResponse> r = Forecast(June(v1::FORECAST_METHOD_STAGE_WEIGHTED));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->groups_size(), 1);
  EXPECT_EQ(r->groups(0).expected().minor_units(), 176000);
  EXPECT_EQ(r->groups(0).closed_won().minor_units(), 50000);
}

TEST_F(ForecastTest, MonteCarloQuantilesOfTheSimulatedTotals) {
  absl::StatusOr<v1::GetForecastResponse> r = Forecast(June(v1::FORECAST_METHOD_MONTE_CARLO));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->groups_size(), 1);
  const v1::ForecastFigures& all = r->groups(0);
  EXPECT_EQ(all.p10().minor_units(), 50000);
  EXPECT_EQ(all.p50().minor_units(), 150000);
  EXPECT_EQ(all.p90().minor_units(), 190000);
  EXPECT_NEAR(all.expected().minor_units(), 138222, 1500);  // the mean of 20,000 runs (sd of the mean ~3.2)
  // The same seed gives the same figures.
  absl::StatusOr<v1::GetForecastResponse> again = Forecast(June(v1::FORECAST_METHOD_MONTE_CARLO));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->groups(0).expected().minor_units(), all.expected().minor_units());
}

TEST_F(ForecastTest, GroupsByOwnerAndByTeam) {
  for (v1::GroupBy g : {v1::GROUP_BY_OWNER, v1::GROUP_BY_TEAM}) {
    SCOPED_TRACE(v1::GroupBy_Name(g));
    absl::StatusOr<v1::GetForecastResponse> r = Forecast(June(v1::FORECAST_METHOD_HISTORICAL, g));
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->groups_size(), 2);
    EXPECT_EQ(r->groups(0).key(), g == v1::GROUP_BY_OWNER ? "ann" : "team-1");
    EXPECT_EQ(r->groups(0).expected().minor_units(), 122222);  // 500 + 666.67 + 55.56
    EXPECT_EQ(r->groups(0).commit().minor_units(), 150000);    // closed 500 + D1
    EXPECT_EQ(r->groups(0).pipeline().minor_units(), 300000);  // D1 + D3
    EXPECT_EQ(r->groups(1).key(), g == v1::GROUP_BY_OWNER ? "bob" : "team-2");
    EXPECT_EQ(r->groups(1).expected().minor_units(), 16000);
    EXPECT_EQ(r->groups(1).closed_won().minor_units(), 0);
    EXPECT_EQ(r->groups(1).pipeline().minor_units(), 70000);  // D2 + D4
  }
}

TEST_F(ForecastTest, BacktestStageWeighted) {
  absl::StatusOr<v1::BacktestForecastResponse> r = Backtest(MayJune(v1::FORECAST_METHOD_STAGE_WEIGHTED));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->periods_size(), 2);
  EXPECT_EQ(r->periods(0).forecast().minor_units(), 18000);
  EXPECT_EQ(r->periods(0).actual().minor_units(), 0);
  EXPECT_FALSE(r->periods(0).has_error());
  EXPECT_EQ(r->periods(1).forecast().minor_units(), 126000);
  EXPECT_EQ(r->periods(1).actual().minor_units(), 50000);
  EXPECT_EQ(r->periods(1).actual().currency(), "USD");
  EXPECT_DOUBLE_EQ(r->periods(1).error(), 1.52);
  EXPECT_DOUBLE_EQ(r->mape(), 1.52);
  EXPECT_DOUBLE_EQ(r->bias(), 1.52);
  EXPECT_FALSE(r->has_interval_coverage());
}

TEST_F(ForecastTest, BacktestHistoricalLearnsOnlyFromBeforeEachPeriod) {
  absl::StatusOr<v1::BacktestForecastResponse> r = Backtest(MayJune(v1::FORECAST_METHOD_HISTORICAL));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->periods_size(), 2);
  EXPECT_EQ(r->periods(0).forecast().minor_units(), 15000);
  EXPECT_EQ(r->periods(1).forecast().minor_units(), 60000);
  EXPECT_NEAR(r->periods(1).error(), 0.2, 1e-12);
  EXPECT_NEAR(r->mape(), 0.2, 1e-12);
}

TEST_F(ForecastTest, BacktestMonteCarloIntervals) {
  absl::StatusOr<v1::BacktestForecastResponse> r = Backtest(MayJune(v1::FORECAST_METHOD_MONTE_CARLO));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->periods_size(), 2);
  EXPECT_EQ(r->periods(0).p10().minor_units(), 0);
  EXPECT_EQ(r->periods(0).p90().minor_units(), 30000);
  EXPECT_EQ(r->periods(1).p10().minor_units(), 0);
  EXPECT_EQ(r->periods(1).p90().minor_units(), 140000);
  EXPECT_NEAR(r->periods(1).forecast().minor_units(), 60000, 1000);
  EXPECT_DOUBLE_EQ(r->interval_coverage(), 1.0);
}

TEST_F(ForecastTest, BacktestInAnotherCurrency) {
  v1::BacktestForecastRequest request = MayJune(v1::FORECAST_METHOD_STAGE_WEIGHTED);
  request.set_currency("EUR");
  absl::StatusOr<v1::BacktestForecastResponse> r = Backtest(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->periods(1).forecast().minor_units(), 59940);  // E1: 999.00 x 60 %
  EXPECT_EQ(r->periods(1).forecast().currency(), "EUR");
  EXPECT_EQ(r->periods(1).actual().minor_units(), 0);
}

TEST_F(ForecastTest, UnknownPipelineIsNotFound) {
  v1::GetForecastRequest request = June(v1::FORECAST_METHOD_HISTORICAL);
  request.set_pipeline_id("nope");
  EXPECT_EQ(Forecast(request).status().code(), absl::StatusCode::kNotFound);
  v1::BacktestForecastRequest backtest = MayJune(v1::FORECAST_METHOD_HISTORICAL);
  backtest.set_pipeline_id("nope");
  EXPECT_EQ(Backtest(backtest).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ForecastTest, EveryPipelineWhenNoneIsNamed) {
  v1::GetForecastRequest request = June(v1::FORECAST_METHOD_STAGE_WEIGHTED);
  request.clear_pipeline_id();
  absl::StatusOr<v1::GetForecastResponse> r = Forecast(request);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->groups(0).expected().minor_units(), 176000);
}

TEST_F(ForecastTest, BacktestRefusesAPeriodThatIsNotOver) {
  v1::BacktestForecastRequest r = MayJune(v1::FORECAST_METHOD_HISTORICAL);
  absl::StatusOr<v1::BacktestForecastResponse> out = forecast::Backtest(store_->store(), "acme", r, Day(2025, 6, 20));
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("periods[1].end"), std::string::npos) << out.status();
}

struct Refusal {
  const char* what;
  std::function<void(v1::GetForecastRequest&)> change;
  const char* field;
};

TEST(ForecastValidationTest, RefusesBadForecastRequestsNamingTheField) {
  const std::vector<Refusal> refusals = {
      {"no period", [](auto& r) { r.clear_period(); }, "period"},
      {"start = end", [](auto& r) { *r.mutable_period()->mutable_end() = r.period().start(); }, "period.start"},
      {"start > end", [](auto& r) { r.mutable_period()->mutable_start()->set_seconds(r.period().end().seconds() + 1); },
       "period.start"},
      {"bad timestamp", [](auto& r) { r.mutable_period()->mutable_start()->set_nanos(-1); }, "period.start"},
      {"too long",
       [](auto& r) { r.mutable_period()->mutable_end()->set_seconds(r.period().start().seconds() + 86400LL * 2000); },
       "period"},
      {"no method", [](auto& r) { r.set_method(v1::FORECAST_METHOD_UNSPECIFIED); }, "method"},
      {"unknown method", [](auto& r) { r.set_method(static_cast<v1::ForecastMethod>(9)); }, "method"},
      {"unknown group_by", [](auto& r) { r.set_group_by(static_cast<v1::GroupBy>(42)); }, "group_by"},
      {"unsupported group_by", [](auto& r) { r.set_group_by(v1::GROUP_BY_REGION); }, "group_by"},
      {"long pipeline", [](auto& r) { r.set_pipeline_id(std::string(65, 'p')); }, "pipeline_id"},
      {"negative runs", [](auto& r) { r.set_runs(-1); }, "runs"},
      {"too many runs", [](auto& r) { r.set_runs(kMaxRuns + 1); }, "runs"},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.what);
    v1::GetForecastRequest r;
    *r.mutable_period()->mutable_start() = Ts(Day(2025, 6, 1));
    *r.mutable_period()->mutable_end() = Ts(Day(2025, 7, 1));
    r.set_method(v1::FORECAST_METHOD_MONTE_CARLO);
    r.set_runs(kMaxRuns);
    ASSERT_TRUE(Validate(r).ok());
    refusal.change(r);
    const absl::Status s = Validate(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(refusal.field), std::string::npos) << s;
  }
}

TEST(ForecastValidationTest, RefusesBadBacktestRequestsNamingTheField) {
  auto valid = [] {
    v1::BacktestForecastRequest r;
    r.set_method(v1::FORECAST_METHOD_HISTORICAL);
    for (int month = 1; month <= 3; ++month) {
      v1::Period* p = r.add_periods();
      *p->mutable_start() = Ts(Day(2025, month, 1));
      *p->mutable_end() = Ts(Day(2025, month + 1, 1));
    }
    r.set_currency("USD");
    return r;
  };
  ASSERT_TRUE(Validate(valid()).ok());
  std::vector<std::pair<std::function<void(v1::BacktestForecastRequest&)>, const char*>> refusals = {
      {[](auto& r) { r.set_method(v1::FORECAST_METHOD_UNSPECIFIED); }, "method"},
      {[](auto& r) { r.set_method(static_cast<v1::ForecastMethod>(-3)); }, "method"},
      {[](auto& r) { r.clear_periods(); }, "periods"},
      {[](auto& r) {
         while (r.periods_size() <= kMaxBacktestPeriods) *r.add_periods() = r.periods(r.periods_size() - 1);
       },
       "periods"},
      {[](auto& r) { *r.mutable_periods(1)->mutable_end() = r.periods(1).start(); }, "periods[1].start"},
      {[](auto& r) { r.mutable_periods(2)->clear_end(); }, "periods[2]"},
      {[](auto& r) { *r.mutable_periods(2)->mutable_start() = r.periods(0).start(); }, "periods[2].start"},
      {[](auto& r) { r.set_currency("usd"); }, "currency"},
      {[](auto& r) { r.set_currency("US"); }, "currency"},
      {[](auto& r) { r.set_currency("USDX"); }, "currency"},
      {[](auto& r) { r.set_runs(kMaxRuns + 1); }, "runs"},
      {[](auto& r) { r.set_pipeline_id(std::string(65, 'p')); }, "pipeline_id"},
  };
  for (size_t i = 0; i < refusals.size(); ++i) {
    SCOPED_TRACE(i);
    v1::BacktestForecastRequest r = valid();
    refusals[i].first(r);
    const absl::Status s = Validate(r);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(refusals[i].second), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace sfa::analytics::forecast

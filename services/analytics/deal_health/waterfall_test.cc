// GetPipelineWaterfall on a hand-built history: every movement, the identity opening + movements = closing
// per currency, the opening against GetPipeline as of the same instant, the deal cap and the pipeline filter.

#include <map>
#include <memory>
#include <string>

#include "analytics/deal_health/deal_health.h"
#include "analytics/deal_health/test_events.h"
#include "analytics/testing/harness.h"
#include "domain/support.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::analytics::deal_health {
namespace {

using testing::Day;
using ::testing::ElementsAre;
using testing::Eur;
using ::testing::UnorderedElementsAre;
using testing::Usd;

std::map<std::string, int64_t> AmountOf(const v1::WaterfallMovement& m) {
  std::map<std::string, int64_t> out;
  for (const sfa::common::v1::Money& money : m.amount()) out[money.currency()] += money.minor_units();
  return out;
}

std::vector<std::string> IdsOf(const v1::WaterfallMovement& m) {
  std::vector<std::string> out;
  for (const v1::WaterfallDeal& d : m.deals()) out.push_back(d.opportunity_id());
  return out;
}

class WaterfallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<analytics::testing::Harness>> h =
        analytics::testing::Harness::Start(dir_.Sub("data"));
    ASSERT_TRUE(h.ok()) << h.status();
    harness_ = *std::move(h);
    testing::Events& e = events_;
    e.Pipeline("p1", {"s1", "s2"});
    e.Pipeline("p2", {"s1"});
    e.Created("A", Day(1), Usd(1000), Day(15));  // untouched: opening and closing
    e.Created("B", Day(2), Usd(2000), Day(30));
    e.Amount("B", Day(12), Usd(2000), Usd(2500));  // increased
    e.Created("C", Day(3), Usd(3000), Day(15));
    e.Amount("C", Day(13), Usd(3000), Usd(2000));  // decreased
    e.Created("D", Day(4), Usd(4000), Day(40));
    e.CloseDate("D", Day(14), Day(40), Day(18));  // pulled in across the window's end
    e.Created("E", Day(5), Usd(5000), Day(16));
    e.CloseDate("E", Day(15), Day(16), Day(45));  // pushed out
    e.Created("F", Day(6), Usd(6000), Day(17));
    e.Won("F", Day(16), Usd(6500));  // won for more than its open amount
    e.Created("G", Day(7), Usd(7000), Day(17));
    e.Lost("G", Day(17));
    e.Created("H", Day(11), Usd(800), Day(19));  // new
    e.Created("I", Day(12), Usd(900), Day(19));  // new, then won
    e.Won("I", Day(18));
    e.Created("J", Day(1), Usd(100), Day(5));
    e.Lost("J", Day(2));
    e.Reopened("J", Day(15));                       // reopened
    e.Created("K", Day(10, 3), Usd(111), Day(19));  // same day as `from`, before it: opening
    e.Created("L", Day(10, 9), Usd(222), Day(19));  // same day as `from`, after it: new
    e.Created("M", Day(20, 3), Usd(333), Day(19));  // `to`'s day, before it: new
    e.Created("N", Day(20, 9), Usd(444), Day(19));  // after `to`: nothing
    e.Created("O", Day(3), Eur(5000), Day(30));
    e.Amount("O", Day(12), Eur(5000), Eur(6000));  // increased, in EUR
    e.Created("P", Day(3), Usd(1000), Day(30));
    e.Amount("P", Day(13), Usd(1000), Eur(900));  // currency change: USD decreased, EUR increased
    e.Created("Q", Day(11), Usd(10000), Day(19), "p2");
    e.Created("R", Day(2), Usd(50), Day(30));
    e.Won("R", Day(25));  // after the window
    e.Created("S", Day(2), Usd(70), Day(30));
    e.Won("S", Day(12));
    e.Reopened("S", Day(14));  // open at both ends: no movement
    ASSERT_TRUE(harness_->Feed(e.all()).ok());
  }

  v1::GetPipelineWaterfallResponse Query(const std::string& pipeline = "p1", int max_deals = 0) {
    v1::GetPipelineWaterfallRequest r;
    *r.mutable_from() = domain::ToTimestamp(from_);
    *r.mutable_to() = domain::ToTimestamp(to_);
    r.set_pipeline_id(pipeline);
    r.set_max_deals_per_movement(max_deals);
    EXPECT_TRUE(Validate(r).ok());
    absl::StatusOr<v1::GetPipelineWaterfallResponse> out = Waterfall(harness_->store(), "acme", r, absl::Now());
    EXPECT_TRUE(out.ok()) << out.status();
    return out.value_or(v1::GetPipelineWaterfallResponse());
  }

  static const v1::WaterfallMovement& Find(const v1::GetPipelineWaterfallResponse& r, const std::string& name) {
    for (const v1::WaterfallMovement& m : r.movements()) {
      if (m.movement() == name) return m;
    }
    ADD_FAILURE() << "no movement " << name;
    return v1::WaterfallMovement::default_instance();
  }

  eventstore::testing::TempDir dir_;
  std::unique_ptr<analytics::testing::Harness> harness_;
  testing::Events events_;
  const absl::Time from_ = Day(10, 6);
  const absl::Time to_ = Day(20, 6);
};

TEST_F(WaterfallTest, EveryMovementOfAHandBuiltHistory) {
  const v1::GetPipelineWaterfallResponse r = Query();
  std::vector<std::string> names;
  for (const v1::WaterfallMovement& m : r.movements()) names.push_back(m.movement());
  EXPECT_THAT(names, ElementsAre("opening", "new", "reopened", "increased", "decreased", "pulled_in", "pushed_out",
                                 "won", "lost", "closing"));

  const v1::WaterfallMovement& opening = Find(r, "opening");
  EXPECT_EQ(opening.count(), 12);  // A B C D E F G K O P R S
  EXPECT_THAT(AmountOf(opening), UnorderedElementsAre(std::pair<const std::string, int64_t>("EUR", 5000),
                                                      std::pair<const std::string, int64_t>("USD", 29231)));
  EXPECT_TRUE(opening.deals().empty());

  const v1::WaterfallMovement& added = Find(r, "new");
  EXPECT_EQ(added.count(), 4);
  EXPECT_THAT(IdsOf(added), ElementsAre("I", "H", "M", "L"));  // largest first
  EXPECT_EQ(AmountOf(added)["USD"], 2255);

  const v1::WaterfallMovement& reopened = Find(r, "reopened");
  EXPECT_THAT(IdsOf(reopened), ElementsAre("J"));
  EXPECT_EQ(AmountOf(reopened)["USD"], 100);

  const v1::WaterfallMovement& increased = Find(r, "increased");
  EXPECT_THAT(IdsOf(increased), ElementsAre("O", "P", "B", "F"));
  EXPECT_EQ(increased.count(), 4);
  EXPECT_EQ(AmountOf(increased)["USD"], 1000);
  EXPECT_EQ(AmountOf(increased)["EUR"], 1900);
  EXPECT_EQ(increased.deals(2).change().minor_units(), 500);
  EXPECT_EQ(increased.deals(2).amount().minor_units(), 2500);

  const v1::WaterfallMovement& decreased = Find(r, "decreased");
  EXPECT_THAT(IdsOf(decreased), UnorderedElementsAre("C", "P"));
  EXPECT_EQ(AmountOf(decreased), (std::map<std::string, int64_t>{{"USD", -2000}}));

  const v1::WaterfallMovement& pulled_in = Find(r, "pulled_in");
  ASSERT_THAT(IdsOf(pulled_in), ElementsAre("D"));
  EXPECT_EQ(AmountOf(pulled_in)["USD"], 4000);
  EXPECT_EQ(domain::ToTime(pulled_in.deals(0).from_close_date()), Day(40));
  EXPECT_EQ(domain::ToTime(pulled_in.deals(0).to_close_date()), Day(18));

  const v1::WaterfallMovement& pushed_out = Find(r, "pushed_out");
  ASSERT_THAT(IdsOf(pushed_out), ElementsAre("E"));
  EXPECT_EQ(AmountOf(pushed_out)["USD"], -5000);

  const v1::WaterfallMovement& won = Find(r, "won");
  EXPECT_THAT(IdsOf(won), ElementsAre("F", "I"));
  EXPECT_EQ(AmountOf(won)["USD"], -7400);
  EXPECT_EQ(won.deals(0).amount().minor_units(), 6500);  // the amount it was won for

  const v1::WaterfallMovement& lost = Find(r, "lost");
  EXPECT_THAT(IdsOf(lost), ElementsAre("G"));
  EXPECT_EQ(AmountOf(lost)["USD"], -7000);

  const v1::WaterfallMovement& closing = Find(r, "closing");
  EXPECT_EQ(closing.count(), 14);
  EXPECT_EQ(AmountOf(closing), (std::map<std::string, int64_t>{{"EUR", 6900}, {"USD", 16186}}));
}

// opening + new + reopened + increased + decreased + won + lost = closing, per currency and in count
// (pulled in / pushed out only move amounts across the window's end, within the open pipeline).
TEST_F(WaterfallTest, OpeningPlusMovementsIsClosingPerCurrency) {
  for (const char* pipeline : {"p1", "p2", ""}) {
    const v1::GetPipelineWaterfallResponse r = Query(pipeline);
    std::map<std::string, int64_t> sum = AmountOf(Find(r, "opening"));
    int64_t count = Find(r, "opening").count();
    for (const char* name : {"new", "reopened", "increased", "decreased", "won", "lost"}) {
      for (const auto& [currency, units] : AmountOf(Find(r, name))) sum[currency] += units;
    }
    count += Find(r, "new").count() + Find(r, "reopened").count() - Find(r, "won").count() - Find(r, "lost").count();
    std::erase_if(sum, [](const auto& entry) { return entry.second == 0; });
    EXPECT_EQ(sum, AmountOf(Find(r, "closing"))) << "pipeline '" << pipeline << "'";
    EXPECT_EQ(count, Find(r, "closing").count()) << "pipeline '" << pipeline << "'";
  }
}

TEST_F(WaterfallTest, OpeningAndClosingAreThePipelineJustBeforeTheWindowsEnds) {
  const v1::GetPipelineWaterfallResponse r = Query();
  for (const auto& [instant, name] : {std::pair{from_, "opening"}, std::pair{to_, "closing"}}) {
    v1::GetPipelineRequest as_of;
    as_of.set_pipeline_id("p1");
    *as_of.mutable_as_of() = domain::ToTimestamp(instant - absl::Microseconds(1));
    absl::StatusOr<v1::GetPipelineResponse> pipeline = harness_->service().Pipeline("acme", as_of, absl::Now());
    ASSERT_TRUE(pipeline.ok()) << pipeline.status();
    EXPECT_EQ(pipeline->count(), Find(r, name).count()) << name;
    std::map<std::string, int64_t> amount;
    for (const sfa::common::v1::Money& m : pipeline->amount()) amount[m.currency()] = m.minor_units();
    EXPECT_EQ(amount, AmountOf(Find(r, name))) << name;
  }
}

TEST_F(WaterfallTest, DealListsAreCappedButCountsAreComplete) {
  const v1::GetPipelineWaterfallResponse r = Query("p1", 1);
  EXPECT_EQ(Find(r, "new").count(), 4);
  EXPECT_THAT(IdsOf(Find(r, "new")), ElementsAre("I"));
  EXPECT_EQ(AmountOf(Find(r, "new"))["USD"], 2255);
}

TEST_F(WaterfallTest, EveryPipelineWhenNoneIsNamed) {
  EXPECT_THAT(IdsOf(Find(Query("p2"), "new")), ElementsAre("Q"));
  const v1::GetPipelineWaterfallResponse all = Query("");
  EXPECT_EQ(Find(all, "new").count(), 5);
  EXPECT_EQ(AmountOf(Find(all, "new"))["USD"], 12255);
  EXPECT_EQ(Find(all, "opening").count(), 12);
}

TEST_F(WaterfallTest, AnEmptyWindowChangesNothing) {
  v1::GetPipelineWaterfallRequest r;
  *r.mutable_from() = domain::ToTimestamp(Day(30));
  *r.mutable_to() = domain::ToTimestamp(Day(31));
  absl::StatusOr<v1::GetPipelineWaterfallResponse> out = Waterfall(harness_->store(), "acme", r, absl::Now());
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(Find(*out, "opening").count(), Find(*out, "closing").count());
  for (const char* name : {"new", "reopened", "increased", "decreased", "pulled_in", "pushed_out", "won", "lost"}) {
    EXPECT_EQ(Find(*out, name).count(), 0) << name;
    EXPECT_TRUE(Find(*out, name).amount().empty()) << name;
  }
}

TEST_F(WaterfallTest, OverGrpcUnknownPipelineIsNotFoundAndBadFieldsAreNamed) {
  v1::GetPipelineWaterfallRequest r;
  *r.mutable_from() = domain::ToTimestamp(from_);
  *r.mutable_to() = domain::ToTimestamp(to_);
  r.set_pipeline_id("nope");
  v1::GetPipelineWaterfallResponse out;
  grpc::Status s = harness_->stub().GetPipelineWaterfall(analytics::testing::Harness::Context("acme").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("pipeline_id"));

  r.set_pipeline_id("p1");
  s = harness_->stub().GetPipelineWaterfall(analytics::testing::Harness::Context("acme").get(), r, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.movements_size(), 10);

  r.set_max_deals_per_movement(1001);
  s = harness_->stub().GetPipelineWaterfall(analytics::testing::Harness::Context("acme").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("max_deals_per_movement"));

  // Another tenant sees nothing of acme's, not even its pipelines.
  r.set_max_deals_per_movement(0);
  s = harness_->stub().GetPipelineWaterfall(analytics::testing::Harness::Context("globex").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace sfa::analytics::deal_health

// ListStalledDeals on a hand-built history: stalled by the learned p80, by the policy's maximum (which
// wins over the p80), for want of activity, paging, and the request's validation over gRPC.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
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
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;
using testing::Usd;
namespace ov1 = ::sfa::opportunity::v1;

class StalledTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<analytics::testing::Harness>> h =
        analytics::testing::Harness::Start(dir_.Sub("data"));
    ASSERT_TRUE(h.ok()) << h.status();
    harness_ = *std::move(h);
    testing::Events& e = events_;
    e.Pipeline("p1", {"s1", "s2", "s3"});
    // Ten deals that each spent 10 days in s1: the learned p80 of s1 is about 10 days (T3, T4 and T6 add
    // three longer exits, above the 80th percentile).
    for (int i = 0; i < 10; ++i) {
      const std::string id = absl::StrCat("X", i);
      e.Created(id, Day(50), Usd(100), Day(120));
      e.Won(id, Day(60));
    }
    e.Created("T1", Day(80), Usd(1000), Day(120));  // 20 d in s1 > p80; active
    e.Activity("a1", "T1", Day(99));
    e.Created("T2", Day(95), Usd(2000), Day(120));  // 5 d in s1, 5 d idle: fine
    e.Created("T3", Day(40), Usd(3000), Day(120));  // 10 d in s3 (no p80 for s3); active
    e.Stage("T3", Day(90), "s3", ov1::STAGE_CHANGE_KIND_FORWARD);
    e.Activity("a3", "T3", Day(98));
    e.Created("T4", Day(50), Usd(4000), Day(120));  // 3 d in s2, idle since day 55 (45 d)
    e.Activity("a4", "T4", Day(55));
    e.Stage("T4", Day(97), "s2", ov1::STAGE_CHANGE_KIND_FORWARD);
    e.Created("T5", Day(65), Usd(5000), Day(120));  // 35 d in s1 and 35 d idle
    e.Created("T6", Day(10), Usd(6000), Day(120));  // closed: never stalled
    e.Lost("T6", Day(20));
    ASSERT_TRUE(harness_->Feed(e.all()).ok());
  }

  v1::ListStalledDealsResponse List(const std::string& pipeline = "p1", int page_size = 0,
                                    const std::string& token = "", absl::Time now = Day(100)) {
    v1::ListStalledDealsRequest r;
    r.set_pipeline_id(pipeline);
    r.set_page_size(page_size);
    r.set_page_token(token);
    EXPECT_TRUE(Validate(r).ok());
    absl::StatusOr<v1::ListStalledDealsResponse> out = ListStalled(harness_->store(), "acme", r, now);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.value_or(v1::ListStalledDealsResponse());
  }

  static std::vector<std::string> Ids(const v1::ListStalledDealsResponse& r) {
    std::vector<std::string> out;
    for (const v1::StalledDeal& d : r.deals()) out.push_back(d.opportunity_id());
    return out;
  }

  void DefinePolicy(const std::vector<std::tuple<std::string, std::string, int>>& thresholds, int idle_days) {
    v1::DefineStallPolicyRequest r;
    r.set_request_id(absl::StrCat("policy-", ++policies_));
    for (const auto& [pipeline, stage, days] : thresholds) {
      v1::StallThreshold* t = r.mutable_policy()->add_thresholds();
      t->set_pipeline_id(pipeline);
      t->set_stage_id(stage);
      *t->mutable_max_time_in_stage() = domain::ToDurationProto(absl::Hours(24 * days));
    }
    if (idle_days > 0) {
      *r.mutable_policy()->mutable_max_days_without_activity() = domain::ToDurationProto(absl::Hours(24 * idle_days));
    }
    v1::DefineStallPolicyResponse out;
    grpc::Status s = harness_->stub().DefineStallPolicy(analytics::testing::Harness::Context("acme").get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  eventstore::testing::TempDir dir_;
  std::unique_ptr<analytics::testing::Harness> harness_;
  testing::Events events_;
  int policies_ = 0;
};

TEST_F(StalledTest, ByLearnedP80AndByInactivity) {
  const v1::ListStalledDealsResponse r = List();
  // s1 past its p80, oldest entry first; then the deals stalled only for want of activity.
  ASSERT_THAT(Ids(r), ElementsAre("T5", "T1", "T4"));
  EXPECT_TRUE(r.next_page_token().empty());

  const v1::StalledDeal& t5 = r.deals(0);
  ASSERT_THAT(t5.reasons(), SizeIs(2));
  EXPECT_THAT(t5.reasons(0), StartsWith("time_in_stage_above_p80: 35.0 d in stage > p80 "));
  // The ten learning deals, T3 and T4 leaving s1, T6 lost from it.
  EXPECT_THAT(t5.reasons(0), HasSubstr("(learned from 13 exits in 12 months)"));
  EXPECT_EQ(t5.reasons(1), "no_activity: 35.0 d without activity > 30.0 d");
  EXPECT_DOUBLE_EQ(t5.days_in_stage(), 35.0);
  EXPECT_DOUBLE_EQ(t5.days_without_activity(), 35.0);
  EXPECT_EQ(t5.name(), "Deal T5");
  EXPECT_EQ(t5.owner_user_id(), "rep1");
  EXPECT_EQ(t5.stage_id(), "s1");
  EXPECT_EQ(t5.amount().minor_units(), 5000);

  const v1::StalledDeal& t1 = r.deals(1);
  ASSERT_THAT(t1.reasons(), SizeIs(1));
  EXPECT_THAT(t1.reasons(0), StartsWith("time_in_stage_above_p80: 20.0 d in stage > p80 "));
  EXPECT_DOUBLE_EQ(t1.days_without_activity(), 1.0);

  const v1::StalledDeal& t4 = r.deals(2);
  EXPECT_THAT(t4.reasons(), ElementsAre("no_activity: 45.0 d without activity > 30.0 d"));
  EXPECT_DOUBLE_EQ(t4.days_in_stage(), 3.0);
}

TEST_F(StalledTest, TheLearnedP80IsTheStageStatistics) {
  v1::GetStageStatisticsRequest r;
  r.set_pipeline_id("p1");
  absl::StatusOr<v1::GetStageStatisticsResponse> stats = harness_->service().StageStatistics("acme", r);
  ASSERT_TRUE(stats.ok()) << stats.status();
  ASSERT_GE(stats->stages_size(), 1);
  const double p80 = stats->stages(0).days_in_stage_p80();
  EXPECT_NEAR(p80, 10.0, 10.0 * 0.043);
  EXPECT_THAT(List().deals(1).reasons(0), HasSubstr(absl::StrFormat("> p80 %.1f d", p80)));
}

TEST_F(StalledTest, ThePolicyMaximumWinsOverTheLearnedP80) {
  DefinePolicy({{"p1", "s1", 25}, {"p1", "s3", 5}, {"p2", "s1", 1}}, 40);
  const v1::ListStalledDealsResponse r = List();
  ASSERT_THAT(Ids(r), ElementsAre("T5", "T3", "T4"));  // T1's 20 d no longer exceed s1's 25 d
  EXPECT_THAT(r.deals(0).reasons(), ElementsAre("time_in_stage_above_max: 35.0 d in stage > max 25.0 d (policy)"));
  EXPECT_THAT(r.deals(1).reasons(), ElementsAre("time_in_stage_above_max: 10.0 d in stage > max 5.0 d (policy)"));
  EXPECT_THAT(r.deals(2).reasons(), ElementsAre("no_activity: 45.0 d without activity > 40.0 d"));

  DefinePolicy({}, 50);  // back to the learned p80; 50 days of silence allowed
  EXPECT_THAT(Ids(List()), ElementsAre("T5", "T1"));
}

TEST_F(StalledTest, AnActivityEndsTheSilenceWhicheverArrivesFirst) {
  testing::Events more;
  more.Activity("late", "T4", Day(99));
  // An activity that arrives before its deal (another partition), then the deal.
  more.Activity("early", "T7", Day(99));
  more.Created("T7", Day(20), Usd(7000), Day(120), "p1", "s2");
  ASSERT_TRUE(harness_->Feed(more.all()).ok());
  EXPECT_THAT(Ids(List()), ElementsAre("T5", "T1"));
  // Without the activity T7 would be 80 days idle.
  EXPECT_THAT(Ids(List("p1", 0, "", Day(130))), ::testing::Contains("T7"));
}

TEST_F(StalledTest, PagesCoverEveryStalledDealOnceAtTheFirstPagesInstant) {
  testing::Events more;
  for (int i = 0; i < 7; ++i) more.Created(absl::StrCat("U", i), Day(70 + i), Usd(10 + i), Day(120));
  for (int i = 0; i < 5; ++i) {
    const std::string id = absl::StrCat("V", i);
    more.Created(id, Day(40 + i), Usd(20 + i), Day(120), "p1", "s3");
    more.Activity(absl::StrCat("v", i), id, Day(45 + i));
  }
  ASSERT_TRUE(harness_->Feed(more.all()).ok());
  const std::vector<std::string> all = Ids(List("p1", kMaxStalledPageSize));
  ASSERT_THAT(all, SizeIs(3 + 7 + 5));

  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    // Later pages keep the first page's instant, whatever the clock says now.
    const v1::ListStalledDealsResponse page = List("p1", 2, token, pages == 0 ? Day(100) : Day(400));
    EXPECT_LE(page.deals_size(), 2);
    for (const std::string& id : Ids(page)) paged.push_back(id);
    token = page.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 20);
  EXPECT_EQ(paged, all);
  EXPECT_EQ(pages, 8);
}

TEST_F(StalledTest, EveryPipelineWhenNoneIsNamedAndTokensBelongToTheirQuery) {
  testing::Events more;
  more.Pipeline("p2", {"s1"});
  more.Created("W1", Day(10), Usd(1), Day(120), "p2");
  ASSERT_TRUE(harness_->Feed(more.all()).ok());
  EXPECT_THAT(Ids(List("")), ElementsAre("T5", "T1", "T4", "W1"));
  EXPECT_THAT(Ids(List("p2")), ElementsAre("W1"));

  const v1::ListStalledDealsResponse first = List("", 3);
  ASSERT_FALSE(first.next_page_token().empty());
  EXPECT_THAT(Ids(List("", 3, first.next_page_token())), ElementsAre("W1"));

  v1::ListStalledDealsRequest r;
  r.set_pipeline_id("p1");
  r.set_page_token(first.next_page_token());  // issued for another filter
  absl::StatusOr<v1::ListStalledDealsResponse> refused = ListStalled(harness_->store(), "acme", r, Day(100));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("page_token"));
  r.set_page_token("not a token!");
  EXPECT_EQ(ListStalled(harness_->store(), "acme", r, Day(100)).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StalledTest, OverGrpcUnknownPipelineIsNotFoundAndBadFieldsAreNamed) {
  v1::ListStalledDealsRequest r;
  r.set_pipeline_id("nope");
  v1::ListStalledDealsResponse out;
  grpc::Status s = harness_->stub().ListStalledDeals(analytics::testing::Harness::Context("acme").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("pipeline_id nope"));

  r.set_pipeline_id("p1");
  r.set_page_size(kMaxStalledPageSize + 1);
  s = harness_->stub().ListStalledDeals(analytics::testing::Harness::Context("acme").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("page_size"));

  r.set_page_size(0);
  s = harness_->stub().ListStalledDeals(analytics::testing::Harness::Context("acme").get(), r, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();  // judged now: every open deal is long idle
  EXPECT_GE(out.deals_size(), 5);
}

}  // namespace
}  // namespace sfa::analytics::deal_health

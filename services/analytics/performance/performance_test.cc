// SetQuota and GetPerformance on a hand-built quarter: wins, losses and a win undone by a reopen, open
// pipeline by expected close month in two currencies, activities and leads, quotas prorated to the period
// asked for, and the ratios — each figure worked out in the comments.

#include "analytics/performance/performance.h"

#include <map>
#include <string>
#include <vector>

#include "analytics/testing/harness.h"
#include "eventstore/test_util.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
namespace lv1 = ::sfa::lead::v1;
using google::protobuf::util::TimeUtil;
using sfa::common::v1::EventEnvelope;

constexpr char kTenant[] = "acme";

absl::Time Day(int month, int day) { return absl::FromCivil(absl::CivilDay(2024, month, day), absl::UTCTimeZone()); }
google::protobuf::Timestamp Ts(absl::Time t) { return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t)); }

sfa::common::v1::Money Money(int64_t units, const std::string& currency = "USD") {
  sfa::common::v1::Money m;
  m.set_currency(currency);
  m.set_minor_units(units);
  return m;
}

class PerformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Team("north", "EMEA", {"ann"});
    Team("south", "APAC", {"bob"});
    Create("p1", "ann", Day(1, 10), Money(1000), Day(3, 15));
    Create("p2", "ann", Day(1, 20), Money(500), Day(3, 31));
    Create("p3", "bob", Day(2, 1), Money(800), Day(3, 20));
    Create("p4", "ann", Day(2, 2), Money(300, "EUR"), Day(3, 10));
    Create("p5", "bob", Day(1, 5), Money(400), Day(2, 10));
    Won("p1", "ann", Money(1200), Day(3, 1), absl::Hours(24 * 51));
    Lost("p2", "ann", Money(500), Day(3, 5));
    Won("p5", "bob", Money(400), Day(2, 15), absl::Hours(24 * 41));
    ov1::OpportunityReopened reopened;
    reopened.set_opportunity_id("p5");
    reopened.set_owner_user_id("bob");
    reopened.set_previous_status(ov1::OPPORTUNITY_STATUS_WON);
    Opp("p5", reopened, Day(3, 2));
    Lost("p5", "bob", Money(400), Day(3, 3));
    for (int i = 0; i < 4; ++i) Activity("ann", ov1::ACTIVITY_KIND_CALL, Day(3, 4 + i));
    for (int i = 0; i < 2; ++i) Activity("ann", ov1::ACTIVITY_KIND_MEETING, Day(3, 10 + i));
    Activity("bob", ov1::ACTIVITY_KIND_CALL, Day(2, 20));
    for (int i = 0; i < 2; ++i) {
      lv1::LeadAssigned assigned;
      assigned.set_lead_id(absl::StrCat("lead-", i));
      assigned.set_owner_user_id("ann");
      events_.push_back(
          analytics::testing::Envelope(kTenant, "lead", "lead", assigned.lead_id(), 1, assigned, Day(3, 12)));
    }
    auto h = analytics::testing::Harness::Start(dir_.Sub("data"));
    ASSERT_TRUE(h.ok()) << h.status();
    harness_ = *std::move(h);
    ASSERT_TRUE(harness_->Feed(events_).ok());
    ASSERT_TRUE(SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(1, 1), Day(4, 1), Money(3000), "q-ann").ok());
    ASSERT_TRUE(SetQuota(v1::QUOTA_SUBJECT_TEAM, "north", Day(1, 1), Day(4, 1), Money(5000), "q-north").ok());
  }

  void Team(const std::string& id, const std::string& region, std::vector<std::string> members) {
    ov1::SalesTeamUpserted t;
    t.set_team_id(id);
    t.set_region(region);
    for (const std::string& m : members) t.add_member_user_ids(m);
    events_.push_back(analytics::testing::Envelope(kTenant, "opportunity", "sales_team", id, 1, t, Day(1, 1)));
  }
  void Opp(const std::string& id, const google::protobuf::Message& m, absl::Time at) {
    events_.push_back(analytics::testing::Envelope(kTenant, "opportunity", "opportunity", id, ++versions_[id], m, at));
  }
  void Create(const std::string& id, const std::string& owner, absl::Time at, const sfa::common::v1::Money& amount,
              absl::Time close) {
    ov1::OpportunityCreated e;
    e.set_opportunity_id(id);
    e.set_owner_user_id(owner);
    e.set_pipeline_id("sales");
    e.set_stage_id("a");
    *e.mutable_amount() = amount;
    *e.mutable_expected_close_date() = Ts(close);
    Opp(id, e, at);
  }
  void Won(const std::string& id, const std::string& owner, const sfa::common::v1::Money& amount, absl::Time at,
           absl::Duration cycle) {
    ov1::OpportunityWon e;
    e.set_opportunity_id(id);
    e.set_owner_user_id(owner);
    *e.mutable_amount() = amount;
    *e.mutable_sales_cycle() = TimeUtil::NanosecondsToDuration(absl::ToInt64Nanoseconds(cycle));
    Opp(id, e, at);
  }
  void Lost(const std::string& id, const std::string& owner, const sfa::common::v1::Money& amount, absl::Time at) {
    ov1::OpportunityLost e;
    e.set_opportunity_id(id);
    e.set_owner_user_id(owner);
    *e.mutable_amount() = amount;
    Opp(id, e, at);
  }
  void Activity(const std::string& owner, ov1::ActivityKind kind, absl::Time at) {
    ov1::ActivityLogged a;
    a.set_activity_id(absl::StrCat("act-", ++activities_));
    a.set_owner_user_id(owner);
    a.set_kind(kind);
    events_.push_back(analytics::testing::Envelope(kTenant, "opportunity", "activity", a.activity_id(), 1, a, at));
  }

  grpc::Status SetQuota(v1::QuotaSubject subject, const std::string& id, absl::Time start, absl::Time end,
                        const sfa::common::v1::Money& amount, const std::string& request_id,
                        v1::SetQuotaResponse* out = nullptr) {
    v1::SetQuotaRequest r;
    r.set_request_id(request_id);
    r.set_subject(subject);
    r.set_subject_id(id);
    *r.mutable_period()->mutable_start() = Ts(start);
    *r.mutable_period()->mutable_end() = Ts(end);
    *r.mutable_amount() = amount;
    v1::SetQuotaResponse response;
    return harness_->stub().SetQuota(analytics::testing::Harness::Context(kTenant, "vp").get(), r,
                                     out != nullptr ? out : &response);
  }

  std::map<std::string, v1::Performance> Performance(absl::Time start, absl::Time end, v1::GroupBy group_by) {
    v1::GetPerformanceRequest r;
    *r.mutable_period()->mutable_start() = Ts(start);
    *r.mutable_period()->mutable_end() = Ts(end);
    r.set_group_by(group_by);
    v1::GetPerformanceResponse response;
    const grpc::Status s =
        harness_->stub().GetPerformance(analytics::testing::Harness::Context(kTenant).get(), r, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::map<std::string, v1::Performance> out;
    for (const v1::Performance& p : response.groups()) out[p.key()] = p;
    return out;
  }

  static std::map<std::string, int64_t> ByCurrency(const google::protobuf::RepeatedPtrField<sfa::common::v1::Money>& m) {
    std::map<std::string, int64_t> out;
    for (const auto& x : m) out[x.currency()] = x.minor_units();
    return out;
  }

  eventstore::testing::TempDir dir_{"analytics-performance"};
  std::vector<EventEnvelope> events_;
  std::map<std::string, uint64_t> versions_;
  int activities_ = 0;
  std::unique_ptr<analytics::testing::Harness> harness_;
};

TEST_F(PerformanceTest, ARepsQuarter) {
  std::map<std::string, v1::Performance> q1 = Performance(Day(1, 1), Day(4, 1), v1::GROUP_BY_OWNER);
  ASSERT_TRUE(q1.contains("ann") && q1.contains("bob"));
  const v1::Performance& ann = q1["ann"];
  // Won p1 (1,200 USD), lost p2: win rate 1/2; one win of 51 days.
  EXPECT_EQ(ByCurrency(ann.won()), (std::map<std::string, int64_t>{{"USD", 1200}}));
  EXPECT_EQ(ByCurrency(ann.average_deal_size()), (std::map<std::string, int64_t>{{"USD", 1200}}));
  EXPECT_DOUBLE_EQ(ann.win_rate(), 0.5);
  EXPECT_DOUBLE_EQ(ann.average_cycle_days(), 51.0);
  // Quota 3,000 USD for the quarter: attainment 0.4; no USD left open to close in it (p4 is EUR).
  EXPECT_EQ(ByCurrency(ann.quota()), (std::map<std::string, int64_t>{{"USD", 3000}}));
  EXPECT_DOUBLE_EQ(ann.attainment(), 0.4);
  EXPECT_DOUBLE_EQ(ann.pipeline_coverage(), 0.0);
  // 4 calls, 2 meetings, 2 leads, 3 opportunities created, 1 won.
  std::map<std::string, int64_t> activities;
  for (const v1::ActivityCount& a : ann.activities()) activities[a.kind()] = a.count();
  EXPECT_EQ(activities, (std::map<std::string, int64_t>{{"ACTIVITY_KIND_CALL", 4}, {"ACTIVITY_KIND_MEETING", 2}}));
  EXPECT_DOUBLE_EQ(ann.calls_to_leads(), 0.5);
  EXPECT_DOUBLE_EQ(ann.leads_to_meetings(), 1.0);
  EXPECT_DOUBLE_EQ(ann.meetings_to_opportunities(), 1.5);
  EXPECT_DOUBLE_EQ(ann.opportunities_to_won(), 1.0 / 3.0);

  const v1::Performance& bob = q1["bob"];
  // p5 was won in February, reopened and lost in March: no win, one loss. No quota, so no attainment.
  EXPECT_TRUE(bob.won().empty());
  EXPECT_DOUBLE_EQ(bob.win_rate(), 0.0);
  EXPECT_FALSE(bob.has_attainment());
  EXPECT_FALSE(bob.has_average_cycle_days());
}

TEST_F(PerformanceTest, QuotasAreProratedToThePeriodAndCoverageUsesTheOpenPipelineClosingInIt) {
  // March only: ann's quarterly 3,000 x 31/91 = 1,021 (floor); p1 was won in March.
  std::map<std::string, v1::Performance> march = Performance(Day(3, 1), Day(4, 1), v1::GROUP_BY_OWNER);
  EXPECT_EQ(ByCurrency(march["ann"].quota()), (std::map<std::string, int64_t>{{"USD", 1021}}));
  EXPECT_DOUBLE_EQ(march["ann"].attainment(), 1200.0 / 1021.0);
  EXPECT_FALSE(march["ann"].has_pipeline_coverage());  // quota already exceeded
  // Team north has its own quota, 5,000: 1,200 won, nothing open in USD.
  std::map<std::string, v1::Performance> teams = Performance(Day(1, 1), Day(4, 1), v1::GROUP_BY_TEAM);
  EXPECT_DOUBLE_EQ(teams["north"].attainment(), 0.24);
  EXPECT_DOUBLE_EQ(teams["north"].pipeline_coverage(), 0.0);
  // A quota for team south: p3 (800 USD, closing March 20) is its open pipeline in the quarter.
  ASSERT_TRUE(SetQuota(v1::QUOTA_SUBJECT_TEAM, "south", Day(1, 1), Day(4, 1), Money(2000), "q-south").ok());
  teams = Performance(Day(1, 1), Day(4, 1), v1::GROUP_BY_TEAM);
  EXPECT_DOUBLE_EQ(teams["south"].pipeline_coverage(), 800.0 / 2000.0);
  EXPECT_DOUBLE_EQ(teams["south"].attainment(), 0.0);
}

TEST_F(PerformanceTest, GroupsByRegionAndTheWholeTenant) {
  std::map<std::string, v1::Performance> regions = Performance(Day(1, 1), Day(4, 1), v1::GROUP_BY_REGION);
  EXPECT_EQ(ByCurrency(regions["EMEA"].won()), (std::map<std::string, int64_t>{{"USD", 1200}}));
  EXPECT_DOUBLE_EQ(regions["APAC"].win_rate(), 0.0);
  std::map<std::string, v1::Performance> all = Performance(Day(1, 1), Day(4, 1), v1::GROUP_BY_UNSPECIFIED);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_DOUBLE_EQ(all["all"].win_rate(), 1.0 / 3.0);  // p1 won; p2 and p5 lost
  // February alone: p5's win was undone by its reopening.
  std::map<std::string, v1::Performance> feb = Performance(Day(2, 1), Day(3, 1), v1::GROUP_BY_UNSPECIFIED);
  EXPECT_TRUE(feb["all"].won().empty());
}

TEST_F(PerformanceTest, SetQuotaIsIdempotentAndReplacesTheQuotaOfTheSamePeriod) {
  const eventstore::StreamId stream{kTenant, "quota", absl::StrCat("user:ann:", absl::ToUnixSeconds(Day(1, 1)), "-",
                                                                   absl::ToUnixSeconds(Day(4, 1)))};
  auto events = [&] {
    absl::StatusOr<std::vector<EventEnvelope>> e = harness_->store().ReadStream(stream, 1);
    return e.ok() ? static_cast<int>(e->size()) : -1;
  };
  EXPECT_EQ(events(), 1);
  ASSERT_TRUE(SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(1, 1), Day(4, 1), Money(3000), "q-ann").ok());
  ASSERT_TRUE(SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(1, 1), Day(4, 1), Money(3000), "q-ann-again").ok());
  EXPECT_EQ(events(), 1) << "a retry or the same figure again appends nothing";
  v1::SetQuotaResponse response;
  ASSERT_TRUE(SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(1, 1), Day(4, 1), Money(6000), "q-ann-up", &response).ok());
  EXPECT_EQ(response.quota().amount().minor_units(), 6000);
  EXPECT_EQ(events(), 2);
  EXPECT_DOUBLE_EQ(Performance(Day(1, 1), Day(4, 1), v1::GROUP_BY_OWNER)["ann"].attainment(), 0.2);
}

TEST_F(PerformanceTest, RejectsBadRequestsNamingTheField) {
  auto message = [](const grpc::Status& s) { return s.error_message(); };
  grpc::Status s = SetQuota(v1::QUOTA_SUBJECT_UNSPECIFIED, "ann", Day(1, 1), Day(4, 1), Money(1), "r1");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(message(s).find("subject"), std::string::npos);
  s = SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(4, 1), Day(1, 1), Money(1), "r2");
  EXPECT_NE(message(s).find("period"), std::string::npos);
  s = SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(1, 1), Day(4, 1), Money(1, "usd"), "r3");
  EXPECT_NE(message(s).find("amount.currency"), std::string::npos);
  s = SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(1, 1), Day(4, 1), Money(-1), "r4");
  EXPECT_NE(message(s).find("amount.minor_units"), std::string::npos);
  s = SetQuota(v1::QUOTA_SUBJECT_USER, "a/b", Day(1, 1), Day(4, 1), Money(1), "r5");
  EXPECT_NE(message(s).find("subject_id"), std::string::npos);
  s = SetQuota(v1::QUOTA_SUBJECT_USER, "ann", Day(1, 1), Day(4, 1), Money(1), "");
  EXPECT_NE(message(s).find("request_id"), std::string::npos);

  v1::GetPerformanceRequest r;
  v1::GetPerformanceResponse out;
  s = harness_->stub().GetPerformance(analytics::testing::Harness::Context(kTenant).get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(message(s).find("period"), std::string::npos);
  *r.mutable_period()->mutable_start() = Ts(Day(1, 1));
  *r.mutable_period()->mutable_end() = Ts(Day(1, 1) + absl::Hours(24 * 366 * 6));
  s = harness_->stub().GetPerformance(analytics::testing::Harness::Context(kTenant).get(), r, &out);
  EXPECT_NE(message(s).find("5 years"), std::string::npos);
}

}  // namespace
}  // namespace sfa::analytics

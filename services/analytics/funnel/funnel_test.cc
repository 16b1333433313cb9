// GetFunnel on a hand-built history whose figures can be counted on one's fingers: cohorts by first
// entry, advances (a backward move and its return count once), wins from every stage a deal passed,
// grouping by owner, team, region (the current organisation), product and industry, and the window.

#include "analytics/funnel/funnel.h"

#include <map>
#include <string>
#include <vector>

#include "analytics/testing/harness.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using sfa::common::v1::EventEnvelope;

constexpr char kTenant[] = "acme";

absl::Time Day(int month, int day) { return absl::FromCivil(absl::CivilDay(2024, month, day), absl::UTCTimeZone()); }

class History {
 public:
  History() {
    ov1::PipelineDefined p;
    p.set_pipeline_id("sales");
    p.set_pipeline_version(1);
    for (auto [id, type] : std::vector<std::pair<std::string, ov1::StageType>>{{"a", ov1::STAGE_TYPE_OPEN},
                                                                              {"b", ov1::STAGE_TYPE_OPEN},
                                                                              {"c", ov1::STAGE_TYPE_OPEN},
                                                                              {"won", ov1::STAGE_TYPE_WON},
                                                                              {"lost", ov1::STAGE_TYPE_LOST}}) {
      ov1::Stage* s = p.add_stages();
      s->set_stage_id(id);
      s->set_name(absl::StrCat("Stage ", id));
      s->set_type(type);
    }
    Add("pipeline", "sales", p, Day(1, 1));
    ov1::SalesTeamUpserted team;
    team.set_team_id("north");
    team.set_region("EMEA");
    team.add_member_user_ids("ann");
    Add("sales_team", "north", team, Day(1, 1));
    ov1::AccountCreated account;
    account.set_account_id("acct-1");
    account.set_industry("retail");
    Add("account", "acct-1", account, Day(1, 1));
  }

  void Create(const std::string& opp, const std::string& owner, absl::Time at, const std::string& product) {
    ov1::OpportunityCreated e;
    e.set_opportunity_id(opp);
    e.set_owner_user_id(owner);
    e.set_pipeline_id("sales");
    e.set_stage_id("a");
    e.set_account_id(owner == "ann" ? "acct-1" : "");
    e.set_lead_source("web");
    e.add_product_ids(product);
    Add("opportunity", opp, e, at);
  }
  void Move(const std::string& opp, const std::string& from, const std::string& to, absl::Time at) {
    ov1::OpportunityStageChanged e;
    e.set_opportunity_id(opp);
    e.set_pipeline_id("sales");
    e.set_from_stage_id(from);
    e.set_to_stage_id(to);
    Add("opportunity", opp, e, at);
  }

  const std::vector<EventEnvelope>& events() const { return events_; }

 private:
  void Add(const std::string& type, const std::string& id, const google::protobuf::Message& m, absl::Time at) {
    events_.push_back(analytics::testing::Envelope(kTenant, "opportunity", type, id, ++versions_[type + id], m, at));
  }
  std::map<std::string, uint64_t> versions_;
  std::vector<EventEnvelope> events_;
};

class FunnelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // d1: a (Jan 1) -> b (Jan 11) -> won (Feb 1)           ann, product x
    // d2: a (Jan 5) -> b (Jan 6) -> a (Jan 8) -> b (Jan 9) -> lost (Jan 20)   bob, product y
    // d3: a (Feb 3), still there                            ann, product x
    // d4: a (Jan 2) -> c (Jan 3) skipping b -> won (Jan 4)  bob, product x
    history_.Create("d1", "ann", Day(1, 1), "x");
    history_.Create("d2", "bob", Day(1, 5), "y");
    history_.Create("d4", "bob", Day(1, 2), "x");
    history_.Move("d4", "a", "c", Day(1, 3));
    history_.Move("d4", "c", "won", Day(1, 4));
    history_.Move("d2", "a", "b", Day(1, 6));
    history_.Move("d2", "b", "a", Day(1, 8));
    history_.Move("d2", "a", "b", Day(1, 9));
    history_.Move("d1", "a", "b", Day(1, 11));
    history_.Move("d2", "b", "lost", Day(1, 20));
    history_.Move("d1", "b", "won", Day(2, 1));
    history_.Create("d3", "ann", Day(2, 3), "x");
    auto h = analytics::testing::Harness::Start(dir_.Sub("data"));
    ASSERT_TRUE(h.ok()) << h.status();
    harness_ = *std::move(h);
    ASSERT_TRUE(harness_->Feed(history_.events()).ok());
  }

  v1::GetFunnelResponse Funnel(v1::GroupBy group_by, std::optional<absl::Time> from = {},
                               std::optional<absl::Time> to = {}) {
    v1::GetFunnelRequest r;
    r.set_pipeline_id("sales");
    r.set_group_by(group_by);
    if (from) *r.mutable_from() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(*from));
    if (to) *r.mutable_to() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(*to));
    v1::GetFunnelResponse out;
    const grpc::Status s = harness_->stub().GetFunnel(analytics::testing::Harness::Context(kTenant).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // "entered/advanced/won" per open stage of a group.
  static std::vector<std::string> Figures(const v1::FunnelGroup& g) {
    std::vector<std::string> out;
    for (const v1::FunnelStage& s : g.stages()) out.push_back(absl::StrCat(s.entered(), "/", s.advanced(), "/", s.won()));
    return out;
  }

  eventstore::testing::TempDir dir_{"analytics-funnel"};
  History history_;
  std::unique_ptr<analytics::testing::Harness> harness_;
};

TEST_F(FunnelTest, CountsCohortsByFirstEntryWithAdvancesAndWinsFromEveryStagePassed) {
  const v1::GetFunnelResponse all = Funnel(v1::GROUP_BY_UNSPECIFIED);
  ASSERT_EQ(all.groups_size(), 1);
  const v1::FunnelGroup& g = all.groups(0);
  EXPECT_EQ(g.key(), "all");
  // a: all four entered; d1, d2 and d4 went beyond it; d1 and d4 won.
  // b: d1 and d2 (once, despite the return); only d1 advanced (to won).
  // c: d4 only, skipping b; won.
  EXPECT_EQ(Figures(g), (std::vector<std::string>{"4/3/2", "2/1/1", "1/1/1"}));
  EXPECT_DOUBLE_EQ(g.stages(0).conversion_to_next(), 0.75);
  EXPECT_DOUBLE_EQ(g.stages(0).conversion_to_won(), 0.5);
  EXPECT_EQ(g.stages(1).stage_name(), "Stage b");
  // Days in b per stay: d2 2 d and 11 d, d1 21 d -> median of {2, 11, 21} about 11 (histogram buckets).
  ASSERT_TRUE(g.stages(1).has_median_days_in_stage());
  EXPECT_NEAR(g.stages(1).median_days_in_stage(), 11.0, 1.0);
}

TEST_F(FunnelTest, GroupsByOwnerTeamRegionProductAndIndustry) {
  auto keyed = [](const v1::GetFunnelResponse& r) {
    std::map<std::string, std::vector<std::string>> out;
    for (const v1::FunnelGroup& g : r.groups()) out[g.key()] = Figures(g);
    return out;
  };
  using Table = std::map<std::string, std::vector<std::string>>;
  EXPECT_EQ(keyed(Funnel(v1::GROUP_BY_OWNER)),
            (Table{{"ann", {"2/1/1", "1/1/1", "0/0/0"}}, {"bob", {"2/2/1", "1/0/0", "1/1/1"}}}));
  // bob is in no team: his deals group under "".
  EXPECT_EQ(keyed(Funnel(v1::GROUP_BY_TEAM)),
            (Table{{"north", {"2/1/1", "1/1/1", "0/0/0"}}, {"", {"2/2/1", "1/0/0", "1/1/1"}}}));
  EXPECT_EQ(keyed(Funnel(v1::GROUP_BY_REGION)),
            (Table{{"EMEA", {"2/1/1", "1/1/1", "0/0/0"}}, {"", {"2/2/1", "1/0/0", "1/1/1"}}}));
  EXPECT_EQ(keyed(Funnel(v1::GROUP_BY_PRODUCT)),
            (Table{{"x", {"3/2/2", "1/1/1", "1/1/1"}}, {"y", {"1/1/0", "1/0/0", "0/0/0"}}}));
  EXPECT_EQ(keyed(Funnel(v1::GROUP_BY_INDUSTRY)),
            (Table{{"retail", {"2/1/1", "1/1/1", "0/0/0"}}, {"", {"2/2/1", "1/0/0", "1/1/1"}}}));
}

TEST_F(FunnelTest, WindowSelectsCohortsByTheMonthTheyEnteredAndFollowsThemAfterwards) {
  // February's cohort of a is d3 alone; d1's win in February counts in January's cohort.
  const v1::GetFunnelResponse feb = Funnel(v1::GROUP_BY_UNSPECIFIED, Day(2, 1), Day(3, 1));
  ASSERT_EQ(feb.groups_size(), 1);
  EXPECT_EQ(Figures(feb.groups(0)), (std::vector<std::string>{"1/0/0", "0/0/0", "0/0/0"}));
  const v1::GetFunnelResponse jan = Funnel(v1::GROUP_BY_UNSPECIFIED, Day(1, 1), Day(2, 1));
  EXPECT_EQ(Figures(jan.groups(0)), (std::vector<std::string>{"3/3/2", "2/1/1", "1/1/1"}));
}

TEST_F(FunnelTest, RejectsBadRequestsNamingTheField) {
  auto code = [&](const v1::GetFunnelRequest& r, const std::string& field) {
    v1::GetFunnelResponse out;
    const grpc::Status s = harness_->stub().GetFunnel(analytics::testing::Harness::Context(kTenant).get(), r, &out);
    EXPECT_NE(s.error_message().find(field), std::string::npos) << s.error_message();
    return s.error_code();
  };
  v1::GetFunnelRequest r;
  EXPECT_EQ(code(r, "pipeline_id"), grpc::StatusCode::INVALID_ARGUMENT);
  r.set_pipeline_id(std::string(65, 'p'));
  EXPECT_EQ(code(r, "pipeline_id"), grpc::StatusCode::INVALID_ARGUMENT);
  r.set_pipeline_id("sales");
  r.set_group_by(static_cast<v1::GroupBy>(99));
  EXPECT_EQ(code(r, "group_by"), grpc::StatusCode::INVALID_ARGUMENT);
  r.set_group_by(v1::GROUP_BY_OWNER);
  *r.mutable_from() = google::protobuf::util::TimeUtil::SecondsToTimestamp(2000);
  *r.mutable_to() = google::protobuf::util::TimeUtil::SecondsToTimestamp(1000);
  EXPECT_EQ(code(r, "from"), grpc::StatusCode::INVALID_ARGUMENT);
  r.clear_from();
  r.clear_to();
  r.set_pipeline_id("nope");
  EXPECT_EQ(code(r, "pipeline_id"), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace sfa::analytics

// GetLeadSourceReport against a hand-computed table, and the lead_source read model's order independence:
// redelivery, rebuild, and interleavings of the lead and opportunity topics.

#include <memory>
#include <string>
#include <vector>

#include "analytics/revenue/revenue.h"
#include "analytics/revenue/test_events.h"
#include "analytics/testing/harness.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::revenue {
namespace {

namespace lv1 = ::sfa::lead::v1;
namespace ov1 = ::sfa::opportunity::v1;
using analytics::testing::Harness;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;
using testing::At;
using testing::DumpRevenue;
using testing::EventLog;
using testing::Interleave;
using testing::SourceFirst;
using testing::StreamsReversed;

constexpr char kTenant[] = "acme";

sfa::common::v1::Money Money(int64_t minor_units, const std::string& currency) {
  sfa::common::v1::Money m;
  m.set_minor_units(minor_units);
  m.set_currency(currency);
  return m;
}

// The lead service's and the opportunity service's events for the story in the test below.
class Story {
 public:
  explicit Story(const std::string& tenant = kTenant) : log_(tenant) {}

  void Campaign(const std::string& id, const std::string& channel, const char* start, const char* end) {
    lv1::CampaignUpserted e;
    e.set_campaign_id(id);
    e.set_channel(channel);
    e.set_name(id);
    if (start != nullptr) *e.mutable_start_time() = Ts(At(start));
    if (end != nullptr) *e.mutable_end_time() = Ts(At(end));
    log_.Add("lead", "campaign", id, At("2024-12-01T00:00:00Z"), e);
  }
  void Cost(const std::string& campaign, const char* at, int64_t amount, const std::string& currency) {
    lv1::CampaignCostRecorded e;
    e.set_campaign_id(campaign);
    *e.mutable_amount() = Money(amount, currency);
    log_.Add("lead", "campaign", campaign, At(at), e);
  }
  void Lead(const std::string& id, const char* at, const std::string& channel, const std::string& campaign) {
    lv1::LeadCaptured e;
    e.set_lead_id(id);
    e.mutable_source()->set_channel(channel);
    e.mutable_source()->set_campaign_id(campaign);
    log_.Add("lead", "lead", id, At(at), e);
  }
  void Qualify(const std::string& id, const char* at) {
    lv1::LeadQualified e;
    e.set_lead_id(id);
    log_.Add("lead", "lead", id, At(at), e);
  }
  void Convert(const std::string& id, const char* at, const std::string& account, const std::string& opp) {
    lv1::LeadConverted e;
    e.set_lead_id(id);
    e.set_account_id(account);
    e.set_opportunity_id(opp);
    log_.Add("lead", "lead", id, At(at), e);
  }
  void Opportunity(const std::string& id, const char* at, const std::string& lead, const std::string& account,
                   const std::string& lead_source = "") {
    ov1::OpportunityCreated e;
    e.set_opportunity_id(id);
    e.set_account_id(account);
    e.set_lead_id(lead);
    e.set_lead_source(lead_source);
    log_.Add("opportunity", "opportunity", id, At(at), e);
  }
  void Won(const std::string& id, const char* at, const std::string& lead, const std::string& account, int64_t amount,
           const std::string& currency) {
    ov1::OpportunityWon e;
    e.set_opportunity_id(id);
    e.set_account_id(account);
    e.set_lead_id(lead);
    *e.mutable_amount() = Money(amount, currency);
    log_.Add("opportunity", "opportunity", id, At(at), e);
  }
  void Lost(const std::string& id, const char* at, const std::string& lead) {
    ov1::OpportunityLost e;
    e.set_opportunity_id(id);
    e.set_lead_id(lead);
    log_.Add("opportunity", "opportunity", id, At(at), e);
  }
  void Reopen(const std::string& id, const char* at) {
    ov1::OpportunityReopened e;
    e.set_opportunity_id(id);
    e.set_previous_status(ov1::OPPORTUNITY_STATUS_WON);
    log_.Add("opportunity", "opportunity", id, At(at), e);
  }
  const std::vector<sfa::common::v1::EventEnvelope>& events() const { return log_.events(); }

 private:
  static google::protobuf::Timestamp Ts(absl::Time t) { return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t)); }
  EventLog log_;
};

// January 2025 for three channels. The hand computation is beside each figure in the test.
Story January(const std::string& tenant = kTenant) {
  Story s(tenant);
  // C1 runs 30 days over the turn of the year: half of its 3,000.00 USD falls in January.
  s.Campaign("C1", "Paid Search", "2024-12-17T00:00:00Z", "2025-01-16T00:00:00Z");
  s.Cost("C1", "2024-12-20T00:00:00Z", 100000, "USD");
  s.Cost("C1", "2025-01-20T00:00:00Z", 200000, "USD");
  // C2 has no run: its costs count when recorded (the February one not in January).
  s.Campaign("C2", "Events", nullptr, nullptr);
  s.Cost("C2", "2025-01-10T00:00:00Z", 50000, "EUR");
  s.Cost("C2", "2025-02-03T00:00:00Z", 20000, "EUR");
  // C3 runs all January, no lead.
  s.Campaign("C3", "Paid Search", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z");
  s.Cost("C3", "2025-01-02T00:00:00Z", 10000, "USD");

  s.Lead("L1", "2025-01-05T10:00:00Z", "Paid Search", "C1");
  s.Qualify("L1", "2025-01-06T00:00:00Z");
  s.Convert("L1", "2025-01-07T00:00:00Z", "A1", "O1");
  s.Opportunity("O1", "2025-01-07T00:00:00Z", "L1", "A1", "Paid Search");
  s.Won("O1", "2025-02-20T00:00:00Z", "L1", "A1", 500000, "USD");  // won after the period: still L1's cohort

  s.Lead("L2", "2025-01-20T15:00:00Z", "Paid Search", "C1");
  s.Qualify("L2", "2025-01-21T00:00:00Z");
  s.Convert("L2", "2025-01-22T00:00:00Z", "A1", "O2");  // the same account as L1
  s.Opportunity("O2", "2025-01-22T00:00:00Z", "L2", "A1", "Paid Search");
  s.Won("O2", "2025-01-30T00:00:00Z", "L2", "A1", 100000, "USD");
  s.Opportunity("O3", "2025-01-25T00:00:00Z", "L2", "A1", "Paid Search");  // a second deal, lost
  s.Lost("O3", "2025-01-28T00:00:00Z", "L2");

  s.Lead("L3", "2024-12-28T00:00:00Z", "Paid Search", "C1");  // December's cohort
  s.Qualify("L3", "2025-01-02T00:00:00Z");
  s.Convert("L3", "2025-01-03T00:00:00Z", "A3", "O4");
  s.Opportunity("O4", "2025-01-03T00:00:00Z", "L3", "A3", "Paid Search");
  s.Won("O4", "2025-01-10T00:00:00Z", "L3", "A3", 700000, "USD");

  s.Lead("L4", "2025-01-07T08:00:00Z", "Paid Search", "");

  s.Lead("L5", "2025-01-12T00:00:00Z", "Events", "C2");
  s.Qualify("L5", "2025-01-13T00:00:00Z");
  s.Convert("L5", "2025-01-14T00:00:00Z", "A5", "O5");
  s.Opportunity("O5", "2025-01-14T00:00:00Z", "L5", "A5", "Events");
  s.Won("O5", "2025-01-20T00:00:00Z", "L5", "A5", 30000, "EUR");
  s.Reopen("O5", "2025-01-25T00:00:00Z");  // no longer won

  s.Lead("L6", "2025-01-15T00:00:00Z", "Events", "C2");
  s.Qualify("L6", "2025-01-15T01:00:00Z");
  s.Convert("L6", "2025-01-15T02:00:00Z", "A6", "O6");
  s.Opportunity("O6", "2025-01-15T02:00:00Z", "L6", "A6", "Events");
  s.Won("O6", "2025-01-29T00:00:00Z", "L6", "A6", 90000, "USD");  // won in another currency than C2's cost

  s.Lead("L7", "2025-01-03T09:00:00Z", "Organic", "");
  s.Qualify("L7", "2025-01-04T00:00:00Z");
  s.Lead("L10", "2025-01-20T13:00:00Z", "Organic", "");
  s.Lead("L11", "2025-01-05T11:00:00Z", "Organic", "");
  s.Lead("L8", "2025-02-01T00:00:00Z", "Paid Search", "C1");  // the period's end is exclusive

  s.Opportunity("O9", "2025-01-10T00:00:00Z", "", "A9", "Paid Search");  // no lead: in no cohort
  s.Won("O9", "2025-01-11T00:00:00Z", "", "A9", 1000000, "USD");
  return s;
}

v1::GetLeadSourceReportRequest Period(const char* start, const char* end) {
  v1::GetLeadSourceReportRequest r;
  *r.mutable_period()->mutable_start() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(At(start)));
  *r.mutable_period()->mutable_end() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(At(end)));
  return r;
}

// One expected line; money as "amount CUR" strings, empty when the list is empty.
struct Expected {
  std::string channel, campaign;
  int64_t leads, qualified, converted, opportunities;
  std::vector<std::string> won, cost, cost_per_lead, cost_per_customer;
  std::optional<double> roi;
};

std::vector<std::string> Texts(const google::protobuf::RepeatedPtrField<sfa::common::v1::Money>& money) {
  std::vector<std::string> out;
  for (const auto& m : money) out.push_back(absl::StrCat(m.minor_units(), " ", m.currency()));
  return out;
}

void ExpectLines(const v1::GetLeadSourceReportResponse& got, const std::vector<Expected>& want) {
  ASSERT_EQ(got.lines_size(), static_cast<int>(want.size())) << got.DebugString();
  for (size_t i = 0; i < want.size(); ++i) {
    const v1::LeadSourceLine& l = got.lines(static_cast<int>(i));
    const Expected& w = want[i];
    SCOPED_TRACE(absl::StrCat("line ", i, ": ", l.ShortDebugString()));
    EXPECT_EQ(l.channel(), w.channel);
    EXPECT_EQ(l.campaign_id(), w.campaign);
    EXPECT_EQ(l.leads(), w.leads);
    EXPECT_EQ(l.qualified(), w.qualified);
    EXPECT_EQ(l.converted(), w.converted);
    EXPECT_EQ(l.opportunities(), w.opportunities);
    EXPECT_EQ(Texts(l.won_amount()), w.won);
    EXPECT_EQ(Texts(l.cost()), w.cost);
    EXPECT_EQ(Texts(l.cost_per_lead()), w.cost_per_lead);
    EXPECT_EQ(Texts(l.cost_per_customer()), w.cost_per_customer);
    ASSERT_EQ(l.has_roi(), w.roi.has_value());
    if (w.roi) {
      EXPECT_DOUBLE_EQ(l.roi(), *w.roi);
    }
  }
}

class LeadSourceTest : public ::testing::Test {
 protected:
  std::unique_ptr<Harness> Start(const std::string& name) {
    absl::StatusOr<std::unique_ptr<Harness>> h = Harness::Start(dir_.Sub(name));
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? *std::move(h) : nullptr;
  }
  eventstore::testing::TempDir dir_{"revenue-lead-source"};
};

TEST_F(LeadSourceTest, JanuaryByChannelAndCampaign) {
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->Feed(January().events()).ok());
  v1::GetLeadSourceReportResponse got;
  grpc::Status status = h->stub().GetLeadSourceReport(Harness::Context(kTenant).get(),
                                                      Period("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"), &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectLines(
      got, {
               // L5 (qualified, converted, won then reopened) and L6 (won 900.00 USD). Cost: C2's January record.
               // Per lead 500.00 / 2; one customer (A6). No ROI: won in USD, cost in EUR.
               {"Events", "", 2, 2, 2, 2, {"90000 USD"}, {"50000 EUR"}, {"25000 EUR"}, {"50000 EUR"}, std::nullopt},
               {"Events", "C2", 2, 2, 2, 2, {"90000 USD"}, {"50000 EUR"}, {"25000 EUR"}, {"50000 EUR"}, std::nullopt},
               // L7 (qualified), L10, L11.
               {"Organic", "", 3, 1, 0, 0, {}, {}, {}, {}, std::nullopt},
               // C1 + C3 + L4: 3 leads; cost 1,500.00 + 100.00; per lead 1,600.00 / 3 = 533.33; customers {A1}.
               // ROI (6,000.00 − 1,600.00) / 1,600.00 = 2.75.
               {"Paid Search", "", 3, 2, 2, 3, {"600000 USD"}, {"160000 USD"}, {"53333 USD"}, {"160000 USD"}, 2.75},
               // L1 (O1 won 5,000.00 in February) and L2 (O2 won 1,000.00, O3 lost): 3 deals, one account.
               // Cost: 15 of C1's 30 days of 3,000.00. ROI (6,000.00 − 1,500.00) / 1,500.00 = 3.
               {"Paid Search", "C1", 2, 2, 2, 3, {"600000 USD"}, {"150000 USD"}, {"75000 USD"}, {"150000 USD"}, 3.0},
               // All of C3's cost, nothing earned: ROI −1.
               {"Paid Search", "C3", 0, 0, 0, 0, {}, {"10000 USD"}, {}, {}, -1.0},
           });
}

TEST_F(LeadSourceTest, PeriodBoundsInsideDaysCountLeadsToTheInstant) {
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->Feed(January().events()).ok());
  // From 5 Jan 11:00 (L11 at the instant counts, L1 at 10:00 not) to 20 Jan 14:00 (L10 at 13:00 counts, L2
  // at 15:00 not).
  absl::StatusOr<v1::GetLeadSourceReportResponse> got =
      LeadSourceReport(h->store(), kTenant, Period("2025-01-05T11:00:00Z", "2025-01-20T14:00:00Z"), absl::Now());
  ASSERT_TRUE(got.ok()) << got.status();
  ExpectLines(
      *got, {
                {"Events", "", 2, 2, 2, 2, {"90000 USD"}, {"50000 EUR"}, {"25000 EUR"}, {"50000 EUR"}, std::nullopt},
                {"Events", "C2", 2, 2, 2, 2, {"90000 USD"}, {"50000 EUR"}, {"25000 EUR"}, {"50000 EUR"}, std::nullopt},
                {"Organic", "", 2, 0, 0, 0, {}, {}, {}, {}, std::nullopt},
                // C1 from 5 Jan 11:00 to its end (16 Jan): 3,000.00 − floor(3,000.00 × 467 h / 720 h) = 1,054.17.
                // C3 over 107 h .. 470 h of 744 h: floor(100.00 × 470/744) − floor(100.00 × 107/744) = 48.79.
                {"Paid Search", "", 1, 0, 0, 0, {}, {"110296 USD"}, {"110296 USD"}, {}, -1.0},
                {"Paid Search", "C1", 0, 0, 0, 0, {}, {"105417 USD"}, {}, {}, -1.0},
                {"Paid Search", "C3", 0, 0, 0, 0, {}, {"4879 USD"}, {}, {}, -1.0},
            });
}

TEST_F(LeadSourceTest, OtherTenantsSeeNothing) {
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->Feed(January("other").events()).ok());
  absl::StatusOr<v1::GetLeadSourceReportResponse> got =
      LeadSourceReport(h->store(), kTenant, Period("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"), absl::Now());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->lines_size(), 0);
}

TEST_F(LeadSourceTest, RedeliveredEventsChangeNothing) {
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  const std::vector<sfa::common::v1::EventEnvelope> events = January().events();
  ASSERT_TRUE(h->Feed(events).ok());
  const auto once = DumpRevenue(*h);
  ASSERT_FALSE(once.at("rm_an_lead_source").empty());
  ASSERT_TRUE(h->Feed(events, 7).ok());
  EXPECT_EQ(DumpRevenue(*h), once);
}

// The lead topic and the opportunity topic in either order, and random interleavings that keep each
// aggregate's order, one event per commit or all in one: byte-identical read models, the same report.
TEST_F(LeadSourceTest, InterleavingsOfTheTopicsGiveTheSameReadModel) {
  const std::vector<sfa::common::v1::EventEnvelope> events = January().events();
  std::unique_ptr<Harness> reference = Start("reference");
  ASSERT_NE(reference, nullptr);
  ASSERT_TRUE(reference->Feed(SourceFirst(events, "lead")).ok());
  const auto want = DumpRevenue(*reference);
  const v1::GetLeadSourceReportRequest january = Period("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z");
  absl::StatusOr<v1::GetLeadSourceReportResponse> want_report =
      LeadSourceReport(reference->store(), kTenant, january, absl::Now());
  ASSERT_TRUE(want_report.ok());

  std::vector<std::pair<std::string, std::vector<sfa::common::v1::EventEnvelope>>> orders = {
      {"opportunity topic first", SourceFirst(events, "opportunity")}, {"streams reversed", StreamsReversed(events)}};
  for (uint32_t seed = 1; seed <= 4; ++seed) orders.push_back({absl::StrCat("seed ", seed), Interleave(events, seed)});
  for (size_t i = 0; i < orders.size(); ++i) {
    const auto& [name, order] = orders[i];
    SCOPED_TRACE(name);
    std::unique_ptr<Harness> h = Start(absl::StrCat("h", i));
    ASSERT_NE(h, nullptr);
    ASSERT_TRUE(h->Feed(order, name == "seed 1" ? 500 : 1).ok());
    EXPECT_EQ(DumpRevenue(*h), want);
    absl::StatusOr<v1::GetLeadSourceReportResponse> report =
        LeadSourceReport(h->store(), kTenant, january, absl::Now());
    ASSERT_TRUE(report.ok());
    EXPECT_TRUE(MessageDifferencer::Equals(*report, *want_report)) << report->DebugString();
  }
}

// Incremental (one event per commit, reports asked in between) and rebuilt from scratch (one pass): the same.
TEST_F(LeadSourceTest, RebuiltReadModelEqualsIncremental) {
  const std::vector<sfa::common::v1::EventEnvelope> events = January().events();
  std::unique_ptr<Harness> incremental = Start("incremental");
  ASSERT_NE(incremental, nullptr);
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_TRUE(incremental->Feed({events[i]}).ok());
    if (i % 10 == 0) {
      ASSERT_TRUE(LeadSourceReport(incremental->store(), kTenant,
                                   Period("2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"), absl::Now())
                      .ok());
    }
  }
  std::unique_ptr<Harness> rebuilt = Start("rebuilt");
  ASSERT_NE(rebuilt, nullptr);
  ASSERT_TRUE(rebuilt->Feed(events).ok());
  EXPECT_EQ(DumpRevenue(*rebuilt), DumpRevenue(*incremental));
}

}  // namespace
}  // namespace sfa::analytics::revenue

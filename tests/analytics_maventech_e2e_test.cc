// Issue 6's acceptance on real data: the MavenTech data set imported into sfa-opportunity through its
// public API, its events carried by Kafka (the embedded broker) into sfa-analytics, and the figures a
// sales manager asks for — the funnel, win rates by agent, manager, office, product and sector, the
// average sales cycle, the pipeline as of 2017-06-30 and the won amount per quarter — each compared with
// the same figure computed here, independently, from the CSV files.

#include <grpcpp/grpcpp.h>

#include <array>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "eventstore/test_util.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "sfa/analytics/v1/analytics_service.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tests/support/service_process.h"
#include "tools/kafka_broker/embedded_kafka.h"
#include "tools/maventech_import/data_set.h"
#include "tools/maventech_import/importer.h"
#include "tools/maventech_import/plan.h"

#ifndef SFA_OPPORTUNITY_BIN
#error "SFA_OPPORTUNITY_BIN must be the path of sfa-opportunity"
#endif
#ifndef SFA_ANALYTICS_BIN
#error "SFA_ANALYTICS_BIN must be the path of sfa-analytics"
#endif

namespace sfa::analytics {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using google::protobuf::util::TimeUtil;

constexpr char kTenant[] = "maventech";
constexpr char kPipeline[] = "maventech";

// ---------------------------------------------------------------------------------------------------
// The CSV side, read here without the importer's code.

std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::map<std::string, std::string>> rows;
  std::string line;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

// Ids as the data set's README documents them: lower case, runs of other characters become one '-'.
std::string Slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (absl::ascii_isalnum(c)) {
      out += absl::ascii_tolower(c);
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

// Letters and digits only: "GTXPro", "GTX Pro" and "gtx-pro" are one product.
std::string Letters(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isalnum(c)) out += absl::ascii_tolower(c);
  }
  return out;
}

std::optional<absl::CivilDay> Day(const std::string& text) {
  absl::CivilDay day;
  if (text.empty() || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

struct Deal {
  std::string agent, manager, office, product, sector, stage;
  std::optional<absl::CivilDay> engage, close;
  int64_t close_value_cents = 0;
  int64_t price_cents = 0;
};

struct Tally {
  int64_t won = 0, lost = 0;
  double WinRate() const { return static_cast<double>(won) / static_cast<double>(won + lost); }
};

class Csv {
 public:
  explicit Csv(const std::string& dir) {
    std::map<std::string, std::pair<std::string, std::string>> teams;  // agent -> manager, office
    for (auto& row : ReadCsv(dir + "/sales_teams.csv")) {
      teams[row["sales_agent"]] = {row["manager"], row["regional_office"]};
    }
    std::map<std::string, std::string> sectors;
    for (auto& row : ReadCsv(dir + "/accounts.csv")) {
      // The data README's known misspelling, which the import normalises.
      sectors[row["account"]] = row["sector"] == "technolgy" ? "technology" : row["sector"];
    }
    std::map<std::string, int64_t> prices;  // by Letters(product)
    for (auto& row : ReadCsv(dir + "/products.csv")) prices[Letters(row["product"])] = std::stoll(row["sales_price"]) * 100;
    for (auto& row : ReadCsv(dir + "/sales_pipeline.csv")) {
      Deal d;
      d.agent = row["sales_agent"];
      d.manager = teams[d.agent].first;
      d.office = teams[d.agent].second;
      d.product = Letters(row["product"]);
      d.sector = row["account"].empty() ? "" : sectors[row["account"]];
      d.stage = row["deal_stage"];
      d.engage = Day(row["engage_date"]);
      d.close = Day(row["close_date"]);
      d.close_value_cents = row["close_value"].empty() ? 0 : std::stoll(row["close_value"]) * 100;
      d.price_cents = prices[d.product];
      deals.push_back(d);
    }
  }

  // Won and lost per group key.
  template <typename Key>
  std::map<std::string, Tally> WinRates(Key key) const {
    std::map<std::string, Tally> out;
    for (const Deal& d : deals) {
      if (d.stage == "Won") ++out[key(d)].won;
      if (d.stage == "Lost") ++out[key(d)].lost;
    }
    return out;
  }

  std::vector<Deal> deals;
};

// ---------------------------------------------------------------------------------------------------
// The service side.

google::protobuf::Timestamp At(absl::CivilSecond t) {
  return TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::FromCivil(t, absl::UTCTimeZone())));
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("x-sfa-tenant", kTenant);
  ctx->AddMetadata("x-sfa-user", "checker");
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
  return ctx;
}

std::unique_ptr<sfa::testing::ServiceProcess> Start(const std::string& binary, const std::string& name,
                                                    const eventstore::testing::TempDir& dir, int grpc, int metrics,
                                                    const std::string& brokers, std::vector<std::string> extra = {"--sync_writes=false"}) {
  auto p = sfa::testing::StartService(binary, dir.Sub(name), dir.Sub(name + ".log"), grpc, metrics, brokers, extra);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *std::move(p) : nullptr;
}

class AnalyticsMaventechTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new eventstore::testing::TempDir("analytics-maventech-e2e");
    auto kafka = tools::EmbeddedKafka::Start();
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = kafka->release();
    const int opp_port = sfa::testing::FreePort(), opp_metrics = sfa::testing::FreePort();
    const int an_port = sfa::testing::FreePort(), an_metrics = sfa::testing::FreePort();
    opportunity_ = Start(SFA_OPPORTUNITY_BIN, "opportunity", *dir_, opp_port, opp_metrics, kafka_->bootstrap_servers())
                       .release();
    analytics_ = Start(SFA_ANALYTICS_BIN, "analytics", *dir_, an_port, an_metrics, kafka_->bootstrap_servers()).release();
    ASSERT_NE(opportunity_, nullptr);
    ASSERT_NE(analytics_, nullptr);
    stub_ = v1::AnalyticsService::NewStub(
                grpc::CreateChannel(absl::StrCat("127.0.0.1:", an_port), grpc::InsecureChannelCredentials()))
                .release();

    absl::StatusOr<tools::maventech::DataSet> data = tools::maventech::LoadDataSet(SFA_MAVENTECH_DATA_DIR);
    ASSERT_TRUE(data.ok()) << data.status();
    const tools::maventech::ImportPlan plan = tools::maventech::BuildPlan(*data);
    tools::maventech::ImportOptions options;
    options.tenant = kTenant;
    tools::maventech::Importer importer(
        ov1::OpportunityService::NewStub(
            grpc::CreateChannel(absl::StrCat("127.0.0.1:", opp_port), grpc::InsecureChannelCredentials())),
        options);
    const absl::Time started = absl::Now();
    tools::maventech::ImportResult result = importer.Run(plan);
    std::cout << "imported in " << absl::Now() - started << "\n";
    csv_ = new Csv(SFA_MAVENTECH_DATA_DIR);
    WaitForAnalytics();
  }

  static void TearDownTestSuite() {
    delete stub_;
    delete analytics_;
    delete opportunity_;
    delete kafka_;
    delete csv_;
    delete dir_;
  }

  // The analytics read models have every deal once the open pipeline now is what the data leaves open
  // (every close applied) and the funnel has every deal and every win.
  static void WaitForAnalytics() {
    int64_t open_at_end = 0;
    for (const Deal& d : csv_->deals) open_at_end += d.stage == "Engaging" || d.stage == "Prospecting";
    const absl::Time deadline = absl::Now() + absl::Seconds(120);
    int64_t count = -1, entered = -1, won = -1;
    while (absl::Now() < deadline) {
      v1::GetPipelineRequest pipeline;
      pipeline.set_pipeline_id(kPipeline);
      v1::GetPipelineResponse now;
      v1::GetFunnelRequest funnel;
      funnel.set_pipeline_id(kPipeline);
      v1::GetFunnelResponse f;
      if (stub_->GetPipeline(Ctx().get(), pipeline, &now).ok() && stub_->GetFunnel(Ctx().get(), funnel, &f).ok() &&
          f.groups_size() == 1 && f.groups(0).stages_size() > 0) {
        count = now.count();
        entered = f.groups(0).stages(0).entered();
        won = f.groups(0).stages(0).won();
        if (count == open_at_end && entered == static_cast<int64_t>(csv_->deals.size()) && won == 4238) return;
      }
      absl::SleepFor(absl::Milliseconds(250));
    }
    FAIL() << "analytics did not catch up: open " << count << " entered " << entered << " won " << won;
  }

  static v1::GetPerformanceResponse Performance(absl::CivilSecond from, absl::CivilSecond to, v1::GroupBy group_by) {
    v1::GetPerformanceRequest request;
    *request.mutable_period()->mutable_start() = At(from);
    *request.mutable_period()->mutable_end() = At(to);
    request.set_group_by(group_by);
    v1::GetPerformanceResponse response;
    const grpc::Status s = stub_->GetPerformance(Ctx().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  // Every group's win rate equals the CSV's, and there is no other group.
  static void ExpectWinRates(v1::GroupBy group_by, const std::map<std::string, Tally>& expected,
                             const std::function<std::string(const std::string&)>& key_of_group) {
    const v1::GetPerformanceResponse all = Performance(absl::CivilSecond(2016, 1, 1), absl::CivilSecond(2018, 2, 1), group_by);
    std::set<std::string> seen;
    for (const v1::Performance& p : all.groups()) {
      const std::string key = key_of_group(p.key());
      auto it = expected.find(key);
      if (it == expected.end()) {
        EXPECT_FALSE(p.has_win_rate()) << v1::GroupBy_Name(group_by) << " " << p.key() << " has no closed deal in the CSV";
        continue;
      }
      seen.insert(key);
      ASSERT_TRUE(p.has_win_rate()) << p.key();
      EXPECT_NEAR(p.win_rate(), it->second.WinRate(), 1e-12) << v1::GroupBy_Name(group_by) << " " << p.key();
    }
    EXPECT_EQ(seen.size(), expected.size()) << v1::GroupBy_Name(group_by);
  }

  static eventstore::testing::TempDir* dir_;
  static tools::EmbeddedKafka* kafka_;
  static sfa::testing::ServiceProcess* opportunity_;
  static sfa::testing::ServiceProcess* analytics_;
  static v1::AnalyticsService::Stub* stub_;
  static Csv* csv_;
};

eventstore::testing::TempDir* AnalyticsMaventechTest::dir_ = nullptr;
tools::EmbeddedKafka* AnalyticsMaventechTest::kafka_ = nullptr;
sfa::testing::ServiceProcess* AnalyticsMaventechTest::opportunity_ = nullptr;
sfa::testing::ServiceProcess* AnalyticsMaventechTest::analytics_ = nullptr;
v1::AnalyticsService::Stub* AnalyticsMaventechTest::stub_ = nullptr;
Csv* AnalyticsMaventechTest::csv_ = nullptr;

TEST_F(AnalyticsMaventechTest, FunnelPerAgentMatchesTheCsv) {
  // Every deal passes Prospecting; all but the Prospecting ones reached Engaging; wins come from Engaging.
  std::map<std::string, std::array<int64_t, 3>> expected;  // agent -> prospecting entered, engaging entered, won
  for (const Deal& d : csv_->deals) {
    auto& e = expected[Slug(d.agent)];
    ++e[0];
    if (d.stage != "Prospecting") ++e[1];
    if (d.stage == "Won") ++e[2];
  }
  v1::GetFunnelRequest request;
  request.set_pipeline_id(kPipeline);
  request.set_group_by(v1::GROUP_BY_OWNER);
  v1::GetFunnelResponse response;
  ASSERT_TRUE(stub_->GetFunnel(Ctx().get(), request, &response).ok());
  ASSERT_EQ(response.groups_size(), static_cast<int>(expected.size()));
  for (const v1::FunnelGroup& g : response.groups()) {
    ASSERT_TRUE(expected.contains(g.key())) << g.key();
    const auto& e = expected[g.key()];
    ASSERT_EQ(g.stages_size(), 2);
    EXPECT_EQ(g.stages(0).stage_id(), "prospecting");
    EXPECT_EQ(g.stages(0).entered(), e[0]) << g.key();
    EXPECT_EQ(g.stages(0).advanced(), e[1]) << g.key();
    EXPECT_EQ(g.stages(0).won(), e[2]) << g.key();
    EXPECT_EQ(g.stages(1).stage_id(), "engaging");
    EXPECT_EQ(g.stages(1).entered(), e[1]) << g.key();
    EXPECT_EQ(g.stages(1).advanced(), e[2]) << g.key();
    EXPECT_EQ(g.stages(1).won(), e[2]) << g.key();
    if (e[1] > 0) EXPECT_NEAR(g.stages(1).conversion_to_won(), static_cast<double>(e[2]) / e[1], 1e-12);
  }
}

TEST_F(AnalyticsMaventechTest, WinRatesByAgentManagerOfficeProductAndSectorMatchTheCsv) {
  ExpectWinRates(v1::GROUP_BY_OWNER, csv_->WinRates([](const Deal& d) { return Slug(d.agent); }),
                 [](const std::string& k) { return k; });
  ExpectWinRates(v1::GROUP_BY_TEAM, csv_->WinRates([](const Deal& d) { return "team-" + Slug(d.manager); }),
                 [](const std::string& k) { return k; });
  ExpectWinRates(v1::GROUP_BY_REGION, csv_->WinRates([](const Deal& d) { return d.office; }),
                 [](const std::string& k) { return k; });
  ExpectWinRates(v1::GROUP_BY_PRODUCT, csv_->WinRates([](const Deal& d) { return d.product; }),
                 [](const std::string& k) { return Letters(k); });
  ExpectWinRates(v1::GROUP_BY_INDUSTRY, csv_->WinRates([](const Deal& d) { return d.sector; }),
                 [](const std::string& k) { return k; });
}

TEST_F(AnalyticsMaventechTest, AverageSalesCycleMatchesTheCsv) {
  double days = 0;
  int64_t won = 0;
  for (const Deal& d : csv_->deals) {
    if (d.stage != "Won") continue;
    days += static_cast<double>(*d.close - *d.engage);
    ++won;
  }
  const v1::GetPerformanceResponse all =
      Performance(absl::CivilSecond(2016, 1, 1), absl::CivilSecond(2018, 2, 1), v1::GROUP_BY_UNSPECIFIED);
  ASSERT_EQ(all.groups_size(), 1);
  ASSERT_TRUE(all.groups(0).has_average_cycle_days());
  EXPECT_NEAR(all.groups(0).average_cycle_days(), days / static_cast<double>(won), 1e-9);
}

TEST_F(AnalyticsMaventechTest, WonAmountPerQuarterMatchesTheCsv) {
  for (int quarter = 0; quarter < 4; ++quarter) {
    const absl::CivilDay from(2017, 1 + 3 * quarter, 1), to = absl::CivilDay(absl::CivilMonth(from) + 3);
    int64_t cents = 0;
    for (const Deal& d : csv_->deals) {
      if (d.stage == "Won" && *d.close >= from && *d.close < to) cents += d.close_value_cents;
    }
    const v1::GetPerformanceResponse p = Performance(from, to, v1::GROUP_BY_UNSPECIFIED);
    int64_t reported = 0;
    for (const v1::Performance& g : p.groups()) {
      for (const auto& m : g.won()) {
        EXPECT_EQ(m.currency(), "USD");
        reported += m.minor_units();
      }
    }
    EXPECT_EQ(reported, cents) << "2017 Q" << quarter + 1;
    EXPECT_GT(cents, 0);
  }
}

TEST_F(AnalyticsMaventechTest, PipelineAsOfEndOfJune2017MatchesTheCsv) {
  const absl::CivilDay june30(2017, 6, 30);
  int64_t count = 0, cents = 0;
  for (const Deal& d : csv_->deals) {
    // Open at the end of June 30: engaged by then and not closed by then (Prospecting deals have no
    // dates and are created on the data's last day).
    if (d.stage == "Prospecting" || !d.engage || *d.engage > june30) continue;
    if (d.close && *d.close <= june30) continue;
    ++count;
    cents += d.price_cents;
  }
  v1::GetPipelineRequest request;
  request.set_pipeline_id(kPipeline);
  *request.mutable_as_of() = At(absl::CivilSecond(2017, 6, 30, 23, 59, 59));
  v1::GetPipelineResponse response;
  ASSERT_TRUE(stub_->GetPipeline(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.count(), count);
  ASSERT_EQ(response.amount_size(), 1);
  EXPECT_EQ(response.amount(0).currency(), "USD");
  EXPECT_EQ(response.amount(0).minor_units(), cents);
  ASSERT_EQ(response.by_stage_size(), 1);
  EXPECT_EQ(response.by_stage(0).key(), "engaging");
  EXPECT_GT(count, 0);
}

}  // namespace
}  // namespace sfa::analytics

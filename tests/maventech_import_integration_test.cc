// The MavenTech import against the real sfa-opportunity process: the full data set through the public
// gRPC API, the counts a user would check read back through the same API, and a second run (the
// sfa-import-maventech binary, as a script would call it) that appends nothing to the event log.

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "sfa/common/v1/event_feed.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tests/support/service_process.h"
#include "tools/maventech_import/data_set.h"
#include "tools/maventech_import/importer.h"
#include "tools/maventech_import/plan.h"
#include "tools/maventech_import/report.h"

#ifndef SFA_OPPORTUNITY_BIN
#error "SFA_OPPORTUNITY_BIN must be the path of sfa-opportunity"
#endif
#ifndef SFA_IMPORTER_BIN
#error "SFA_IMPORTER_BIN must be the path of sfa-import-maventech"
#endif

namespace sfa::tools::maventech {
namespace {

namespace v1 = ::sfa::opportunity::v1;

constexpr char kTenant[] = "demo";

int64_t Seconds(absl::CivilDay day) { return absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())); }

class MaventechImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc_port_ = sfa::testing::FreePort();
    metrics_port_ = sfa::testing::FreePort();
    target_ = absl::StrCat("127.0.0.1:", grpc_port_);
    // Kafka at 127.0.0.1:1 never answers: the outbox keeps the events and the commands do not wait for it.
    auto service = sfa::testing::ServiceProcess::Start(
        SFA_OPPORTUNITY_BIN,
        {absl::StrCat("--grpc_port=", grpc_port_), absl::StrCat("--metrics_port=", metrics_port_),
         absl::StrCat("--data_dir=", dir_.Sub("data")), "--kafka_brokers=127.0.0.1:1", "--listen_host=127.0.0.1",
         "--shutdown_grace_seconds=5"},
        dir_.Sub("opportunity.log"));
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(*service);
    ASSERT_TRUE(sfa::testing::WaitForHttpOk(metrics_port_, "/readyz", absl::Seconds(60))) << service_->LogTail();
    channel_ = grpc::CreateChannel(target_, grpc::InsecureChannelCredentials());
    stub_ = v1::OpportunityService::NewStub(channel_);
    feed_ = common::v1::EventFeed::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("x-sfa-tenant", kTenant);
    ctx->AddMetadata("x-sfa-user", "checker");
    ctx->AddMetadata("x-sfa-roles", "admin");
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    return ctx;
  }

  // Every opportunity ListOpportunities returns for `filter`, page by page.
  int CountOpportunities(v1::ListOpportunitiesRequest filter) {
    int count = 0;
    filter.set_page_size(500);
    do {
      v1::ListOpportunitiesResponse page;
      const grpc::Status status = stub_->ListOpportunities(Ctx().get(), filter, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) return -1;
      count += page.opportunities_size();
      filter.set_page_token(page.next_page_token());
    } while (!filter.page_token().empty());
    return count;
  }

  int CountOpportunities(v1::OpportunityStatus status) {
    v1::ListOpportunitiesRequest filter;
    filter.set_pipeline_id(kPipelineId);
    filter.set_status(status);
    return CountOpportunities(filter);
  }

  // Visits every account ListAccounts returns for `filter`.
  void ForEachAccount(v1::ListAccountsRequest filter, const std::function<void(const v1::Account&)>& visit) {
    filter.set_page_size(100);
    do {
      v1::ListAccountsResponse page;
      const grpc::Status status = stub_->ListAccounts(Ctx().get(), filter, &page);
      ASSERT_TRUE(status.ok()) << status.error_message();
      for (const v1::Account& account : page.accounts()) visit(account);
      filter.set_page_token(page.next_page_token());
    } while (!filter.page_token().empty());
  }

  // The number of the tenant's events at positions >= `from`, and the last position read.
  std::pair<int, uint64_t> ReadEvents(uint64_t from) {
    common::v1::ReadEventsRequest request;
    request.set_from_position(from);
    auto ctx = Ctx();
    auto reader = feed_->ReadEvents(ctx.get(), request);
    common::v1::EventEnvelope event;
    int count = 0;
    uint64_t last = 0;
    while (reader->Read(&event)) {
      ++count;
      last = event.global_position();
    }
    const grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {count, last};
  }

  v1::Opportunity GetOpportunity(const std::string& id) {
    v1::GetOpportunityRequest request;
    request.set_opportunity_id(id);
    v1::GetOpportunityResponse response;
    const grpc::Status status = stub_->GetOpportunity(Ctx().get(), request, &response);
    EXPECT_TRUE(status.ok()) << id << ": " << status.error_message();
    return response.opportunity();
  }

  ImportResult ImportInProcess(const ImportPlan& plan) {
    ImportOptions options;
    options.tenant = kTenant;
    Importer importer(v1::OpportunityService::NewStub(channel_), options);
    return importer.Run(plan);
  }

  // Runs sfa-import-maventech with --json; returns its exit code and fills `report`.
  int ImportWithBinary(report::ImportReport* report) {
    const std::string command = absl::StrCat(SFA_IMPORTER_BIN, " --json --target=", target_, " --tenant=", kTenant,
                                             " 2>", dir_.Sub("importer.log"));
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    std::string json;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) json.append(buffer, n);
    const int status = pclose(pipe);
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, report).ok()) << json;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  eventstore::testing::TempDir dir_{"maventech-import-test"};
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::string target_;
  std::unique_ptr<sfa::testing::ServiceProcess> service_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::OpportunityService::Stub> stub_;
  std::unique_ptr<common::v1::EventFeed::Stub> feed_;
};

TEST_F(MaventechImportTest, ImportsTheFullDataSetAndASecondRunAppendsNothing) {
  absl::StatusOr<DataSet> data = LoadDataSet(SFA_MAVENTECH_DATA_DIR);
  ASSERT_TRUE(data.ok()) << data.status();
  const ImportPlan plan = BuildPlan(*data);
  ASSERT_TRUE(plan.rejected.empty()) << plan.rejected[0].reason;

  const ImportResult first = ImportInProcess(plan);
  const report::ImportReport first_report = BuildReport({SFA_MAVENTECH_DATA_DIR, target_, kTenant}, plan, &first);
  ASSERT_TRUE(first_report.complete()) << FormatText(first_report) << service_->LogTail();
  const double seconds = absl::ToDoubleSeconds(first.elapsed);
  std::cout << absl::StrFormat("first import: %d commands in %.2f s (%.0f commands/s)\n", first.commands, seconds,
                               first.commands / seconds);
  RecordProperty("import_seconds", absl::StrFormat("%.2f", seconds));

  // What a user would check, through the API.
  v1::ListOpportunitiesRequest all;
  all.set_pipeline_id(kPipelineId);
  EXPECT_EQ(CountOpportunities(all), 8800);
  EXPECT_EQ(CountOpportunities(v1::OPPORTUNITY_STATUS_WON), 4238);
  EXPECT_EQ(CountOpportunities(v1::OPPORTUNITY_STATUS_LOST), 2473);
  EXPECT_EQ(CountOpportunities(v1::OPPORTUNITY_STATUS_OPEN), 500 + 1589);
  int accounts = 0, with_parent = 0;
  ForEachAccount({}, [&](const v1::Account& account) {
    ++accounts;
    if (!account.parent_account_id().empty()) ++with_parent;
  });
  EXPECT_EQ(accounts, 85);
  EXPECT_EQ(with_parent, 15);
  v1::ListAccountsRequest children_of_acme;
  children_of_acme.set_parent_account_id("acme-corporation");
  int acme_children = 0;
  ForEachAccount(children_of_acme, [&](const v1::Account&) { ++acme_children; });
  EXPECT_EQ(acme_children, 4);  // Bluth Company, Codehow, Donquadtech, Iselectrics

  // Business dates and amounts as the data gives them.
  const v1::Opportunity won = GetOpportunity("1C1I7A6R");
  EXPECT_EQ(won.status(), v1::OPPORTUNITY_STATUS_WON);
  EXPECT_EQ(won.amount().minor_units(), 105400);
  EXPECT_EQ(won.closed_at().seconds(), Seconds(absl::CivilDay(2017, 3, 1)));
  ASSERT_EQ(won.stage_history_size(), 3);
  EXPECT_EQ(won.stage_history(1).stage_id(), "engaging");
  EXPECT_EQ(won.stage_history(1).entered_at().seconds(), Seconds(absl::CivilDay(2016, 10, 20)));
  EXPECT_EQ(won.stage_history(2).entered_at().seconds(), Seconds(absl::CivilDay(2017, 3, 1)));
  const v1::Opportunity lost = GetOpportunity("KWVA7VR1");
  EXPECT_EQ(lost.status(), v1::OPPORTUNITY_STATUS_LOST);
  EXPECT_EQ(lost.amount().minor_units(), 482100);  // GTX Pro's sales_price, not the 0 close_value
  const v1::Opportunity prospect = GetOpportunity("3LCLVRVV");
  EXPECT_EQ(prospect.account_id(), "");
  EXPECT_EQ(prospect.stage_id(), "prospecting");
  EXPECT_EQ(prospect.created_at().seconds(), Seconds(absl::CivilDay(2017, 12, 31)));

  const auto [events, head] = ReadEvents(0);
  EXPECT_GE(events, first.commands);

  report::ImportReport second;
  EXPECT_EQ(ImportWithBinary(&second), 0) << FormatText(second);
  EXPECT_TRUE(second.complete());
  EXPECT_EQ(second.entities(4).ok(), 8800);
  std::cout << absl::StrFormat("second import: %d commands in %.2f s\n", second.commands_answered(),
                               second.elapsed_seconds());
  EXPECT_EQ(ReadEvents(head + 1).first, 0) << "the second run appended events";
  EXPECT_EQ(ReadEvents(0), std::make_pair(events, head));
}

}  // namespace
}  // namespace sfa::tools::maventech

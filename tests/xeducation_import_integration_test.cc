// The X Education import against the real sfa-opportunity and sfa-lead processes: all 9,240 leads of
// Leads.csv through the public gRPC APIs with 30 % held out, the counts a user would check read back
// through the same API, the AUC of the learned conversion score on the held-out leads (>= 0.90) beside
// the per-channel baseline, and a second run (the sfa-import-xeducation binary, as a script would call
// it) that appends nothing to either service's event log.

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "sfa/common/v1/event_feed.grpc.pb.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tests/support/service_process.h"
#include "tools/xeducation_import/evaluate.h"
#include "tools/xeducation_import/importer.h"
#include "tools/xeducation_import/leads.h"
#include "tools/xeducation_import/plan.h"
#include "tools/xeducation_import/report.h"

#ifndef SFA_OPPORTUNITY_BIN
#error "SFA_OPPORTUNITY_BIN must be the path of sfa-opportunity"
#endif
#ifndef SFA_LEAD_BIN
#error "SFA_LEAD_BIN must be the path of sfa-lead"
#endif
#ifndef SFA_XEDUCATION_IMPORTER_BIN
#error "SFA_XEDUCATION_IMPORTER_BIN must be the path of sfa-import-xeducation"
#endif
#ifndef SFA_XEDUCATION_DATA
#error "SFA_XEDUCATION_DATA must be the path of Leads.csv"
#endif

namespace sfa::tools::xeducation {
namespace {

constexpr char kTenant[] = "demo";
constexpr int kHoldoutPercent = 30;
constexpr uint64_t kSeed = 1;

// A service binary on free loopback ports, ready.
struct Running {
  int grpc_port = 0;
  int metrics_port = 0;
  std::unique_ptr<sfa::testing::ServiceProcess> process;
  std::string target() const { return absl::StrCat("127.0.0.1:", grpc_port); }
};

class XEducationImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(Start(SFA_OPPORTUNITY_BIN, "opportunity", {}, &opportunity_));
    ASSERT_NO_FATAL_FAILURE(
        Start(SFA_LEAD_BIN, "lead", {absl::StrCat("--opportunity_target=", opportunity_.target())}, &lead_));
    lead_channel_ = grpc::CreateChannel(lead_.target(), grpc::InsecureChannelCredentials());
    opportunity_channel_ = grpc::CreateChannel(opportunity_.target(), grpc::InsecureChannelCredentials());
    leads_ = lead::v1::LeadService::NewStub(lead_channel_);
    opportunities_ = opportunity::v1::OpportunityService::NewStub(opportunity_channel_);
  }

  // Kafka at 127.0.0.1:1 never answers: the outbox keeps the events and the commands do not wait for it.
  void Start(const std::string& binary, const std::string& name, std::vector<std::string> extra, Running* out) {
    out->grpc_port = sfa::testing::FreePort();
    out->metrics_port = sfa::testing::FreePort();
    std::vector<std::string> args = {absl::StrCat("--grpc_port=", out->grpc_port),
                                     absl::StrCat("--metrics_port=", out->metrics_port),
                                     absl::StrCat("--data_dir=", dir_.Sub(name)),
                                     "--kafka_brokers=127.0.0.1:1",
                                     "--listen_host=127.0.0.1",
                                     "--shutdown_grace_seconds=5"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto process = sfa::testing::ServiceProcess::Start(binary, args, dir_.Sub(name + ".log"));
    ASSERT_TRUE(process.ok()) << process.status();
    out->process = std::move(*process);
    ASSERT_TRUE(sfa::testing::WaitForHttpOk(out->metrics_port, "/readyz", absl::Seconds(60)))
        << name << " not ready:\n"
        << out->process->LogTail();
  }

  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("x-sfa-tenant", kTenant);
    ctx->AddMetadata("x-sfa-user", "checker");
    ctx->AddMetadata("x-sfa-roles", "admin");
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
    return ctx;
  }

  // Every lead ListLeads returns with `status` (UNSPECIFIED = any), page by page.
  int CountLeads(lead::v1::LeadStatus status) {
    lead::v1::ListLeadsRequest request;
    request.set_status(status);
    request.set_page_size(500);
    int count = 0;
    do {
      lead::v1::ListLeadsResponse page;
      const grpc::Status s = leads_->ListLeads(Ctx().get(), request, &page);
      EXPECT_TRUE(s.ok()) << s.error_message();
      if (!s.ok()) return -1;
      count += page.leads_size();
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return count;
  }

  lead::v1::Lead GetLead(const std::string& id) {
    lead::v1::GetLeadRequest request;
    request.set_lead_id(id);
    lead::v1::GetLeadResponse response;
    const grpc::Status s = leads_->GetLead(Ctx().get(), request, &response);
    EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
    return response.lead();
  }

  // The number of the tenant's events in a service's log, and the last position read.
  std::pair<int, uint64_t> ReadEvents(const std::shared_ptr<grpc::Channel>& channel, uint64_t from) {
    auto feed = common::v1::EventFeed::NewStub(channel);
    common::v1::ReadEventsRequest request;
    request.set_from_position(from);
    auto ctx = Ctx();
    auto reader = feed->ReadEvents(ctx.get(), request);
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

  // Runs sfa-import-xeducation with --json; returns its exit code and fills `report`.
  int ImportWithBinary(report::ImportReport* report) {
    const std::string command = absl::StrCat(SFA_XEDUCATION_IMPORTER_BIN, " --json --lead_target=", lead_.target(),
                                             " --opportunity_target=", opportunity_.target(), " --tenant=", kTenant,
                                             " --holdout_percent=", kHoldoutPercent, " --seed=", kSeed,
                                             " --data=", SFA_XEDUCATION_DATA, " 2>", dir_.Sub("importer.log"));
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return -1;
    std::string json;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof(buffer), pipe)) > 0;) json.append(buffer, n);
    const int status = pclose(pipe);
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, report).ok()) << json;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string Logs() { return absl::StrCat(lead_.process->LogTail(), "\n", opportunity_.process->LogTail()); }

  eventstore::testing::TempDir dir_{"xeducation-import-test"};
  Running opportunity_;
  Running lead_;
  std::shared_ptr<grpc::Channel> lead_channel_;
  std::shared_ptr<grpc::Channel> opportunity_channel_;
  std::unique_ptr<lead::v1::LeadService::Stub> leads_;
  std::unique_ptr<opportunity::v1::OpportunityService::Stub> opportunities_;
};

TEST_F(XEducationImportTest, ImportsEveryLeadScoresTheHeldOutOnesAndASecondRunAppendsNothing) {
  absl::StatusOr<LeadData> data = LoadLeads(SFA_XEDUCATION_DATA);
  ASSERT_TRUE(data.ok()) << data.status();
  PlanOptions plan_options;
  plan_options.holdout_percent = kHoldoutPercent;
  plan_options.seed = kSeed;
  plan_options.expected_close_date = absl::Now() + absl::Hours(24 * 30);
  const ImportPlan plan = BuildPlan(*data, plan_options);
  ASSERT_TRUE(plan.rejected.empty()) << plan.rejected[0].reason;
  ASSERT_EQ(plan.held_out, 2772);

  // The import, in process.
  CallOptions call;
  call.tenant = kTenant;
  Importer importer(lead::v1::LeadService::NewStub(lead_channel_),
                    opportunity::v1::OpportunityService::NewStub(opportunity_channel_), call);
  const ImportResult first = importer.Run(plan);
  const RunInfo info{SFA_XEDUCATION_DATA, lead_.target(), opportunity_.target(), kTenant, kHoldoutPercent, kSeed};
  const report::ImportReport first_report = BuildReport(info, plan, &first, nullptr);
  ASSERT_TRUE(first_report.complete()) << FormatText(first_report) << Logs();
  const double seconds = absl::ToDoubleSeconds(first.elapsed);
  std::cout << absl::StrFormat("first import: %d rows, %d commands in %.2f s (%.0f commands/s)\n", plan.rows_read,
                               first.commands, seconds, first.commands / seconds);
  RecordProperty("import_seconds", absl::StrFormat("%.2f", seconds));
  RecordProperty("import_commands_per_second", absl::StrFormat("%.0f", first.commands / seconds));
  EXPECT_EQ(first.captured, 9240);
  EXPECT_EQ(first.converted, plan.converted);
  EXPECT_EQ(first.disqualified, plan.disqualified);
  EXPECT_EQ(first.held_out, 2772);
  EXPECT_EQ(first.engagements, plan.engagements);

  // The score on the held-out leads.
  EvaluateOptions evaluate_options;
  evaluate_options.timeout = absl::Seconds(300);
  const Evaluation evaluation =
      Evaluate(*lead::v1::LeadService::NewStub(lead_channel_), call, plan, first.Outcomes(), evaluate_options);
  const auto auc_text = [](const std::optional<double>& auc) {
    return auc ? absl::StrFormat("%.4f", *auc) : std::string("n/a");
  };
  std::cout << absl::StrFormat(
      "evaluation after %.1f s: holdout AUC %s on %d leads, channel baseline AUC %s, service's own holdout AUC %s "
      "(training %d, holdout %d)\n",
      evaluation.waited_seconds, auc_text(evaluation.holdout_auc), evaluation.scored, auc_text(evaluation.baseline_auc),
      auc_text(evaluation.service_holdout_auc), evaluation.training_size, evaluation.holdout_size);
  RecordProperty("holdout_auc", auc_text(evaluation.holdout_auc));
  RecordProperty("channel_baseline_auc", auc_text(evaluation.baseline_auc));
  RecordProperty("service_holdout_auc", auc_text(evaluation.service_holdout_auc));
  EXPECT_TRUE(evaluation.caught_up) << evaluation.problem;
  EXPECT_EQ(evaluation.problem, "");
  EXPECT_EQ(evaluation.scored, 2772);
  ASSERT_TRUE(evaluation.holdout_auc.has_value()) << evaluation.problem;
  EXPECT_GE(*evaluation.holdout_auc, 0.90);
  ASSERT_TRUE(evaluation.baseline_auc.has_value());
  EXPECT_GT(*evaluation.holdout_auc, *evaluation.baseline_auc);

  // What a user would check, through the API.
  EXPECT_EQ(CountLeads(lead::v1::LEAD_STATUS_UNSPECIFIED), 9240);
  EXPECT_EQ(CountLeads(lead::v1::LEAD_STATUS_CONVERTED), plan.converted);
  EXPECT_EQ(CountLeads(lead::v1::LEAD_STATUS_DISQUALIFIED), plan.disqualified);
  EXPECT_EQ(CountLeads(lead::v1::LEAD_STATUS_CONVERTED) + CountLeads(lead::v1::LEAD_STATUS_DISQUALIFIED),
            first.Outcomes());
  EXPECT_EQ(CountLeads(lead::v1::LEAD_STATUS_NEW), 2772);
  const LeadPlan* converted = nullptr;
  const LeadPlan* held_out = nullptr;
  for (const LeadPlan& lead : plan.leads) {
    if (converted == nullptr && lead.outcome == Outcome::kConverted) converted = &lead;
    if (held_out == nullptr && lead.outcome == Outcome::kHeldOut) held_out = &lead;
  }
  ASSERT_NE(converted, nullptr);
  ASSERT_NE(held_out, nullptr);
  const lead::v1::Lead won = GetLead(converted->lead_id);
  EXPECT_EQ(won.status(), lead::v1::LEAD_STATUS_CONVERTED);
  EXPECT_EQ(won.owner_user_id(), "xedu.sales");
  EXPECT_FALSE(won.account_id().empty());
  EXPECT_FALSE(won.opportunity_id().empty());
  EXPECT_FALSE(won.attributes().contains("tags"));
  opportunity::v1::GetOpportunityRequest get_opportunity;
  get_opportunity.set_opportunity_id(won.opportunity_id());
  opportunity::v1::GetOpportunityResponse opportunity;
  const grpc::Status got = opportunities_->GetOpportunity(Ctx().get(), get_opportunity, &opportunity);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(opportunity.opportunity().pipeline_id(), kPipelineId);
  EXPECT_EQ(opportunity.opportunity().lead_id(), converted->lead_id);
  const lead::v1::Lead open = GetLead(held_out->lead_id);
  EXPECT_EQ(open.status(), lead::v1::LEAD_STATUS_NEW);
  EXPECT_TRUE(open.scores().has_predictive_probability());

  // A second run, as a script would start it: every request id is answered as a retry.
  const auto [lead_events, lead_head] = ReadEvents(lead_channel_, 0);
  const auto [opportunity_events, opportunity_head] = ReadEvents(opportunity_channel_, 0);
  EXPECT_GE(lead_events, first.commands - 4);  // the setup's 4 commands went to the opportunity service
  report::ImportReport second;
  EXPECT_EQ(ImportWithBinary(&second), 0) << FormatText(second);
  EXPECT_TRUE(second.complete());
  EXPECT_EQ(second.leads_captured(), 9240);
  EXPECT_EQ(second.converted(), plan.converted);
  EXPECT_EQ(second.disqualified(), plan.disqualified);
  std::cout << absl::StrFormat("second import: %d commands in %.2f s\n", second.commands_answered(),
                               second.elapsed_seconds());
  EXPECT_EQ(ReadEvents(lead_channel_, lead_head + 1).first, 0) << "the second run appended lead events";
  EXPECT_EQ(ReadEvents(lead_channel_, 0), std::make_pair(lead_events, lead_head));
  EXPECT_EQ(ReadEvents(opportunity_channel_, 0), std::make_pair(opportunity_events, opportunity_head))
      << "the second run appended opportunity events";
}

}  // namespace
}  // namespace sfa::tools::xeducation

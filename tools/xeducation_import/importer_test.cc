#include "tools/xeducation_import/importer.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/xeducation_import/evaluate.h"
#include "tools/xeducation_import/test_rows.h"

namespace sfa::tools::xeducation {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Records every call of both services with its metadata; answers with scripted errors.
class CallLog {
 public:
  // Answers `request_id` with these statuses, one per call, before answering OK.
  void FailFirst(const std::string& request_id, std::vector<grpc::Status> statuses) {
    absl::MutexLock lock(&mu_);
    for (grpc::Status& s : statuses) scripted_[request_id].push_back(std::move(s));
  }
  void SetDelay(absl::Duration delay) { delay_ = delay; }
  std::vector<std::string> Calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  // The calls whose text starts with `prefix`, in order.
  std::vector<std::string> CallsOf(absl::string_view needle) {
    std::vector<std::string> out;
    for (const std::string& call : Calls()) {
      if (absl::StrContains(call, needle)) out.push_back(call);
    }
    return out;
  }
  std::vector<std::string> BadMetadata() {
    absl::MutexLock lock(&mu_);
    return bad_metadata_;
  }
  int MaxInFlight() {
    absl::MutexLock lock(&mu_);
    return max_in_flight_;
  }

  grpc::Status Handle(grpc::ServerContext* c, absl::string_view method, const std::string& id) {
    {
      absl::MutexLock lock(&mu_);
      calls_.push_back(absl::StrCat(method, " ", id));
      if (Header(c, "x-sfa-tenant") != "t1" || Header(c, "x-sfa-user") != "loader" ||
          Header(c, "x-sfa-roles") != "admin") {
        bad_metadata_.push_back(id);
      }
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    }
    absl::SleepFor(delay_);  // lets concurrent calls overlap; not used to order anything
    absl::MutexLock lock(&mu_);
    --in_flight_;
    std::deque<grpc::Status>& script = scripted_[id];
    if (script.empty()) return grpc::Status::OK;
    grpc::Status status = script.front();
    script.pop_front();
    return status;
  }

 private:
  static std::string Header(grpc::ServerContext* c, const std::string& key) {
    auto it = c->client_metadata().find(key);
    return it == c->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
  }

  absl::Mutex mu_;
  absl::Duration delay_ = absl::ZeroDuration();
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> bad_metadata_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::deque<grpc::Status>> scripted_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

class FakeLeadService final : public lv1::LeadService::Service {
 public:
  explicit FakeLeadService(CallLog* log) : log_(log) {}

  // CaptureLead of this lead answers ALREADY_EXISTS; GetLead returns it.
  void SetExisting(lv1::Lead lead) {
    absl::MutexLock lock(&mu_);
    existing_[lead.lead_id()] = std::move(lead);
  }
  // GetScoringModelStats answers these, one per call, then repeats the last.
  void SetStats(std::vector<lv1::GetScoringModelStatsResponse> stats) {
    absl::MutexLock lock(&mu_);
    stats_.assign(stats.begin(), stats.end());
  }

  grpc::Status CaptureLead(grpc::ServerContext* c, const lv1::CaptureLeadRequest* r,
                           lv1::CaptureLeadResponse*) override {
    grpc::Status status = log_->Handle(c, "CaptureLead", r->request_id());
    absl::MutexLock lock(&mu_);
    if (status.ok() && existing_.contains(r->lead_id())) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "lead exists");
    }
    return status;
  }
  grpc::Status RecordEngagement(grpc::ServerContext* c, const lv1::RecordEngagementRequest* r,
                                lv1::RecordEngagementResponse*) override {
    return log_->Handle(c, "RecordEngagement", r->request_id());
  }
  grpc::Status ChangeLeadStatus(grpc::ServerContext* c, const lv1::ChangeLeadStatusRequest* r,
                                lv1::ChangeLeadStatusResponse*) override {
    return log_->Handle(c, "ChangeLeadStatus", r->request_id());
  }
  grpc::Status AssignLead(grpc::ServerContext* c, const lv1::AssignLeadRequest* r, lv1::AssignLeadResponse*) override {
    return log_->Handle(c, "AssignLead", r->request_id());
  }
  grpc::Status QualifyLead(grpc::ServerContext* c, const lv1::QualifyLeadRequest* r,
                           lv1::QualifyLeadResponse*) override {
    return log_->Handle(c, "QualifyLead", r->request_id());
  }
  grpc::Status ConvertLead(grpc::ServerContext* c, const lv1::ConvertLeadRequest* r,
                           lv1::ConvertLeadResponse*) override {
    return log_->Handle(c, "ConvertLead", r->request_id());
  }
  grpc::Status DisqualifyLead(grpc::ServerContext* c, const lv1::DisqualifyLeadRequest* r,
                              lv1::DisqualifyLeadResponse*) override {
    return log_->Handle(c, "DisqualifyLead", r->request_id());
  }
  grpc::Status GetLead(grpc::ServerContext* c, const lv1::GetLeadRequest* r, lv1::GetLeadResponse* response) override {
    log_->Handle(c, "GetLead", r->lead_id());
    absl::MutexLock lock(&mu_);
    auto it = existing_.find(r->lead_id());
    if (it == existing_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such lead");
    *response->mutable_lead() = it->second;
    return grpc::Status::OK;
  }
  grpc::Status GetScoringModelStats(grpc::ServerContext* c, const lv1::GetScoringModelStatsRequest*,
                                    lv1::GetScoringModelStatsResponse* response) override {
    log_->Handle(c, "GetScoringModelStats", "");
    absl::MutexLock lock(&mu_);
    if (stats_.empty()) return grpc::Status::OK;
    *response = stats_.front();
    if (stats_.size() > 1) stats_.pop_front();
    return grpc::Status::OK;
  }

 private:
  CallLog* log_;
  absl::Mutex mu_;
  std::map<std::string, lv1::Lead> existing_ ABSL_GUARDED_BY(mu_);
  std::deque<lv1::GetScoringModelStatsResponse> stats_ ABSL_GUARDED_BY(mu_);
};

class FakeOpportunityService final : public ov1::OpportunityService::Service {
 public:
  explicit FakeOpportunityService(CallLog* log) : log_(log) {}
  grpc::Status UpsertUser(grpc::ServerContext* c, const ov1::UpsertUserRequest* r, ov1::UpsertUserResponse*) override {
    return log_->Handle(c, "UpsertUser", r->request_id());
  }
  grpc::Status UpsertSalesTeam(grpc::ServerContext* c, const ov1::UpsertSalesTeamRequest* r,
                               ov1::UpsertSalesTeamResponse*) override {
    return log_->Handle(c, "UpsertSalesTeam", r->request_id());
  }
  grpc::Status DefinePipeline(grpc::ServerContext* c, const ov1::DefinePipelineRequest* r,
                              ov1::DefinePipelineResponse*) override {
    return log_->Handle(c, "DefinePipeline", r->request_id());
  }

 private:
  CallLog* log_;
};

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&leads_);
    builder.RegisterService(&opportunities_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    options_.tenant = "t1";
    options_.user = "loader";
    options_.retry.initial_backoff = absl::Milliseconds(1);
    options_.retry.max_backoff = absl::Milliseconds(5);
  }
  void TearDown() override { server_->Shutdown(); }

  ImportResult Run(const ImportPlan& plan) {
    Importer importer(lv1::LeadService::NewStub(channel_), ov1::OpportunityService::NewStub(channel_), options_);
    return importer.Run(plan);
  }

  // A plan of `rows` (test_rows.h lines), none held out unless `held_out` says so.
  static ImportPlan PlanOf(const std::vector<LeadRow>& rows, std::vector<bool> held_out = {}) {
    ImportPlan plan;
    plan.setup = SetupCommands(PlanOptions());
    held_out.resize(rows.size(), false);
    for (size_t i = 0; i < rows.size(); ++i) plan.leads.push_back(MapRow(rows[i], held_out[i], {}, nullptr));
    return plan;
  }

  CallLog log_;
  FakeLeadService leads_{&log_};
  FakeOpportunityService opportunities_{&log_};
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  CallOptions options_;
};

// n distinct rows that are not converted.
std::vector<LeadRow> ManyRows(int n) {
  std::vector<LeadRow> rows;
  for (int i = 0; i < n; ++i) {
    rows.push_back(testing::MakeRow(testing::kRowVisits, {{"Lead Number", absl::StrCat(700000 + i)}}));
  }
  return rows;
}

TEST_F(ImporterTest, SendsTheSetupFirstThenEachLeadsRequestsInOrderWithTheCallerMetadata) {
  const ImportPlan plan =
      PlanOf({testing::MakeRow(testing::kRowVisits, {{"Converted", "1"}}), testing::MakeRow(testing::kRowNoVisits)});
  const ImportResult result = Run(plan);
  EXPECT_TRUE(result.setup_ok);
  EXPECT_THAT(result.failures, IsEmpty());
  const std::vector<std::string> calls = log_.Calls();
  ASSERT_GE(calls.size(), 4u);
  EXPECT_THAT(std::vector<std::string>(calls.begin(), calls.begin() + 4),
              ElementsAre("UpsertUser xedu:setup:user:xedu.manager", "UpsertUser xedu:setup:user:xedu.sales",
                          "UpsertSalesTeam xedu:setup:team", "DefinePipeline xedu:setup:pipeline"));
  EXPECT_THAT(log_.CallsOf(":660728:"),
              ElementsAre("CaptureLead xedu:660728:capture", "RecordEngagement xedu:660728:visit",
                          "RecordEngagement xedu:660728:page_views", "RecordEngagement xedu:660728:last_activity",
                          "ChangeLeadStatus xedu:660728:working", "AssignLead xedu:660728:assign",
                          "QualifyLead xedu:660728:qualify", "ConvertLead xedu:660728:convert"));
  EXPECT_THAT(log_.CallsOf(":660737:"),
              ElementsAre("CaptureLead xedu:660737:capture", "RecordEngagement xedu:660737:last_activity",
                          "ChangeLeadStatus xedu:660737:working", "AssignLead xedu:660737:assign",
                          "DisqualifyLead xedu:660737:disqualify"));
  EXPECT_THAT(log_.BadMetadata(), IsEmpty());
  EXPECT_EQ(result.captured, 2);
  EXPECT_EQ(result.converted, 1);
  EXPECT_EQ(result.disqualified, 1);
  EXPECT_EQ(result.engagements, 4);
  EXPECT_EQ(result.commands, plan.CommandCount());
  EXPECT_EQ(result.Outcomes(), 2);
}

TEST_F(ImporterTest, ResendsTransientErrorsWithTheSameRequestId) {
  log_.FailFirst("xedu:660728:visit", {grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting"),
                                       grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow")});
  const ImportResult result = Run(PlanOf({testing::MakeRow(testing::kRowVisits)}));
  EXPECT_THAT(result.failures, IsEmpty());
  EXPECT_EQ(result.retries, 2);
  EXPECT_EQ(log_.CallsOf("xedu:660728:visit").size(), 3u);
  EXPECT_EQ(result.disqualified, 1);
}

TEST_F(ImporterTest, ARefusedRequestEndsThatLeadOnlyAndIsReportedWithItsRow) {
  log_.FailFirst("xedu:660728:assign",
                 {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "lead_closed: lead xedu-660728 is closed")});
  const ImportPlan plan = PlanOf({testing::MakeRow(testing::kRowVisits), testing::MakeRow(testing::kRowNoVisits)});
  const ImportResult result = Run(plan);
  ASSERT_EQ(result.failures.size(), 1u);
  const Failure& failure = result.failures[0];
  EXPECT_EQ(failure.lead_number, "660728");
  EXPECT_EQ(failure.command, "AssignLead");
  EXPECT_EQ(failure.request_id, "xedu:660728:assign");
  EXPECT_EQ(failure.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(failure.message, HasSubstr("lead_closed"));
  EXPECT_THAT(log_.Calls(), Not(Contains("DisqualifyLead xedu:660728:disqualify")));
  EXPECT_THAT(log_.Calls(), Contains("DisqualifyLead xedu:660737:disqualify"));
  EXPECT_EQ(result.failed, 1);
  EXPECT_EQ(result.captured, 1);
  EXPECT_EQ(result.disqualified, 1);
  EXPECT_TRUE(result.stopped.empty());
}

TEST_F(ImporterTest, AFailedSetupStopsTheImportBeforeAnyLead) {
  log_.FailFirst("xedu:setup:team", {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "manager_not_active")});
  const ImportResult result = Run(PlanOf({testing::MakeRow(testing::kRowVisits)}));
  EXPECT_FALSE(result.setup_ok);
  EXPECT_THAT(result.stopped, HasSubstr("manager_not_active"));
  EXPECT_EQ(result.not_sent, 1);
  EXPECT_THAT(log_.CallsOf("CaptureLead"), IsEmpty());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].command, "UpsertSalesTeam");
}

TEST_F(ImporterTest, KeepsAtMostConcurrencyLeadsInFlight) {
  log_.SetDelay(absl::Milliseconds(5));
  options_.concurrency = 4;
  const ImportResult result = Run(PlanOf(ManyRows(24)));
  EXPECT_THAT(result.failures, IsEmpty());
  EXPECT_EQ(result.captured, 24);
  EXPECT_LE(log_.MaxInFlight(), 4);
  EXPECT_GE(log_.MaxInFlight(), 2);
}

TEST_F(ImporterTest, AnExistingLeadIsReadAndOnlyWhatItLacksIsSent) {
  lv1::Lead working;
  working.set_lead_id("xedu-660728");
  working.set_status(lv1::LEAD_STATUS_WORKING);
  working.set_owner_user_id("xedu.sales");
  leads_.SetExisting(working);
  const ImportResult result = Run(PlanOf({testing::MakeRow(testing::kRowVisits, {{"Converted", "1"}})}));
  EXPECT_THAT(result.failures, IsEmpty());
  EXPECT_THAT(log_.CallsOf("660728"),
              ElementsAre("CaptureLead xedu:660728:capture", "GetLead xedu-660728", "QualifyLead xedu:660728:qualify",
                          "ConvertLead xedu:660728:convert"));
  EXPECT_EQ(result.found, 1);
  EXPECT_EQ(result.converted, 1);
}

TEST(FirstPendingCommandTest, ResumesWhereTheStoredLeadStands) {
  const LeadPlan converted = MapRow(testing::MakeRow(testing::kRowVisits, {{"Converted", "1"}}), false, {}, nullptr);
  const LeadPlan held_out = MapRow(testing::MakeRow(testing::kRowVisits), true, {}, nullptr);
  // capture, visit, page_views, last_activity, working(4), assign(5), qualify(6), convert(7)
  lv1::Lead stored;
  stored.set_status(lv1::LEAD_STATUS_NEW);
  EXPECT_EQ(*FirstPendingCommand(stored, converted), 1u);
  stored.mutable_scores()->add_behaviour_kinds()->set_count(3);
  EXPECT_EQ(*FirstPendingCommand(stored, converted), 4u);  // engagements add up: not sent twice
  stored.set_status(lv1::LEAD_STATUS_WORKING);
  EXPECT_EQ(*FirstPendingCommand(stored, converted), 5u);
  stored.set_owner_user_id("xedu.sales");
  EXPECT_EQ(*FirstPendingCommand(stored, converted), 6u);
  EXPECT_EQ(*FirstPendingCommand(stored, held_out), held_out.commands.size());
  stored.set_status(lv1::LEAD_STATUS_QUALIFIED);
  EXPECT_EQ(*FirstPendingCommand(stored, converted), 7u);
  stored.set_status(lv1::LEAD_STATUS_CONVERTED);
  EXPECT_EQ(*FirstPendingCommand(stored, converted), converted.commands.size());
  EXPECT_EQ(FirstPendingCommand(stored, held_out).status().code(), absl::StatusCode::kFailedPrecondition);
  stored.set_status(lv1::LEAD_STATUS_DISQUALIFIED);
  EXPECT_THAT(FirstPendingCommand(stored, converted).status().message(), HasSubstr("LEAD_STATUS_DISQUALIFIED"));
  stored.set_status(lv1::LEAD_STATUS_MERGED);
  stored.set_merged_into_lead_id("xedu-1");
  EXPECT_THAT(FirstPendingCommand(stored, converted).status().message(), HasSubstr("merged into xedu-1"));
}

// --- evaluation ------------------------------------------------------------------------------------

lv1::GetScoringModelStatsResponse Stats(int64_t training, int64_t holdout) {
  lv1::GetScoringModelStatsResponse stats;
  stats.set_training_size(training);
  stats.set_holdout_size(holdout);
  return stats;
}

lv1::Lead Scored(const std::string& id, std::optional<double> probability) {
  lv1::Lead lead;
  lead.set_lead_id(id);
  if (probability) lead.mutable_scores()->set_predictive_probability(*probability);
  return lead;
}

// Two imported outcomes (Reference converted, Olark Chat not) and four held-out leads.
ImportPlan EvaluationPlan() {
  ImportPlan plan;
  auto lead = [&plan](const std::string& n, const std::string& channel, bool converted, Outcome outcome) {
    LeadPlan l;
    l.lead_number = n;
    l.lead_id = LeadIdOf(n);
    l.channel = channel;
    l.converted = converted;
    l.outcome = outcome;
    plan.leads.push_back(l);
  };
  lead("1", "Reference", true, Outcome::kConverted);
  lead("2", "Olark Chat", false, Outcome::kDisqualified);
  lead("3", "Reference", true, Outcome::kHeldOut);
  lead("4", "Olark Chat", true, Outcome::kHeldOut);
  lead("5", "Olark Chat", false, Outcome::kHeldOut);
  lead("6", "Google", false, Outcome::kHeldOut);  // unseen: the overall rate 0.5
  return plan;
}

TEST_F(ImporterTest, EvaluateWaitsForTheModelThenMeasuresTheHeldOutLeads) {
  leads_.SetStats({Stats(0, 0), Stats(1, 0), Stats(1, 1)});
  leads_.SetExisting(Scored("xedu-3", 0.9));
  leads_.SetExisting(Scored("xedu-4", 0.6));
  leads_.SetExisting(Scored("xedu-5", 0.7));
  leads_.SetExisting(Scored("xedu-6", 0.1));
  EvaluateOptions options;
  options.poll_interval = absl::Milliseconds(1);
  options_.concurrency = 2;
  const Evaluation e = Evaluate(*lv1::LeadService::NewStub(channel_), options_, EvaluationPlan(), 2, options);
  EXPECT_TRUE(e.caught_up);
  EXPECT_EQ(log_.CallsOf("GetScoringModelStats").size(), 3u);
  EXPECT_EQ(e.training_size + e.holdout_size, 2);
  EXPECT_EQ(e.held_out_leads, 4);
  EXPECT_EQ(e.scored, 4);
  // Positives 0.9, 0.6 against negatives 0.7, 0.1: 3 of 4 pairs.
  EXPECT_DOUBLE_EQ(*e.holdout_auc, 0.75);
  // Baseline scores 1.0 (Reference), 0 and 0 (Olark Chat), 0.5 (unseen): positives 1.0, 0 against 0, 0.5:
  // (1 + 1 + 0.5 + 0) / 4.
  EXPECT_DOUBLE_EQ(*e.baseline_auc, 0.625);
  EXPECT_EQ(e.baseline_channels, 2);
  EXPECT_EQ(e.problem, "");
  EXPECT_THAT(log_.BadMetadata(), IsEmpty());
}

TEST_F(ImporterTest, EvaluateReportsAModelThatNeverCatchesUpAndUnscoredLeads) {
  leads_.SetStats({Stats(1, 0)});
  leads_.SetExisting(Scored("xedu-3", std::nullopt));
  EvaluateOptions options;
  options.timeout = absl::Milliseconds(50);
  options.poll_interval = absl::Milliseconds(5);
  const Evaluation e = Evaluate(*lv1::LeadService::NewStub(channel_), options_, EvaluationPlan(), 2, options);
  EXPECT_FALSE(e.caught_up);
  EXPECT_THAT(e.problem, HasSubstr("took in 1 of 2 outcomes"));
  EXPECT_EQ(e.unscored, 1);
  EXPECT_EQ(e.read_failures, 3);  // xedu-4..6 do not exist here
  EXPECT_FALSE(e.holdout_auc.has_value());
}

}  // namespace
}  // namespace sfa::tools::xeducation

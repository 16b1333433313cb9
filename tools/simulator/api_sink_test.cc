#include "tools/simulator/api_sink.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace sfa::tools::simulator {
namespace {

// An in-process OpportunityService that records every call and answers with scripted errors.
class FakeService final : public v1::OpportunityService::Service {
 public:
  // Answers `request_id` with these statuses, one per call, before answering OK.
  void FailFirst(const std::string& request_id, std::vector<grpc::Status> statuses) {
    absl::MutexLock lock(&mu_);
    for (grpc::Status& s : statuses) scripted_[request_id].push_back(std::move(s));
  }
  std::vector<std::string> RequestIds() {
    absl::MutexLock lock(&mu_);
    return request_ids_;
  }
  int MaxInFlight() {
    absl::MutexLock lock(&mu_);
    return max_in_flight_;
  }
  std::vector<std::string> BadMetadata() {
    absl::MutexLock lock(&mu_);
    return bad_metadata_;
  }

  grpc::Status UpsertUser(grpc::ServerContext* c, const v1::UpsertUserRequest* r, v1::UpsertUserResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status UpsertSalesTeam(grpc::ServerContext* c, const v1::UpsertSalesTeamRequest* r,
                               v1::UpsertSalesTeamResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status DefinePipeline(grpc::ServerContext* c, const v1::DefinePipelineRequest* r,
                              v1::DefinePipelineResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status CreateAccount(grpc::ServerContext* c, const v1::CreateAccountRequest* r,
                             v1::CreateAccountResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status CreateOpportunity(grpc::ServerContext* c, const v1::CreateOpportunityRequest* r,
                                 v1::CreateOpportunityResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status MoveStage(grpc::ServerContext* c, const v1::MoveStageRequest* r, v1::MoveStageResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status UpdateOpportunity(grpc::ServerContext* c, const v1::UpdateOpportunityRequest* r,
                                 v1::UpdateOpportunityResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status CloseWon(grpc::ServerContext* c, const v1::CloseWonRequest* r, v1::CloseWonResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status CloseLost(grpc::ServerContext* c, const v1::CloseLostRequest* r, v1::CloseLostResponse*) override {
    return Handle(c, r->request_id());
  }
  grpc::Status LogActivity(grpc::ServerContext* c, const v1::LogActivityRequest* r, v1::LogActivityResponse*) override {
    return Handle(c, r->request_id());
  }

 private:
  grpc::Status Handle(grpc::ServerContext* context, const std::string& request_id) {
    {
      absl::MutexLock lock(&mu_);
      request_ids_.push_back(request_id);
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
      const auto& md = context->client_metadata();
      const auto tenant = md.find("x-sfa-tenant");
      if (tenant == md.end() || tenant->second != "acme") bad_metadata_.push_back(request_id);
    }
    absl::SleepFor(absl::Microseconds(200));
    absl::MutexLock lock(&mu_);
    --in_flight_;
    auto it = scripted_.find(request_id);
    if (it == scripted_.end() || it->second.empty()) return grpc::Status::OK;
    grpc::Status status = it->second.front();
    it->second.erase(it->second.begin());
    return status;
  }

  absl::Mutex mu_;
  std::map<std::string, std::vector<grpc::Status>> scripted_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> request_ids_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> bad_metadata_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

class ApiSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    SimulationOptions options;
    options.seed = 9;
    options.deals = 120;
    absl::StatusOr<Simulation> sim = Simulation::Create(DefaultModel(), options);
    ASSERT_TRUE(sim.ok());
    sim_ = std::make_unique<Simulation>(*std::move(sim));
  }
  void TearDown() override { server_->Shutdown(); }

  ApiSinkResult Send(int concurrency) {
    ApiSinkOptions options;
    options.tenant = "acme";
    options.concurrency = concurrency;
    options.retry.initial_backoff = absl::Milliseconds(1);
    ApiSink sink(v1::OpportunityService::NewStub(channel_), options);
    return sink.Run(*sim_);
  }

  size_t PlannedCommands() const {
    size_t n = 0;
    for (const SetupPhase& phase : SetupPlan(*sim_)) n += phase.commands.size();
    for (int64_t i = 0; i < sim_->deals(); ++i) n += sim_->Deal(i).StepsBefore(sim_->horizon());
    return n;
  }

  FakeService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Simulation> sim_;
};

TEST_F(ApiSinkTest, SendsEveryStepOnceInOrderWithBoundedConcurrency) {
  const ApiSinkResult result = Send(8);
  EXPECT_TRUE(result.stopped.empty()) << result.stopped;
  EXPECT_EQ(result.deals_ok, 120);
  EXPECT_EQ(result.failure_count, 0);
  const std::vector<std::string> ids = service_.RequestIds();
  EXPECT_EQ(ids.size(), PlannedCommands());
  EXPECT_EQ(result.commands, static_cast<int64_t>(ids.size()));
  EXPECT_LE(service_.MaxInFlight(), 8);
  EXPECT_GT(service_.MaxInFlight(), 1);
  EXPECT_TRUE(service_.BadMetadata().empty());
  // Each deal's steps arrive in step order.
  std::map<std::string, int> last_step;
  for (const std::string& id : ids) {
    if (absl::StrContains(id, ":setup:")) continue;
    const std::vector<std::string> parts = absl::StrSplit(id, ':');
    ASSERT_EQ(parts.size(), 4u) << id;
    int step = std::stoi(parts[3]);
    auto [it, inserted] = last_step.try_emplace(parts[2], step);
    if (!inserted) {
      ASSERT_EQ(step, it->second + 1) << id;
      it->second = step;
    } else {
      ASSERT_EQ(step, 0) << id;
    }
  }
  EXPECT_EQ(last_step.size(), 120u);
}

TEST_F(ApiSinkTest, RetriesTransientErrorsWithTheSameRequestId) {
  service_.FailFirst(RequestId(9, 5, 1), {grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting"),
                                          grpc::Status(grpc::StatusCode::ABORTED, "conflict")});
  const ApiSinkResult result = Send(4);
  EXPECT_EQ(result.deals_ok, 120);
  EXPECT_EQ(result.retries, 2);
  int sends = 0;
  for (const std::string& id : service_.RequestIds()) sends += id == RequestId(9, 5, 1);
  EXPECT_EQ(sends, 3);
}

TEST_F(ApiSinkTest, ARefusalEndsThatDealOnly) {
  service_.FailFirst(RequestId(9, 7, 1), {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "no")});
  const ApiSinkResult result = Send(4);
  EXPECT_EQ(result.deals_ok, 119);
  EXPECT_EQ(result.deals_failed, 1);
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].request_id, RequestId(9, 7, 1));
  EXPECT_EQ(result.failures[0].deal, 7);
  for (const std::string& id : service_.RequestIds()) EXPECT_NE(id, RequestId(9, 7, 2));
}

TEST_F(ApiSinkTest, ExistingAccountsCountAsExisted) {
  service_.FailFirst("sim:9:setup:account:acct-00001",
                     {grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "taken by an earlier run")});
  const ApiSinkResult result = Send(4);
  EXPECT_EQ(result.setup_existed, 1);
  EXPECT_EQ(result.setup_failed, 0);
  EXPECT_EQ(result.deals_ok, 120);
}

TEST_F(ApiSinkTest, UnauthenticatedStopsTheRun) {
  service_.FailFirst("sim:9:setup:pipeline:sim", {grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "who?")});
  const ApiSinkResult result = Send(4);
  EXPECT_FALSE(result.stopped.empty());
  EXPECT_EQ(result.deals_not_sent, 120);
  EXPECT_EQ(result.deals_ok, 0);
}

}  // namespace
}  // namespace sfa::tools::simulator

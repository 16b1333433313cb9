#include "tools/maventech_import/importer.h"

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

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::tools::maventech {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// An in-process OpportunityService that records every call and answers with scripted errors.
class FakeService final : public v1::OpportunityService::Service {
 public:
  // Answers `request_id` with these statuses, one per call, before answering OK.
  void FailFirst(const std::string& request_id, std::vector<grpc::Status> statuses) {
    absl::MutexLock lock(&mu_);
    for (grpc::Status& s : statuses) scripted_[request_id].push_back(std::move(s));
  }
  // CreateOpportunity of this id answers ALREADY_EXISTS, GetOpportunity returns `stored`.
  void SetExisting(v1::Opportunity stored) {
    absl::MutexLock lock(&mu_);
    existing_[stored.opportunity_id()] = std::move(stored);
  }
  void SetDelay(absl::Duration delay) { delay_ = delay; }

  // "Method request_id" (or "GetOpportunity id") in arrival order.
  std::vector<std::string> Calls() {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::vector<std::string> BadMetadata() {
    absl::MutexLock lock(&mu_);
    return bad_metadata_;
  }
  int MaxInFlight() {
    absl::MutexLock lock(&mu_);
    return max_in_flight_;
  }

  grpc::Status UpsertUser(grpc::ServerContext* c, const v1::UpsertUserRequest* r, v1::UpsertUserResponse*) override {
    return Handle(c, "UpsertUser", r->request_id());
  }
  grpc::Status UpsertSalesTeam(grpc::ServerContext* c, const v1::UpsertSalesTeamRequest* r,
                               v1::UpsertSalesTeamResponse*) override {
    return Handle(c, "UpsertSalesTeam", r->request_id());
  }
  grpc::Status DefinePipeline(grpc::ServerContext* c, const v1::DefinePipelineRequest* r,
                              v1::DefinePipelineResponse*) override {
    return Handle(c, "DefinePipeline", r->request_id());
  }
  grpc::Status CreateAccount(grpc::ServerContext* c, const v1::CreateAccountRequest* r,
                             v1::CreateAccountResponse*) override {
    return Handle(c, "CreateAccount", r->request_id());
  }
  grpc::Status CreateOpportunity(grpc::ServerContext* c, const v1::CreateOpportunityRequest* r,
                                 v1::CreateOpportunityResponse*) override {
    grpc::Status status = Handle(c, "CreateOpportunity", r->request_id());
    absl::MutexLock lock(&mu_);
    if (status.ok() && existing_.contains(r->opportunity_id())) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "opportunity exists");
    }
    return status;
  }
  grpc::Status MoveStage(grpc::ServerContext* c, const v1::MoveStageRequest* r, v1::MoveStageResponse*) override {
    return Handle(c, "MoveStage", r->request_id());
  }
  grpc::Status CloseWon(grpc::ServerContext* c, const v1::CloseWonRequest* r, v1::CloseWonResponse*) override {
    return Handle(c, "CloseWon", r->request_id());
  }
  grpc::Status CloseLost(grpc::ServerContext* c, const v1::CloseLostRequest* r, v1::CloseLostResponse*) override {
    return Handle(c, "CloseLost", r->request_id());
  }
  grpc::Status GetOpportunity(grpc::ServerContext* c, const v1::GetOpportunityRequest* r,
                              v1::GetOpportunityResponse* response) override {
    Handle(c, "GetOpportunity", r->opportunity_id());
    absl::MutexLock lock(&mu_);
    auto it = existing_.find(r->opportunity_id());
    if (it == existing_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such opportunity");
    *response->mutable_opportunity() = it->second;
    return grpc::Status::OK;
  }

  // Records a call (also the quote service's, so that one list has the order across both services).
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
    grpc::Status next = script.front();
    script.pop_front();
    return next;
  }

 private:
  static std::string Header(grpc::ServerContext* c, const std::string& key) {
    auto it = c->client_metadata().find(key);
    return it == c->client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
  }

  absl::Mutex mu_;
  std::vector<std::string> calls_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> bad_metadata_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::deque<grpc::Status>> scripted_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, v1::Opportunity> existing_ ABSL_GUARDED_BY(mu_);
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int max_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Duration delay_ = absl::ZeroDuration();
};

// The quote service's catalogue calls, recorded and scripted by a FakeService.
class FakeQuoteService final : public quote_v1::QuoteService::Service {
 public:
  explicit FakeQuoteService(FakeService& recorder) : recorder_(recorder) {}

  grpc::Status UpsertProduct(grpc::ServerContext* c, const quote_v1::UpsertProductRequest* r,
                             quote_v1::UpsertProductResponse*) override {
    return recorder_.Handle(c, "UpsertProduct", r->request_id());
  }
  grpc::Status UpsertPriceBook(grpc::ServerContext* c, const quote_v1::UpsertPriceBookRequest* r,
                               quote_v1::UpsertPriceBookResponse*) override {
    return recorder_.Handle(c, "UpsertPriceBook", r->request_id());
  }

 private:
  FakeService& recorder_;
};

DataFiles SmallFiles() {
  return DataFiles{
      "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n"
      "Child,retail,,1,1,US,Parent\n"
      "Parent,retail,,1,1,US,\n",
      "product,series,sales_price\nGTX Pro,GTX,4821\n",
      "sales_agent,manager,regional_office\nAnn Agent,Max Manager,East\nBob Agent,Max Manager,East\n",
      "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
      "W1,Ann Agent,GTX Pro,Child,Won,2017-01-01,2017-02-01,4000\n"
      "L1,Bob Agent,GTXPro,Parent,Lost,2017-01-02,2017-02-02,0\n"
      "P1,Ann Agent,GTX Pro,,Prospecting,,,\n"};
}

DataSet SmallData() {
  absl::StatusOr<DataSet> data = ParseDataSet(SmallFiles());
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *std::move(data) : DataSet{};
}

ImportPlan SmallPlan() { return BuildPlan(SmallData()); }

// GTX Pro and MG Special, and the price book.
CataloguePlan SmallCatalogue() {
  DataFiles files = SmallFiles();
  files.products = "product,series,sales_price\nGTX Pro,GTX,4821\nMG Special,MG,55\n";
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  EXPECT_TRUE(data.ok()) << data.status();
  return BuildCataloguePlan(data.ok() ? *data : DataSet{});
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    builder.RegisterService(&quote_service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    options_.tenant = "t1";
    options_.user = "loader";
    options_.concurrency = 4;
    options_.retry.initial_backoff = absl::Milliseconds(1);
    options_.retry.max_backoff = absl::Milliseconds(4);
  }
  void TearDown() override { server_->Shutdown(); }

  ImportResult Run(const ImportPlan& plan, const CataloguePlan* catalogue = nullptr) {
    Importer importer(v1::OpportunityService::NewStub(channel_), options_, quote_v1::QuoteService::NewStub(channel_));
    return importer.Run(plan, catalogue);
  }

  // Index of the first call equal to `call`, or -1.
  int IndexOf(absl::string_view call) {
    const std::vector<std::string> calls = service_.Calls();
    auto it = std::find(calls.begin(), calls.end(), call);
    return it == calls.end() ? -1 : static_cast<int>(it - calls.begin());
  }

  FakeService service_;
  FakeQuoteService quote_service_{service_};
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  ImportOptions options_;
};

TEST_F(ImporterTest, SendsEveryCommandOnceWithThePrincipalAndInDependencyOrder) {
  const ImportPlan plan = SmallPlan();
  const ImportResult result = Run(plan);
  EXPECT_TRUE(result.failures.empty());
  EXPECT_EQ(result.Of(Entity::kUser).ok, 3);
  EXPECT_EQ(result.Of(Entity::kTeam).ok, 1);
  EXPECT_EQ(result.Of(Entity::kPipeline).ok, 1);
  EXPECT_EQ(result.Of(Entity::kAccount).ok, 2);
  EXPECT_EQ(result.Of(Entity::kOpportunity).ok, 3);
  EXPECT_EQ(result.commands, plan.CommandCount());
  EXPECT_EQ(result.rpcs, plan.CommandCount());
  EXPECT_EQ(service_.Calls().size(), static_cast<size_t>(plan.CommandCount()));
  EXPECT_THAT(service_.BadMetadata(), ElementsAre());

  EXPECT_LT(IndexOf("UpsertUser maventech:user:ann-agent:upsert"),
            IndexOf("UpsertSalesTeam maventech:team:team-max-manager:upsert"));
  EXPECT_LT(IndexOf("CreateAccount maventech:account:parent:create"),
            IndexOf("CreateAccount maventech:account:child:create"));
  EXPECT_LT(IndexOf("DefinePipeline maventech:pipeline:maventech:define"),
            IndexOf("CreateOpportunity maventech:opp:W1:create"));
  EXPECT_LT(IndexOf("CreateOpportunity maventech:opp:W1:create"), IndexOf("MoveStage maventech:opp:W1:engage"));
  EXPECT_LT(IndexOf("MoveStage maventech:opp:W1:engage"), IndexOf("CloseWon maventech:opp:W1:won"));
  EXPECT_LT(IndexOf("MoveStage maventech:opp:L1:engage"), IndexOf("CloseLost maventech:opp:L1:lost"));
}

TEST_F(ImporterTest, ResendsAbortedAndUnavailableWithTheSameRequestId) {
  service_.FailFirst("maventech:opp:W1:won", {grpc::Status(grpc::StatusCode::ABORTED, "version conflict"),
                                              grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting")});
  const ImportResult result = Run(SmallPlan());
  EXPECT_TRUE(result.failures.empty());
  EXPECT_EQ(result.Of(Entity::kOpportunity).ok, 3);
  EXPECT_EQ(result.retries, 2);
  const std::vector<std::string> calls = service_.Calls();
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "CloseWon maventech:opp:W1:won"), 3);
}

TEST_F(ImporterTest, GivesUpAfterMaxAttempts) {
  options_.retry.max_attempts = 3;
  service_.FailFirst("maventech:opp:L1:lost",
                     std::vector<grpc::Status>(5, grpc::Status(grpc::StatusCode::ABORTED, "conflict")));
  const ImportResult result = Run(SmallPlan());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].code, grpc::StatusCode::ABORTED);
  EXPECT_EQ(result.retries, 2);
  EXPECT_TRUE(result.stopped.empty());
}

TEST_F(ImporterTest, ARefusedCommandEndsItsDealOnlyAndIsReportedWithItsRow) {
  service_.FailFirst("maventech:opp:W1:engage",
                     {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "exit_criteria_not_met: budget")});
  const ImportResult result = Run(SmallPlan());
  EXPECT_EQ(result.Of(Entity::kOpportunity).ok, 2);
  EXPECT_EQ(result.Of(Entity::kOpportunity).failed, 1);
  ASSERT_EQ(result.failures.size(), 1u);
  const Failure& failure = result.failures[0];
  EXPECT_EQ(failure.key, "W1");
  EXPECT_EQ(failure.source.file, "sales_pipeline.csv");
  EXPECT_EQ(failure.source.line, 2);
  EXPECT_EQ(failure.command, "MoveStage");
  EXPECT_EQ(failure.request_id, "maventech:opp:W1:engage");
  EXPECT_EQ(failure.code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(failure.message, "exit_criteria_not_met: budget");
  EXPECT_THAT(service_.Calls(), Not(Contains("CloseWon maventech:opp:W1:won")));
  EXPECT_EQ(result.retries, 0);
}

TEST_F(ImporterTest, AnExistingDealResumesWhereItStands) {
  v1::Opportunity stored;
  stored.set_opportunity_id("W1");
  stored.set_status(v1::OPPORTUNITY_STATUS_OPEN);
  stored.set_stage_id("engaging");
  service_.SetExisting(stored);
  const ImportResult result = Run(SmallPlan());
  EXPECT_TRUE(result.failures.empty());
  EXPECT_EQ(result.Of(Entity::kOpportunity).existed, 1);
  EXPECT_EQ(result.Of(Entity::kOpportunity).ok, 2);
  EXPECT_GE(IndexOf("GetOpportunity W1"), 0);
  EXPECT_EQ(IndexOf("MoveStage maventech:opp:W1:engage"), -1);
  EXPECT_GT(IndexOf("CloseWon maventech:opp:W1:won"), IndexOf("GetOpportunity W1"));
}

TEST_F(ImporterTest, AnExistingDealThatContradictsTheDataFails) {
  v1::Opportunity stored;
  stored.set_opportunity_id("W1");
  stored.set_status(v1::OPPORTUNITY_STATUS_LOST);
  stored.set_stage_id("lost");
  service_.SetExisting(stored);
  const ImportResult result = Run(SmallPlan());
  ASSERT_EQ(result.failures.size(), 1u);
  EXPECT_EQ(result.failures[0].code, grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(result.failures[0].message, HasSubstr("stage lost, the data says won"));
}

TEST_F(ImporterTest, PermissionDeniedStopsTheImport) {
  options_.concurrency = 1;
  service_.FailFirst("maventech:user:max-manager:upsert",
                     {grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "importer may not write")});
  const ImportResult result = Run(SmallPlan());
  EXPECT_THAT(result.stopped, HasSubstr("PERMISSION_DENIED from UpsertUser: importer may not write"));
  EXPECT_EQ(result.Of(Entity::kUser).failed, 1);
  EXPECT_EQ(result.Of(Entity::kUser).not_sent, 2);
  EXPECT_EQ(result.Of(Entity::kOpportunity).not_sent, 3);
  EXPECT_EQ(service_.Calls().size(), 1u);
}

TEST_F(ImporterTest, KeepsAtMostConcurrencyRequestsInFlight) {
  options_.concurrency = 2;
  service_.SetDelay(absl::Milliseconds(2));
  const ImportResult result = Run(SmallPlan());
  EXPECT_TRUE(result.failures.empty());
  EXPECT_LE(service_.MaxInFlight(), 2);
}

TEST_F(ImporterTest, SendsTheCatalogueToTheQuoteServiceAfterThePlanWithTheSamePrincipal) {
  const ImportPlan plan = SmallPlan();
  const CataloguePlan catalogue = SmallCatalogue();
  const ImportResult result = Run(plan, &catalogue);
  EXPECT_TRUE(result.failures.empty());
  EXPECT_EQ(result.Of(Entity::kOpportunity).ok, 3);
  EXPECT_EQ(result.Of(Entity::kProduct).ok, 2);
  EXPECT_EQ(result.Of(Entity::kPriceBook).ok, 1);
  EXPECT_EQ(result.commands, plan.CommandCount() + 3);
  EXPECT_THAT(service_.BadMetadata(), ElementsAre());
  const int product = IndexOf("UpsertProduct maventech:product:gtx-pro:upsert");
  EXPECT_GE(IndexOf("UpsertProduct maventech:product:mg-special:upsert"), 0);
  EXPECT_GT(product, IndexOf("CloseWon maventech:opp:W1:won"));
  EXPECT_GT(product, IndexOf("CloseLost maventech:opp:L1:lost"));
  EXPECT_GT(IndexOf("UpsertPriceBook maventech:pricebook:maventech-usd:upsert"), product);
  EXPECT_GT(IndexOf("UpsertPriceBook maventech:pricebook:maventech-usd:upsert"),
            IndexOf("UpsertProduct maventech:product:mg-special:upsert"));
}

TEST_F(ImporterTest, WithoutACatalogueTheQuoteServiceHearsNothing) {
  const ImportResult result = Run(SmallPlan());
  for (const std::string& call : service_.Calls()) {
    EXPECT_THAT(call, Not(HasSubstr("UpsertProduct")));
    EXPECT_THAT(call, Not(HasSubstr("UpsertPriceBook")));
  }
  EXPECT_EQ(result.Of(Entity::kProduct).ok + result.Of(Entity::kPriceBook).ok, 0);
}

TEST_F(ImporterTest, CatalogueCallsAreResentLikeThePlansAndRefusalsReportedWithTheirRow) {
  service_.FailFirst("maventech:pricebook:maventech-usd:upsert",
                     {grpc::Status(grpc::StatusCode::UNAVAILABLE, "starting"),
                      grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow")});
  service_.FailFirst("maventech:product:mg-special:upsert",
                     {grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "product.series: too long")});
  const CataloguePlan catalogue = SmallCatalogue();
  const ImportResult result = Run(SmallPlan(), &catalogue);
  EXPECT_EQ(result.retries, 2);
  EXPECT_EQ(result.Of(Entity::kPriceBook).ok, 1);
  EXPECT_EQ(result.Of(Entity::kProduct).ok, 1);
  EXPECT_EQ(result.Of(Entity::kProduct).failed, 1);
  ASSERT_EQ(result.failures.size(), 1u);
  const Failure& failure = result.failures[0];
  EXPECT_EQ(failure.entity, Entity::kProduct);
  EXPECT_EQ(failure.key, "mg-special");
  EXPECT_EQ(failure.source.file, "products.csv");
  EXPECT_EQ(failure.source.line, 3);
  EXPECT_EQ(failure.command, "UpsertProduct");
  EXPECT_EQ(failure.code, grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ImporterTest, AnImportThatStoppedSendsNoCatalogue) {
  options_.concurrency = 1;
  service_.FailFirst("maventech:user:max-manager:upsert",
                     {grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "no such tenant")});
  const CataloguePlan catalogue = SmallCatalogue();
  const ImportResult result = Run(SmallPlan(), &catalogue);
  EXPECT_FALSE(result.stopped.empty());
  EXPECT_EQ(result.Of(Entity::kProduct).not_sent, 2);
  EXPECT_EQ(result.Of(Entity::kPriceBook).not_sent, 1);
  EXPECT_EQ(IndexOf("UpsertPriceBook maventech:pricebook:maventech-usd:upsert"), -1);
}

TEST(ConnectTest, NamesAnUnreachableTarget) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Connect("127.0.0.1:1", absl::Milliseconds(200));
  ASSERT_FALSE(channel.ok());
  EXPECT_EQ(channel.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(channel.status().message(), HasSubstr("the opportunity service at 127.0.0.1:1"));
  channel = Connect("127.0.0.1:1", absl::Milliseconds(100), "the quote service");
  ASSERT_FALSE(channel.ok());
  EXPECT_THAT(channel.status().message(), HasSubstr("the quote service at 127.0.0.1:1"));
}

// ---------------------------------------------------------------------------------------------------
// FirstPendingCommand

Sequence WonDeal() {
  const ImportPlan plan = SmallPlan();
  for (const Sequence& s : plan.phases.back().sequences) {
    if (s.key == "W1") return s;
  }
  return {};
}

v1::Opportunity Stored(v1::OpportunityStatus status, const std::string& stage) {
  v1::Opportunity o;
  o.set_status(status);
  o.set_stage_id(stage);
  return o;
}

TEST(FirstPendingCommandTest, SkipsWhatTheStoredDealHasHad) {
  const Sequence deal = WonDeal();  // create, move to engaging, close won
  ASSERT_EQ(deal.commands.size(), 3u);
  EXPECT_EQ(*FirstPendingCommand(Stored(v1::OPPORTUNITY_STATUS_OPEN, "prospecting"), deal), 1u);
  EXPECT_EQ(*FirstPendingCommand(Stored(v1::OPPORTUNITY_STATUS_OPEN, "engaging"), deal), 2u);
  EXPECT_EQ(*FirstPendingCommand(Stored(v1::OPPORTUNITY_STATUS_WON, "won"), deal), 3u);
}

TEST(FirstPendingCommandTest, RefusesAStoredOutcomeTheDataContradicts) {
  const Sequence deal = WonDeal();
  absl::StatusOr<size_t> pending = FirstPendingCommand(Stored(v1::OPPORTUNITY_STATUS_LOST, "lost"), deal);
  EXPECT_EQ(pending.status().code(), absl::StatusCode::kFailedPrecondition);
  Sequence open_deal = deal;
  open_deal.commands.resize(1);
  pending = FirstPendingCommand(Stored(v1::OPPORTUNITY_STATUS_WON, "won"), open_deal);
  EXPECT_THAT(pending.status().message(), HasSubstr("the data says open"));
}

}  // namespace
}  // namespace sfa::tools::maventech

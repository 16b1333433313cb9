// End to end: the real sfa-opportunity process against a real Kafka protocol endpoint (the embedded
// broker). An ERP-style plain librdkafka consumer reads sfa.opportunity.events.v1 and sees the stage
// changes with their CloudEvents headers; a SIGKILLed service loses no acknowledged command and its
// outbox delivers what it had not published yet after the restart.

#include <grpcpp/grpcpp.h>
#include <sys/wait.h>

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "messaging/test_util.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tests/support/service_process.h"
#include "tools/kafka_broker/embedded_kafka.h"

namespace sfa {
namespace {

namespace v1 = ::sfa::opportunity::v1;
using common::v1::EventEnvelope;

constexpr char kTopic[] = "sfa.opportunity.events.v1";

class OpportunityKafkaE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kafka = tools::EmbeddedKafka::Start();
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = std::move(*kafka);
    grpc_port_ = sfa::testing::FreePort();
    metrics_port_ = sfa::testing::FreePort();
    StartService();
  }

  void StartService() {
    auto p = sfa::testing::ServiceProcess::Start(
        SFA_OPPORTUNITY_BIN,
        {absl::StrCat("--grpc_port=", grpc_port_), absl::StrCat("--metrics_port=", metrics_port_),
         absl::StrCat("--data_dir=", dir_.Sub("data")), absl::StrCat("--kafka_brokers=", kafka_->bootstrap_servers()),
         "--listen_host=127.0.0.1", "--shutdown_grace_seconds=5"},
        dir_.Sub("opportunity.log"));
    ASSERT_TRUE(p.ok()) << p.status();
    service_ = std::move(*p);
    ASSERT_TRUE(sfa::testing::WaitForHttpOk(metrics_port_, "/readyz", absl::Seconds(60))) << service_->LogTail();
    stub_ = v1::OpportunityService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port_), grpc::InsecureChannelCredentials()));
  }

  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->AddMetadata("x-sfa-tenant", "acme");
    ctx->AddMetadata("x-sfa-user", "alice");
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return ctx;
  }

  template <typename Req, typename Resp>
  void Call(grpc::Status (v1::OpportunityService::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
            const Req& req) {
    Resp resp;
    grpc::Status s = (stub_.get()->*rpc)(Ctx().get(), req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_code() << " " << s.error_message();
  }

  void SetUpSalesProcess() {
    v1::UpsertUserRequest user;
    user.set_request_id("u1");
    user.set_user_id("alice");
    user.set_display_name("Alice");
    user.set_email("alice@acme.example");
    user.set_role(v1::USER_ROLE_REP);
    Call(&v1::OpportunityService::Stub::UpsertUser, user);

    v1::DefinePipelineRequest pipeline;
    pipeline.set_request_id("p1");
    pipeline.set_pipeline_id("new-business");
    pipeline.set_name("New business");
    auto stage = [&](const char* id, v1::StageType type, int p, v1::ForecastCategory fc, const char* criterion) {
      v1::Stage* s = pipeline.add_stages();
      s->set_stage_id(id);
      s->set_name(id);
      s->set_type(type);
      s->set_probability_percent(p);
      s->set_forecast_category(fc);
      if (criterion != nullptr) {
        v1::ExitCriterion* c = s->add_exit_criteria();
        c->set_criterion_id(criterion);
        c->set_description(criterion);
        c->set_required(true);
      }
    };
    stage("qualify", v1::STAGE_TYPE_OPEN, 10, v1::FORECAST_CATEGORY_PIPELINE, "budget-confirmed");
    stage("propose", v1::STAGE_TYPE_OPEN, 50, v1::FORECAST_CATEGORY_BEST_CASE, nullptr);
    stage("won", v1::STAGE_TYPE_WON, 100, v1::FORECAST_CATEGORY_CLOSED, nullptr);
    stage("lost", v1::STAGE_TYPE_LOST, 0, v1::FORECAST_CATEGORY_OMITTED, nullptr);
    Call(&v1::OpportunityService::Stub::DefinePipeline, pipeline);

    v1::CreateAccountRequest account;
    account.set_request_id("a1");
    account.set_account_id("globex");
    account.set_name("Globex");
    Call(&v1::OpportunityService::Stub::CreateAccount, account);
  }

  void CreateAndAdvance(const std::string& id) {
    v1::CreateOpportunityRequest create;
    create.set_request_id(id + ":create");
    create.set_opportunity_id(id);
    create.set_account_id("globex");
    create.set_pipeline_id("new-business");
    create.set_name("Globex " + id);
    create.set_owner_user_id("alice");
    create.mutable_amount()->set_minor_units(125'000'00);
    create.mutable_amount()->set_currency("USD");
    Call(&v1::OpportunityService::Stub::CreateOpportunity, create);

    v1::MoveStageRequest move;
    move.set_request_id(id + ":move");
    move.set_opportunity_id(id);
    move.set_to_stage_id("propose");
    move.add_criteria_met("budget-confirmed");
    Call(&v1::OpportunityService::Stub::MoveStage, move);
  }

  // Stage changes of `id` seen on the topic so far, by the plain consumer.
  std::vector<std::pair<messaging::testing::Record, EventEnvelope>> StageChanges(
      messaging::testing::TopicReader& reader, const std::string& id,
      std::vector<std::pair<messaging::testing::Record, EventEnvelope>>* all_seen) {
    auto records = reader.ReadNew(absl::Seconds(5));
    EXPECT_TRUE(records.ok()) << records.status();
    if (records.ok()) {
      for (auto& r : *records) {
        EventEnvelope env;
        EXPECT_TRUE(env.ParseFromString(r.value));
        all_seen->emplace_back(std::move(r), std::move(env));
      }
    }
    std::vector<std::pair<messaging::testing::Record, EventEnvelope>> out;
    for (const auto& [r, env] : *all_seen) {
      if (env.aggregate_id() == id && env.payload_type() == "sfa.opportunity.v1.OpportunityStageChanged") {
        out.emplace_back(r, env);
      }
    }
    return out;
  }

  eventstore::testing::TempDir dir_{"sfa-e2e"};
  std::unique_ptr<tools::EmbeddedKafka> kafka_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  std::unique_ptr<sfa::testing::ServiceProcess> service_;
  std::unique_ptr<v1::OpportunityService::Stub> stub_;
};

TEST_F(OpportunityKafkaE2eTest, PlainConsumerSeesStageChangesWithCloudEventsHeaders) {
  SetUpSalesProcess();
  CreateAndAdvance("opp-1");
  v1::CloseWonRequest won;
  won.set_request_id("opp-1:won");
  won.set_opportunity_id("opp-1");
  Call(&v1::OpportunityService::Stub::CloseWon, won);

  auto reader = messaging::testing::TopicReader::Create(kafka_->bootstrap_servers(), kTopic);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<std::pair<messaging::testing::Record, EventEnvelope>> seen;
  std::vector<std::pair<messaging::testing::Record, EventEnvelope>> changes;
  ASSERT_TRUE(messaging::testing::WaitFor([&] {
    changes = StageChanges(**reader, "opp-1", &seen);
    return changes.size() >= 2;
  })) << "stage changes seen: " << changes.size() << "\n" << service_->LogTail();
  ASSERT_EQ(changes.size(), 2u);  // qualify -> propose, propose -> won; none twice

  v1::OpportunityStageChanged forward, win;
  ASSERT_TRUE(forward.ParseFromString(changes[0].second.payload()));
  ASSERT_TRUE(win.ParseFromString(changes[1].second.payload()));
  EXPECT_EQ(forward.from_stage_id(), "qualify");
  EXPECT_EQ(forward.to_stage_id(), "propose");
  EXPECT_EQ(forward.probability_percent(), 50);
  EXPECT_EQ(forward.forecast_category(), v1::FORECAST_CATEGORY_BEST_CASE);
  EXPECT_EQ(forward.amount().minor_units(), 125'000'00);
  EXPECT_EQ(forward.amount().currency(), "USD");
  EXPECT_TRUE(forward.has_time_in_from_stage());
  EXPECT_EQ(win.to_stage_id(), "won");
  EXPECT_EQ(win.kind(), v1::STAGE_CHANGE_KIND_WON);

  for (const auto& [record, env] : changes) {
    EXPECT_EQ(record.key, "opp-1");  // key = aggregate id: one partition, in order
    const messaging::KafkaHeaders& h = record.headers;
    auto header = [&](const std::string& name) -> std::string {
      for (const auto& [k, v] : h) {
        if (k == name) return v;
      }
      return "<missing " + name + ">";
    };
    EXPECT_EQ(header("ce_specversion"), "1.0");
    EXPECT_EQ(header("ce_type"), "sfa.opportunity.v1.OpportunityStageChanged");
    EXPECT_EQ(header("ce_id"), env.event_id());
    EXPECT_EQ(header("ce_subject"), "opportunity/opp-1");
    EXPECT_EQ(header("ce_tenant"), "acme");
    EXPECT_NE(header("ce_source").find("opportunity"), std::string::npos) << header("ce_source");
    EXPECT_EQ(header("content-type"), "application/protobuf");
    EXPECT_FALSE(header("ce_time").empty());
    EXPECT_EQ(env.tenant(), "acme");
    EXPECT_EQ(env.actor(), "alice");
  }
  EXPECT_LT(changes[0].second.aggregate_version(), changes[1].second.aggregate_version());
}

TEST_F(OpportunityKafkaE2eTest, SigkillLosesNoAcknowledgedCommandAndTheOutboxCatchesUp) {
  SetUpSalesProcess();
  // Kafka goes away: commands are still acknowledged, their events wait in RocksDB.
  kafka_->SetAllBrokersDown();
  for (int i = 0; i < 10; ++i) CreateAndAdvance(absl::StrCat("crash-", i));
  int status = service_->Kill();
  ASSERT_TRUE(WIFSIGNALED(status)) << status;

  kafka_->SetAllBrokersUp();
  StartService();
  for (int i = 0; i < 10; ++i) {
    v1::GetOpportunityRequest get;
    get.set_opportunity_id(absl::StrCat("crash-", i));
    v1::GetOpportunityResponse resp;
    grpc::Status s = stub_->GetOpportunity(Ctx().get(), get, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(resp.opportunity().stage_id(), "propose");
  }

  auto reader = messaging::testing::TopicReader::Create(kafka_->bootstrap_servers(), kTopic);
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::vector<std::pair<messaging::testing::Record, EventEnvelope>> seen;
  std::set<std::string> moved;
  ASSERT_TRUE(messaging::testing::WaitFor([&] {
    for (int i = 0; i < 10; ++i) {
      if (!StageChanges(**reader, absl::StrCat("crash-", i), &seen).empty()) moved.insert(absl::StrCat("crash-", i));
    }
    return moved.size() == 10;
  })) << "published stage changes for " << moved.size() << " of 10\n" << service_->LogTail();
  // Every committed event went out: positions 1..max with no hole. (Delivery is at least once — a
  // position published just before the kill may appear twice; consumers de-duplicate by version.)
  std::set<uint64_t> positions;
  for (const auto& [r, env] : seen) positions.insert(env.global_position());
  ASSERT_FALSE(positions.empty());
  EXPECT_EQ(*positions.begin(), 1u);
  EXPECT_EQ(positions.size(), *positions.rbegin()) << "a committed event never reached Kafka";
}

}  // namespace
}  // namespace sfa

// End to end across processes: sfa-lead and sfa-opportunity on a real Kafka protocol endpoint (the
// embedded broker). The lead service learns the sales team from the opportunity service's events on
// Kafka and assigns by rule; conversion calls the opportunity service over gRPC. With the opportunity
// service down ConvertLead answers UNAVAILABLE and changes nothing; after a restart the same request
// completes, and LeadConverted reaches sfa.lead.events.v1.

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "messaging/test_util.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tests/support/service_process.h"
#include "tools/kafka_broker/embedded_kafka.h"

#ifndef SFA_LEAD_BIN
#error "SFA_LEAD_BIN must be the path of sfa-lead"
#endif
#ifndef SFA_OPPORTUNITY_BIN
#error "SFA_OPPORTUNITY_BIN must be the path of sfa-opportunity"
#endif

namespace sfa {
namespace {

namespace lv1 = ::sfa::lead::v1;
namespace ov1 = ::sfa::opportunity::v1;

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("x-sfa-tenant", "acme");
  ctx->AddMetadata("x-sfa-user", "maria");
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  return ctx;
}

template <typename Stub, typename Req, typename Resp>
grpc::Status Call(Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& req,
                  Resp* resp) {
  return (stub.*rpc)(Ctx().get(), req, resp);
}

class LeadConversionE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto kafka = tools::EmbeddedKafka::Start();
    ASSERT_TRUE(kafka.ok()) << kafka.status();
    kafka_ = std::move(*kafka);
    opp_port_ = sfa::testing::FreePort();
    opp_metrics_ = sfa::testing::FreePort();
    lead_port_ = sfa::testing::FreePort();
    lead_metrics_ = sfa::testing::FreePort();
    StartOpportunity();
    auto lead = sfa::testing::ServiceProcess::Start(
        SFA_LEAD_BIN,
        {absl::StrCat("--grpc_port=", lead_port_), absl::StrCat("--metrics_port=", lead_metrics_),
         absl::StrCat("--data_dir=", dir_.Sub("lead")), absl::StrCat("--kafka_brokers=", kafka_->bootstrap_servers()),
         absl::StrCat("--opportunity_target=127.0.0.1:", opp_port_), "--listen_host=127.0.0.1",
         "--shutdown_grace_seconds=5"},
        dir_.Sub("lead.log"));
    ASSERT_TRUE(lead.ok()) << lead.status();
    lead_ = std::move(*lead);
    ASSERT_TRUE(sfa::testing::WaitForHttpOk(lead_metrics_, "/readyz", absl::Seconds(60))) << lead_->LogTail();
    lead_stub_ = lv1::LeadService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", lead_port_), grpc::InsecureChannelCredentials()));
  }

  void StartOpportunity() {
    auto p = sfa::testing::ServiceProcess::Start(
        SFA_OPPORTUNITY_BIN,
        {absl::StrCat("--grpc_port=", opp_port_), absl::StrCat("--metrics_port=", opp_metrics_),
         absl::StrCat("--data_dir=", dir_.Sub("opportunity")),
         absl::StrCat("--kafka_brokers=", kafka_->bootstrap_servers()), "--listen_host=127.0.0.1",
         "--shutdown_grace_seconds=5"},
        dir_.Sub("opportunity.log"));
    ASSERT_TRUE(p.ok()) << p.status();
    opportunity_ = std::move(*p);
    ASSERT_TRUE(sfa::testing::WaitForHttpOk(opp_metrics_, "/readyz", absl::Seconds(60))) << opportunity_->LogTail();
    opp_stub_ = ov1::OpportunityService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", opp_port_), grpc::InsecureChannelCredentials()));
  }

  template <typename Req, typename Resp>
  Resp Opp(grpc::Status (ov1::OpportunityService::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
           const Req& req) {
    Resp resp;
    grpc::Status s = Call(*opp_stub_, rpc, req, &resp);
    EXPECT_TRUE(s.ok()) << Req::descriptor()->name() << ": " << s.error_code() << " " << s.error_message();
    return resp;
  }

  template <typename Req, typename Resp>
  Resp Lead(grpc::Status (lv1::LeadService::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*), const Req& req) {
    Resp resp;
    grpc::Status s = Call(*lead_stub_, rpc, req, &resp);
    EXPECT_TRUE(s.ok()) << Req::descriptor()->name() << ": " << s.error_code() << " " << s.error_message();
    return resp;
  }

  eventstore::testing::TempDir dir_{"lead-conversion-e2e"};
  std::unique_ptr<tools::EmbeddedKafka> kafka_;
  int opp_port_ = 0, opp_metrics_ = 0, lead_port_ = 0, lead_metrics_ = 0;
  std::unique_ptr<sfa::testing::ServiceProcess> opportunity_;
  std::unique_ptr<sfa::testing::ServiceProcess> lead_;
  std::unique_ptr<ov1::OpportunityService::Stub> opp_stub_;
  std::unique_ptr<lv1::LeadService::Stub> lead_stub_;
};

TEST_F(LeadConversionE2eTest, AssignsFromKafkaRosterAndConvertsAcrossAnOpportunityOutage) {
  // The sales organisation lives in the opportunity service.
  for (const char* user : {"alice", "bob", "maria"}) {
    ov1::UpsertUserRequest u;
    u.set_request_id(absl::StrCat("user-", user));
    u.set_user_id(user);
    u.set_display_name(user);
    u.set_email(absl::StrCat(user, "@acme.example"));
    u.set_role(std::string(user) == "maria" ? ov1::USER_ROLE_MANAGER : ov1::USER_ROLE_REP);
    Opp(&ov1::OpportunityService::Stub::UpsertUser, u);
  }
  ov1::UpsertSalesTeamRequest team;
  team.set_request_id("team");
  team.set_team_id("inside");
  team.set_name("Inside sales");
  team.set_manager_user_id("maria");
  team.add_member_user_ids("alice");
  team.add_member_user_ids("bob");
  Opp(&ov1::OpportunityService::Stub::UpsertSalesTeam, team);
  ov1::DefinePipelineRequest pipeline;
  pipeline.set_request_id("pipeline");
  pipeline.set_pipeline_id("new-business");
  pipeline.set_name("New business");
  for (auto [id, type, p, fc] : {std::tuple{"qualify", ov1::STAGE_TYPE_OPEN, 10, ov1::FORECAST_CATEGORY_PIPELINE},
                                 std::tuple{"won", ov1::STAGE_TYPE_WON, 100, ov1::FORECAST_CATEGORY_CLOSED},
                                 std::tuple{"lost", ov1::STAGE_TYPE_LOST, 0, ov1::FORECAST_CATEGORY_OMITTED}}) {
    ov1::Stage* s = pipeline.add_stages();
    s->set_stage_id(id);
    s->set_name(id);
    s->set_type(type);
    s->set_probability_percent(p);
    s->set_forecast_category(fc);
  }
  Opp(&ov1::OpportunityService::Stub::DefinePipeline, pipeline);

  lv1::DefineAssignmentRulesRequest rules;
  rules.set_request_id("rules");
  lv1::AssignmentRule* rule = rules.add_rules();
  rule->set_rule_id("inbound");
  rule->set_team_id("inside");
  rules.set_default_max_open_leads(100);
  Lead(&lv1::LeadService::Stub::DefineAssignmentRules, rules);

  lv1::CaptureLeadRequest capture;
  capture.set_request_id("capture");
  capture.set_lead_id("l1");
  capture.mutable_source()->set_channel("web");
  capture.mutable_person()->set_name("Zhang Min");
  capture.mutable_person()->set_email("zhang.min@globex.example");
  capture.mutable_company()->set_name("Globex");
  capture.mutable_company()->set_country("CN");
  Lead(&lv1::LeadService::Stub::CaptureLead, capture);

  // The team reaches the lead service through Kafka; until then the rule's team is unknown there.
  lv1::AssignLeadRequest assign;
  assign.set_request_id("assign");
  assign.set_lead_id("l1");
  lv1::AssignLeadResponse assigned;
  grpc::Status status;
  ASSERT_TRUE(messaging::testing::WaitFor([&] {
    status = Call(*lead_stub_, &lv1::LeadService::Stub::AssignLead, assign, &assigned);
    return status.ok();
  })) << status.error_code() << " " << status.error_message() << "\n" << lead_->LogTail();
  EXPECT_EQ(assigned.rule_id(), "inbound");
  EXPECT_TRUE(assigned.lead().owner_user_id() == "alice" || assigned.lead().owner_user_id() == "bob")
      << assigned.lead().owner_user_id();

  lv1::ChangeLeadStatusRequest working;
  working.set_request_id("working");
  working.set_lead_id("l1");
  working.set_status(lv1::LEAD_STATUS_WORKING);
  Lead(&lv1::LeadService::Stub::ChangeLeadStatus, working);
  lv1::QualifyLeadRequest qualify;
  qualify.set_request_id("qualify");
  qualify.set_lead_id("l1");
  const uint64_t qualified_version = Lead(&lv1::LeadService::Stub::QualifyLead, qualify).lead().version();

  // The opportunity service goes down.
  ASSERT_EQ(opportunity_->Stop(), 0) << opportunity_->LogTail();
  lv1::ConvertLeadRequest convert;
  convert.set_request_id("convert");
  convert.set_lead_id("l1");
  convert.mutable_opportunity()->set_pipeline_id("new-business");
  convert.mutable_opportunity()->set_name("Globex — CRM rollout");
  convert.mutable_opportunity()->mutable_amount()->set_currency("CNY");
  convert.mutable_opportunity()->mutable_amount()->set_minor_units(88'000'00);
  convert.mutable_opportunity()->mutable_expected_close_date()->set_seconds(absl::ToUnixSeconds(absl::Now()) +
                                                                           86400 * 45);
  lv1::ConvertLeadResponse converted;
  grpc::Status down = Call(*lead_stub_, &lv1::LeadService::Stub::ConvertLead, convert, &converted);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE) << down.error_message();
  lv1::GetLeadRequest get;
  get.set_lead_id("l1");
  lv1::Lead unchanged = Lead(&lv1::LeadService::Stub::GetLead, get).lead();
  EXPECT_EQ(unchanged.status(), lv1::LEAD_STATUS_QUALIFIED);
  EXPECT_EQ(unchanged.version(), qualified_version);

  // Back up: the same request completes (a client retries UNAVAILABLE until the channel reconnected).
  StartOpportunity();
  grpc::Status retried;
  ASSERT_TRUE(messaging::testing::WaitFor([&] {
    retried = Call(*lead_stub_, &lv1::LeadService::Stub::ConvertLead, convert, &converted);
    return retried.error_code() != grpc::StatusCode::UNAVAILABLE;
  })) << retried.error_message();
  ASSERT_TRUE(retried.ok()) << retried.error_code() << " " << retried.error_message();
  EXPECT_EQ(converted.lead().status(), lv1::LEAD_STATUS_CONVERTED);
  ASSERT_FALSE(converted.opportunity_id().empty());
  ov1::GetOpportunityRequest deal_request;
  deal_request.set_opportunity_id(converted.opportunity_id());
  ov1::Opportunity deal = Opp(&ov1::OpportunityService::Stub::GetOpportunity, deal_request).opportunity();
  EXPECT_EQ(deal.account_id(), converted.account_id());
  EXPECT_EQ(deal.owner_user_id(), assigned.lead().owner_user_id());
  EXPECT_EQ(deal.amount().minor_units(), 88'000'00);
  ov1::GetAccountRequest account_request;
  account_request.set_account_id(converted.account_id());
  EXPECT_EQ(Opp(&ov1::OpportunityService::Stub::GetAccount, account_request).account().name(), "Globex");

  // The conversion is on the lead topic for every consumer.
  auto reader = messaging::testing::TopicReader::Create(kafka_->bootstrap_servers(), "sfa.lead.events.v1");
  ASSERT_TRUE(reader.ok()) << reader.status();
  bool seen = false;
  ASSERT_TRUE(messaging::testing::WaitFor([&] {
    auto records = (*reader)->ReadNew(absl::Seconds(2));
    if (!records.ok()) return false;
    for (const auto& record : *records) {
      common::v1::EventEnvelope envelope;
      if (!envelope.ParseFromString(record.value)) continue;
      if (envelope.payload_type() == lv1::LeadConverted::descriptor()->full_name()) {
        lv1::LeadConverted e;
        EXPECT_TRUE(e.ParseFromString(envelope.payload()));
        EXPECT_EQ(e.opportunity_id(), converted.opportunity_id());
        seen = true;
      }
    }
    return seen;
  }));
}

}  // namespace
}  // namespace sfa

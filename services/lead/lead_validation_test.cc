// Bad input over gRPC: every RPC refuses malformed requests with INVALID_ARGUMENT naming the field,
// unknown or other-tenant records with NOT_FOUND, a missing principal with UNAUTHENTICATED; nothing is
// truncated and nothing is appended.

#include <google/protobuf/text_format.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lead/testing/test_server.h"

namespace sfa::lead {
namespace {

using ::testing::HasSubstr;
using S = v1::LeadService::Stub;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

class LeadValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Ok(&S::CaptureLead, Parse<v1::CaptureLeadRequest>(R"pb(request_id: "seed" lead_id: "l1"
                                                                    person { name: "Seed" })pb"));
    server_.Ok(&S::UpsertCampaign, Parse<v1::UpsertCampaignRequest>(R"pb(request_id: "seed-c" campaign_id: "c1"
                                                                         name: "Seed campaign")pb"));
    head_ = server_.store().HeadPosition();
  }

  // Sends `text` as a `Request` and expects `code` with `field` in the message; nothing may be appended.
  template <typename Request, typename Response>
  void Expect(grpc::Status (S::*method)(grpc::ClientContext*, const Request&, Response*), const std::string& text,
              grpc::StatusCode code, const std::string& field) {
    SCOPED_TRACE(text);
    grpc::Status status = server_.Status(method, Parse<Request>(text));
    EXPECT_EQ(status.error_code(), code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(field));
    EXPECT_EQ(server_.store().HeadPosition(), head_);
  }

  testing::TestServer server_;
  uint64_t head_ = 0;
};

constexpr auto kInvalid = grpc::StatusCode::INVALID_ARGUMENT;
constexpr auto kNotFound = grpc::StatusCode::NOT_FOUND;

std::string ManyAttributes(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, "attributes { key: \"k", i, "\" value: \"v\" } ");
  return out;
}

TEST_F(LeadValidationTest, CaptureLead) {
  Expect(&S::CaptureLead, R"pb(person { name: "A" })pb", kInvalid, "request_id");
  Expect(&S::CaptureLead, R"pb(request_id: "r" lead_id: "bad id!" person { name: "A" })pb", kInvalid, "lead_id");
  Expect(&S::CaptureLead, "request_id: \"r\" person { name: \"A\" } " + ManyAttributes(101), kInvalid, "attributes");
  Expect(&S::CaptureLead, R"pb(request_id: "r" attributes { key: "bad key" value: "v" })pb", kInvalid, "attributes");
  Expect(&S::CaptureLead, "request_id: \"r\" attributes { key: \"k\" value: \"" + std::string(501, 'x') + "\" }",
         kInvalid, "attributes");
  Expect(&S::CaptureLead, R"pb(request_id: "r" person { name: "A" email: "not-an-email" })pb", kInvalid,
         "person.email");
  Expect(&S::CaptureLead, R"pb(request_id: "r" person { name: "A" phone: "12ab" })pb", kInvalid, "person.phone");
  Expect(&S::CaptureLead, R"pb(request_id: "r" person { name: "A" } company { employees: -1 })pb", kInvalid,
         "company.employees");
  Expect(&S::CaptureLead, "request_id: \"r\" person { name: \"" + std::string(201, 'n') + "\" }", kInvalid,
         "person.name");
  Expect(&S::CaptureLead, R"pb(request_id: "r" person { name: "A" } effective_time { seconds: 4102444800 })pb",
         kInvalid, "effective_time");
  Expect(&S::CaptureLead, R"pb(request_id: "r" person { name: "A" } source { campaign_id: "nope" })pb", kNotFound,
         "campaign");
}

TEST_F(LeadValidationTest, LeadCommands) {
  Expect(&S::ChangeLeadStatus, R"pb(request_id: "r" lead_id: "l1" status: LEAD_STATUS_QUALIFIED)pb", kInvalid,
         "status");
  Expect(&S::ChangeLeadStatus, R"pb(request_id: "r" lead_id: "l1" status: 99)pb", kInvalid, "status");
  Expect(&S::ChangeLeadStatus, R"pb(request_id: "r" lead_id: "nope" status: LEAD_STATUS_WORKING)pb", kNotFound,
         "nope");
  Expect(&S::ChangeLeadStatus, R"pb(request_id: "r" status: LEAD_STATUS_WORKING)pb", kInvalid, "lead_id");
  Expect(&S::RecordEngagement, R"pb(request_id: "r" lead_id: "l1" kind: 42)pb", kInvalid, "kind");
  Expect(&S::RecordEngagement, R"pb(request_id: "r" lead_id: "l1" kind: ENGAGEMENT_KIND_CALL count: -1)pb", kInvalid,
         "count");
  Expect(&S::RecordEngagement, R"pb(request_id: "r" lead_id: "l1" kind: ENGAGEMENT_KIND_CALL count: 1000001)pb",
         kInvalid, "count");
  Expect(&S::RecordEngagement,
         R"pb(request_id: "r" lead_id: "l1" kind: ENGAGEMENT_KIND_CALL duration_seconds: 86401)pb", kInvalid,
         "duration_seconds");
  Expect(&S::DisqualifyLead, R"pb(request_id: "r" lead_id: "l1")pb", kInvalid, "reason");
  Expect(&S::QualifyLead, R"pb(request_id: "r" lead_id: "nope")pb", kNotFound, "nope");
  Expect(&S::AssignLead, R"pb(request_id: "r" lead_id: "l1" user_id: "bad user!")pb", kInvalid, "user_id");
  Expect(&S::MergeLeads, R"pb(request_id: "r" survivor_id: "l1")pb", kInvalid, "duplicate_ids");
  Expect(&S::MergeLeads, R"pb(request_id: "r" survivor_id: "l1" duplicate_ids: "nope")pb", kNotFound, "nope");
  Expect(&S::GetLead, R"pb(lead_id: "nope")pb", kNotFound, "nope");
  Expect(&S::GetLead, R"pb()pb", kInvalid, "lead_id");
}

TEST_F(LeadValidationTest, ConvertLead) {
  const std::string base = R"pb(request_id: "r" lead_id: "l1" )pb";
  Expect(&S::ConvertLead, base, kInvalid, "opportunity is required");
  Expect(&S::ConvertLead, base + R"pb(opportunity { name: "N" })pb", kInvalid, "opportunity.pipeline_id");
  Expect(&S::ConvertLead,
         base + R"pb(opportunity { pipeline_id: "p" name: "N" amount { currency: "usd" minor_units: 1 } })pb",
         kInvalid, "opportunity.amount");
  Expect(&S::ConvertLead,
         base + R"pb(opportunity { pipeline_id: "p" name: "N" amount { currency: "USD" minor_units: -5 } })pb",
         kInvalid, "opportunity.amount");
  Expect(&S::ConvertLead,
         base + R"pb(opportunity {
                       pipeline_id: "p"
                       name: "N"
                       amount { currency: "USD" minor_units: 1000000000000000000 }
                     })pb",
         kInvalid, "opportunity.amount");
  // A NEW lead cannot be converted: refused before the opportunity service is called.
  grpc::Status not_qualified = server_.Status(
      &S::ConvertLead, Parse<v1::ConvertLeadRequest>(base + R"pb(opportunity {
                                                                 pipeline_id: "p"
                                                                 name: "N"
                                                                 amount { currency: "USD" minor_units: 1 }
                                                                 expected_close_date { seconds: 1717372800 }
                                                               })pb"));
  EXPECT_EQ(not_qualified.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(not_qualified.error_message(), HasSubstr("illegal_status_transition"));
}

TEST_F(LeadValidationTest, CampaignsAndConfiguration) {
  Expect(&S::UpsertCampaign, R"pb(request_id: "r" campaign_id: "new" start_time { seconds: 10 }
                                  end_time { seconds: 5 } name: "N")pb",
         grpc::StatusCode::FAILED_PRECONDITION, "campaign_ends_before_start");
  Expect(&S::RecordCampaignCost, R"pb(request_id: "r" campaign_id: "c1")pb", kInvalid, "amount");
  Expect(&S::RecordCampaignCost, R"pb(request_id: "r" campaign_id: "c1" amount { currency: "USD" minor_units: 0 })pb",
         kInvalid, "amount");
  Expect(&S::RecordCampaignCost,
         R"pb(request_id: "r" campaign_id: "nope" amount { currency: "USD" minor_units: 5 })pb", kNotFound, "nope");
  Expect(&S::GetCampaign, R"pb(campaign_id: "nope")pb", kNotFound, "nope");
  Expect(&S::ListCampaigns, R"pb(page_size: 501)pb", kInvalid, "page_size");
  Expect(&S::ListLeads, R"pb(page_size: -1)pb", kInvalid, "page_size");
  Expect(&S::ListLeads, R"pb(status: 77)pb", kInvalid, "status");
  Expect(&S::ListLeads, R"pb(page_token: "%%%")pb", kInvalid, "page_token");
  Expect(&S::DefineScoringModel,
         R"pb(request_id: "r" model { fit_rules { rule_id: "a" points: 5000 conditions { field: "channel" operator: CONDITION_OPERATOR_EQUALS values: "x" } } })pb",
         kInvalid, "points");
  Expect(&S::DefineScoringModel,
         R"pb(request_id: "r" model { fit_rules { rule_id: "a" points: 5 conditions { field: "score.fit" operator: CONDITION_OPERATOR_AT_LEAST number: 1 } } })pb",
         kInvalid, "field");
  Expect(&S::DefineAssignmentRules,
         R"pb(request_id: "r" rules { rule_id: "a" team_id: "t" } default_max_open_leads: 0)pb", kInvalid,
         "default_max_open_leads");
  Expect(&S::DefineAssignmentRules,
         R"pb(request_id: "r" rules { rule_id: "a" team_id: "t" } capacities { user_id: "u" max_open_leads: 100001 }
              default_max_open_leads: 5)pb",
         kInvalid, "max_open_leads");
}

TEST_F(LeadValidationTest, TenantsAndPrincipals) {
  // Another tenant's lead does not exist for the caller.
  grpc::Status other = server_.Status(&S::GetLead, Parse<v1::GetLeadRequest>(R"pb(lead_id: "l1")pb"), "globex");
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  grpc::Status change = server_.Status(
      &S::ChangeLeadStatus,
      Parse<v1::ChangeLeadStatusRequest>(R"pb(request_id: "x" lead_id: "l1" status: LEAD_STATUS_WORKING)pb"), "globex");
  EXPECT_EQ(change.error_code(), grpc::StatusCode::NOT_FOUND);
  // No tenant or no user: UNAUTHENTICATED naming the header.
  grpc::Status anonymous =
      server_.Status(&S::GetLead, Parse<v1::GetLeadRequest>(R"pb(lead_id: "l1")pb"), "acme", "");
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(anonymous.error_message(), HasSubstr("x-sfa-user"));
  EXPECT_EQ(server_.Status(&S::GetLead, Parse<v1::GetLeadRequest>(R"pb(lead_id: "l1")pb"), "", "anna").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(server_.store().HeadPosition(), head_);
}

}  // namespace
}  // namespace sfa::lead

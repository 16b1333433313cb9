// Bad input over gRPC for every request of OpportunityService: malformed or missing ids, negative and
// mixed-currency money, unknown enum values, oversized strings and lists are refused naming the field;
// ids of another tenant are NOT_FOUND; a call without a tenant is UNAUTHENTICATED.

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/testing/test_server.h"

namespace sfa::opportunity {
namespace {

using ::sfa::opportunity::domain::Pb;
using ::testing::HasSubstr;
using Stub = v1::OpportunityService::Stub;
using Code = grpc::StatusCode;

struct Case {
  std::string name;
  std::function<grpc::Status(testing::TestServer&)> call;
  Code code;
  std::string message;  // a substring of the error message (the field, or the rule)
};

// A row calling `method` with the text-format request as a user of `tenant`.
template <typename Request, typename Response>
Case Row(std::string name, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
         const std::string& text, Code code, std::string message, std::string tenant = "acme") {
  return {std::move(name),
          [method, request = Pb<Request>(text), tenant](testing::TestServer& server) {
            return server.Status(method, request, tenant);
          },
          code, std::move(message)};
}

std::string Chars(int n) { return std::string(n, 'x'); }

// Repeats `field: "<prefix>i"` n times, for oversized lists.
std::string Repeated(const std::string& field, const std::string& prefix, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) absl::StrAppend(&out, field, ": \"", prefix, i, "\" ");
  return out;
}

std::string Stages(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&out, "stages { stage_id: \"s", i,
                    "\" name: \"S\" type: STAGE_TYPE_OPEN forecast_category: FORECAST_CATEGORY_PIPELINE } ");
  }
  return out;
}

class OpportunityValidationTest : public ::testing::Test {
 protected:
  // acme has an account, a contact, an opportunity, an activity and a comment; globex has its own
  // organisation and pipelines, so that an acme id is the only thing missing there.
  void SetUp() override {
    for (const std::string tenant : {"acme", "globex"}) {
      server_.SeedOrganisation(tenant);
      server_.SeedPipelines(tenant);
    }
    server_.Ok(&Stub::CreateAccount,
               Pb<v1::CreateAccountRequest>(R"pb(request_id: "a" account_id: "acme-de" name: "Acme Deutschland")pb"));
    server_.Ok(&Stub::CreateContact, Pb<v1::CreateContactRequest>(R"pb(request_id: "k"
                                                                       contact_id: "k1"
                                                                       account_id: "acme-de"
                                                                       name: "Klaus")pb"));
    server_.Ok(&Stub::CreateOpportunity,
               Pb<v1::CreateOpportunityRequest>(R"pb(request_id: "o"
                                                     opportunity_id: "o1"
                                                     account_id: "acme-de"
                                                     pipeline_id: "enterprise"
                                                     name: "Rollout"
                                                     owner_user_id: "anna"
                                                     amount { minor_units: 100 currency: "USD" })pb"));
    server_.Ok(&Stub::LogActivity, Pb<v1::LogActivityRequest>(absl::StrCat(
                                       R"pb(request_id: "l"
                                            activity_id: "act1"
                                            subject_type: SUBJECT_TYPE_OPPORTUNITY
                                            subject_id: "o1"
                                            kind: ACTIVITY_KIND_CALL
                                            occurred_at { seconds:)pb",
                                       absl::ToUnixSeconds(testing::TestNow()) - 60, " }")));
    server_.Ok(&Stub::Comment, Pb<v1::CommentRequest>(R"pb(request_id: "c"
                                                           comment_id: "cm1"
                                                           subject_type: SUBJECT_TYPE_OPPORTUNITY
                                                           subject_id: "o1"
                                                           text: "Call the CFO")pb"));
  }

  void Run(const std::vector<Case>& table) {
    for (const Case& row : table) {
      SCOPED_TRACE(row.name);
      grpc::Status status = row.call(server_);
      EXPECT_EQ(status.error_code(), row.code) << status.error_message();
      EXPECT_THAT(status.error_message(), HasSubstr(row.message));
    }
  }

  testing::TestServer server_;
};

TEST_F(OpportunityValidationTest, MalformedOrMissingIdsNameTheField) {
  const Code kInvalid = Code::INVALID_ARGUMENT;
  Run({
      Row("UpsertUser without request_id", &Stub::UpsertUser,
          R"pb(user_id: "eve" display_name: "Eve" role: USER_ROLE_REP)pb", kInvalid, "request_id is required"),
      Row("UpsertUser malformed user_id", &Stub::UpsertUser,
          R"pb(request_id: "r" user_id: "eve smith" display_name: "Eve" role: USER_ROLE_REP)pb", kInvalid, "user_id"),
      Row("GetUser without id", &Stub::GetUser, "", kInvalid, "user_id is required"),
      Row("ListUsers malformed team", &Stub::ListUsers, R"pb(team_id: "a/b")pb", kInvalid, "team_id"),
      Row("UpsertSalesTeam malformed member", &Stub::UpsertSalesTeam,
          R"pb(request_id: "r" team_id: "t" name: "T" manager_user_id: "maria" member_user_ids: "bad id")pb", kInvalid,
          "member_user_ids[0]"),
      Row("GetSalesTeam without id", &Stub::GetSalesTeam, "", kInvalid, "team_id is required"),
      Row("ListSalesTeams malformed manager", &Stub::ListSalesTeams, R"pb(manager_user_id: "-x")pb", kInvalid,
          "manager_user_id"),
      Row("DefinePipeline without id", &Stub::DefinePipeline,
          absl::StrCat(R"pb(request_id: "r" name: "P")pb", Stages(1)), kInvalid, "pipeline_id is required"),
      Row("GetPipeline malformed id", &Stub::GetPipeline, R"pb(pipeline_id: "p q")pb", kInvalid, "pipeline_id"),
      Row("CreateAccount malformed parent", &Stub::CreateAccount,
          R"pb(request_id: "r" name: "A" parent_account_id: "a|b")pb", kInvalid, "parent_account_id"),
      Row("UpdateAccount without id", &Stub::UpdateAccount, R"pb(request_id: "r" name: "A")pb", kInvalid,
          "account_id is required"),
      Row("GetAccount without id", &Stub::GetAccount, "", kInvalid, "account_id is required"),
      Row("GetAccountTree malformed id", &Stub::GetAccountTree, R"pb(account_id: "é")pb", kInvalid, "account_id"),
      Row("ListAccounts malformed owner", &Stub::ListAccounts, R"pb(owner_user_id: "a b")pb", kInvalid,
          "owner_user_id"),
      Row("CreateContact without account", &Stub::CreateContact, R"pb(request_id: "r" name: "K")pb", kInvalid,
          "account_id is required"),
      Row("UpdateContact without id", &Stub::UpdateContact, R"pb(request_id: "r" name: "K")pb", kInvalid,
          "contact_id is required"),
      Row("GetContact without id", &Stub::GetContact, "", kInvalid, "contact_id is required"),
      Row("ListContacts malformed account", &Stub::ListContacts, R"pb(account_id: "a b")pb", kInvalid, "account_id"),
      Row("AddContactToOpportunity without contact", &Stub::AddContactToOpportunity,
          R"pb(request_id: "r" opportunity_id: "o1")pb", kInvalid, "contact_id is required"),
      Row("RemoveContactFromOpportunity without opportunity", &Stub::RemoveContactFromOpportunity,
          R"pb(request_id: "r" contact_id: "k1")pb", kInvalid, "opportunity_id is required"),
      Row("GetPowerMap without id", &Stub::GetPowerMap, "", kInvalid, "opportunity_id is required"),
      Row("CreateOpportunity malformed account", &Stub::CreateOpportunity,
          R"pb(request_id: "r" account_id: "a b" pipeline_id: "enterprise" name: "D" owner_user_id: "anna")pb",
          kInvalid, "account_id"),
      Row("CreateOpportunity without pipeline", &Stub::CreateOpportunity,
          R"pb(request_id: "r" name: "D" owner_user_id: "anna")pb", kInvalid, "pipeline_id is required"),
      Row("CreateOpportunity repeated product", &Stub::CreateOpportunity,
          R"pb(request_id: "r" pipeline_id: "enterprise" name: "D" owner_user_id: "anna" product_ids: "gtx"
               product_ids: "gtx")pb",
          kInvalid, "product_ids[1]"),
      Row("CreateOpportunity malformed product", &Stub::CreateOpportunity,
          R"pb(request_id: "r" pipeline_id: "enterprise" name: "D" owner_user_id: "anna" product_ids: "a b")pb",
          kInvalid, "product_ids[0]"),
      Row("MoveStage without stage", &Stub::MoveStage, R"pb(request_id: "r" opportunity_id: "o1")pb", kInvalid,
          "to_stage_id is required"),
      Row("MoveStage repeated criterion", &Stub::MoveStage,
          R"pb(request_id: "r" opportunity_id: "o1" to_stage_id: "qualify" criteria_met: "a" criteria_met: "a")pb",
          kInvalid, "criteria_met[1]"),
      Row("CompleteCriterion without criterion", &Stub::CompleteCriterion,
          R"pb(request_id: "r" opportunity_id: "o1")pb", kInvalid, "criterion_id is required"),
      Row("UpdateOpportunity clearing the owner", &Stub::UpdateOpportunity,
          R"pb(request_id: "r" opportunity_id: "o1" owner_user_id: "")pb", kInvalid, "owner_user_id is required"),
      Row("UpdateOpportunity changing nothing", &Stub::UpdateOpportunity, R"pb(request_id: "r" opportunity_id: "o1")pb",
          kInvalid, "sets no field"),
      Row("CloseWon without opportunity", &Stub::CloseWon, R"pb(request_id: "r")pb", kInvalid,
          "opportunity_id is required"),
      Row("CloseLost without reason", &Stub::CloseLost, R"pb(request_id: "r" opportunity_id: "o1")pb", kInvalid,
          "reason is required"),
      Row("Reopen without reason", &Stub::Reopen, R"pb(request_id: "r" opportunity_id: "o1")pb", kInvalid,
          "reason is required"),
      Row("GetOpportunity malformed id", &Stub::GetOpportunity, R"pb(opportunity_id: "o 1")pb", kInvalid,
          "opportunity_id"),
      Row("ListOpportunities malformed stage", &Stub::ListOpportunities, R"pb(stage_id: "s/1")pb", kInvalid,
          "stage_id"),
      Row("CreateFromLead without lead", &Stub::CreateFromLead,
          R"pb(request_id: "r"
               account { name: "A" }
               opportunity { pipeline_id: "maven" name: "D" owner_user_id: "anna" })pb",
          kInvalid, "lead_id is required"),
      Row("CreateFromLead without opportunity", &Stub::CreateFromLead, R"pb(request_id: "r"
                                                                            lead_id: "l1"
                                                                            account { name: "A" })pb",
          kInvalid, "opportunity is required"),
      Row("LogActivity without occurred_at", &Stub::LogActivity, R"pb(request_id: "r"
                                                                      subject_type: SUBJECT_TYPE_OPPORTUNITY
                                                                      subject_id: "o1"
                                                                      kind: ACTIVITY_KIND_CALL)pb",
          kInvalid, "occurred_at is required"),
      Row("GetActivity without id", &Stub::GetActivity, "", kInvalid, "activity_id is required"),
      Row("ListActivities subject id without type", &Stub::ListActivities, R"pb(subject_id: "o1")pb", kInvalid,
          "subject_type"),
      Row("Comment on an account", &Stub::Comment, R"pb(request_id: "r"
                                                        subject_type: SUBJECT_TYPE_ACCOUNT
                                                        subject_id: "acme-de"
                                                        text: "hi")pb",
          kInvalid, "subject_type must be ACTIVITY or OPPORTUNITY"),
      Row("ListComments malformed author", &Stub::ListComments, R"pb(author_user_id: "a b")pb", kInvalid,
          "author_user_id"),
  });
}

TEST_F(OpportunityValidationTest, MoneyEnumsAndSizes) {
  const Code kInvalid = Code::INVALID_ARGUMENT;
  Run({
      // Money: never negative, always with an ISO currency, one currency per deal.
      Row("negative opportunity amount", &Stub::CreateOpportunity,
          R"pb(request_id: "r"
               pipeline_id: "enterprise"
               name: "D"
               owner_user_id: "anna"
               amount { minor_units: -1 currency: "USD" })pb",
          kInvalid, "amount.minor_units must not be negative"),
      Row("amount without currency", &Stub::UpdateOpportunity, R"pb(request_id: "r"
                                                                    opportunity_id: "o1"
                                                                    amount { minor_units: 5 })pb",
          kInvalid, "amount.currency"),
      Row("negative won amount", &Stub::CloseWon, R"pb(request_id: "r"
                                                       opportunity_id: "o1"
                                                       amount { minor_units: -5 currency: "USD" })pb",
          kInvalid, "amount.minor_units"),
      Row("lower-case currency", &Stub::CreateAccount, R"pb(request_id: "r"
                                                            name: "A"
                                                            annual_revenue { minor_units: 5 currency: "usd" })pb",
          kInvalid, "annual_revenue.currency"),
      Row("too much money", &Stub::CreateFromLead,
          R"pb(request_id: "r"
               lead_id: "l"
               account { name: "A" }
               opportunity {
                 pipeline_id: "maven"
                 name: "D"
                 owner_user_id: "anna"
                 amount { minor_units: 1000000000000000000 currency: "USD" }
               })pb",
          kInvalid, "opportunity.amount.minor_units must be at most"),
      Row("mixed currency on a deal", &Stub::UpdateOpportunity, R"pb(request_id: "r"
                                                                     opportunity_id: "o1"
                                                                     amount { minor_units: 5 currency: "EUR" })pb",
          Code::FAILED_PRECONDITION, "currency_change"),
      Row("mixed currency at the win", &Stub::CloseWon, R"pb(request_id: "r"
                                                             opportunity_id: "o1"
                                                             amount { minor_units: 5 currency: "CNY" })pb",
          Code::FAILED_PRECONDITION, "currency_change"),
      // Enum values the contract does not know.
      Row("unknown role", &Stub::UpsertUser, R"pb(request_id: "r" user_id: "eve" display_name: "Eve" role: 99)pb",
          kInvalid, "role has an unknown value 99"),
      Row("unknown role filter", &Stub::ListUsers, R"pb(role: 7)pb", kInvalid, "role has an unknown value"),
      Row("unknown stage type", &Stub::DefinePipeline,
          R"pb(request_id: "r"
               pipeline_id: "p"
               name: "P"
               stages { stage_id: "s" name: "S" type: 9 forecast_category: FORECAST_CATEGORY_PIPELINE })pb",
          kInvalid, "stages[0].type has an unknown value 9"),
      Row("unknown buying role", &Stub::CreateContact,
          R"pb(request_id: "r" account_id: "acme-de" name: "K" buying_role: 42)pb", kInvalid, "buying_role"),
      Row("unknown attitude", &Stub::UpdateContact, R"pb(request_id: "r" contact_id: "k1" attitude: 8)pb", kInvalid,
          "attitude"),
      Row("unknown committee role", &Stub::AddContactToOpportunity,
          R"pb(request_id: "r" opportunity_id: "o1" contact_id: "k1" role: 12)pb", kInvalid, "role"),
      Row("unknown status filter", &Stub::ListOpportunities, R"pb(status: 4)pb", kInvalid, "status"),
      Row("unknown activity kind", &Stub::LogActivity,
          R"pb(request_id: "r"
               subject_type: SUBJECT_TYPE_OPPORTUNITY
               subject_id: "o1"
               kind: 17
               occurred_at { seconds: 1700000000 })pb",
          kInvalid, "kind has an unknown value 17"),
      Row("unknown subject type", &Stub::ListActivities, R"pb(subject_type: 30 subject_id: "x")pb", kInvalid,
          "subject_type"),
      Row("unknown buying role filter", &Stub::ListContacts, R"pb(buying_role: 99)pb", kInvalid, "buying_role"),
      // Sizes: refused, never truncated.
      Row("oversized user name", &Stub::UpsertUser,
          absl::StrCat(R"pb(request_id: "r" user_id: "eve" role: USER_ROLE_REP display_name: ")pb", Chars(201), "\""),
          kInvalid, "display_name must be at most 200"),
      Row("oversized account name", &Stub::CreateAccount,
          absl::StrCat(R"pb(request_id: "r" name: ")pb", Chars(201), "\""), kInvalid, "name must be at most 200"),
      Row("oversized region", &Stub::UpdateAccount,
          absl::StrCat(R"pb(request_id: "r" account_id: "acme-de" region: ")pb", Chars(101), "\""), kInvalid,
          "region must be at most 100"),
      Row("oversized notes", &Stub::LogActivity,
          absl::StrCat(R"pb(request_id: "r"
                            subject_type: SUBJECT_TYPE_LEAD
                            subject_id: "l1"
                            kind: ACTIVITY_KIND_CALL
                            occurred_at { seconds: 1700000000 }
                            notes: ")pb",
                       Chars(10001), "\""),
          kInvalid, "notes must be at most 10000"),
      Row("oversized comment", &Stub::Comment,
          absl::StrCat(R"pb(request_id: "r" subject_type: SUBJECT_TYPE_OPPORTUNITY subject_id: "o1" text: ")pb",
                       Chars(10001), "\""),
          kInvalid, "text must be at most 10000"),
      Row("oversized lost reason", &Stub::CloseLost,
          absl::StrCat(R"pb(request_id: "r" opportunity_id: "o1" reason: ")pb", Chars(2001), "\""), kInvalid,
          "reason must be at most 2000"),
      Row("oversized request id", &Stub::Reopen,
          absl::StrCat(R"pb(opportunity_id: "o1" reason: "x" request_id: ")pb", Chars(129), "\""), kInvalid,
          "request_id must be at most 128"),
      Row("oversized id", &Stub::CompleteCriterion,
          absl::StrCat(R"pb(request_id: "r" opportunity_id: "o1" criterion_id: ")pb", Chars(65), "\""), kInvalid,
          "criterion_id must be at most 64"),
      Row("too many team members", &Stub::UpsertSalesTeam,
          absl::StrCat(R"pb(request_id: "r" team_id: "t" name: "T" manager_user_id: "maria")pb",
                       Repeated("member_user_ids", "u", 1001)),
          kInvalid, "member_user_ids must have at most 1000 entries"),
      Row("too many criteria", &Stub::MoveStage,
          absl::StrCat(R"pb(request_id: "r" opportunity_id: "o1" to_stage_id: "qualify")pb",
                       Repeated("criteria_met", "c", 101)),
          kInvalid, "criteria_met must have at most 100 entries"),
      Row("too many participants", &Stub::LogActivity,
          absl::StrCat(R"pb(request_id: "r"
                            subject_type: SUBJECT_TYPE_LEAD
                            subject_id: "l1"
                            kind: ACTIVITY_KIND_CALL
                            occurred_at { seconds: 1700000000 })pb",
                       Repeated("contact_ids", "k", 51)),
          kInvalid, "contact_ids must have at most 50 entries"),
      Row("too many stages", &Stub::DefinePipeline,
          absl::StrCat(R"pb(request_id: "r" pipeline_id: "p" name: "P")pb", Stages(31)), kInvalid,
          "stages must have at most 30 entries"),
      Row("page too large", &Stub::ListOpportunities, R"pb(page_size: 501)pb", kInvalid,
          "page_size must be at most 500"),
      Row("negative page size", &Stub::ListAccounts, R"pb(page_size: -1)pb", kInvalid,
          "page_size must not be negative"),
      Row("forged page token", &Stub::ListPipelines, R"pb(page_token: "%%%")pb", kInvalid, "page_token"),
      Row("page token of another list", &Stub::ListComments, R"pb(page_token: "AAAA")pb", kInvalid, "page_token"),
      Row("stale_after_days beyond a year", &Stub::GetPowerMap, R"pb(opportunity_id: "o1" stale_after_days: 366)pb",
          kInvalid, "stale_after_days"),
      Row("influence beyond 5", &Stub::CreateContact,
          R"pb(request_id: "r" account_id: "acme-de" name: "K" influence: 6)pb", kInvalid, "influence"),
      Row("effective_time in the future", &Stub::UpdateAccount, R"pb(request_id: "r"
                                                                     account_id: "acme-de"
                                                                     name: "A"
                                                                     effective_time { seconds: 4102444800 })pb",
          kInvalid, "effective_time"),
  });
}

TEST_F(OpportunityValidationTest, IdsOfAnotherTenantAreNotFound) {
  const Code kNotFound = Code::NOT_FOUND;
  const std::string globex = "globex";
  Run({
      Row("GetUser", &Stub::GetUser, R"pb(user_id: "nobody")pb", kNotFound, "user_id nobody", globex),
      Row("GetAccount", &Stub::GetAccount, R"pb(account_id: "acme-de")pb", kNotFound, "acme-de", globex),
      Row("GetAccountTree", &Stub::GetAccountTree, R"pb(account_id: "acme-de")pb", kNotFound, "acme-de", globex),
      Row("UpdateAccount", &Stub::UpdateAccount, R"pb(request_id: "r" account_id: "acme-de" name: "X")pb", kNotFound,
          "acme-de", globex),
      Row("CreateAccount under acme's parent", &Stub::CreateAccount,
          R"pb(request_id: "r" name: "X" parent_account_id: "acme-de")pb", kNotFound, "parent_account_id", globex),
      Row("GetContact", &Stub::GetContact, R"pb(contact_id: "k1")pb", kNotFound, "k1", globex),
      Row("UpdateContact", &Stub::UpdateContact, R"pb(request_id: "r" contact_id: "k1" name: "X")pb", kNotFound, "k1",
          globex),
      Row("CreateContact at acme's account", &Stub::CreateContact,
          R"pb(request_id: "r" account_id: "acme-de" name: "X")pb", kNotFound, "account_id", globex),
      Row("GetOpportunity", &Stub::GetOpportunity, R"pb(opportunity_id: "o1")pb", kNotFound, "o1", globex),
      Row("GetPowerMap", &Stub::GetPowerMap, R"pb(opportunity_id: "o1")pb", kNotFound, "o1", globex),
      Row("CreateOpportunity at acme's account", &Stub::CreateOpportunity,
          R"pb(request_id: "r" account_id: "acme-de" pipeline_id: "enterprise" name: "D" owner_user_id: "anna")pb",
          kNotFound, "account_id", globex),
      Row("MoveStage", &Stub::MoveStage, R"pb(request_id: "r" opportunity_id: "o1" to_stage_id: "qualify")pb",
          kNotFound, "o1", globex),
      Row("CompleteCriterion", &Stub::CompleteCriterion,
          R"pb(request_id: "r" opportunity_id: "o1" criterion_id: "need_identified")pb", kNotFound, "o1", globex),
      Row("UpdateOpportunity", &Stub::UpdateOpportunity, R"pb(request_id: "r" opportunity_id: "o1" name: "X")pb",
          kNotFound, "o1", globex),
      Row("CloseWon", &Stub::CloseWon, R"pb(request_id: "r" opportunity_id: "o1")pb", kNotFound, "o1", globex),
      Row("CloseLost", &Stub::CloseLost, R"pb(request_id: "r" opportunity_id: "o1" reason: "x")pb", kNotFound, "o1",
          globex),
      Row("Reopen", &Stub::Reopen, R"pb(request_id: "r" opportunity_id: "o1" reason: "x")pb", kNotFound, "o1", globex),
      Row("AddContactToOpportunity", &Stub::AddContactToOpportunity,
          R"pb(request_id: "r" opportunity_id: "o1" contact_id: "k1")pb", kNotFound, "o1", globex),
      Row("RemoveContactFromOpportunity", &Stub::RemoveContactFromOpportunity,
          R"pb(request_id: "r" opportunity_id: "o1" contact_id: "k1")pb", kNotFound, "o1", globex),
      Row("GetActivity", &Stub::GetActivity, R"pb(activity_id: "act1")pb", kNotFound, "act1", globex),
      Row("LogActivity about acme's deal", &Stub::LogActivity,
          R"pb(request_id: "r"
               subject_type: SUBJECT_TYPE_OPPORTUNITY
               subject_id: "o1"
               kind: ACTIVITY_KIND_CALL
               occurred_at { seconds: 1700000000 })pb",
          kNotFound, "subject_id o1", globex),
      Row("Comment on acme's activity", &Stub::Comment, R"pb(request_id: "r"
                                                             subject_type: SUBJECT_TYPE_ACTIVITY
                                                             subject_id: "act1"
                                                             text: "x")pb",
          kNotFound, "subject_id act1", globex),
      Row("GetSalesTeam", &Stub::GetSalesTeam, R"pb(team_id: "west")pb", kNotFound, "west", globex),
      Row("GetPipeline", &Stub::GetPipeline, R"pb(pipeline_id: "nowhere")pb", kNotFound, "nowhere", globex),
      Row("CreateFromLead into acme's account", &Stub::CreateFromLead,
          R"pb(request_id: "r"
               lead_id: "l1"
               account_id: "acme-de"
               opportunity { pipeline_id: "maven" name: "D" owner_user_id: "anna" })pb",
          kNotFound, "acme-de", globex),
  });
  // ... and lists of another tenant are empty rather than shared.
  EXPECT_EQ(server_.Ok(&Stub::ListActivities, v1::ListActivitiesRequest(), globex).activities_size(), 0);
  EXPECT_EQ(server_.Ok(&Stub::ListComments, v1::ListCommentsRequest(), globex).comments_size(), 0);
  EXPECT_EQ(server_.Ok(&Stub::ListContacts, v1::ListContactsRequest(), globex).contacts_size(), 0);
  EXPECT_EQ(server_.Ok(&Stub::ListAccounts, v1::ListAccountsRequest(), globex).accounts_size(), 0);
}

// Every RPC needs a tenant and a user, before anything else is looked at.
TEST_F(OpportunityValidationTest, EveryRpcNeedsAPrincipal) {
  const std::vector<std::function<grpc::Status(const std::string&, const std::string&)>> calls = {
#define SFA_RPC(Rpc) \
  [this](const std::string& t, const std::string& u) { return server_.Status(&Stub::Rpc, v1::Rpc##Request(), t, u); }
      SFA_RPC(UpsertUser),
      SFA_RPC(GetUser),
      SFA_RPC(ListUsers),
      SFA_RPC(UpsertSalesTeam),
      SFA_RPC(GetSalesTeam),
      SFA_RPC(ListSalesTeams),
      SFA_RPC(DefinePipeline),
      SFA_RPC(GetPipeline),
      SFA_RPC(ListPipelines),
      SFA_RPC(CreateAccount),
      SFA_RPC(UpdateAccount),
      SFA_RPC(GetAccount),
      SFA_RPC(GetAccountTree),
      SFA_RPC(ListAccounts),
      SFA_RPC(CreateContact),
      SFA_RPC(UpdateContact),
      SFA_RPC(GetContact),
      SFA_RPC(ListContacts),
      SFA_RPC(AddContactToOpportunity),
      SFA_RPC(RemoveContactFromOpportunity),
      SFA_RPC(GetPowerMap),
      SFA_RPC(CreateOpportunity),
      SFA_RPC(MoveStage),
      SFA_RPC(CompleteCriterion),
      SFA_RPC(UpdateOpportunity),
      SFA_RPC(CloseWon),
      SFA_RPC(CloseLost),
      SFA_RPC(Reopen),
      SFA_RPC(GetOpportunity),
      SFA_RPC(ListOpportunities),
      SFA_RPC(CreateFromLead),
      SFA_RPC(LogActivity),
      SFA_RPC(GetActivity),
      SFA_RPC(ListActivities),
      SFA_RPC(Comment),
      SFA_RPC(ListComments),
#undef SFA_RPC
  };
  ASSERT_EQ(calls.size(), 36u);
  for (size_t i = 0; i < calls.size(); ++i) {
    SCOPED_TRACE(i);
    grpc::Status no_tenant = calls[i]("", "anna");
    EXPECT_EQ(no_tenant.error_code(), Code::UNAUTHENTICATED);
    EXPECT_THAT(no_tenant.error_message(), HasSubstr("x-sfa-tenant"));
    EXPECT_EQ(calls[i]("acme", "").error_code(), Code::UNAUTHENTICATED);
    EXPECT_EQ(calls[i]("Acme Corp", "anna").error_code(), Code::UNAUTHENTICATED);
  }
}

}  // namespace
}  // namespace sfa::opportunity

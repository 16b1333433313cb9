#include "opportunity/domain/validation.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/limits.h"

namespace sfa::opportunity::domain {
namespace {

using ::testing::HasSubstr;

// One row: a change to a valid request and the INVALID_ARGUMENT message it must produce ("" = valid).
template <typename Request>
struct Row {
  std::string name;
  std::function<void(Request&)> change;
  std::string error = {};
};

template <typename Request>
void RunValidationTable(absl::string_view valid, const std::vector<Row<Request>>& rows) {
  const Request base = Pb<Request>(valid);
  const absl::Status base_status = Validate(base);
  EXPECT_TRUE(base_status.ok()) << "the valid request was refused: " << base_status;
  for (const Row<Request>& row : rows) {
    SCOPED_TRACE(row.name);
    Request request = base;
    row.change(request);
    const absl::Status status = Validate(request);
    if (row.error.empty()) {
      EXPECT_TRUE(status.ok()) << status;
      continue;
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(row.error));
  }
}

std::string Chars(size_t n, absl::string_view unit = "x") {
  std::string out;
  for (size_t i = 0; i < n; ++i) absl::StrAppend(&out, unit);
  return out;
}

// Rows every command shares: the idempotency key.
template <typename Request>
std::vector<Row<Request>> WithRequestId(std::vector<Row<Request>> rows) {
  rows.push_back({"missing request_id", [](Request& r) { r.clear_request_id(); }, "request_id is required"});
  rows.push_back({"request_id too long", [](Request& r) { r.set_request_id(Chars(129)); },
                  "request_id must be at most 128 characters"});
  rows.push_back({"request_id with a space", [](Request& r) { r.set_request_id("a b"); },
                  "request_id must be printable ASCII without spaces"});
  rows.push_back({"request_id of 128 characters", [](Request& r) { r.set_request_id(Chars(128)); }});
  return rows;
}

// Rows every request with an effective_time shares.
template <typename Request>
std::vector<Row<Request>> WithEffectiveTime(std::vector<Row<Request>> rows) {
  rows.push_back({"effective_time beyond year 9999",
                  [](Request& r) { r.mutable_effective_time()->set_seconds(253'402'300'800); },
                  "effective_time must be a valid timestamp"});
  rows.push_back({"effective_time with negative nanos", [](Request& r) { r.mutable_effective_time()->set_nanos(-1); },
                  "effective_time must be a valid timestamp"});
  return WithRequestId(std::move(rows));
}

// Rows every list request shares.
template <typename Request>
std::vector<Row<Request>> WithPaging(std::vector<Row<Request>> rows) {
  rows.push_back({"page_size 500", [](Request& r) { r.set_page_size(500); }});
  rows.push_back({"page_size 501", [](Request& r) { r.set_page_size(501); }, "page_size must be at most 500"});
  rows.push_back({"negative page_size", [](Request& r) { r.set_page_size(-1); }, "page_size must not be negative"});
  rows.push_back({"a page token", [](Request& r) { r.set_page_token("AAEC_-=="); }});
  rows.push_back({"a forged page token", [](Request& r) { r.set_page_token("../../etc"); },
                  "page_token is not a token this service issued"});
  rows.push_back({"an oversized page token", [](Request& r) { r.set_page_token(Chars(1025, "A")); },
                  "page_token is not a token this service issued"});
  return rows;
}

// ---------------------------------------------------------------------------------------------------
// Building blocks

TEST(ValidationTest, Ids) {
  EXPECT_TRUE(ValidateId("id", "1C1I7A6R", true).ok());
  EXPECT_TRUE(ValidateId("id", "acme.corp:eu@2024_x-1", true).ok());
  EXPECT_TRUE(ValidateId("id", "9b2f6c1e-3d4a-4f5b-8c7d-0e1f2a3b4c5d", true).ok());
  EXPECT_TRUE(ValidateId("id", "", false).ok());
  EXPECT_EQ(ValidateId("account_id", "", true).message(), "account_id is required");
  EXPECT_THAT(std::string(ValidateId("id", "-leading", true).message()), HasSubstr("starting with a letter or digit"));
  EXPECT_THAT(std::string(ValidateId("id", "with space", true).message()), HasSubstr("must be letters, digits"));
  EXPECT_THAT(std::string(ValidateId("id", "tenant|x", true).message()), HasSubstr("must be letters, digits"));
  EXPECT_THAT(std::string(ValidateId("id", "客户", true).message()), HasSubstr("must be letters, digits"));
  EXPECT_TRUE(ValidateId("id", Chars(64), true).ok());
  EXPECT_EQ(ValidateId("id", Chars(65), true).message(), "id must be at most 64 characters");
}

TEST(ValidationTest, Money) {
  EXPECT_TRUE(ValidateMoney("amount", Pb<common::v1::Money>(R"pb(minor_units: 0 currency: "CNY")pb")).ok());
  EXPECT_TRUE(ValidateMoney("amount",
                            Pb<common::v1::Money>(absl::StrCat("minor_units: ", kMaxMinorUnits, " currency: \"USD\"")))
                  .ok());
  EXPECT_EQ(ValidateMoney("amount", Pb<common::v1::Money>(R"pb(minor_units: 1 currency: "usd")pb")).message(),
            "amount.currency must be a 3-letter ISO 4217 code in upper case, e.g. USD");
  EXPECT_EQ(ValidateMoney("amount", Pb<common::v1::Money>(R"pb(minor_units: 1)pb")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateMoney("amount", Pb<common::v1::Money>(R"pb(minor_units: 1 currency: "EURO")pb")).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateMoney("amount", Pb<common::v1::Money>(R"pb(minor_units: -1 currency: "USD")pb")).message(),
            "amount.minor_units must not be negative");
  EXPECT_EQ(ValidateMoney("annual_revenue", Pb<common::v1::Money>(absl::StrCat("minor_units: ", kMaxMinorUnits + 1,
                                                                               " currency: \"USD\"")))
                .message(),
            "annual_revenue.minor_units must be at most 1000000000000000");
}

TEST(ValidationTest, Defaults) {
  EXPECT_EQ(PageSize(0), kDefaultPageSize);
  EXPECT_EQ(PageSize(7), 7);
  EXPECT_EQ(StaleAfterDays(0), kDefaultStaleAfterDays);
  EXPECT_EQ(StaleAfterDays(90), 90);
}

// ---------------------------------------------------------------------------------------------------
// Sales organisation

TEST(ValidationTest, UpsertUser) {
  using R = v1::UpsertUserRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           user_id: "anna"
           display_name: "Anna Snelling"
           email: "anna@maventech.com"
           role: USER_ROLE_REP)pb",
      WithRequestId<R>({
          {"no email", [](R& r) { r.clear_email(); }},
          {"missing user_id", [](R& r) { r.clear_user_id(); }, "user_id is required"},
          {"malformed user_id", [](R& r) { r.set_user_id("anna snelling"); }, "user_id must be letters"},
          {"missing display_name", [](R& r) { r.clear_display_name(); }, "display_name is required"},
          {"blank display_name", [](R& r) { r.set_display_name(" \t "); }, "display_name is required"},
          {"display_name with a line break", [](R& r) { r.set_display_name("Anna\nSnelling"); },
           "display_name must not contain control characters"},
          {"display_name of 200 Chinese characters", [](R& r) { r.set_display_name(Chars(200, "王")); }},
          {"display_name of 201 characters", [](R& r) { r.set_display_name(Chars(201, "王")); },
           "display_name must be at most 200 characters, not 201"},
          {"display_name not UTF-8", [](R& r) { r.set_display_name("Anna \xc3"); }, "display_name is not valid UTF-8"},
          {"display_name with an overlong encoding", [](R& r) { r.set_display_name("\xc0\xaf"); },
           "display_name is not valid UTF-8"},
          {"malformed email", [](R& r) { r.set_email("anna@localhost"); }, "email must be an e-mail address"},
          {"email with two @", [](R& r) { r.set_email("a@b@c.com"); }, "email must be an e-mail address"},
          {"missing role", [](R& r) { r.clear_role(); }, "role is required"},
          {"unknown role", [](R& r) { r.set_role(static_cast<v1::UserRole>(42)); }, "role has an unknown value 42"},
      }));
}

TEST(ValidationTest, GetAndListUsers) {
  RunValidationTable<v1::GetUserRequest>(
      R"pb(user_id: "anna")pb",
      {{"missing user_id", [](v1::GetUserRequest& r) { r.clear_user_id(); }, "user_id is required"}});
  using L = v1::ListUsersRequest;
  RunValidationTable<L>(
      R"pb(role: USER_ROLE_REP team_id: "central" page_size: 20)pb",
      WithPaging<L>({
          {"any role", [](L& r) { r.clear_role(); }},
          {"unknown role", [](L& r) { r.set_role(static_cast<v1::UserRole>(9)); }, "role has an unknown value"},
          {"malformed team_id", [](L& r) { r.set_team_id("a/b"); }, "team_id must be letters"},
      }));
}

TEST(ValidationTest, UpsertSalesTeam) {
  using R = v1::UpsertSalesTeamRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           team_id: "central-dustin"
           name: "Central"
           manager_user_id: "dustin"
           region: "Central"
           member_user_ids: "anna"
           member_user_ids: "cecily")pb",
      WithRequestId<R>({
          {"no members", [](R& r) { r.clear_member_user_ids(); }},
          {"missing team_id", [](R& r) { r.clear_team_id(); }, "team_id is required"},
          {"missing name", [](R& r) { r.clear_name(); }, "name is required"},
          {"missing manager", [](R& r) { r.clear_manager_user_id(); }, "manager_user_id is required"},
          {"oversized region", [](R& r) { r.set_region(Chars(101)); }, "region must be at most 100 characters"},
          {"a repeated member", [](R& r) { r.add_member_user_ids("anna"); }, "member_user_ids[2] repeats anna"},
          {"an empty member", [](R& r) { r.add_member_user_ids(""); }, "member_user_ids[2] is required"},
          {"too many members",
           [](R& r) {
             for (int i = 0; i < kMaxTeamMembers; ++i) r.add_member_user_ids(absl::StrCat("rep", i));
           },
           "member_user_ids must have at most 1000 entries, not 1002"},
      }));
  RunValidationTable<v1::GetSalesTeamRequest>(
      R"pb(team_id: "t1")pb",
      {{"missing team_id", [](v1::GetSalesTeamRequest& r) { r.clear_team_id(); }, "team_id is required"}});
  using L = v1::ListSalesTeamsRequest;
  RunValidationTable<L>(R"pb(region: "Central" manager_user_id: "dustin")pb",
                        WithPaging<L>({{"malformed manager", [](L& r) { r.set_manager_user_id(" x"); },
                                        "manager_user_id must be letters"}}));
}

// ---------------------------------------------------------------------------------------------------
// Sales methodology

TEST(ValidationTest, DefinePipeline) {
  using R = v1::DefinePipelineRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           pipeline_id: "maven"
           name: "MavenTech"
           description: "Prospecting to close"
           stages {
             stage_id: "prospecting"
             name: "Prospecting"
             type: STAGE_TYPE_OPEN
             probability_percent: 10
             forecast_category: FORECAST_CATEGORY_PIPELINE
             exit_criteria { criterion_id: "engaged" description: "first meeting held" required: true }
           }
           stages {
             stage_id: "won"
             name: "Won"
             type: STAGE_TYPE_WON
             probability_percent: 100
             forecast_category: FORECAST_CATEGORY_CLOSED
           }
           stages {
             stage_id: "lost"
             name: "Lost"
             type: STAGE_TYPE_LOST
             probability_percent: 0
             forecast_category: FORECAST_CATEGORY_OMITTED
           })pb",
      WithRequestId<R>({
          {"missing pipeline_id", [](R& r) { r.clear_pipeline_id(); }, "pipeline_id is required"},
          {"missing name", [](R& r) { r.clear_name(); }, "name is required"},
          {"a multi-line description", [](R& r) { r.set_description("line 1\nline 2\ttabbed"); }},
          {"oversized description", [](R& r) { r.set_description(Chars(2001)); },
           "description must be at most 2000 characters"},
          {"no stages", [](R& r) { r.clear_stages(); }, "stages is required"},
          {"too many stages",
           [](R& r) {
             for (int i = 0; i < kMaxStages; ++i) *r.add_stages() = r.stages(0);
           },
           "stages must have at most 30 entries, not 33"},
          {"a stage without an id", [](R& r) { r.mutable_stages(1)->clear_stage_id(); },
           "stages[1].stage_id is required"},
          {"a stage without a name", [](R& r) { r.mutable_stages(1)->set_name(""); }, "stages[1].name is required"},
          {"a stage without a type", [](R& r) { r.mutable_stages(0)->clear_type(); }, "stages[0].type is required"},
          {"a stage of unknown type", [](R& r) { r.mutable_stages(0)->set_type(static_cast<v1::StageType>(7)); },
           "stages[0].type has an unknown value 7"},
          {"probability above 100", [](R& r) { r.mutable_stages(0)->set_probability_percent(101); },
           "stages[0].probability_percent must be between 0 and 100"},
          {"negative probability", [](R& r) { r.mutable_stages(0)->set_probability_percent(-1); },
           "stages[0].probability_percent must be between 0 and 100"},
          {"a stage without forecast category", [](R& r) { r.mutable_stages(2)->clear_forecast_category(); },
           "stages[2].forecast_category is required"},
          {"a criterion without an id",
           [](R& r) { r.mutable_stages(0)->mutable_exit_criteria(0)->clear_criterion_id(); },
           "stages[0].exit_criteria[0].criterion_id is required"},
          {"an oversized criterion description",
           [](R& r) { r.mutable_stages(0)->mutable_exit_criteria(0)->set_description(Chars(2001)); },
           "stages[0].exit_criteria[0].description must be at most 2000 characters"},
          {"too many criteria",
           [](R& r) {
             for (int i = 0; i < kMaxCriteriaPerStage; ++i)
               r.mutable_stages(0)->add_exit_criteria()->set_criterion_id(absl::StrCat("c", i));
           },
           "stages[0].exit_criteria must have at most 20 entries, not 21"},
      }));
  RunValidationTable<v1::GetPipelineRequest>(
      R"pb(pipeline_id: "maven" pipeline_version: 2)pb",
      {{"missing pipeline_id", [](v1::GetPipelineRequest& r) { r.clear_pipeline_id(); }, "pipeline_id is required"}});
  RunValidationTable<v1::ListPipelinesRequest>("", WithPaging<v1::ListPipelinesRequest>({}));
}

// ---------------------------------------------------------------------------------------------------
// Accounts and contacts

TEST(ValidationTest, CreateAccount) {
  using R = v1::CreateAccountRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           account_id: "acme"
           name: "Acme Corporation"
           parent_account_id: "acme-group"
           industry: "technology"
           employees: 2822
           annual_revenue { minor_units: 110004000000 currency: "USD" }
           region: "United States"
           owner_user_id: "anna")pb",
      WithEffectiveTime<R>({
          {"only a name", [](R& r) { r = Pb<R>(R"pb(request_id: "r1" name: "Acme")pb"); }},
          {"malformed account_id", [](R& r) { r.set_account_id("acme corp"); }, "account_id must be letters"},
          {"missing name", [](R& r) { r.clear_name(); }, "name is required"},
          {"oversized name", [](R& r) { r.set_name(Chars(201)); }, "name must be at most 200 characters"},
          {"malformed parent", [](R& r) { r.set_parent_account_id("a|b"); }, "parent_account_id must be letters"},
          {"oversized industry", [](R& r) { r.set_industry(Chars(101)); }, "industry must be at most 100"},
          {"negative employees", [](R& r) { r.set_employees(-1); }, "employees must be between 0 and 100000000"},
          {"absurd employees", [](R& r) { r.set_employees(kMaxEmployees + 1); }, "employees must be between"},
          {"negative revenue", [](R& r) { r.mutable_annual_revenue()->set_minor_units(-5); },
           "annual_revenue.minor_units must not be negative"},
          {"lower-case currency", [](R& r) { r.mutable_annual_revenue()->set_currency("usd"); },
           "annual_revenue.currency must be a 3-letter ISO 4217 code"},
          {"malformed owner", [](R& r) { r.set_owner_user_id("@anna"); }, "owner_user_id must be letters"},
      }));
}

TEST(ValidationTest, UpdateAccount) {
  using R = v1::UpdateAccountRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1" account_id: "acme" expected_version: 3 name: "Acme Corp")pb",
      WithEffectiveTime<R>({
          {"nothing to change", [](R& r) { r.clear_name(); }, "the request sets no field to change"},
          {"missing account_id", [](R& r) { r.clear_account_id(); }, "account_id is required"},
          {"a blank name", [](R& r) { r.set_name(" "); }, "name is required"},
          {"detaching from the parent", [](R& r) { r.set_parent_account_id(""); }},
          {"clearing the owner", [](R& r) { r.set_owner_user_id(""); }},
          {"malformed parent", [](R& r) { r.set_parent_account_id("a b"); }, "parent_account_id must be letters"},
          {"negative employees", [](R& r) { r.set_employees(-3); }, "employees must be between"},
          {"mixed-case currency", [](R& r) { r.mutable_annual_revenue()->set_currency("Eur"); },
           "annual_revenue.currency must be a 3-letter ISO 4217 code"},
          {"oversized region", [](R& r) { r.set_region(Chars(101)); }, "region must be at most 100"},
      }));
  RunValidationTable<v1::GetAccountRequest>(
      R"pb(account_id: "acme")pb",
      {{"missing account_id", [](v1::GetAccountRequest& r) { r.clear_account_id(); }, "account_id is required"}});
  RunValidationTable<v1::GetAccountTreeRequest>(
      R"pb(account_id: "acme")pb",
      {{"malformed account_id", [](v1::GetAccountTreeRequest& r) { r.set_account_id("é"); }, "account_id must be"}});
  using L = v1::ListAccountsRequest;
  RunValidationTable<L>(R"pb(owner_user_id: "anna" parent_account_id: "acme-group" industry: "retail")pb",
                        WithPaging<L>({{"oversized industry", [](L& r) { r.set_industry(Chars(101)); },
                                        "industry must be at most 100"}}));
}

TEST(ValidationTest, CreateContact) {
  using R = v1::CreateContactRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           contact_id: "c1"
           account_id: "acme"
           name: "Li Wei"
           title: "CFO"
           email: "li.wei@acme.com.cn"
           phone: "+86 (10) 1234-5678"
           buying_role: BUYING_ROLE_ECONOMIC_BUYER
           reports_to_contact_id: "c0"
           influence: 5
           attitude: ATTITUDE_SUPPORTER)pb",
      WithEffectiveTime<R>({
          {"influence not assessed", [](R& r) { r.set_influence(0); }},
          {"no role or attitude",
           [](R& r) {
             r.clear_buying_role();
             r.clear_attitude();
           }},
          {"missing account_id", [](R& r) { r.clear_account_id(); }, "account_id is required"},
          {"missing name", [](R& r) { r.clear_name(); }, "name is required"},
          {"oversized title", [](R& r) { r.set_title(Chars(101)); }, "title must be at most 100"},
          {"malformed email", [](R& r) { r.set_email("li.wei"); }, "email must be an e-mail address"},
          {"oversized email", [](R& r) { r.set_email(absl::StrCat(Chars(250), "@a.cn")); },
           "email must be at most 254 characters"},
          {"letters in the phone", [](R& r) { r.set_phone("call me"); }, "phone must be a phone number"},
          {"oversized phone", [](R& r) { r.set_phone(Chars(33, "1")); }, "phone must be at most 32"},
          {"unknown buying role", [](R& r) { r.set_buying_role(static_cast<v1::BuyingRole>(99)); },
           "buying_role has an unknown value 99"},
          {"influence 6", [](R& r) { r.set_influence(6); }, "influence must be 1 to 5, or 0 when not assessed"},
          {"negative influence", [](R& r) { r.set_influence(-1); }, "influence must be 1 to 5"},
          {"unknown attitude", [](R& r) { r.set_attitude(static_cast<v1::Attitude>(4)); },
           "attitude has an unknown value 4"},
      }));
}

TEST(ValidationTest, UpdateContact) {
  using R = v1::UpdateContactRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1" contact_id: "c1" influence: 4)pb",
      WithEffectiveTime<R>({
          {"nothing to change", [](R& r) { r.clear_influence(); }, "the request sets no field to change"},
          {"missing contact_id", [](R& r) { r.clear_contact_id(); }, "contact_id is required"},
          {"influence 0 resets the assessment", [](R& r) { r.set_influence(0); }},
          {"influence 9", [](R& r) { r.set_influence(9); }, "influence must be 1 to 5"},
          {"removing the reporting line", [](R& r) { r.set_reports_to_contact_id(""); }},
          {"a blank name", [](R& r) { r.set_name(""); }, "name is required"},
          {"malformed email", [](R& r) { r.set_email("x@"); }, "email must be an e-mail address"},
          {"clearing the email", [](R& r) { r.set_email(""); }},
          {"unknown attitude", [](R& r) { r.set_attitude(static_cast<v1::Attitude>(-2)); },
           "attitude has an unknown value"},
      }));
  RunValidationTable<v1::GetContactRequest>(
      R"pb(contact_id: "c1")pb",
      {{"missing contact_id", [](v1::GetContactRequest& r) { r.clear_contact_id(); }, "contact_id is required"}});
  using L = v1::ListContactsRequest;
  RunValidationTable<L>(
      R"pb(account_id: "acme" buying_role: BUYING_ROLE_CHAMPION)pb",
      WithPaging<L>({{"unknown role", [](L& r) { r.set_buying_role(static_cast<v1::BuyingRole>(50)); },
                      "buying_role has an unknown value"}}));
}

TEST(ValidationTest, OpportunityContacts) {
  using A = v1::AddContactToOpportunityRequest;
  RunValidationTable<A>(
      R"pb(request_id: "r1" opportunity_id: "o1" contact_id: "c1" role: BUYING_ROLE_CHAMPION)pb",
      WithRequestId<A>({
          {"the contact's own role", [](A& r) { r.clear_role(); }},
          {"missing opportunity_id", [](A& r) { r.clear_opportunity_id(); }, "opportunity_id is required"},
          {"missing contact_id", [](A& r) { r.clear_contact_id(); }, "contact_id is required"},
          {"unknown role", [](A& r) { r.set_role(static_cast<v1::BuyingRole>(77)); }, "role has an unknown value 77"},
      }));
  using D = v1::RemoveContactFromOpportunityRequest;
  RunValidationTable<D>(
      R"pb(request_id: "r1" opportunity_id: "o1" contact_id: "c1")pb",
      WithRequestId<D>({{"missing contact_id", [](D& r) { r.clear_contact_id(); }, "contact_id is required"}}));
  using P = v1::GetPowerMapRequest;
  RunValidationTable<P>(
      R"pb(opportunity_id: "o1" stale_after_days: 365)pb",
      {{"the default window", [](P& r) { r.clear_stale_after_days(); }},
       {"a window over a year", [](P& r) { r.set_stale_after_days(366); },
        "stale_after_days must be between 0 (default 30) and 365"},
       {"a negative window", [](P& r) { r.set_stale_after_days(-1); }, "stale_after_days must be"},
       {"missing opportunity_id", [](P& r) { r.clear_opportunity_id(); }, "opportunity_id is required"}});
}

// ---------------------------------------------------------------------------------------------------
// Opportunities

TEST(ValidationTest, CreateOpportunity) {
  using R = v1::CreateOpportunityRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           opportunity_id: "1C1I7A6R"
           account_id: "cancity"
           pipeline_id: "maven"
           name: "GTX Plus Basic for Cancity"
           owner_user_id: "moses-frase"
           amount { minor_units: 105400 currency: "USD" }
           expected_close_date { seconds: 1488326400 }
           lead_source: "partner"
           lead_id: "lead-1"
           stage_id: "engaging")pb",
      WithEffectiveTime<R>({
          {"no amount yet", [](R& r) { r.clear_amount(); }},
          {"a zero amount", [](R& r) { r.mutable_amount()->set_minor_units(0); }},
          {"no account yet (prospecting)", [](R& r) { r.clear_account_id(); }},
          {"malformed account_id", [](R& r) { r.set_account_id("can city"); }, "account_id must be letters"},
          {"missing pipeline_id", [](R& r) { r.clear_pipeline_id(); }, "pipeline_id is required"},
          {"missing name", [](R& r) { r.clear_name(); }, "name is required"},
          {"missing owner", [](R& r) { r.clear_owner_user_id(); }, "owner_user_id is required"},
          {"negative amount", [](R& r) { r.mutable_amount()->set_minor_units(-1); },
           "amount.minor_units must not be negative"},
          {"amount without currency", [](R& r) { r.mutable_amount()->clear_currency(); },
           "amount.currency must be a 3-letter ISO 4217 code"},
          {"an invalid close date", [](R& r) { r.mutable_expected_close_date()->set_nanos(1'000'000'000); },
           "expected_close_date must be a valid timestamp"},
          {"oversized lead_source", [](R& r) { r.set_lead_source(Chars(101)); }, "lead_source must be at most 100"},
          {"malformed lead_id", [](R& r) { r.set_lead_id("lead 1"); }, "lead_id must be letters"},
          {"malformed stage_id", [](R& r) { r.set_stage_id("stage/1"); }, "stage_id must be letters"},
      }));
}

TEST(ValidationTest, MoveStage) {
  using R = v1::MoveStageRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           opportunity_id: "o1"
           to_stage_id: "propose"
           expected_version: 4
           criteria_met: "budget_confirmed"
           criteria_met: "decision_maker_known"
           reason: "")pb",
      WithEffectiveTime<R>({
          {"a multi-line reason", [](R& r) { r.set_reason("customer asked\nfor a new demo"); }},
          {"missing opportunity_id", [](R& r) { r.clear_opportunity_id(); }, "opportunity_id is required"},
          {"missing to_stage_id", [](R& r) { r.clear_to_stage_id(); }, "to_stage_id is required"},
          {"a repeated criterion", [](R& r) { r.add_criteria_met("budget_confirmed"); },
           "criteria_met[2] repeats budget_confirmed"},
          {"a malformed criterion", [](R& r) { r.set_criteria_met(0, "budget confirmed"); },
           "criteria_met[0] must be letters"},
          {"too many criteria",
           [](R& r) {
             for (int i = 0; i < kMaxCriteriaMet; ++i) r.add_criteria_met(absl::StrCat("c", i));
           },
           "criteria_met must have at most 100 entries, not 102"},
          {"oversized reason", [](R& r) { r.set_reason(Chars(2001)); }, "reason must be at most 2000 characters"},
          {"a control character in the reason", [](R& r) { r.set_reason("a\x01"); },
           "reason must not contain control characters"},
      }));
}

TEST(ValidationTest, CompleteCriterion) {
  using R = v1::CompleteCriterionRequest;
  RunValidationTable<R>(R"pb(request_id: "r1" opportunity_id: "o1" criterion_id: "budget_confirmed" note: "CFO ok")pb",
                        WithEffectiveTime<R>({
                            {"missing criterion_id", [](R& r) { r.clear_criterion_id(); }, "criterion_id is required"},
                            {"oversized note", [](R& r) { r.set_note(Chars(2001)); }, "note must be at most 2000"},
                        }));
}

TEST(ValidationTest, UpdateOpportunity) {
  using R = v1::UpdateOpportunityRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           opportunity_id: "o1"
           expected_version: 2
           amount { minor_units: 100 currency: "USD" })pb",
      WithEffectiveTime<R>({
          {"nothing to change", [](R& r) { r.clear_amount(); }, "the request sets no field to change"},
          {"a new owner only",
           [](R& r) {
             r.clear_amount();
             r.set_owner_user_id("cecily");
           }},
          {"an owner cannot be cleared", [](R& r) { r.set_owner_user_id(""); }, "owner_user_id is required"},
          {"a blank name", [](R& r) { r.set_name("  "); }, "name is required"},
          {"negative amount", [](R& r) { r.mutable_amount()->set_minor_units(-100); },
           "amount.minor_units must not be negative"},
          {"an invalid close date", [](R& r) { r.mutable_expected_close_date()->set_seconds(-62'135'596'801); },
           "expected_close_date must be a valid timestamp"},
      }));
}

TEST(ValidationTest, CloseWonLostAndReopen) {
  using W = v1::CloseWonRequest;
  RunValidationTable<W>(
      R"pb(request_id: "r1"
           opportunity_id: "o1"
           amount { minor_units: 451400 currency: "USD" })pb",
      WithEffectiveTime<W>({
          {"keeping the current amount", [](W& r) { r.clear_amount(); }},
          {"missing opportunity_id", [](W& r) { r.clear_opportunity_id(); }, "opportunity_id is required"},
          {"a three-digit currency", [](W& r) { r.mutable_amount()->set_currency("840"); },
           "amount.currency must be a 3-letter ISO 4217 code"},
      }));
  using L = v1::CloseLostRequest;
  RunValidationTable<L>(
      R"pb(request_id: "r1" opportunity_id: "o1" reason: "price" competitor: "Initech" lost_stage_id: "lost")pb",
      WithEffectiveTime<L>({
          {"missing reason", [](L& r) { r.clear_reason(); }, "reason is required"},
          {"blank reason", [](L& r) { r.set_reason("\n"); }, "reason is required"},
          {"oversized competitor", [](L& r) { r.set_competitor(Chars(201)); }, "competitor must be at most 200"},
          {"malformed lost_stage_id", [](L& r) { r.set_lost_stage_id("lost!"); }, "lost_stage_id must be letters"},
      }));
  using O = v1::ReopenRequest;
  RunValidationTable<O>(R"pb(request_id: "r1" opportunity_id: "o1" reason: "signed after all")pb",
                        WithEffectiveTime<O>({
                            {"to a named stage", [](O& r) { r.set_to_stage_id("negotiate"); }},
                            {"missing reason", [](O& r) { r.clear_reason(); }, "reason is required"},
                        }));
}

TEST(ValidationTest, GetAndListOpportunities) {
  RunValidationTable<v1::GetOpportunityRequest>(
      R"pb(opportunity_id: "o1")pb",
      {{"missing opportunity_id", [](v1::GetOpportunityRequest& r) { r.clear_opportunity_id(); },
        "opportunity_id is required"}});
  using L = v1::ListOpportunitiesRequest;
  RunValidationTable<L>(
      R"pb(owner_user_id: "anna"
           team_id: "central"
           account_id: "acme"
           pipeline_id: "maven"
           stage_id: "engaging"
           status: OPPORTUNITY_STATUS_OPEN
           close_date_from { seconds: 1700000000 }
           close_date_to { seconds: 1800000000 }
           page_size: 100)pb",
      WithPaging<L>({
          {"no filters", [](L& r) { r = L(); }},
          {"an empty range", [](L& r) { r.mutable_close_date_to()->set_seconds(1700000000); }},
          {"a reversed range", [](L& r) { r.mutable_close_date_to()->set_seconds(1600000000); },
           "close_date_from is after close_date_to"},
          {"an invalid bound", [](L& r) { r.mutable_close_date_from()->set_nanos(-5); },
           "close_date_from must be a valid timestamp"},
          {"unknown status", [](L& r) { r.set_status(static_cast<v1::OpportunityStatus>(4)); },
           "status has an unknown value 4"},
          {"malformed team_id", [](L& r) { r.set_team_id("t 1"); }, "team_id must be letters"},
      }));
}

TEST(ValidationTest, CreateFromLead) {
  using R = v1::CreateFromLeadRequest;
  RunValidationTable<R>(
      R"pb(request_id: "lead-42:convert"
           lead_id: "lead-42"
           account {
             name: "Acme Corporation"
             industry: "technology"
             employees: 2822
             region: "United States"
             annual_revenue { minor_units: 1 currency: "USD" }
           }
           contact { name: "Li Wei" email: "li.wei@acme.com" buying_role: BUYING_ROLE_CHAMPION influence: 3 }
           opportunity {
             pipeline_id: "maven"
             name: "Acme first deal"
             owner_user_id: "anna"
             amount { minor_units: 482100 currency: "USD" }
             lead_source: "Google"
           })pb",
      WithEffectiveTime<R>({
          {"an existing account by id",
           [](R& r) {
             r.clear_account();
             r.set_account_id("acme");
           }},
          {"no contact", [](R& r) { r.clear_contact(); }},
          {"missing lead_id", [](R& r) { r.clear_lead_id(); }, "lead_id is required"},
          {"neither account_id nor account name", [](R& r) { r.clear_account(); }, "account.name is required"},
          {"negative account revenue", [](R& r) { r.mutable_account()->mutable_annual_revenue()->set_minor_units(-1); },
           "account.annual_revenue.minor_units must not be negative"},
          {"a contact without a name", [](R& r) { r.mutable_contact()->clear_name(); }, "contact.name is required"},
          {"a contact with a bad email", [](R& r) { r.mutable_contact()->set_email("nope"); },
           "contact.email must be an e-mail address"},
          {"a contact with influence 7", [](R& r) { r.mutable_contact()->set_influence(7); },
           "contact.influence must be 1 to 5"},
          {"missing opportunity", [](R& r) { r.clear_opportunity(); }, "opportunity is required"},
          {"an opportunity without owner", [](R& r) { r.mutable_opportunity()->clear_owner_user_id(); },
           "opportunity.owner_user_id is required"},
          {"an opportunity without pipeline", [](R& r) { r.mutable_opportunity()->clear_pipeline_id(); },
           "opportunity.pipeline_id is required"},
          {"an opportunity amount in lower case",
           [](R& r) { r.mutable_opportunity()->mutable_amount()->set_currency("usd"); },
           "opportunity.amount.currency must be a 3-letter ISO 4217 code"},
      }));
}

// ---------------------------------------------------------------------------------------------------
// Activities and coaching

TEST(ValidationTest, LogActivity) {
  using R = v1::LogActivityRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           activity_id: "act1"
           subject_type: SUBJECT_TYPE_OPPORTUNITY
           subject_id: "o1"
           contact_ids: "c1"
           contact_ids: "c2"
           kind: ACTIVITY_KIND_DEMO
           outcome: "positive"
           notes: "Showed the dashboard.\nNext: pricing."
           occurred_at { seconds: 1700000000 }
           duration { seconds: 5400 }
           owner_user_id: "anna")pb",
      WithRequestId<R>({
          {"about a lead", [](R& r) { r.set_subject_type(v1::SUBJECT_TYPE_LEAD); }},
          {"owner left to the caller", [](R& r) { r.clear_owner_user_id(); }},
          {"a whole day", [](R& r) { r.mutable_duration()->set_seconds(86400); }},
          {"missing subject_type", [](R& r) { r.clear_subject_type(); },
           "subject_type must be ACCOUNT, CONTACT, OPPORTUNITY or LEAD"},
          {"an activity about an activity", [](R& r) { r.set_subject_type(v1::SUBJECT_TYPE_ACTIVITY); },
           "subject_type must be ACCOUNT, CONTACT, OPPORTUNITY or LEAD"},
          {"unknown subject_type", [](R& r) { r.set_subject_type(static_cast<v1::SubjectType>(12)); },
           "subject_type must be"},
          {"missing subject_id", [](R& r) { r.clear_subject_id(); }, "subject_id is required"},
          {"a repeated participant", [](R& r) { r.add_contact_ids("c1"); }, "contact_ids[2] repeats c1"},
          {"too many participants",
           [](R& r) {
             for (int i = 0; i < kMaxActivityContacts; ++i) r.add_contact_ids(absl::StrCat("p", i));
           },
           "contact_ids must have at most 50 entries, not 52"},
          {"missing kind", [](R& r) { r.clear_kind(); }, "kind is required"},
          {"unknown kind", [](R& r) { r.set_kind(static_cast<v1::ActivityKind>(8)); }, "kind has an unknown value 8"},
          {"oversized outcome", [](R& r) { r.set_outcome(Chars(101)); }, "outcome must be at most 100"},
          {"oversized notes", [](R& r) { r.set_notes(Chars(10001)); }, "notes must be at most 10000 characters"},
          {"missing occurred_at", [](R& r) { r.clear_occurred_at(); }, "occurred_at is required"},
          {"an invalid occurred_at", [](R& r) { r.mutable_occurred_at()->set_nanos(-1); },
           "occurred_at must be a valid timestamp"},
          {"longer than a day", [](R& r) { r.mutable_duration()->set_seconds(86401); },
           "duration must be between 0 and 24 hours"},
          {"a negative duration", [](R& r) { r.mutable_duration()->set_seconds(-60); },
           "duration must be between 0 and 24 hours"},
          {"a malformed duration", [](R& r) { r.mutable_duration()->set_nanos(-1); },
           "duration is not a valid duration"},
      }));
  RunValidationTable<v1::GetActivityRequest>(
      R"pb(activity_id: "act1")pb",
      {{"missing activity_id", [](v1::GetActivityRequest& r) { r.clear_activity_id(); }, "activity_id is required"}});
  using L = v1::ListActivitiesRequest;
  RunValidationTable<L>(
      R"pb(subject_type: SUBJECT_TYPE_ACCOUNT
           subject_id: "acme"
           owner_user_id: "anna"
           kind: ACTIVITY_KIND_CALL
           occurred_from { seconds: 1 }
           occurred_to { seconds: 2 })pb",
      WithPaging<L>({
          {"no filters", [](L& r) { r = L(); }},
          {"a subject id without its type", [](L& r) { r.clear_subject_type(); },
           "subject_type is required with the other subject field"},
          {"a subject type without its id", [](L& r) { r.clear_subject_id(); },
           "subject_id is required with the other subject field"},
          {"comments are no activity subject", [](L& r) { r.set_subject_type(v1::SUBJECT_TYPE_ACTIVITY); },
           "subject_type must be ACCOUNT, CONTACT, OPPORTUNITY or LEAD"},
          {"a reversed range", [](L& r) { r.mutable_occurred_from()->set_seconds(3); },
           "occurred_from is after occurred_to"},
      }));
}

TEST(ValidationTest, Comment) {
  using R = v1::CommentRequest;
  RunValidationTable<R>(
      R"pb(request_id: "r1"
           comment_id: "cm1"
           subject_type: SUBJECT_TYPE_OPPORTUNITY
           subject_id: "o1"
           author_user_id: "dustin"
           text: "Who signs?\nPlease find out."
           reply_to_comment_id: "cm0")pb",
      WithRequestId<R>({
          {"on an activity", [](R& r) { r.set_subject_type(v1::SUBJECT_TYPE_ACTIVITY); }},
          {"author left to the caller", [](R& r) { r.clear_author_user_id(); }},
          {"on an account", [](R& r) { r.set_subject_type(v1::SUBJECT_TYPE_ACCOUNT); },
           "subject_type must be ACTIVITY or OPPORTUNITY"},
          {"missing subject_id", [](R& r) { r.clear_subject_id(); }, "subject_id is required"},
          {"missing text", [](R& r) { r.clear_text(); }, "text is required"},
          {"oversized text", [](R& r) { r.set_text(Chars(10001)); }, "text must be at most 10000 characters"},
          {"malformed reply_to_comment_id", [](R& r) { r.set_reply_to_comment_id("#1"); },
           "reply_to_comment_id must be letters"},
      }));
  using L = v1::ListCommentsRequest;
  RunValidationTable<L>(
      R"pb(subject_type: SUBJECT_TYPE_ACTIVITY
           subject_id: "act1"
           author_user_id: "dustin"
           subject_owner_user_id: "anna"
           created_from { seconds: 1 })pb",
      WithPaging<L>({
          {"a rep's coaching inbox", [](L& r) { r = Pb<L>(R"pb(subject_owner_user_id: "anna")pb"); }},
          {"a lead is no comment subject", [](L& r) { r.set_subject_type(v1::SUBJECT_TYPE_LEAD); },
           "subject_type must be ACTIVITY or OPPORTUNITY"},
          {"a reversed range", [](L& r) { r.mutable_created_to()->set_seconds(0); },
           "created_from is after created_to"},
      }));
}

}  // namespace
}  // namespace sfa::opportunity::domain

#include "opportunity/domain/lead_conversion.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using ::testing::HasSubstr;

// Given what the adapter found, when this conversion, then this plan (or this refusal).
struct ConversionCase {
  std::string name;
  ConversionLookup given = {};
  std::string when = {};  // extra CreateFromLeadRequest fields in text format
  bool without_contact = false;
  std::string account_id = {};
  std::string contact_id = {};
  std::string opportunity_id = {};
  bool creates_account = false;
  bool creates_contact = false;
  bool creates_opportunity = false;
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message = {};
};

// Lead 42 of Acme's Li Wei, owned by Anna.
v1::CreateFromLeadRequest Conversion(absl::string_view extra) {
  return With(
      Pb<v1::CreateFromLeadRequest>(R"pb(
        request_id: "conv-42"
        lead_id: "lead-42"
        contact { name: "Li Wei" email: " Li.Wei@Acme.com " }
        opportunity { pipeline_id: "maven" name: "Acme first deal" owner_user_id: "anna" lead_source: "Google" })pb"),
      extra);
}

AccountState FoundAccount(absl::string_view id) {
  AccountState account;
  account.exists = true;
  account.account_id = std::string(id);
  return account;
}

ContactState FoundContact(absl::string_view id, absl::string_view account_id) {
  ContactState contact;
  contact.exists = true;
  contact.contact_id = std::string(id);
  contact.account_id = std::string(account_id);
  return contact;
}

OpportunityState FoundOpportunity(absl::string_view id, absl::string_view lead_id) {
  OpportunityState opportunity;
  opportunity.exists = true;
  opportunity.opportunity_id = std::string(id);
  opportunity.account_id = "acme";
  opportunity.lead_id = std::string(lead_id);
  return opportunity;
}

TEST(LeadConversionTest, PlanConversion) {
  const std::string acme_id = ConvertedAccountId("acme corporation");
  const std::string lead_opportunity = ConvertedOpportunityId("lead-42");
  const std::string lead_contact = ConvertedContactId("acme", "li.wei@acme.com", "lead-42");
  const std::vector<ConversionCase> table = {
      {.name = "a new company: everything is created under stable ids",
       .when = R"pb(account { name: "  ACME   Corporation " })pb",
       .account_id = acme_id,
       .contact_id = ConvertedContactId(acme_id, "li.wei@acme.com", "lead-42"),
       .opportunity_id = lead_opportunity,
       .creates_account = true,
       .creates_contact = true,
       .creates_opportunity = true},
      {.name = "a known company by name, a known contact by e-mail",
       .given = {.account = FoundAccount("acme"), .contact = FoundContact("c7", "acme")},
       .when = R"pb(account { name: "Acme Corporation" })pb",
       .account_id = "acme",
       .contact_id = "c7",
       .opportunity_id = lead_opportunity,
       .creates_opportunity = true},
      {.name = "an existing account by id, a new contact",
       .given = {.account = FoundAccount("acme")},
       .when = R"pb(account_id: "acme")pb",
       .account_id = "acme",
       .contact_id = lead_contact,
       .opportunity_id = lead_opportunity,
       .creates_contact = true,
       .creates_opportunity = true},
      {.name = "ids given by the caller are kept",
       .given = {.account = FoundAccount("acme")},
       .when = R"pb(account_id: "acme"
                    contact { contact_id: "c-li" }
                    opportunity { opportunity_id: "o-1" })pb",
       .account_id = "acme",
       .contact_id = "c-li",
       .opportunity_id = "o-1",
       .creates_contact = true,
       .creates_opportunity = true},
      {.name = "a converted lead returns what it converted to, whatever the request says now",
       .given = {.opportunity = FoundOpportunity(lead_opportunity, "lead-42"), .contact = FoundContact("c7", "acme")},
       .when = R"pb(account { name: "Another name" })pb",
       .account_id = "acme",
       .contact_id = "c7",
       .opportunity_id = lead_opportunity},
      {.name = "no contact in the request",
       .given = {.account = FoundAccount("acme")},
       .when = R"pb(account_id: "acme")pb",
       .without_contact = true,
       .account_id = "acme",
       .opportunity_id = lead_opportunity,
       .creates_opportunity = true},
      {.name = "a missing account_id",
       .when = R"pb(account_id: "nope")pb",
       .code = absl::StatusCode::kNotFound,
       .message = "account_id nope not found"},
      {.name = "an opportunity id taken by another lead",
       .given = {.opportunity = FoundOpportunity("o-1", "lead-41")},
       .when = R"pb(account_id: "acme"
                    opportunity { opportunity_id: "o-1" })pb",
       .code = absl::StatusCode::kAlreadyExists,
       .message = "opportunity o-1 exists and was not converted from lead lead-42"},
  };
  for (const ConversionCase& row : table) {
    SCOPED_TRACE(row.name);
    v1::CreateFromLeadRequest request = Conversion(row.when);
    if (row.without_contact) request.clear_contact();
    const absl::StatusOr<ConversionPlan> plan = PlanConversion(request, row.given);
    if (row.code != absl::StatusCode::kOk) {
      EXPECT_EQ(plan.status().code(), row.code) << plan.status();
      EXPECT_THAT(std::string(plan.status().message()), HasSubstr(row.message));
      continue;
    }
    ASSERT_TRUE(plan.ok()) << plan.status();
    EXPECT_EQ(plan->account_id, row.account_id);
    EXPECT_EQ(plan->contact_id, row.contact_id);
    EXPECT_EQ(plan->opportunity_id, row.opportunity_id);
    EXPECT_EQ(plan->create_account.has_value(), row.creates_account);
    EXPECT_EQ(plan->create_contact.has_value(), row.creates_contact);
    EXPECT_EQ(plan->create_opportunity.has_value(), row.creates_opportunity);
  }
}

// The create requests carry the conversion into the three aggregates: ids, owner, lead and business time.
TEST(LeadConversionTest, CreateRequestsCarryTheConversion) {
  const v1::CreateFromLeadRequest request = Conversion(TextProto(R"pb(account { name: "Acme" industry: "technology" }
                                                                      effective_time { seconds: 1700000000 }
                                                                      opportunity {
                                                                        amount { minor_units: 482100 currency: "USD" }
                                                                        stage_id: "engaging"
                                                                      })pb"));
  const absl::StatusOr<ConversionPlan> plan = PlanConversion(request, {});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(plan->create_account && plan->create_contact && plan->create_opportunity);
  const v1::CreateAccountRequest& account = *plan->create_account;
  EXPECT_EQ(account.request_id(), "conv-42:account");
  EXPECT_EQ(account.name(), "Acme");
  EXPECT_EQ(account.industry(), "technology");
  EXPECT_EQ(account.owner_user_id(), "anna");
  EXPECT_EQ(account.effective_time().seconds(), 1700000000);
  const v1::CreateContactRequest& contact = *plan->create_contact;
  EXPECT_EQ(contact.request_id(), "conv-42:contact");
  EXPECT_EQ(contact.account_id(), plan->account_id);
  EXPECT_EQ(contact.email(), " Li.Wei@Acme.com ") << "the contact keeps the e-mail as given; only matching normalizes";
  const v1::CreateOpportunityRequest& opportunity = *plan->create_opportunity;
  EXPECT_EQ(opportunity.request_id(), "conv-42:opportunity");
  EXPECT_EQ(opportunity.opportunity_id(), ConvertedOpportunityId("lead-42"));
  EXPECT_EQ(opportunity.account_id(), plan->account_id);
  EXPECT_EQ(opportunity.lead_id(), "lead-42");
  EXPECT_EQ(opportunity.lead_source(), "Google");
  EXPECT_EQ(opportunity.stage_id(), "engaging");
  EXPECT_EQ(opportunity.amount().minor_units(), 482100);
  EXPECT_EQ(opportunity.effective_time().seconds(), 1700000000);
}

TEST(LeadConversionTest, StableIds) {
  EXPECT_EQ(NormalizeAccountName("  ACME \t  Corporation "), "acme corporation");
  EXPECT_EQ(NormalizeAccountName("北京 科技"), "北京 科技");
  EXPECT_EQ(NormalizeEmail(" Li.Wei@Acme.COM"), "li.wei@acme.com");
  // Fixed values: ids must never change between builds, or retries after an upgrade would duplicate.
  EXPECT_EQ(ConvertedOpportunityId("lead-42"), ConvertedOpportunityId("lead-42"));
  EXPECT_NE(ConvertedOpportunityId("lead-42"), ConvertedOpportunityId("lead-43"));
  EXPECT_EQ(ConvertedOpportunityId(""), "lead-opp-cbf29ce484222325");
  EXPECT_EQ(ConvertedAccountId("a"), "lead-acc-af63dc4c8601ec8c");
  EXPECT_NE(ConvertedContactId("acme", "", "lead-42"), ConvertedContactId("acme", "", "lead-43"));
  EXPECT_NE(ConvertedContactId("acme", "x@acme.com", "lead-42"), ConvertedContactId("beta", "x@acme.com", "lead-42"));
  EXPECT_TRUE(absl::StartsWith(ConvertedContactId("acme", "x@acme.com", "l"), "lead-con-"));
}

}  // namespace
}  // namespace sfa::opportunity::domain

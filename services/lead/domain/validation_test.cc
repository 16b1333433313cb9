#include "lead/domain/validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lead/domain/decider_table.h"
#include "lead/domain/limits.h"

namespace sfa::lead::domain {
namespace {

using ::testing::HasSubstr;

// One row: a request in text format and the message its INVALID_ARGUMENT must contain ("" = valid).
struct Row {
  std::string name;
  std::string request;
  std::string error;
};

template <typename Request>
void RunValidationTable(const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    const absl::Status status = Validate(Pb<Request>(row.request));
    if (row.error.empty()) {
      EXPECT_TRUE(status.ok()) << status;
    } else {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
      EXPECT_THAT(std::string(status.message()), HasSubstr(row.error));
    }
  }
}

std::string Attributes(int n, size_t value_length = 1) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    absl::StrAppend(&out, "attributes { key: \"k", i, "\" value: \"", std::string(value_length, 'v'), "\" } ");
  }
  return out;
}

TEST(ValidationTest, CaptureLead) {
  const std::string base = R"pb(request_id: "q1")pb";
  RunValidationTable<v1::CaptureLeadRequest>({
      {"minimal", base, ""},
      {"full", base + R"pb(lead_id: "l1"
                           source { channel: "Web" campaign_id: "c1" origin: "API" }
                           person { name: "Jane" email: "jane.doe+x@example.co.uk" phone: "+44 (20) 7946-0958" }
                           company { name: "Acme" employees: 10 country: "UK" })pb",
       ""},
      {"no request id", R"pb(lead_id: "l1")pb", "request_id is required"},
      {"bad lead id", base + R"pb(lead_id: "-l1")pb", "lead_id must be"},
      {"bad campaign id", base + R"pb(source { campaign_id: "c 1" })pb", "source.campaign_id must be"},
      {"email without domain dot", base + R"pb(person { email: "jane@localhost" })pb", "person.email must look like"},
      {"email with two @", base + R"pb(person { email: "a@b@example.com" })pb", "person.email"},
      {"email with space", base + R"pb(person { email: "jane doe@example.com" })pb", "person.email"},
      {"phone letters", base + R"pb(person { phone: "call me" })pb", "person.phone must be digits"},
      {"phone plus inside", base + R"pb(person { phone: "44+2079460958" })pb", "person.phone"},
      {"phone too short", base + R"pb(person { phone: "12345" })pb", "person.phone must have 7 to 15 digits"},
      {"negative employees", base + R"pb(company { employees: -1 })pb", "company.employees"},
      {"name too long", base + "person { name: \"" + std::string(201, 'x') + "\" }",
       "person.name must be at most 200 characters, not 201"},
      {"control character", base + R"pb(company { name: "Ac\nme" })pb", "company.name must not contain control"},
      {"100 attributes", base + Attributes(kMaxAttributes), ""},
      {"101 attributes", base + Attributes(kMaxAttributes + 1), "attributes must have at most 100 entries, not 101"},
      {"attribute value too long", base + Attributes(1, kMaxAttributeValueLength + 1),
       "attributes[\"k0\"] must be at most 500 characters"},
      {"attribute key shape", base + R"pb(attributes { key: "bad key" value: "v" })pb",
       "attributes[\"bad key\"] key must be 1-64 characters"},
      {"attribute key too long", base + "attributes { key: \"" + std::string(65, 'k') + "\" value: \"v\" }",
       "key must be 1-64 characters"},
      {"bad time", base + R"pb(effective_time { nanos: -1 })pb", "effective_time must be a valid timestamp"},
  });
}

TEST(ValidationTest, MergeLeads) {
  RunValidationTable<v1::MergeLeadsRequest>({
      {"ok", R"pb(request_id: "q" survivor_id: "l1" duplicate_ids: "l2")pb", ""},
      {"no survivor", R"pb(request_id: "q" duplicate_ids: "l2")pb", "survivor_id is required"},
      {"no duplicates", R"pb(request_id: "q" survivor_id: "l1")pb", "duplicate_ids is required"},
      {"bad duplicate", R"pb(request_id: "q" survivor_id: "l1" duplicate_ids: "l2" duplicate_ids: "")pb",
       "duplicate_ids[1] is required"},
  });
}

TEST(ValidationTest, RecordEngagement) {
  RunValidationTable<v1::RecordEngagementRequest>({
      {"ok", R"pb(request_id: "q" lead_id: "l1" kind: ENGAGEMENT_KIND_CALL duration_seconds: 600)pb", ""},
      {"no kind", R"pb(request_id: "q" lead_id: "l1")pb", "kind is required"},
      {"unknown kind", R"pb(request_id: "q" lead_id: "l1" kind: 42)pb", "kind has an unknown value 42"},
      {"negative count", R"pb(request_id: "q" lead_id: "l1" kind: ENGAGEMENT_KIND_CALL count: -1)pb", "count"},
      {"a day and a second", R"pb(request_id: "q" lead_id: "l1" kind: ENGAGEMENT_KIND_CALL duration_seconds: 86401)pb",
       "duration_seconds must be between 0 and 86400"},
  });
}

TEST(ValidationTest, Campaigns) {
  RunValidationTable<v1::UpsertCampaignRequest>({
      {"ok", R"pb(request_id: "q" campaign_id: "c1" name: "Spring" channel: "Google")pb", ""},
      {"blank name set", R"pb(request_id: "q" name: " ")pb", "name is required"},
  });
  RunValidationTable<v1::RecordCampaignCostRequest>({
      {"ok", R"pb(request_id: "q"
                  campaign_id: "c1"
                  amount { minor_units: 100 currency: "USD" })pb",
       ""},
      {"no amount", R"pb(request_id: "q" campaign_id: "c1")pb", "amount is required"},
      {"lower-case currency", R"pb(request_id: "q"
                                   campaign_id: "c1"
                                   amount { minor_units: 1 currency: "usd" })pb",
       "amount.currency must be a 3-letter ISO 4217 code"},
      {"negative", R"pb(request_id: "q"
                        campaign_id: "c1"
                        amount { minor_units: -1 currency: "USD" })pb",
       "amount.minor_units must not be negative"},
      {"zero", R"pb(request_id: "q"
                    campaign_id: "c1"
                    amount { currency: "USD" })pb",
       "amount.minor_units must be positive"},
      {"too much", R"pb(request_id: "q"
                        campaign_id: "c1"
                        amount { minor_units: 1000000000000001 currency: "USD" })pb",
       "amount.minor_units"},
  });
  RunValidationTable<v1::ListCampaignsRequest>({
      {"ok", R"pb(page_size: 500)pb", ""},
      {"page too big", R"pb(page_size: 501)pb", "page_size must be between 0 and 500"},
  });
}

TEST(ValidationTest, DefineScoringModel) {
  const std::string rule = R"pb(rule_id: "r1"
                                conditions { field: "channel" operator: CONDITION_OPERATOR_IS_SET })pb";
  RunValidationTable<v1::DefineScoringModelRequest>({
      {"ok", "request_id: \"q\" model { fit_rules { " + rule + " points: 5 } }", ""},
      {"repeated rule id", "request_id: \"q\" model { fit_rules { " + rule + " } fit_rules { " + rule + " } }",
       "model.fit_rules[1].rule_id repeats r1"},
      {"unknown field", R"pb(request_id: "q"
                             model {
                               fit_rules {
                                 rule_id: "r1"
                                 conditions { field: "tags" operator: CONDITION_OPERATOR_IS_SET }
                               }
                             })pb",
       "model.fit_rules[0].conditions[0].field names no lead field"},
      {"score in a fit rule", R"pb(request_id: "q"
                                   model {
                                     fit_rules {
                                       rule_id: "r1"
                                       conditions { field: "score.fit" operator: CONDITION_OPERATOR_IS_SET }
                                     }
                                   })pb",
       "names no lead field"},
      {"unknown operator", R"pb(request_id: "q"
                                model {
                                  fit_rules {
                                    rule_id: "r1"
                                    conditions { field: "channel" operator: 99 }
                                  }
                                })pb",
       "model.fit_rules[0].conditions[0].operator has an unknown value 99"},
      {"equals without value", R"pb(request_id: "q"
                                    model {
                                      fit_rules {
                                        rule_id: "r1"
                                        conditions { field: "channel" operator: CONDITION_OPERATOR_EQUALS }
                                      }
                                    })pb",
       "conditions[0].values is required"},
      {"no conditions", R"pb(request_id: "q"
                             model { fit_rules { rule_id: "r1" } })pb",
       "model.fit_rules[0].conditions is required"},
      {"points out of range", "request_id: \"q\" model { fit_rules { " + rule + " points: 1001 } }",
       "model.fit_rules[0].points"},
      {"repeated kind", R"pb(request_id: "q"
                             model {
                               engagement_weights { kind: ENGAGEMENT_KIND_CALL }
                               engagement_weights { kind: ENGAGEMENT_KIND_CALL }
                             })pb",
       "model.engagement_weights[1].kind repeats"},
      {"negative half-life", R"pb(request_id: "q"
                                  model { behaviour_half_life { seconds: -1 } })pb",
       "model.behaviour_half_life"},
  });
}

TEST(ValidationTest, DefineAssignmentRules) {
  RunValidationTable<v1::DefineAssignmentRulesRequest>({
      {"ok",
       R"pb(request_id: "q"
            rules {
              rule_id: "r"
              team_id: "t"
              conditions { field: "score.fit" operator: CONDITION_OPERATOR_AT_LEAST number: 10 }
            }
            capacities { user_id: "u1" max_open_leads: 5 }
            default_max_open_leads: 10)pb",
       ""},
      {"no team", R"pb(request_id: "q"
                       rules { rule_id: "r" }
                       default_max_open_leads: 10)pb",
       "rules[0].team_id is required"},
      {"no default", R"pb(request_id: "q")pb", "default_max_open_leads must be between 1 and 100000"},
      {"repeated user", R"pb(request_id: "q"
                             capacities { user_id: "u1" max_open_leads: 5 }
                             capacities { user_id: "u1" max_open_leads: 5 }
                             default_max_open_leads: 1)pb",
       "capacities[1].user_id repeats u1"},
      {"zero capacity", R"pb(request_id: "q"
                             capacities { user_id: "u1" }
                             default_max_open_leads: 1)pb",
       "capacities[0].max_open_leads"},
  });
}

TEST(ValidationTest, StatusAndConversion) {
  RunValidationTable<v1::ChangeLeadStatusRequest>({
      {"ok", R"pb(request_id: "q" lead_id: "l1" status: LEAD_STATUS_NURTURE)pb", ""},
      {"qualify here", R"pb(request_id: "q" lead_id: "l1" status: LEAD_STATUS_QUALIFIED)pb",
       "status must be WORKING or NURTURE"},
      {"unknown status", R"pb(request_id: "q" lead_id: "l1" status: 12)pb", "status has an unknown value 12"},
  });
  RunValidationTable<v1::DisqualifyLeadRequest>({
      {"ok", R"pb(request_id: "q" lead_id: "l1" reason: "no budget")pb", ""},
      {"no reason", R"pb(request_id: "q" lead_id: "l1")pb", "reason is required"},
  });
  RunValidationTable<v1::QualifyLeadRequest>({{"no lead", R"pb(request_id: "q")pb", "lead_id is required"}});
  RunValidationTable<v1::AssignLeadRequest>({
      {"by rule", R"pb(request_id: "q" lead_id: "l1")pb", ""},
      {"bad user", R"pb(request_id: "q" lead_id: "l1" user_id: "a b")pb", "user_id must be"},
  });
  const std::string opportunity = R"pb(opportunity {
                                         pipeline_id: "p1"
                                         name: "Deal"
                                         amount { minor_units: 100 currency: "USD" }
                                         expected_close_date { seconds: 1 }
                                       })pb";
  RunValidationTable<v1::ConvertLeadRequest>({
      {"ok", R"pb(request_id: "q" lead_id: "l1")pb" + opportunity, ""},
      {"no opportunity", R"pb(request_id: "q" lead_id: "l1")pb", "opportunity is required"},
      {"malformed money", R"pb(request_id: "q"
                               lead_id: "l1"
                               opportunity {
                                 pipeline_id: "p1"
                                 name: "Deal"
                                 amount { minor_units: 1 currency: "DOLLARS" }
                               })pb",
       "opportunity.amount.currency"},
      {"no close date", R"pb(request_id: "q"
                             lead_id: "l1"
                             opportunity {
                               pipeline_id: "p1"
                               name: "Deal"
                               amount { currency: "USD" }
                             })pb",
       "opportunity.expected_close_date is required"},
  });
  RunValidationTable<v1::GetLeadRequest>({{"no id", "", "lead_id is required"}});
  RunValidationTable<v1::ListLeadsRequest>({
      {"ok", R"pb(status: LEAD_STATUS_NEW order: LEAD_ORDER_SCORE min_score: 10 page_size: 20)pb", ""},
      {"unknown order", R"pb(order: 7)pb", "order has an unknown value 7"},
      {"unknown status", R"pb(status: 70)pb", "status has an unknown value 70"},
      {"long token", "page_token: \"" + std::string(1025, 't') + "\"", "page_token must be at most 1024"},
  });
  EXPECT_EQ(PageSize(0), kDefaultPageSize);
  EXPECT_EQ(PageSize(7), 7);
}

}  // namespace
}  // namespace sfa::lead::domain

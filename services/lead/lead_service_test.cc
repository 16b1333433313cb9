// The lead service over gRPC: capture and duplicates, status, scoring with explanations, campaigns,
// merge, lists, assignment (the 1,000-lead round-robin), conversion through a real in-process
// opportunity service, and the learned score once outcomes arrive.

#include <google/protobuf/text_format.h>

#include <atomic>
#include <map>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lead/domain/support.h"
#include "lead/testing/test_server.h"
#include "opportunity/testing/test_server.h"

namespace sfa::lead {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using S = v1::LeadService::Stub;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

v1::CaptureLeadRequest Capture(const std::string& request_id, const std::string& lead_id, const std::string& name,
                               const std::string& email = "", const std::string& company = "",
                               const std::string& channel = "web") {
  v1::CaptureLeadRequest r;
  r.set_request_id(request_id);
  r.set_lead_id(lead_id);
  r.mutable_source()->set_channel(channel);
  r.mutable_person()->set_name(name);
  r.mutable_person()->set_email(email);
  r.mutable_company()->set_name(company);
  return r;
}

v1::ChangeLeadStatusRequest Status(const std::string& request_id, const std::string& lead_id, v1::LeadStatus to) {
  v1::ChangeLeadStatusRequest r;
  r.set_request_id(request_id);
  r.set_lead_id(lead_id);
  r.set_status(to);
  return r;
}

v1::AssignLeadRequest AssignTo(const std::string& request_id, const std::string& lead_id, const std::string& user) {
  v1::AssignLeadRequest r;
  r.set_request_id(request_id);
  r.set_lead_id(lead_id);
  r.set_user_id(user);
  return r;
}

v1::Lead Get(testing::TestServer& server, const std::string& lead_id) {
  v1::GetLeadRequest r;
  r.set_lead_id(lead_id);
  return server.Ok(&S::GetLead, r).lead();
}

TEST(LeadCaptureTest, CapturesAndReportsTheEarliestDuplicateByEachKey) {
  testing::TestServer server;
  v1::CaptureLeadResponse first =
      server.Ok(&S::CaptureLead, Capture("r1", "l1", "Li Wei", "li.wei@gmail.com", "Huawei Technologies Co"));
  EXPECT_EQ(first.lead().status(), v1::LEAD_STATUS_NEW);
  EXPECT_EQ(first.duplicate_of(), "");
  EXPECT_EQ(first.lead().version(), 1u);

  // Gmail ignores dots and +tags: the same mailbox.
  v1::CaptureLeadResponse by_email = server.Ok(&S::CaptureLead, Capture("r2", "l2", "W. Li", "LiWei+expo@gmail.com"));
  EXPECT_EQ(by_email.duplicate_of(), "l1");
  EXPECT_EQ(by_email.duplicate_match(), v1::DUPLICATE_MATCH_EMAIL);
  EXPECT_EQ(by_email.lead().duplicate_of(), "l1");

  v1::CaptureLeadRequest phone = Capture("r3", "l3", "Anna", "anna@acme.example");
  phone.mutable_person()->set_phone("+49 30 1234567");
  server.Ok(&S::CaptureLead, phone);
  v1::CaptureLeadRequest same_phone = Capture("r4", "l4", "A. Schmidt", "a.schmidt@other.example");
  same_phone.mutable_person()->set_phone("0049-30-1234567");
  v1::CaptureLeadResponse by_phone = server.Ok(&S::CaptureLead, same_phone);
  EXPECT_EQ(by_phone.duplicate_of(), "l3");
  EXPECT_EQ(by_phone.duplicate_match(), v1::DUPLICATE_MATCH_PHONE);

  // Company + name, ignoring case, punctuation and the legal form.
  v1::CaptureLeadResponse by_name = server.Ok(&S::CaptureLead, Capture("r5", "l5", "li wei", "", "HUAWEI TECHNOLOGIES"));
  EXPECT_EQ(by_name.duplicate_of(), "l1");
  EXPECT_EQ(by_name.duplicate_match(), v1::DUPLICATE_MATCH_COMPANY_AND_NAME);

  // Another tenant shares nothing.
  v1::CaptureLeadResponse other = server.Ok(&S::CaptureLead, Capture("r1", "l1", "Li Wei", "li.wei@gmail.com"), "globex");
  EXPECT_EQ(other.duplicate_of(), "");
}

TEST(LeadCaptureTest, RetriedRequestAnswersTheFirstResultAndAppendsNothing) {
  testing::TestServer server;
  v1::CaptureLeadRequest request = Capture("same", "", "Generated Id");
  v1::CaptureLeadResponse first = server.Ok(&S::CaptureLead, request);
  const uint64_t head = server.store().HeadPosition();
  v1::CaptureLeadResponse again = server.Ok(&S::CaptureLead, request);
  EXPECT_EQ(again.lead().lead_id(), first.lead().lead_id());
  EXPECT_EQ(server.store().HeadPosition(), head);
  // A taken id is ALREADY_EXISTS.
  EXPECT_EQ(server.Status(&S::CaptureLead, Capture("other", first.lead().lead_id(), "X")).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

TEST(LeadStatusTest, FollowsTheMachineAndRefusesIllegalMoves) {
  testing::TestServer server;
  server.Ok(&S::CaptureLead, Capture("c", "l1", "Maria"));
  grpc::Status illegal = server.Status(&S::ChangeLeadStatus, Status("s0", "l1", v1::LEAD_STATUS_NURTURE));
  EXPECT_EQ(illegal.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(illegal.error_message(), HasSubstr("illegal_status_transition"));

  server.Ok(&S::ChangeLeadStatus, Status("s1", "l1", v1::LEAD_STATUS_WORKING));
  server.Ok(&S::ChangeLeadStatus, Status("s2", "l1", v1::LEAD_STATUS_NURTURE));
  v1::QualifyLeadRequest qualify;
  qualify.set_request_id("q1");
  qualify.set_lead_id("l1");
  grpc::Status no_owner = server.Status(&S::QualifyLead, qualify);
  EXPECT_EQ(no_owner.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(no_owner.error_message(), HasSubstr("qualify_requires_owner"));

  v1::AssignLeadResponse assigned = server.Ok(&S::AssignLead, AssignTo("a1", "l1", "bob"));
  EXPECT_EQ(assigned.method(), v1::ASSIGNMENT_METHOD_MANUAL);
  EXPECT_EQ(assigned.lead().owner_user_id(), "bob");
  qualify.set_request_id("q2");
  EXPECT_EQ(server.Ok(&S::QualifyLead, qualify).lead().status(), v1::LEAD_STATUS_QUALIFIED);

  v1::DisqualifyLeadRequest disqualify;
  disqualify.set_request_id("d1");
  disqualify.set_lead_id("l1");
  disqualify.set_reason("budget frozen until 2026");
  v1::Lead lead = server.Ok(&S::DisqualifyLead, disqualify).lead();
  EXPECT_EQ(lead.status(), v1::LEAD_STATUS_DISQUALIFIED);
  EXPECT_EQ(lead.disqualification_reason(), "budget frozen until 2026");
  // Closed leads are final.
  EXPECT_EQ(server.Status(&S::ChangeLeadStatus, Status("s3", "l1", v1::LEAD_STATUS_WORKING)).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(server.Status(&S::AssignLead, AssignTo("a2", "l1", "carl")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // A stale expected_version is ABORTED.
  v1::ChangeLeadStatusRequest stale = Status("s4", "l1", v1::LEAD_STATUS_WORKING);
  stale.set_expected_version(1);
  EXPECT_EQ(server.Status(&S::ChangeLeadStatus, stale).error_code(), grpc::StatusCode::ABORTED);
}

TEST(LeadScoringTest, ExplainsFitAndDecaysBehaviour) {
  testing::TestServer server;
  v1::DefineScoringModelRequest define = Parse<v1::DefineScoringModelRequest>(R"pb(
    request_id: "m1"
    model {
      fit_rules {
        rule_id: "big"
        description: "1000+ employees"
        conditions { field: "company.employees" operator: CONDITION_OPERATOR_AT_LEAST number: 1000 }
        points: 30
      }
      fit_rules {
        rule_id: "student"
        conditions { field: "attributes.occupation" operator: CONDITION_OPERATOR_EQUALS values: "Student" }
        points: -20
      }
      engagement_weights { kind: ENGAGEMENT_KIND_WEBINAR points_per_count: 10 }
      engagement_weights { kind: ENGAGEMENT_KIND_VISIT points_per_count: 1 points_per_minute: 2 }
      behaviour_half_life { seconds: 604800 }
    })pb");
  EXPECT_EQ(server.Ok(&S::DefineScoringModel, define).model_version(), 1u);
  EXPECT_EQ(server.Ok(&S::DefineScoringModel, define).model_version(), 1u);  // retried: same

  v1::CaptureLeadRequest capture = Capture("c", "l1", "Ada", "", "Initech");
  capture.mutable_company()->set_employees(5000);
  (*capture.mutable_attributes())["occupation"] = "Engineer";
  server.Ok(&S::CaptureLead, capture);
  v1::RecordEngagementRequest webinar;
  webinar.set_request_id("e1");
  webinar.set_lead_id("l1");
  webinar.set_kind(v1::ENGAGEMENT_KIND_WEBINAR);
  server.Ok(&S::RecordEngagement, webinar);
  v1::RecordEngagementRequest visit = webinar;
  visit.set_request_id("e2");
  visit.set_kind(v1::ENGAGEMENT_KIND_VISIT);
  visit.set_count(3);
  visit.set_duration_seconds(150);  // 2 whole minutes
  server.Ok(&S::RecordEngagement, visit);

  v1::Lead lead = Get(server, "l1");
  EXPECT_EQ(lead.scores().fit(), 30);
  ASSERT_EQ(lead.scores().fit_rules_size(), 2);
  EXPECT_TRUE(lead.scores().fit_rules(0).matched());
  EXPECT_FALSE(lead.scores().fit_rules(1).matched());
  EXPECT_DOUBLE_EQ(lead.scores().behaviour(), 10 + 3 + 4);
  EXPECT_EQ(lead.scores().model_version(), 1u);
  EXPECT_FALSE(lead.scores().has_predictive_probability());  // no outcomes yet

  server.clock().Advance(absl::Hours(24 * 7));  // one half-life later
  EXPECT_DOUBLE_EQ(Get(server, "l1").scores().behaviour(), (10 + 3 + 4) / 2.0);
}

TEST(LeadMergeTest, KeepsEveryStreamAndMakesDuplicatesReadOnly) {
  testing::TestServer server;
  server.Ok(&S::CaptureLead, Capture("c1", "l1", "Ada", "ada@initech.example"));
  server.Ok(&S::CaptureLead, Capture("c2", "l2", "Ada L.", "ada@initech.example"));
  v1::RecordEngagementRequest open;
  open.set_request_id("e1");
  open.set_lead_id("l2");
  open.set_kind(v1::ENGAGEMENT_KIND_EMAIL_OPEN);
  open.set_count(2);
  server.Ok(&S::RecordEngagement, open);

  v1::MergeLeadsRequest merge;
  merge.set_request_id("m1");
  merge.set_survivor_id("l1");
  merge.add_duplicate_ids("l2");
  merge.add_duplicate_ids("l2");
  v1::Lead survivor = server.Ok(&S::MergeLeads, merge).survivor();
  EXPECT_THAT(survivor.merged_lead_ids(), ElementsAre("l2"));
  // The survivor's behaviour reads the merged lead's engagement.
  ASSERT_EQ(survivor.scores().behaviour_kinds_size(), 1);
  EXPECT_EQ(survivor.scores().behaviour_kinds(0).count(), 2);

  v1::Lead duplicate = Get(server, "l2");
  EXPECT_EQ(duplicate.status(), v1::LEAD_STATUS_MERGED);
  EXPECT_EQ(duplicate.merged_into_lead_id(), "l1");
  EXPECT_EQ(duplicate.version(), 3u);  // captured, engagement, merged: nothing removed
  grpc::Status read_only = server.Status(&S::ChangeLeadStatus, Status("s", "l2", v1::LEAD_STATUS_WORKING));
  EXPECT_EQ(read_only.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(read_only.error_message(), HasSubstr("lead_merged"));
  EXPECT_THAT(read_only.error_message(), HasSubstr("l1"));

  // Retried: the same answer, nothing appended.
  const uint64_t head = server.store().HeadPosition();
  server.Ok(&S::MergeLeads, merge);
  EXPECT_EQ(server.store().HeadPosition(), head);
  v1::MergeLeadsRequest itself = merge;
  itself.set_request_id("m2");
  itself.clear_duplicate_ids();
  itself.add_duplicate_ids("l1");
  EXPECT_EQ(server.Status(&S::MergeLeads, itself).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST(LeadListTest, FiltersOrdersAndPages) {
  testing::TestServer server;
  server.Ok(&S::DefineScoringModel, Parse<v1::DefineScoringModelRequest>(R"pb(
              request_id: "m"
              model { engagement_weights { kind: ENGAGEMENT_KIND_CALL points_per_count: 5 } })pb"));
  for (int i = 0; i < 7; ++i) {
    server.Ok(&S::CaptureLead, Capture(absl::StrCat("c", i), absl::StrCat("l", i), absl::StrCat("P", i), "", "",
                                       i % 2 == 0 ? "web" : "event"));
    server.clock().Advance(absl::Seconds(1));
    v1::RecordEngagementRequest call;
    call.set_request_id(absl::StrCat("e", i));
    call.set_lead_id(absl::StrCat("l", i));
    call.set_kind(v1::ENGAGEMENT_KIND_CALL);
    call.set_count((i * 3) % 7 + 1);  // scores 5..35 in a shuffled order
    server.Ok(&S::RecordEngagement, call);
  }
  server.Ok(&S::AssignLead, AssignTo("a", "l3", "bob"));

  v1::ListLeadsRequest list;
  list.set_page_size(3);
  std::vector<std::string> newest_first;
  for (;;) {
    v1::ListLeadsResponse page = server.Ok(&S::ListLeads, list);
    for (const v1::Lead& l : page.leads()) newest_first.push_back(l.lead_id());
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  EXPECT_THAT(newest_first, ElementsAre("l6", "l5", "l4", "l3", "l2", "l1", "l0"));

  v1::ListLeadsRequest by_score;
  by_score.set_order(v1::LEAD_ORDER_SCORE);
  by_score.set_page_size(2);
  std::vector<double> scores;
  for (;;) {
    v1::ListLeadsResponse page = server.Ok(&S::ListLeads, by_score);
    for (const v1::Lead& l : page.leads()) scores.push_back(l.scores().fit() + l.scores().behaviour());
    if (page.next_page_token().empty()) break;
    by_score.set_page_token(page.next_page_token());
  }
  ASSERT_EQ(scores.size(), 7u);
  EXPECT_TRUE(std::is_sorted(scores.rbegin(), scores.rend()));

  v1::ListLeadsRequest filtered;
  filtered.set_channel("event");
  filtered.set_min_score(15);
  std::vector<std::string> ids;
  const v1::ListLeadsResponse event_leads = server.Ok(&S::ListLeads, filtered);
  for (const v1::Lead& l : event_leads.leads()) ids.push_back(l.lead_id());
  // event leads are l1 (count 4 -> 20), l3 (count 3 -> 15), l5 (count 2 -> 10).
  EXPECT_THAT(ids, ElementsAre("l3", "l1"));
  v1::ListLeadsRequest owned;
  owned.set_owner_user_id("bob");
  ASSERT_EQ(server.Ok(&S::ListLeads, owned).leads_size(), 1);
  v1::ListLeadsRequest by_status;
  by_status.set_status(v1::LEAD_STATUS_NEW);
  EXPECT_EQ(server.Ok(&S::ListLeads, by_status).leads_size(), 7);
}

TEST(LeadCampaignTest, CountsLeadsAndCostPerLead) {
  testing::TestServer server;
  v1::UpsertCampaignRequest upsert = Parse<v1::UpsertCampaignRequest>(R"pb(
    request_id: "u1" campaign_id: "expo-2024" channel: "event" name: "China Expo 2024")pb");
  EXPECT_EQ(server.Ok(&S::UpsertCampaign, upsert).campaign().name(), "China Expo 2024");
  v1::RecordCampaignCostRequest cost = Parse<v1::RecordCampaignCostRequest>(R"pb(
    request_id: "k1" campaign_id: "expo-2024" amount { currency: "CNY" minor_units: 1000000 })pb");
  server.Ok(&S::RecordCampaignCost, cost);
  for (int i = 0; i < 3; ++i) {
    v1::CaptureLeadRequest c = Capture(absl::StrCat("c", i), absl::StrCat("l", i), absl::StrCat("Visitor ", i));
    c.mutable_source()->set_campaign_id("expo-2024");
    server.Ok(&S::CaptureLead, c);
  }
  v1::CaptureLeadRequest unknown = Capture("cx", "lx", "X");
  unknown.mutable_source()->set_campaign_id("no-such-campaign");
  EXPECT_EQ(server.Status(&S::CaptureLead, unknown).error_code(), grpc::StatusCode::NOT_FOUND);

  v1::GetCampaignRequest get;
  get.set_campaign_id("expo-2024");
  v1::Campaign campaign = server.Ok(&S::GetCampaign, get).campaign();
  EXPECT_EQ(campaign.leads(), 3);
  EXPECT_EQ(campaign.total_cost().minor_units(), 1000000);
  EXPECT_EQ(campaign.cost_per_lead().minor_units(), 333333);
  EXPECT_FALSE(campaign.has_cost_per_customer());
  v1::RecordCampaignCostRequest other_currency = cost;
  other_currency.set_request_id("k2");
  other_currency.mutable_amount()->set_currency("USD");
  grpc::Status mismatch = server.Status(&S::RecordCampaignCost, other_currency);
  EXPECT_EQ(mismatch.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(mismatch.error_message(), HasSubstr("campaign_currency_mismatch"));
  v1::ListCampaignsRequest list;
  list.set_channel("event");
  EXPECT_EQ(server.Ok(&S::ListCampaigns, list).campaigns_size(), 1);
  list.set_channel("web");
  EXPECT_EQ(server.Ok(&S::ListCampaigns, list).campaigns_size(), 0);
}

// The acceptance case: 1,000 leads over three members with capacities 1:1:2 land within +-1 of
// 250/250/500, and no member ever exceeds its capacity — with the picks made by 8 concurrent callers.
TEST(LeadAssignmentTest, RoundRobinOverThousandLeadsFollowsCapacities) {
  testing::TestServer server;
  server.AnnounceTeam("acme", "inside-sales", {"amy", "ben", "cat"});
  server.Ok(&S::DefineAssignmentRules, Parse<v1::DefineAssignmentRulesRequest>(R"pb(
              request_id: "rules"
              rules {
                rule_id: "everyone"
                team_id: "inside-sales"
              }
              capacities { user_id: "amy" max_open_leads: 250 }
              capacities { user_id: "ben" max_open_leads: 250 }
              capacities { user_id: "cat" max_open_leads: 500 }
              default_max_open_leads: 10)pb"));
  constexpr int kLeads = 1000;
  constexpr int kCallers = 8;
  for (int i = 0; i < kLeads; ++i) {
    server.Ok(&S::CaptureLead, Capture(absl::StrCat("c", i), absl::StrCat("l", i), absl::StrCat("Lead ", i)));
  }
  const std::map<std::string, int> capacity = {{"amy", 250}, {"ben", 250}, {"cat", 500}};
  std::mutex mu;
  std::map<std::string, int> owned;
  std::vector<std::string> failures;
  std::atomic<int> next{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < kCallers; ++c) {
    callers.emplace_back([&] {
      for (int i = next++; i < kLeads; i = next++) {
        v1::AssignLeadRequest r;
        r.set_request_id(absl::StrCat("a", i));
        r.set_lead_id(absl::StrCat("l", i));
        v1::AssignLeadResponse response;
        grpc::Status status = server.Call(&S::AssignLead, r, &response);
        std::lock_guard<std::mutex> lock(mu);
        if (!status.ok()) {
          failures.push_back(status.error_message());
          continue;
        }
        const std::string& owner = response.lead().owner_user_id();
        EXPECT_EQ(response.method(), v1::ASSIGNMENT_METHOD_RULE);
        EXPECT_EQ(response.rule_id(), "everyone");
        EXPECT_EQ(response.lead().team_id(), "inside-sales");
        // Every lead stays open, so a member's count only grows: checking after each pick is "ever".
        EXPECT_LE(++owned[owner], capacity.at(owner)) << owner << " exceeded its capacity";
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_THAT(failures, ::testing::IsEmpty());
  EXPECT_NEAR(owned["amy"], 250, 1);
  EXPECT_NEAR(owned["ben"], 250, 1);
  EXPECT_NEAR(owned["cat"], 500, 1);

  // Everyone is full now: the next lead is refused rather than overloading anybody.
  server.Ok(&S::CaptureLead, Capture("c-extra", "extra", "One Too Many"));
  v1::AssignLeadRequest extra;
  extra.set_request_id("a-extra");
  extra.set_lead_id("extra");
  grpc::Status full = server.Status(&S::AssignLead, extra);
  EXPECT_EQ(full.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(full.error_message(), HasSubstr("team_at_capacity"));
}

TEST(LeadAssignmentTest, SkipsFullMembersAndFollowsTheFirstMatchingRule) {
  testing::TestServer server;
  server.AnnounceTeam("acme", "enterprise", {"eve", "fred"});
  server.AnnounceTeam("acme", "smb", {"sam"});
  server.Ok(&S::DefineAssignmentRules, Parse<v1::DefineAssignmentRulesRequest>(R"pb(
              request_id: "rules"
              rules {
                rule_id: "big-companies"
                conditions { field: "company.employees" operator: CONDITION_OPERATOR_AT_LEAST number: 1000 }
                team_id: "enterprise"
              }
              rules { rule_id: "rest" team_id: "smb" }
              capacities { user_id: "eve" max_open_leads: 1 }
              capacities { user_id: "fred" max_open_leads: 3 }
              default_max_open_leads: 100)pb"));
  std::map<std::string, int> owners;
  for (int i = 0; i < 4; ++i) {
    v1::CaptureLeadRequest c = Capture(absl::StrCat("c", i), absl::StrCat("big", i), "Buyer", "", "Big Co");
    c.mutable_company()->set_employees(5000);
    server.Ok(&S::CaptureLead, c);
    v1::AssignLeadRequest r;
    r.set_request_id(absl::StrCat("a", i));
    r.set_lead_id(absl::StrCat("big", i));
    v1::AssignLeadResponse response = server.Ok(&S::AssignLead, r);
    EXPECT_EQ(response.rule_id(), "big-companies");
    ++owners[response.lead().owner_user_id()];
  }
  EXPECT_EQ(owners["eve"], 1);  // capacity 1: skipped once full
  EXPECT_EQ(owners["fred"], 3);
  v1::CaptureLeadRequest fifth = Capture("c-5", "big5", "Buyer", "", "Big Co");
  fifth.mutable_company()->set_employees(5000);
  server.Ok(&S::CaptureLead, fifth);
  v1::AssignLeadRequest full;
  full.set_request_id("a-5");
  full.set_lead_id("big5");
  EXPECT_THAT(server.Status(&S::AssignLead, full).error_message(), HasSubstr("team_at_capacity"));
  server.Ok(&S::CaptureLead, Capture("c-small", "small", "Owner", "", "Corner Shop"));
  v1::AssignLeadRequest small;
  small.set_request_id("a-small");
  small.set_lead_id("small");
  v1::AssignLeadResponse response = server.Ok(&S::AssignLead, small);
  EXPECT_EQ(response.rule_id(), "rest");
  EXPECT_EQ(response.lead().owner_user_id(), "sam");

  // A team the opportunity service never announced cannot take leads.
  server.Ok(&S::DefineAssignmentRules, Parse<v1::DefineAssignmentRulesRequest>(R"pb(
              request_id: "rules2" rules { rule_id: "ghost" team_id: "ghost-team" } default_max_open_leads: 5)pb"));
  server.Ok(&S::CaptureLead, Capture("c-g", "g", "Someone"));
  v1::AssignLeadRequest ghost;
  ghost.set_request_id("a-g");
  ghost.set_lead_id("g");
  grpc::Status unknown = server.Status(&S::AssignLead, ghost);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(unknown.error_message(), HasSubstr("team_unknown"));
}

// Conversion against the real opportunity service (in process).
class LeadConversionTest : public ::testing::Test {
 protected:
  LeadConversionTest() : lead_(absl::StrCat("127.0.0.1:", opportunity_.port())) {
    opportunity_.SeedOrganisation();
    opportunity_.SeedPipelines();
  }

  void QualifiedLead(const std::string& id, const std::string& channel) {
    v1::CaptureLeadRequest c = Capture("c-" + id, id, "Lead " + id, id + "@buyer.example", "", channel);
    lead_.Ok(&S::CaptureLead, c);
    lead_.Ok(&S::ChangeLeadStatus, Status("w-" + id, id, v1::LEAD_STATUS_WORKING));
    lead_.Ok(&S::AssignLead, AssignTo("a-" + id, id, "anna"));
    v1::QualifyLeadRequest q;
    q.set_request_id("q-" + id);
    q.set_lead_id(id);
    lead_.Ok(&S::QualifyLead, q);
  }

  v1::ConvertLeadRequest ConvertRequest(const std::string& request_id, const std::string& id) {
    v1::ConvertLeadRequest r;
    r.set_request_id(request_id);
    r.set_lead_id(id);
    r.mutable_opportunity()->set_pipeline_id("maven");
    r.mutable_opportunity()->set_name("Licences for " + id);
    *r.mutable_opportunity()->mutable_expected_close_date() = domain::ToTimestamp(testing::TestNow() + absl::Hours(24 * 60));
    r.mutable_opportunity()->mutable_amount()->set_currency("USD");
    r.mutable_opportunity()->mutable_amount()->set_minor_units(1250000);
    return r;
  }

  opportunity::testing::TestServer opportunity_;
  testing::TestServer lead_;
};

TEST_F(LeadConversionTest, CreatesAccountContactAndOpportunityOnce) {
  QualifiedLead("l1", "referral");
  v1::ConvertLeadResponse converted = lead_.Ok(&S::ConvertLead, ConvertRequest("conv-1", "l1"));
  EXPECT_EQ(converted.lead().status(), v1::LEAD_STATUS_CONVERTED);
  EXPECT_FALSE(converted.account_id().empty());
  EXPECT_FALSE(converted.contact_id().empty());
  EXPECT_FALSE(converted.opportunity_id().empty());
  EXPECT_EQ(converted.lead().opportunity_id(), converted.opportunity_id());

  opportunity::v1::GetOpportunityRequest get;
  get.set_opportunity_id(converted.opportunity_id());
  opportunity::v1::Opportunity deal =
      opportunity_.Ok(&opportunity::v1::OpportunityService::Stub::GetOpportunity, get).opportunity();
  EXPECT_EQ(deal.owner_user_id(), "anna");
  EXPECT_EQ(deal.account_id(), converted.account_id());
  EXPECT_EQ(deal.amount().minor_units(), 1250000);

  // The same request again: the first answer, no second call's effects.
  const uint64_t head = lead_.store().HeadPosition();
  v1::ConvertLeadResponse again = lead_.Ok(&S::ConvertLead, ConvertRequest("conv-1", "l1"));
  EXPECT_EQ(again.opportunity_id(), converted.opportunity_id());
  EXPECT_EQ(lead_.store().HeadPosition(), head);
  // A new request for a converted lead is refused.
  EXPECT_EQ(lead_.Status(&S::ConvertLead, ConvertRequest("conv-2", "l1")).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(LeadConversionTest, OpportunityServiceErrorsChangeNothing) {
  QualifiedLead("l1", "web");
  v1::ConvertLeadRequest bad = ConvertRequest("conv-1", "l1");
  bad.mutable_opportunity()->set_pipeline_id("no-such-pipeline");
  grpc::Status refused = lead_.Status(&S::ConvertLead, bad);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(refused.error_message(), HasSubstr("opportunity service"));
  EXPECT_EQ(Get(lead_, "l1").status(), v1::LEAD_STATUS_QUALIFIED);
  // The corrected request (same request id: nothing was recorded for it) converts.
  EXPECT_EQ(lead_.Ok(&S::ConvertLead, ConvertRequest("conv-1", "l1")).lead().status(), v1::LEAD_STATUS_CONVERTED);
}

TEST(LeadConversionDownTest, UnreachableOpportunityServiceIsUnavailableAndChangesNothing) {
  testing::TestServer server("127.0.0.1:1");
  server.Ok(&S::CaptureLead, Capture("c", "l1", "Ada"));
  server.Ok(&S::ChangeLeadStatus, Status("w", "l1", v1::LEAD_STATUS_WORKING));
  server.Ok(&S::AssignLead, AssignTo("a", "l1", "anna"));
  v1::QualifyLeadRequest q;
  q.set_request_id("q");
  q.set_lead_id("l1");
  server.Ok(&S::QualifyLead, q);
  const uint64_t head = server.store().HeadPosition();
  v1::ConvertLeadRequest convert;
  convert.set_request_id("conv");
  convert.set_lead_id("l1");
  convert.mutable_opportunity()->set_pipeline_id("maven");
  convert.mutable_opportunity()->set_name("Licences");
  convert.mutable_opportunity()->mutable_amount()->set_currency("EUR");
  convert.mutable_opportunity()->mutable_amount()->set_minor_units(990000);
  *convert.mutable_opportunity()->mutable_expected_close_date() = domain::ToTimestamp(testing::TestNow() + absl::Hours(24));
  grpc::Status down = server.Status(&S::ConvertLead, convert);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(down.error_message(), HasSubstr("not converted"));
  EXPECT_EQ(server.store().HeadPosition(), head);
  EXPECT_EQ(Get(server, "l1").status(), v1::LEAD_STATUS_QUALIFIED);
}

// Outcomes teach the predictive score: referral leads convert, cold-call leads do not.
TEST_F(LeadConversionTest, LearnsFromOutcomesAndExplainsTheProbability) {
  for (int i = 0; i < 30; ++i) {
    const std::string id = absl::StrCat("ref", i);
    QualifiedLead(id, "referral");
    lead_.Ok(&S::ConvertLead, ConvertRequest("conv-" + id, id));
    const std::string cold = absl::StrCat("cold", i);
    lead_.Ok(&S::CaptureLead, Capture("c-" + cold, cold, "Cold " + cold, "", "", "cold-call"));
    v1::DisqualifyLeadRequest d;
    d.set_request_id("d-" + cold);
    d.set_lead_id(cold);
    d.set_reason("no interest");
    lead_.Ok(&S::DisqualifyLead, d);
  }
  ASSERT_TRUE(lead_.service().trainer().WaitIdle(absl::Now() + absl::Seconds(60)));
  v1::GetScoringModelStatsResponse stats = lead_.Ok(&S::GetScoringModelStats, v1::GetScoringModelStatsRequest());
  EXPECT_EQ(stats.training_size() + stats.holdout_size(), 60);
  EXPECT_GT(stats.holdout_size(), 0);

  lead_.Ok(&S::CaptureLead, Capture("c-new-ref", "new-ref", "New Referral", "", "", "referral"));
  lead_.Ok(&S::CaptureLead, Capture("c-new-cold", "new-cold", "New Cold", "", "", "cold-call"));
  v1::Lead referral = Get(lead_, "new-ref");
  v1::Lead cold = Get(lead_, "new-cold");
  ASSERT_TRUE(referral.scores().has_predictive_probability());
  ASSERT_TRUE(cold.scores().has_predictive_probability());
  EXPECT_GT(referral.scores().predictive_probability(), 0.5);
  EXPECT_LT(cold.scores().predictive_probability(), 0.5);
  ASSERT_GT(referral.scores().predictive_factors_size(), 0);
  EXPECT_THAT(referral.scores().predictive_factors(0).feature(), HasSubstr("referral"));
  EXPECT_GT(referral.scores().predictive_factors(0).contribution(), 0);
}

}  // namespace
}  // namespace sfa::lead

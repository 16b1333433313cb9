// The lead service's read models are a pure fold of its events: EventStore::RebuildProjection gives the
// incrementally built bytes back, and the Kafka-fed roster applied twice (a redelivery) changes nothing.

#include <google/protobuf/text_format.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "lead/projections/projections.h"
#include "lead/testing/test_server.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::lead {
namespace {

using S = v1::LeadService::Stub;
using Dump = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

template <typename Message>
Message Parse(const std::string& text) {
  Message m;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &m)) << text;
  return m;
}

Dump DumpOf(const eventstore::EventStore& store, const std::vector<std::string>& cfs) {
  Dump dump;
  for (const std::string& cf : cfs) dump[cf] = eventstore::testing::DumpColumnFamily(store, cf);
  return dump;
}

// A bit of everything the lead projection folds.
void RunScenario(testing::TestServer& server) {
  server.AnnounceTeam("acme", "inside", {"amy", "ben"});
  server.Ok(&S::DefineAssignmentRules, Parse<v1::DefineAssignmentRulesRequest>(
                                           R"pb(request_id: "rules" rules { rule_id: "all" team_id: "inside" }
                                                default_max_open_leads: 50)pb"));
  server.Ok(&S::UpsertCampaign, Parse<v1::UpsertCampaignRequest>(
                                    R"pb(request_id: "camp" campaign_id: "expo" channel: "event" name: "Expo")pb"));
  server.Ok(&S::RecordCampaignCost, Parse<v1::RecordCampaignCostRequest>(
                                        R"pb(request_id: "cost" campaign_id: "expo"
                                             amount { currency: "EUR" minor_units: 500000 })pb"));
  for (int i = 0; i < 12; ++i) {
    v1::CaptureLeadRequest capture;
    capture.set_request_id(absl::StrCat("c", i));
    capture.set_lead_id(absl::StrCat("l", i));
    capture.mutable_source()->set_channel(i % 3 == 0 ? "event" : "web");
    if (i % 3 == 0) capture.mutable_source()->set_campaign_id("expo");
    capture.mutable_person()->set_name(absl::StrCat("Person ", i % 10));
    capture.mutable_person()->set_email(absl::StrCat("p", i % 10, "@example.com"));
    (*capture.mutable_attributes())["tier"] = i % 2 == 0 ? "gold" : "silver";
    server.Ok(&S::CaptureLead, capture);
    server.clock().Advance(absl::Minutes(5));
    v1::RecordEngagementRequest engagement;
    engagement.set_request_id(absl::StrCat("e", i));
    engagement.set_lead_id(absl::StrCat("l", i));
    engagement.set_kind(v1::ENGAGEMENT_KIND_PAGE_VIEW);
    engagement.set_count(i + 1);
    server.Ok(&S::RecordEngagement, engagement);
    v1::AssignLeadRequest assign;
    assign.set_request_id(absl::StrCat("a", i));
    assign.set_lead_id(absl::StrCat("l", i));
    if (i % 4 == 0) assign.set_user_id("maria");
    server.Ok(&S::AssignLead, assign);
  }
  for (int i = 0; i < 4; ++i) {
    v1::ChangeLeadStatusRequest working;
    working.set_request_id(absl::StrCat("w", i));
    working.set_lead_id(absl::StrCat("l", i));
    working.set_status(v1::LEAD_STATUS_WORKING);
    server.Ok(&S::ChangeLeadStatus, working);
  }
  v1::DisqualifyLeadRequest disqualify;
  disqualify.set_request_id("d");
  disqualify.set_lead_id("l1");
  disqualify.set_reason("student");
  server.Ok(&S::DisqualifyLead, disqualify);
  v1::MergeLeadsRequest merge;
  merge.set_request_id("m");
  merge.set_survivor_id("l0");
  merge.add_duplicate_ids("l10");
  server.Ok(&S::MergeLeads, merge);
}

TEST(LeadReadModelTest, RebuildEqualsIncremental) {
  testing::TestServer server;
  RunScenario(server);
  projections::LeadProjection projection;
  const Dump incremental = DumpOf(server.store(), projection.column_families());
  size_t rows = 0;
  for (const auto& [cf, entries] : incremental) rows += entries.size();
  ASSERT_GT(rows, 50u);  // the scenario really filled the read models
  ASSERT_FALSE(incremental.at("rm_lead_outcome").empty());
  ASSERT_FALSE(incremental.at("rm_lead_owner_open").empty());
  ASSERT_FALSE(incremental.at("rm_lead_rotation").empty());

  ASSERT_TRUE(server.store().RebuildProjection("lead").ok());
  const Dump rebuilt = DumpOf(server.store(), projection.column_families());
  for (const auto& [cf, entries] : incremental) EXPECT_EQ(rebuilt.at(cf), entries) << cf << " differs after rebuild";
}

TEST(LeadReadModelTest, RedeliveredOpportunityEventsChangeNothing) {
  testing::TestServer server;
  server.AnnounceTeam("acme", "inside", {"amy", "ben"});
  server.AnnounceTeam("acme", "inside", {"amy", "ben", "cat"});
  projections::RosterProjection roster;
  const Dump once = DumpOf(server.store(), roster.column_families());
  // Kafka redelivers both events (at-least-once): their versions were applied already.
  std::vector<sfa::common::v1::EventEnvelope> events;
  for (uint64_t version : {1, 2}) {
    opportunity::v1::SalesTeamUpserted team;
    team.set_team_id("inside");
    team.add_member_user_ids("someone-else");
    sfa::common::v1::EventEnvelope e;
    e.set_tenant("acme");
    e.set_source("opportunity");
    e.set_aggregate_type("sales_team");
    e.set_aggregate_id("inside");
    e.set_aggregate_version(version);
    e.set_payload_type(std::string(opportunity::v1::SalesTeamUpserted::descriptor()->full_name()));
    e.set_payload(team.SerializeAsString());
    events.push_back(e);
  }
  server.FeedOpportunityEvents(events);
  EXPECT_EQ(DumpOf(server.store(), roster.column_families()), once);
  EXPECT_EQ(*server.service().queries().ActiveTeamMembers("acme", "inside"),
            (std::vector<std::string>{"amy", "ben", "cat"}));
}

}  // namespace
}  // namespace sfa::lead

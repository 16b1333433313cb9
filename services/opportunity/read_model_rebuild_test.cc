// The read models are a pure function of the events: dropping one and rebuilding it with
// EventStore::RebuildProjection gives the incrementally built bytes back, and replaying the same events
// into a fresh store gives the same bytes too. The story below moves every kind of index entry.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/projections/projections.h"
#include "opportunity/testing/test_server.h"

namespace sfa::opportunity {
namespace {

using ::sfa::opportunity::domain::Pb;
using Stub = v1::OpportunityService::Stub;
using Dump = std::map<std::string, std::vector<std::pair<std::string, std::string>>>;

Dump DumpReadModels(const eventstore::EventStore& store) {
  projections::ReadModels models;
  Dump dump;
  for (eventstore::Projection* projection : models.All()) {
    for (const std::string& cf : projection->column_families()) {
      dump[cf] = eventstore::testing::DumpColumnFamily(store, cf);
    }
  }
  return dump;
}

void ExpectSameBytes(const Dump& expected, const Dump& actual, const std::string& what) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  for (const auto& [cf, rows] : expected) {
    SCOPED_TRACE(absl::StrCat(what, ": ", cf));
    const auto& other = actual.at(cf);
    EXPECT_EQ(rows.size(), other.size());
    EXPECT_TRUE(rows == other) << "column family " << cf << " differs";
  }
}

// A story that creates, renames, re-parents, re-owns, closes and reopens, so index entries move.
void PlayStory(testing::TestServer& server) {
  server.SeedOrganisation();
  server.SeedPipelines();
  server.Ok(&Stub::CreateAccount,
            Pb<v1::CreateAccountRequest>(R"pb(request_id: "a1" account_id: "group" name: "Group")pb"));
  server.Ok(&Stub::CreateAccount, Pb<v1::CreateAccountRequest>(
                                      R"pb(request_id: "a2"
                                           account_id: "de"
                                           name: "Acme DE"
                                           parent_account_id: "group"
                                           owner_user_id: "anna")pb"));
  server.Ok(&Stub::CreateAccount, Pb<v1::CreateAccountRequest>(R"pb(request_id: "a3"
                                                                    account_id: "fr"
                                                                    name: "Acme FR"
                                                                    parent_account_id: "de")pb"));
  server.Ok(&Stub::UpdateAccount, Pb<v1::UpdateAccountRequest>(
                                      R"pb(request_id: "a4"
                                           account_id: "fr"
                                           name: "Acme France"
                                           parent_account_id: "group"
                                           owner_user_id: "bob")pb"));
  server.Ok(&Stub::CreateContact, Pb<v1::CreateContactRequest>(
                                      R"pb(request_id: "k1"
                                           contact_id: "k1"
                                           account_id: "de"
                                           name: "Klaus"
                                           email: "klaus@acme.example"
                                           buying_role: BUYING_ROLE_DECISION_MAKER)pb"));
  server.Ok(&Stub::CreateContact,
            Pb<v1::CreateContactRequest>(
                R"pb(request_id: "k2" contact_id: "k2" account_id: "de" name: "Greta" reports_to_contact_id: "k1")pb"));
  server.Ok(&Stub::UpdateContact, Pb<v1::UpdateContactRequest>(R"pb(request_id: "k3"
                                                                    contact_id: "k1"
                                                                    name: "Klaus Meier"
                                                                    email: "km@acme.example")pb"));
  for (int i = 0; i < 6; ++i) {
    v1::CreateOpportunityRequest create = Pb<v1::CreateOpportunityRequest>(
        R"pb(pipeline_id: "enterprise"
             owner_user_id: "anna"
             amount { minor_units: 250000 currency: "USD" }
             expected_close_date { seconds: 1720000000 })pb");
    create.set_request_id(absl::StrCat("o", i));
    create.set_opportunity_id(absl::StrCat("o", i));
    create.set_name(absl::StrCat("Deal ", i));
    create.set_account_id(i % 3 == 0 ? "de" : i % 3 == 1 ? "fr" : "");
    server.Ok(&Stub::CreateOpportunity, create);
    server.clock().Advance(absl::Hours(7));
  }
  server.Ok(&Stub::MoveStage, Pb<v1::MoveStageRequest>(
                                  R"pb(request_id: "m1"
                                       opportunity_id: "o0"
                                       to_stage_id: "propose"
                                       criteria_met: "need_identified"
                                       criteria_met: "budget_confirmed"
                                       criteria_met: "decision_maker_known")pb"));
  server.Ok(&Stub::UpdateOpportunity, Pb<v1::UpdateOpportunityRequest>(
                                          R"pb(request_id: "u1"
                                               opportunity_id: "o1"
                                               owner_user_id: "bob"
                                               name: "Renamed"
                                               expected_close_date { seconds: 1730000000 }
                                               amount { minor_units: 990000 currency: "USD" })pb"));
  server.Ok(&Stub::AddContactToOpportunity,
            Pb<v1::AddContactToOpportunityRequest>(R"pb(request_id: "c1" opportunity_id: "o0" contact_id: "k1")pb"));
  server.Ok(&Stub::AddContactToOpportunity,
            Pb<v1::AddContactToOpportunityRequest>(
                R"pb(request_id: "c2" opportunity_id: "o0" contact_id: "k2" role: BUYING_ROLE_CHAMPION)pb"));
  server.Ok(&Stub::RemoveContactFromOpportunity, Pb<v1::RemoveContactFromOpportunityRequest>(
                                                     R"pb(request_id: "c3" opportunity_id: "o0" contact_id: "k2")pb"));
  server.clock().Advance(absl::Hours(30));
  server.Ok(&Stub::CloseWon, Pb<v1::CloseWonRequest>(R"pb(request_id: "w1" opportunity_id: "o0")pb"));
  server.Ok(&Stub::CloseLost, Pb<v1::CloseLostRequest>(R"pb(request_id: "l1"
                                                            opportunity_id: "o1"
                                                            reason: "price"
                                                            lost_stage_id: "lost")pb"));
  server.Ok(&Stub::Reopen, Pb<v1::ReopenRequest>(R"pb(request_id: "r1" opportunity_id: "o1" reason: "back")pb"));
  server.Ok(&Stub::LogActivity, Pb<v1::LogActivityRequest>(
                                    R"pb(request_id: "act1"
                                         activity_id: "act1"
                                         subject_type: SUBJECT_TYPE_CONTACT
                                         subject_id: "k1"
                                         contact_ids: "k2"
                                         kind: ACTIVITY_KIND_VISIT
                                         occurred_at { seconds: 1717300000 })pb"));
  server.Ok(&Stub::LogActivity, Pb<v1::LogActivityRequest>(
                                    R"pb(request_id: "act2"
                                         activity_id: "act2"
                                         subject_type: SUBJECT_TYPE_OPPORTUNITY
                                         subject_id: "o2"
                                         kind: ACTIVITY_KIND_CALL
                                         occurred_at { seconds: 1717200000 })pb"));
  server.Ok(&Stub::Comment,
            Pb<v1::CommentRequest>(
                R"pb(request_id: "cm1"
                     comment_id: "cm1"
                     subject_type: SUBJECT_TYPE_ACTIVITY
                     subject_id: "act1"
                     text: "Good visit")pb"),
            "acme", "maria");
  // Bob leaves team east; carl joins.
  server.Ok(&Stub::UpsertSalesTeam, Pb<v1::UpsertSalesTeamRequest>(
                                        R"pb(request_id: "t2"
                                             team_id: "east"
                                             name: "East"
                                             manager_user_id: "maria"
                                             region: "EMEA"
                                             member_user_ids: "anna"
                                             member_user_ids: "carl")pb"));
  v1::DefinePipelineRequest redefine = Pb<v1::DefinePipelineRequest>(domain::kMavenStages);
  redefine.set_request_id("p2");
  redefine.set_pipeline_id("maven");
  redefine.set_name("MavenTech v2");
  server.Ok(&Stub::DefinePipeline, redefine);
}

TEST(ReadModelRebuildTest, RebuiltAndReplayedReadModelsEqualTheIncrementalOnes) {
  testing::TestServer server;
  PlayStory(server);
  const Dump incremental = DumpReadModels(server.store());
  // The story reached every family (an empty one would prove nothing).
  for (const auto& [cf, rows] : incremental) EXPECT_FALSE(rows.empty()) << cf << " is empty";

  projections::ReadModels models;
  for (eventstore::Projection* projection : models.All()) {
    ASSERT_TRUE(server.store().RebuildProjection(projection->name()).ok()) << projection->name();
  }
  ExpectSameBytes(incremental, DumpReadModels(server.store()), "rebuilt");

  // The same events, appended one by one to a fresh store with fresh projections.
  absl::StatusOr<std::vector<eventstore::EventEnvelope>> events = server.store().ReadAll(1, SIZE_MAX);
  ASSERT_TRUE(events.ok()) << events.status();
  eventstore::testing::TempDir dir("opportunity-replay");
  projections::ReadModels fresh_models;
  eventstore::EventStoreOptions options;
  options.path = dir.Sub("db");
  options.sync = false;
  options.projections = fresh_models.All();
  base::MetricsRegistry metrics;
  options.metrics = &metrics;
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> fresh = eventstore::EventStore::Open(options);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  for (const eventstore::EventEnvelope& e : *events) {
    eventstore::NewEvent event{e.payload_type(), e.payload(), domain::ToTime(e.occurred_at()), e.event_id()};
    absl::StatusOr<eventstore::AppendResult> appended = (*fresh)->Append(eventstore::testing::MakeAppend(
        {e.tenant(), e.aggregate_type(), e.aggregate_id()}, static_cast<int64_t>(e.aggregate_version() - 1), {event}));
    ASSERT_TRUE(appended.ok()) << appended.status();
  }
  ExpectSameBytes(incremental, DumpReadModels(**fresh), "replayed");
}

}  // namespace
}  // namespace sfa::opportunity

#include "opportunity/domain/sales_team.h"

#include <vector>

#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = SalesTeamEvent;
using absl::StatusCode;

// Dustin (manager) with reps Anna and Cecily, as in the MavenTech Central office.
UpsertSalesTeam Upsert(absl::string_view text) {
  UpsertSalesTeam command;
  command.request =
      Pb<v1::UpsertSalesTeamRequest>(TextProto(
          R"pb(request_id: "r1"
               team_id: "central-dustin"
               name: "Dustin's team"
               manager_user_id: "dustin"
               region: "Central")pb",
          text));
  command.users = {{"dustin", User("dustin", v1::USER_ROLE_MANAGER)},
                   {"anna", User("anna")},
                   {"cecily", User("cecily")},
                   {"gone", User("gone", v1::USER_ROLE_REP, true)},
                   {"rep-boss", User("rep-boss")}};
  command.now = Day(1);
  return command;
}

E Upserted(absl::string_view text) {
  return E{Day(1), Pb<v1::SalesTeamUpserted>(TextProto(R"pb(team_id: "central-dustin"
                                                            name: "Dustin's team"
                                                            manager_user_id: "dustin"
                                                            region: "Central")pb",
                                                       text))};
}

TEST(SalesTeamDeciderTest, UpsertSalesTeam) {
  const E team = Upserted(R"pb(member_user_ids: "anna"
                               member_user_ids: "gone"
                               added_member_user_ids: "anna"
                               added_member_user_ids: "gone")pb");
  UpsertSalesTeam in_other_team = Upsert(R"pb(member_user_ids: "anna")pb");
  in_other_team.other_team_of = {{"anna", "west-hayden"}};
  UpsertSalesTeam rep_manager = Upsert("");
  rep_manager.request.set_manager_user_id("rep-boss");
  UpsertSalesTeam missing_manager = Upsert("");
  missing_manager.request.set_manager_user_id("nobody");
  RunDeciderTable<SalesTeamState>(std::vector<DeciderCase<E, UpsertSalesTeam>>{
      {.name = "a new team",
       .when = Upsert(R"pb(member_user_ids: "anna" member_user_ids: "cecily")pb"),
       .then = {Upserted(R"pb(member_user_ids: "anna"
                              member_user_ids: "cecily"
                              added_member_user_ids: "anna"
                              added_member_user_ids: "cecily")pb")}},
      {.name = "members joining and leaving",
       .given = {team},
       .when = Upsert(R"pb(member_user_ids: "cecily" member_user_ids: "gone")pb"),
       .then = {Upserted(R"pb(member_user_ids: "cecily"
                              member_user_ids: "gone"
                              added_member_user_ids: "cecily"
                              removed_member_user_ids: "anna")pb")}},
      {.name = "a deactivated member already in the team does not block a change",
       .given = {team},
       .when =
           [] {
             UpsertSalesTeam command = Upsert(R"pb(member_user_ids: "anna" member_user_ids: "gone")pb");
             command.request.set_name("Central");
             return command;
           }(),
       .then = {E{Day(1), Pb<v1::SalesTeamUpserted>(R"pb(
                    team_id: "central-dustin"
                    name: "Central"
                    manager_user_id: "dustin"
                    region: "Central"
                    member_user_ids: "anna"
                    member_user_ids: "gone")pb")}}},
      {.name = "a new manager is recorded with the previous one",
       .given = {team},
       .when =
           [] {
             UpsertSalesTeam command = Upsert(R"pb(member_user_ids: "anna" member_user_ids: "gone")pb");
             command.request.set_manager_user_id("cecily");
             command.users["cecily"] = User("cecily", v1::USER_ROLE_DIRECTOR);
             return command;
           }(),
       .then = {E{Day(1), Pb<v1::SalesTeamUpserted>(R"pb(
                    team_id: "central-dustin"
                    name: "Dustin's team"
                    manager_user_id: "cecily"
                    region: "Central"
                    member_user_ids: "anna"
                    member_user_ids: "gone"
                    previous_manager_user_id: "dustin")pb")}}},
      {.name = "the same team in another member order changes nothing",
       .given = {team},
       .when = Upsert(R"pb(member_user_ids: "gone" member_user_ids: "anna")pb"),
       .then = {}},
      {.name = "a rep cannot manage a team",
       .when = rep_manager,
       .code = StatusCode::kFailedPrecondition,
       .message = "manager_role: manager_user_id rep-boss is a REP"},
      {.name = "missing manager",
       .when = missing_manager,
       .code = StatusCode::kNotFound,
       .message = "manager_user_id nobody not found"},
      {.name = "missing member",
       .when = Upsert(R"pb(member_user_ids: "ghost")pb"),
       .code = StatusCode::kNotFound,
       .message = "member_user_ids ghost not found"},
      {.name = "a deactivated new member",
       .when = Upsert(R"pb(member_user_ids: "gone")pb"),
       .code = StatusCode::kFailedPrecondition,
       .message = "user_deactivated: member_user_ids gone"},
      {.name = "one team per rep",
       .when = in_other_team,
       .code = StatusCode::kFailedPrecondition,
       .message = "member_of_another_team: member anna already belongs to team west-hayden"},
  });
}

}  // namespace
}  // namespace sfa::opportunity::domain

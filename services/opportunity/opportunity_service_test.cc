// The opportunity service over gRPC against the real server (ServiceHost, event store, read models):
// the stories of issue 3 from a sales organisation to won deals, account trees and coaching.

#include "opportunity/opportunity_service.h"

#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/testing/test_server.h"

namespace sfa::opportunity {
namespace {

using ::sfa::opportunity::domain::Pb;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;
using Stub = v1::OpportunityService::Stub;

constexpr int64_t kDay = 86400;

std::string Seconds(absl::Time t) { return absl::StrCat(absl::ToUnixSeconds(t)); }

class OpportunityServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.SeedOrganisation();
    server_.SeedPipelines();
  }

  v1::Account CreateAccount(const std::string& id, const std::string& name, const std::string& parent = "") {
    v1::CreateAccountRequest r;
    r.set_request_id("acc-" + id);
    r.set_account_id(id);
    r.set_name(name);
    r.set_parent_account_id(parent);
    r.set_owner_user_id("anna");
    return server_.Ok(&Stub::CreateAccount, r).account();
  }

  v1::Opportunity CreateOpportunity(const std::string& id, const std::string& account, const std::string& extra = "") {
    v1::CreateOpportunityRequest r =
        domain::With(Pb<v1::CreateOpportunityRequest>(R"pb(pipeline_id: "enterprise"
                                                           owner_user_id: "anna"
                                                           amount { minor_units: 100000 currency: "USD" })pb"),
                     extra);
    r.set_request_id("opp-" + id);
    r.set_opportunity_id(id);
    r.set_account_id(account);
    if (r.name().empty()) r.set_name("Deal " + id);
    return server_.Ok(&Stub::CreateOpportunity, r).opportunity();
  }

  v1::Opportunity Move(const std::string& id, const std::string& to, const std::string& extra = "") {
    v1::MoveStageRequest r = Pb<v1::MoveStageRequest>(extra);
    r.set_request_id(absl::StrCat("move-", id, "-", to, "-", ++counter_));
    r.set_opportunity_id(id);
    r.set_to_stage_id(to);
    return server_.Ok(&Stub::MoveStage, r).opportunity();
  }

  testing::TestServer server_;
  int counter_ = 0;
};

// ---------------------------------------------------------------------------------------------------

TEST_F(OpportunityServiceTest, SalesOrganisation) {
  v1::GetUserRequest get;
  get.set_user_id("anna");
  v1::User anna = server_.Ok(&Stub::GetUser, get).user();
  EXPECT_EQ(anna.team_id(), "east");
  EXPECT_EQ(anna.role(), v1::USER_ROLE_REP);

  v1::ListUsersRequest by_team;
  by_team.set_team_id("east");
  std::vector<std::string> members;
  const v1::ListUsersResponse team_users = server_.Ok(&Stub::ListUsers, by_team);
  for (const v1::User& u : team_users.users()) members.push_back(u.user_id());
  EXPECT_THAT(members, ElementsAre("anna", "bob"));

  // A rep cannot manage a team, and a member of one team cannot join another.
  v1::UpsertSalesTeamRequest west = Pb<v1::UpsertSalesTeamRequest>(
      R"pb(request_id: "west-1" team_id: "west" name: "West" manager_user_id: "carl" member_user_ids: "bob")pb");
  grpc::Status refused = server_.Status(&Stub::UpsertSalesTeam, west);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("manager_role"));
  west.set_request_id("west-2");
  west.set_manager_user_id("dave");
  refused = server_.Status(&Stub::UpsertSalesTeam, west);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("member_of_another_team"));
  west.set_request_id("west-3");
  west.set_member_user_ids(0, "carl");
  EXPECT_EQ(server_.Ok(&Stub::UpsertSalesTeam, west).sales_team().member_user_ids_size(), 1);

  v1::ListSalesTeamsRequest emea = Pb<v1::ListSalesTeamsRequest>(R"pb(region: "EMEA")pb");
  ASSERT_EQ(server_.Ok(&Stub::ListSalesTeams, emea).sales_teams_size(), 1);
  EXPECT_EQ(server_.Ok(&Stub::ListSalesTeams, v1::ListSalesTeamsRequest()).sales_teams_size(), 2);
}

TEST_F(OpportunityServiceTest, PipelinesAreVersionedAndSpeakChinese) {
  v1::GetPipelineRequest get;
  get.set_pipeline_id("tender");
  v1::Pipeline tender = server_.Ok(&Stub::GetPipeline, get).pipeline();
  std::vector<std::string> names;
  for (const v1::Stage& s : tender.stages()) names.push_back(s.name());
  EXPECT_THAT(names, ElementsAre("机会", "入围", "方案制定", "报价", "方案确认", "商务确认", "中标", "未中标"));

  // Redefining creates version 2; version 1 stays readable; an identical definition changes nothing.
  v1::DefinePipelineRequest redefine = Pb<v1::DefinePipelineRequest>(testing::kTenderStages);
  redefine.set_request_id("tender-v2");
  redefine.set_pipeline_id("tender");
  redefine.set_name("招投标 v2");
  EXPECT_EQ(server_.Ok(&Stub::DefinePipeline, redefine).pipeline().pipeline_version(), 2u);
  redefine.set_request_id("tender-v2-again");
  EXPECT_EQ(server_.Ok(&Stub::DefinePipeline, redefine).pipeline().pipeline_version(), 2u);
  get.set_pipeline_version(1);
  v1::Pipeline v1_again = server_.Ok(&Stub::GetPipeline, get).pipeline();
  EXPECT_EQ(v1_again.name(), "招投标");
  EXPECT_EQ(v1_again.latest_pipeline_version(), 2u);
  EXPECT_EQ(server_.Ok(&Stub::ListPipelines, v1::ListPipelinesRequest()).pipelines_size(), 3);

  // A tender deal walks the stages; 机会 needs its criterion first.
  CreateAccount("cgn", "中广核");
  CreateOpportunity("t1", "cgn", R"pb(pipeline_id: "tender"
                                      amount { minor_units: 500000000 currency: "CNY" })pb");
  v1::MoveStageRequest move =
      Pb<v1::MoveStageRequest>(R"pb(request_id: "t1-m1" opportunity_id: "t1" to_stage_id: "ruwei")pb");
  grpc::Status refused = server_.Status(&Stub::MoveStage, move);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("jihui/tender_notice"));
  Move("t1", "shangwu_queren", R"pb(criteria_met: "tender_notice")pb");
  v1::CloseWonRequest won = Pb<v1::CloseWonRequest>(R"pb(request_id: "t1-won" opportunity_id: "t1")pb");
  v1::Opportunity deal = server_.Ok(&Stub::CloseWon, won).opportunity();
  EXPECT_EQ(deal.stage_name(), "中标");
  EXPECT_EQ(deal.status(), v1::OPPORTUNITY_STATUS_WON);
}

TEST_F(OpportunityServiceTest, OpportunityLifecycle) {
  CreateAccount("acme-de", "Acme Deutschland");
  v1::Opportunity o = CreateOpportunity("o1", "acme-de");
  EXPECT_EQ(o.stage_id(), "prospect");
  EXPECT_EQ(o.stage_name(), "Prospect");
  EXPECT_EQ(o.version(), 1u);

  // Forward without the exit criteria: refused, naming what is missing.
  server_.clock().Advance(absl::Hours(48));
  v1::MoveStageRequest move =
      Pb<v1::MoveStageRequest>(R"pb(request_id: "m1" opportunity_id: "o1" to_stage_id: "propose")pb");
  grpc::Status refused = server_.Status(&Stub::MoveStage, move);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("exit_criteria_not_met"));
  EXPECT_THAT(refused.error_message(), HasSubstr("prospect/need_identified"));
  EXPECT_THAT(refused.error_message(), HasSubstr("qualify/budget_confirmed"));
  EXPECT_THAT(refused.error_message(), HasSubstr("qualify/decision_maker_known"));

  // Criteria recorded earlier count; criteria_met completes the rest with the move.
  v1::CompleteCriterionRequest complete = Pb<v1::CompleteCriterionRequest>(
      R"pb(request_id: "c1" opportunity_id: "o1" criterion_id: "need_identified" note: "pain confirmed")pb");
  EXPECT_EQ(server_.Ok(&Stub::CompleteCriterion, complete).opportunity().completed_criteria_size(), 1);
  o = Move("o1", "qualify", R"pb(expected_version: 2)pb");
  EXPECT_EQ(o.stage_id(), "qualify");
  EXPECT_EQ(o.probability_percent(), 30);
  server_.clock().Advance(absl::Hours(24 * 3));
  o = Move("o1", "propose", R"pb(criteria_met: "budget_confirmed" criteria_met: "decision_maker_known")pb");
  EXPECT_EQ(o.stage_id(), "propose");

  // Backwards needs a reason.
  server_.clock().Advance(absl::Hours(24));
  move = Pb<v1::MoveStageRequest>(R"pb(request_id: "back-1" opportunity_id: "o1" to_stage_id: "qualify")pb");
  refused = server_.Status(&Stub::MoveStage, move);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("backward_move_needs_reason"));
  o = Move("o1", "qualify", R"pb(reason: "budget frozen until Q3")pb");
  EXPECT_EQ(o.stage_history().rbegin()->entered_by(), v1::STAGE_CHANGE_KIND_BACKWARD);

  // Won, reopened (back to where it was closed from), lost.
  server_.clock().Advance(absl::Hours(24 * 2));
  v1::CloseWonRequest won = Pb<v1::CloseWonRequest>(R"pb(request_id: "w1"
                                                         opportunity_id: "o1"
                                                         amount { minor_units: 120000 currency: "USD" })pb");
  o = server_.Ok(&Stub::CloseWon, won).opportunity();
  EXPECT_EQ(o.status(), v1::OPPORTUNITY_STATUS_WON);
  EXPECT_EQ(o.amount().minor_units(), 120000);
  EXPECT_TRUE(o.has_closed_at());
  v1::ReopenRequest reopen =
      Pb<v1::ReopenRequest>(R"pb(request_id: "r1" opportunity_id: "o1" reason: "PO withdrawn")pb");
  o = server_.Ok(&Stub::Reopen, reopen).opportunity();
  EXPECT_EQ(o.status(), v1::OPPORTUNITY_STATUS_OPEN);
  EXPECT_EQ(o.stage_id(), "qualify");
  EXPECT_FALSE(o.has_closed_at());
  v1::CloseLostRequest lost =
      Pb<v1::CloseLostRequest>(R"pb(request_id: "l1" opportunity_id: "o1" reason: "price" competitor: "Globex")pb");
  refused = server_.Status(&Stub::CloseLost, lost);  // two lost stages: which one?
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("lost_stage_required"));
  lost.set_request_id("l2");
  lost.set_lost_stage_id("lost");
  o = server_.Ok(&Stub::CloseLost, lost).opportunity();
  EXPECT_EQ(o.status(), v1::OPPORTUNITY_STATUS_LOST);
  EXPECT_EQ(o.competitor(), "Globex");

  // The full stage history with the time spent in each stage.
  server_.clock().Advance(absl::Hours(5));
  v1::GetOpportunityRequest get;
  get.set_opportunity_id("o1");
  o = server_.Ok(&Stub::GetOpportunity, get).opportunity();
  std::vector<std::string> stages;
  std::vector<int64_t> seconds;
  for (const v1::StageVisit& visit : o.stage_history()) {
    stages.push_back(visit.stage_id());
    seconds.push_back(visit.time_in_stage().seconds());
  }
  EXPECT_THAT(stages, ElementsAre("prospect", "qualify", "propose", "qualify", "won", "qualify", "lost"));
  EXPECT_THAT(seconds, ElementsAre(2 * kDay, 3 * kDay, kDay, 2 * kDay, 0, 0, 5 * 3600));
  EXPECT_TRUE(o.stage_history(0).has_left_at());
  EXPECT_FALSE(o.stage_history(6).has_left_at());
}

TEST_F(OpportunityServiceTest, AStaleExpectedVersionIsAborted) {
  CreateAccount("acme-de", "Acme Deutschland");
  CreateOpportunity("o1", "acme-de");
  v1::UpdateOpportunityRequest rename = Pb<v1::UpdateOpportunityRequest>(
      R"pb(request_id: "u1" opportunity_id: "o1" name: "Rollout" expected_version: 1)pb");
  EXPECT_EQ(server_.Ok(&Stub::UpdateOpportunity, rename).opportunity().version(), 2u);
  rename.set_request_id("u2");
  rename.set_name("Rollout phase 2");
  grpc::Status stale = server_.Status(&Stub::UpdateOpportunity, rename);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(stale.error_message(), HasSubstr("expected_version 1"));
}

// Many callers at once on one deal, none naming a version: the shared runner serialises them, so all
// succeed and none is lost.
TEST_F(OpportunityServiceTest, ConcurrentCommandsOnOneDealAllCommit) {
  CreateAccount("acme-de", "Acme Deutschland");
  CreateOpportunity("o1", "acme-de");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 10;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        v1::UpdateOpportunityRequest update;
        update.set_request_id(absl::StrCat("amount-", t, "-", i));
        update.set_opportunity_id("o1");
        update.mutable_amount()->set_minor_units(1000 + t * kPerThread + i);
        update.mutable_amount()->set_currency("USD");
        v1::UpdateOpportunityResponse response;
        if (!server_.Call(&Stub::UpdateOpportunity, update, &response).ok()) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  v1::GetOpportunityRequest get;
  get.set_opportunity_id("o1");
  EXPECT_EQ(server_.Ok(&Stub::GetOpportunity, get).opportunity().version(), 1u + kThreads * kPerThread);
  v1::GetAccountRequest account;
  account.set_account_id("acme-de");
  EXPECT_EQ(server_.Ok(&Stub::GetAccount, account).open_count(), 1);
}

TEST_F(OpportunityServiceTest, ARetriedRequestIdReturnsTheFirstAnswer) {
  v1::CreateAccountRequest create = Pb<v1::CreateAccountRequest>(R"pb(request_id: "same" name: "Initech")pb");
  v1::Account first = server_.Ok(&Stub::CreateAccount, create).account();
  EXPECT_EQ(first.account_id(), "gen-1");  // generated
  const uint64_t head = server_.store().HeadPosition();
  v1::Account second = server_.Ok(&Stub::CreateAccount, create).account();
  EXPECT_EQ(second.account_id(), first.account_id());
  EXPECT_EQ(server_.store().HeadPosition(), head) << "a retry appends nothing";

  // A retried move answers with its first result even though the deal moved on since.
  CreateOpportunity("o1", first.account_id());
  v1::MoveStageRequest move = Pb<v1::MoveStageRequest>(
      R"pb(request_id: "mv" opportunity_id: "o1" to_stage_id: "qualify" criteria_met: "need_identified")pb");
  EXPECT_EQ(server_.Ok(&Stub::MoveStage, move).opportunity().stage_id(), "qualify");
  EXPECT_EQ(server_.Ok(&Stub::MoveStage, move).opportunity().stage_id(), "qualify");
  EXPECT_EQ(server_.store().StreamVersion({"acme", "opportunity", "o1"}).value(), 3u);

  // The same request id for another kind of command is not silently mistaken for it.
  v1::UpsertUserRequest user =
      Pb<v1::UpsertUserRequest>(R"pb(request_id: "same" user_id: "eve" display_name: "Eve" role: USER_ROLE_REP)pb");
  EXPECT_EQ(server_.Status(&Stub::UpsertUser, user).error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(OpportunityServiceTest, AccountTreeRefusesCyclesAndRollsUp) {
  CreateAccount("group", "Acme Group");
  CreateAccount("emea", "Acme EMEA", "group");
  CreateAccount("acme-de", "Acme Deutschland", "emea");
  CreateAccount("acme-fr", "Acme France", "emea");
  v1::UpdateAccountRequest cycle =
      Pb<v1::UpdateAccountRequest>(R"pb(request_id: "cyc" account_id: "group" parent_account_id: "acme-de")pb");
  grpc::Status refused = server_.Status(&Stub::UpdateAccount, cycle);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("account_parent_cycle"));

  CreateOpportunity("de-open", "acme-de");  // 1,000.00 USD in prospect (10 %)
  CreateOpportunity("de-won", "acme-de", R"pb(amount { minor_units: 500000 currency: "USD" })pb");
  server_.Ok(&Stub::CloseWon, Pb<v1::CloseWonRequest>(R"pb(request_id: "w" opportunity_id: "de-won")pb"));
  CreateOpportunity("fr-open", "acme-fr", R"pb(amount { minor_units: 200000 currency: "EUR" })pb");
  CreateOpportunity("group-lost", "group", R"pb(amount { minor_units: 5000 currency: "USD" })pb");
  server_.Ok(&Stub::CloseLost, Pb<v1::CloseLostRequest>(R"pb(request_id: "l"
                                                             opportunity_id: "group-lost"
                                                             reason: "no budget"
                                                             lost_stage_id: "no_decision")pb"));

  v1::GetAccountTreeRequest tree_request;
  tree_request.set_account_id("acme-fr");  // any member of the group
  v1::GetAccountTreeResponse tree = server_.Ok(&Stub::GetAccountTree, tree_request);
  EXPECT_EQ(tree.root_account_id(), "group");
  std::vector<std::string> order;
  for (const v1::AccountTreeNode& n : tree.nodes()) order.push_back(absl::StrCat(n.depth(), ":", n.account_id()));
  EXPECT_THAT(order, ElementsAre("0:group", "1:emea", "2:acme-de", "2:acme-fr"));
  const v1::AccountTreeNode& root = tree.nodes(0);
  ASSERT_EQ(root.rolled_up_won_revenue_size(), 1);
  EXPECT_EQ(root.rolled_up_won_revenue(0).minor_units(), 500000);
  ASSERT_EQ(root.rolled_up_open_pipeline_size(), 2);  // one entry per currency
  EXPECT_EQ(root.rolled_up_open_pipeline(0).currency(), "EUR");
  EXPECT_EQ(root.rolled_up_open_pipeline(0).minor_units(), 200000);
  EXPECT_EQ(root.rolled_up_open_pipeline(1).minor_units(), 100000);
  EXPECT_EQ(root.won_revenue_size(), 0);
  EXPECT_EQ(tree.nodes(1).child_count(), 2);
  EXPECT_EQ(tree.nodes(2).open_pipeline(0).minor_units(), 100000);
}

TEST_F(OpportunityServiceTest, Account360View) {
  CreateAccount("group", "Acme Group");
  CreateAccount("acme-de", "Acme Deutschland", "group");
  CreateAccount("acme-de-sub", "Acme Berlin", "acme-de");
  v1::CreateContactRequest contact = Pb<v1::CreateContactRequest>(
      R"pb(request_id: "k1" contact_id: "k1" account_id: "acme-de" name: "Klaus" buying_role: BUYING_ROLE_CHAMPION)pb");
  server_.Ok(&Stub::CreateContact, contact);
  CreateOpportunity("open1", "acme-de");
  CreateOpportunity("open2", "acme-de", R"pb(stage_id: "negotiate"
                                             amount { minor_units: 300000 currency: "USD" })pb");
  CreateOpportunity("won1", "acme-de", R"pb(amount { minor_units: 700000 currency: "USD" })pb");
  server_.Ok(&Stub::CloseWon, Pb<v1::CloseWonRequest>(R"pb(request_id: "w" opportunity_id: "won1")pb"));
  for (const auto& [id, type, subject, hours] : std::vector<std::tuple<std::string, std::string, std::string, int>>{
           {"a1", "SUBJECT_TYPE_ACCOUNT", "acme-de", 30},
           {"a2", "SUBJECT_TYPE_CONTACT", "k1", 20},
           {"a3", "SUBJECT_TYPE_OPPORTUNITY", "open1", 10},
           {"a4", "SUBJECT_TYPE_ACCOUNT", "group", 1}}) {
    v1::LogActivityRequest log = Pb<v1::LogActivityRequest>(absl::StrCat(
        "subject_type: ", type,
        " kind: ACTIVITY_KIND_CALL occurred_at { seconds: ", Seconds(testing::TestNow() - absl::Hours(hours)), " }"));
    log.set_request_id("log-" + id);
    log.set_activity_id(id);
    log.set_subject_id(subject);
    server_.Ok(&Stub::LogActivity, log);
  }

  v1::GetAccountRequest get;
  get.set_account_id("acme-de");
  v1::GetAccountResponse view = server_.Ok(&Stub::GetAccount, get);
  EXPECT_EQ(view.account().name(), "Acme Deutschland");
  EXPECT_EQ(view.parent().account_id(), "group");
  ASSERT_EQ(view.children_size(), 1);
  EXPECT_EQ(view.children(0).name(), "Acme Berlin");
  EXPECT_EQ(view.contact_count(), 1);
  EXPECT_EQ(view.contacts(0).name(), "Klaus");
  EXPECT_EQ(view.open_count(), 2);
  EXPECT_EQ(view.won_count(), 1);
  EXPECT_EQ(view.lost_count(), 0);
  EXPECT_EQ(view.open_amount(0).minor_units(), 400000);
  EXPECT_EQ(view.weighted_open_amount(0).minor_units(), 100000 * 10 / 100 + 300000 * 80 / 100);
  EXPECT_EQ(view.won_amount(0).minor_units(), 700000);
  std::vector<std::string> open;
  for (const v1::OpportunitySummary& s : view.open_opportunities()) open.push_back(s.opportunity_id());
  EXPECT_THAT(open, UnorderedElementsAre("open1", "open2"));
  ASSERT_EQ(view.closed_opportunities_size(), 1);
  EXPECT_EQ(view.activity_count(), 3);  // the account's, its contact's and its opportunity's
  EXPECT_EQ(view.last_activity_at().seconds(), absl::ToUnixSeconds(testing::TestNow() - absl::Hours(10)));
}

TEST_F(OpportunityServiceTest, ListOpportunitiesFiltersAndPages) {
  CreateAccount("a1", "Alpha");
  CreateAccount("a2", "Beta");
  const std::vector<std::string> owners = {"anna", "bob", "carl"};
  std::set<std::string> all;
  for (int i = 0; i < 130; ++i) {
    const std::string id = absl::StrCat("o", i);
    CreateOpportunity(id, i % 2 ? "a2" : "a1",
                      absl::StrCat("owner_user_id: \"", owners[i % 3], "\" expected_close_date { seconds: ",
                                   Seconds(testing::TestNow() + absl::Hours(24 * (i % 40))), " }",
                                   i % 5 == 0 ? " stage_id: \"qualify\"" : ""));
    all.insert(id);
  }
  for (int i = 0; i < 130; i += 13) {
    server_.Ok(&Stub::CloseWon,
               Pb<v1::CloseWonRequest>(absl::StrCat("request_id: \"w", i, "\" opportunity_id: \"o", i, "\"")));
  }

  // Pages through every deal of the filter; no duplicates, no gaps.
  auto page_through = [&](v1::ListOpportunitiesRequest request, int page_size) {
    request.set_page_size(page_size);
    std::vector<std::string> seen;
    for (int pages = 0; pages < 100; ++pages) {
      v1::ListOpportunitiesResponse page = server_.Ok(&Stub::ListOpportunities, request);
      EXPECT_LE(page.opportunities_size(), page_size);
      for (const v1::OpportunitySummary& s : page.opportunities()) seen.push_back(s.opportunity_id());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    return seen;
  };
  std::vector<std::string> everything = page_through({}, 17);
  EXPECT_EQ(everything.size(), 130u);
  EXPECT_EQ(std::set<std::string>(everything.begin(), everything.end()), all);

  auto count = [&](const std::string& filter) {
    std::vector<std::string> ids = page_through(Pb<v1::ListOpportunitiesRequest>(filter), 7);
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << filter;
    return static_cast<int>(ids.size());
  };
  EXPECT_EQ(count(R"pb(owner_user_id: "anna")pb"), 44);
  EXPECT_EQ(count(R"pb(team_id: "east")pb"), 87);  // anna and bob
  EXPECT_EQ(count(R"pb(account_id: "a1")pb"), 65);
  int a1_bob = 0;
  for (int i = 0; i < 130; ++i) a1_bob += (i % 2 == 0 && i % 3 == 1) ? 1 : 0;
  EXPECT_EQ(count(R"pb(account_id: "a1" owner_user_id: "bob")pb"), a1_bob);
  EXPECT_EQ(count(R"pb(status: OPPORTUNITY_STATUS_WON)pb"), 10);
  EXPECT_EQ(count(R"pb(pipeline_id: "enterprise" stage_id: "qualify")pb"), 26 - 2);  // o0, o65 were won
  EXPECT_EQ(count(R"pb(pipeline_id: "enterprise")pb"), 130);
  // Open deals closing within the first ten days: i % 40 < 10, minus the won ones (closed today).
  int expected = 0;
  for (int i = 0; i < 130; ++i) expected += (i % 13 != 0 && i % 40 < 10) ? 1 : 0;
  EXPECT_EQ(
      count(absl::StrCat("status: OPPORTUNITY_STATUS_OPEN close_date_from { seconds: ", Seconds(testing::TestNow()),
                         " } close_date_to { seconds: ", Seconds(testing::TestNow() + absl::Hours(240)), " }")),
      expected);

  v1::ListOpportunitiesRequest forged;
  forged.set_page_token("bm90LWEta2V5");
  EXPECT_EQ(server_.Status(&Stub::ListOpportunities, forged).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(OpportunityServiceTest, ContactsAndPowerMap) {
  CreateAccount("acme-de", "Acme Deutschland");
  auto contact = [&](const std::string& id, const std::string& fields) {
    v1::CreateContactRequest r = Pb<v1::CreateContactRequest>(fields);
    r.set_request_id("k-" + id);
    r.set_contact_id(id);
    r.set_account_id("acme-de");
    r.set_name("Contact " + id);
    return server_.Ok(&Stub::CreateContact, r).contact();
  };
  contact("ceo", R"pb(buying_role: BUYING_ROLE_DECISION_MAKER influence: 5)pb");
  contact("cfo", R"pb(buying_role: BUYING_ROLE_ECONOMIC_BUYER reports_to_contact_id: "ceo")pb");
  contact("cio", R"pb(buying_role: BUYING_ROLE_TECHNICAL_BUYER
                      reports_to_contact_id: "cfo"
                      attitude: ATTITUDE_OPPONENT
                      influence: 4)pb");
  contact("champ",
          R"pb(buying_role: BUYING_ROLE_CHAMPION reports_to_contact_id: "cio" attitude: ATTITUDE_SUPPORTER)pb");
  // A reporting line that would make a cycle is refused.
  v1::UpdateContactRequest cycle =
      Pb<v1::UpdateContactRequest>(R"pb(request_id: "cyc" contact_id: "ceo" reports_to_contact_id: "champ")pb");
  EXPECT_THAT(server_.Status(&Stub::UpdateContact, cycle).error_message(), HasSubstr("reporting_cycle"));

  CreateOpportunity("o1", "acme-de");
  for (const std::string id : {"cio", "champ"}) {
    v1::AddContactToOpportunityRequest add;
    add.set_request_id("add-" + id);
    add.set_opportunity_id("o1");
    add.set_contact_id(id);
    server_.Ok(&Stub::AddContactToOpportunity, add);
  }
  v1::GetPowerMapRequest map_request;
  map_request.set_opportunity_id("o1");
  auto gaps = [&] {
    std::vector<std::string> out;
    const v1::GetPowerMapResponse map = server_.Ok(&Stub::GetPowerMap, map_request);
    for (const v1::PowerMapGap& g : map.gaps()) {
      out.push_back(absl::StrCat(v1::PowerMapGapKind_Name(g.kind()), ":", g.contact_id()));
    }
    return out;
  };
  EXPECT_THAT(gaps(), ElementsAre("POWER_MAP_GAP_KIND_NO_DECISION_MAKER:", "POWER_MAP_GAP_KIND_NO_ECONOMIC_BUYER:",
                                  "POWER_MAP_GAP_KIND_INFLUENTIAL_OPPONENT:cio",
                                  "POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED:champ"));

  // The decision maker joins; a call with the champion closes that gap.
  v1::AddContactToOpportunityRequest add_ceo =
      Pb<v1::AddContactToOpportunityRequest>(R"pb(request_id: "add-ceo" opportunity_id: "o1" contact_id: "ceo")pb");
  server_.Ok(&Stub::AddContactToOpportunity, add_ceo);
  v1::LogActivityRequest call = Pb<v1::LogActivityRequest>(absl::StrCat(
      R"pb(request_id: "call-1"
           subject_type: SUBJECT_TYPE_OPPORTUNITY
           subject_id: "o1"
           contact_ids: "champ"
           kind: ACTIVITY_KIND_CALL
           occurred_at { seconds:)pb",
      Seconds(testing::TestNow() - absl::Hours(24)), " }"));
  server_.Ok(&Stub::LogActivity, call);
  EXPECT_THAT(gaps(),
              ElementsAre("POWER_MAP_GAP_KIND_NO_ECONOMIC_BUYER:", "POWER_MAP_GAP_KIND_INFLUENTIAL_OPPONENT:cio",
                          "POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED:ceo"));

  v1::GetPowerMapResponse map = server_.Ok(&Stub::GetPowerMap, map_request);
  std::vector<std::string> lines;
  for (const v1::ReportingLine& l : map.reporting_lines()) {
    lines.push_back(absl::StrCat(l.contact_id(), "->", l.manager_contact_id(), l.direct() ? "" : " (via others)"));
  }
  EXPECT_THAT(lines, UnorderedElementsAre("champ->cio", "cio->ceo (via others)"));
  EXPECT_EQ(map.members(1).last_activity_at().seconds(), absl::ToUnixSeconds(testing::TestNow() - absl::Hours(24)));
}

TEST_F(OpportunityServiceTest, ActivitiesAndCoachingComments) {
  CreateAccount("acme-de", "Acme Deutschland");
  CreateOpportunity("o1", "acme-de");
  for (int i = 0; i < 5; ++i) {
    v1::LogActivityRequest log =
        Pb<v1::LogActivityRequest>(absl::StrCat(R"pb(subject_type: SUBJECT_TYPE_OPPORTUNITY
                                                     subject_id: "o1"
                                                     outcome: "next step agreed"
                                                     occurred_at { seconds:)pb",
                                                Seconds(testing::TestNow() - absl::Hours(24 * (5 - i))), " }"));
    log.set_request_id(absl::StrCat("act-", i));
    log.set_activity_id(absl::StrCat("act-", i));
    log.set_kind(i % 2 ? v1::ACTIVITY_KIND_VISIT : v1::ACTIVITY_KIND_CALL);
    server_.Ok(&Stub::LogActivity, log);
  }
  auto activities = [&](const std::string& filter) {
    std::vector<std::string> ids;
    const v1::ListActivitiesResponse list = server_.Ok(&Stub::ListActivities, Pb<v1::ListActivitiesRequest>(filter));
    for (const v1::Activity& a : list.activities()) {
      ids.push_back(a.activity_id());
    }
    return ids;
  };
  EXPECT_THAT(activities(R"pb(subject_type: SUBJECT_TYPE_OPPORTUNITY subject_id: "o1")pb"),
              ElementsAre("act-0", "act-1", "act-2", "act-3", "act-4"));
  EXPECT_THAT(activities(R"pb(subject_type: SUBJECT_TYPE_ACCOUNT subject_id: "acme-de" kind: ACTIVITY_KIND_VISIT)pb"),
              ElementsAre("act-1", "act-3"));
  EXPECT_THAT(activities(absl::StrCat(R"pb(owner_user_id: "anna"
                                           occurred_from { seconds:)pb",
                                      Seconds(testing::TestNow() - absl::Hours(72)), " }")),
              ElementsAre("act-2", "act-3", "act-4"));

  // The manager reviews a call; the rep answers in the same thread.
  v1::CommentRequest review = Pb<v1::CommentRequest>(
      R"pb(request_id: "cm1"
           comment_id: "cm1"
           subject_type: SUBJECT_TYPE_ACTIVITY
           subject_id: "act-4"
           text: "Who signs? Get the CFO in the next call.")pb");
  v1::Comment comment = server_.Ok(&Stub::Comment, review, "acme", "maria").comment();
  EXPECT_EQ(comment.author_user_id(), "maria");
  EXPECT_EQ(comment.subject_owner_user_id(), "anna");
  EXPECT_EQ(comment.opportunity_id(), "o1");
  v1::CommentRequest answer = Pb<v1::CommentRequest>(
      R"pb(request_id: "cm2"
           comment_id: "cm2"
           subject_type: SUBJECT_TYPE_ACTIVITY
           subject_id: "act-4"
           reply_to_comment_id: "cm1"
           text: "Booked for Tuesday.")pb");
  server_.Ok(&Stub::Comment, answer);
  v1::CommentRequest elsewhere = answer;
  elsewhere.set_request_id("cm3");
  elsewhere.set_comment_id("cm3");
  elsewhere.set_subject_id("act-3");
  EXPECT_THAT(server_.Status(&Stub::Comment, elsewhere).error_message(), HasSubstr("reply_on_other_subject"));

  auto comments = [&](const std::string& filter) {
    std::vector<std::string> ids;
    const v1::ListCommentsResponse list = server_.Ok(&Stub::ListComments, Pb<v1::ListCommentsRequest>(filter));
    for (const v1::Comment& c : list.comments()) {
      ids.push_back(c.comment_id());
    }
    return ids;
  };
  EXPECT_THAT(comments(R"pb(subject_type: SUBJECT_TYPE_ACTIVITY subject_id: "act-4")pb"), ElementsAre("cm1", "cm2"));
  EXPECT_THAT(comments(R"pb(subject_owner_user_id: "anna")pb"), ElementsAre("cm1", "cm2"));
  EXPECT_THAT(comments(R"pb(author_user_id: "maria")pb"), ElementsAre("cm1"));
}

TEST_F(OpportunityServiceTest, CreateFromLeadIsIdempotentByLead) {
  v1::CreateFromLeadRequest convert = Pb<v1::CreateFromLeadRequest>(R"pb(
    request_id: "conv-1"
    lead_id: "lead-42"
    account { name: "  Initech  GmbH " industry: "Software" }
    contact { name: "Peter Gibbons" email: "Peter@Initech.example" buying_role: BUYING_ROLE_CHAMPION }
    opportunity {
      pipeline_id: "maven"
      name: "Initech TPS"
      owner_user_id: "anna"
      lead_source: "web"
      amount { minor_units: 990000 currency: "EUR" }
    })pb");
  v1::CreateFromLeadResponse first = server_.Ok(&Stub::CreateFromLead, convert);
  EXPECT_TRUE(first.account_created());
  EXPECT_TRUE(first.contact_created());
  EXPECT_TRUE(first.opportunity_created());
  EXPECT_EQ(first.opportunity().lead_id(), "lead-42");
  EXPECT_EQ(first.opportunity().account_id(), first.account().account_id());
  EXPECT_EQ(first.contact().account_id(), first.account().account_id());
  const uint64_t head = server_.store().HeadPosition();

  // Again, under a new request id: the same records, nothing appended.
  convert.set_request_id("conv-2");
  v1::CreateFromLeadResponse second = server_.Ok(&Stub::CreateFromLead, convert);
  EXPECT_EQ(second.account().account_id(), first.account().account_id());
  EXPECT_EQ(second.contact().contact_id(), first.contact().contact_id());
  EXPECT_EQ(second.opportunity().opportunity_id(), first.opportunity().opportunity_id());
  EXPECT_TRUE(second.opportunity_created());
  EXPECT_EQ(server_.store().HeadPosition(), head);

  // Another lead of the same company finds the account (by name) and the contact (by e-mail).
  convert.set_request_id("conv-3");
  convert.set_lead_id("lead-43");
  convert.mutable_account()->set_name("initech gmbh");
  convert.mutable_contact()->set_email("peter@initech.example");
  v1::CreateFromLeadResponse other = server_.Ok(&Stub::CreateFromLead, convert);
  EXPECT_EQ(other.account().account_id(), first.account().account_id());
  EXPECT_FALSE(other.account_created());
  EXPECT_EQ(other.contact().contact_id(), first.contact().contact_id());
  EXPECT_FALSE(other.contact_created());
  EXPECT_NE(other.opportunity().opportunity_id(), first.opportunity().opportunity_id());
  EXPECT_TRUE(other.opportunity_created());
}

// The MavenTech import: deals without a known account, back-dated to 2016 although the owner and the
// pipeline were created "now"; a record's own history still never runs backwards.
TEST_F(OpportunityServiceTest, BackDatedImportWithoutAccount) {
  const absl::Time engaged = absl::FromUnixSeconds(1451606400);  // 2016-01-01
  v1::CreateOpportunityRequest create = Pb<v1::CreateOpportunityRequest>(absl::StrCat(
      R"pb(request_id: "imp-1"
           opportunity_id: "1C1I7A6R"
           pipeline_id: "maven"
           name: "GTX Plus Basic"
           owner_user_id: "anna"
           stage_id: "engaging"
           effective_time { seconds:)pb",
      Seconds(engaged), " }"));
  v1::Opportunity o = server_.Ok(&Stub::CreateOpportunity, create).opportunity();
  EXPECT_EQ(o.account_id(), "");
  EXPECT_EQ(o.created_at().seconds(), absl::ToUnixSeconds(engaged));

  v1::CloseWonRequest won = Pb<v1::CloseWonRequest>(absl::StrCat(
      R"pb(request_id: "imp-2"
           opportunity_id: "1C1I7A6R"
           amount { minor_units: 105400 currency: "USD" }
           effective_time { seconds:)pb",
      Seconds(engaged - absl::Hours(24)), " }"));
  grpc::Status refused = server_.Status(&Stub::CloseWon, won);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("effective_time_before_last_change"));
  won.set_request_id("imp-3");
  won.mutable_effective_time()->set_seconds(absl::ToUnixSeconds(engaged + absl::Hours(24 * 60)));
  o = server_.Ok(&Stub::CloseWon, won).opportunity();
  EXPECT_EQ(o.closed_at().seconds(), absl::ToUnixSeconds(engaged + absl::Hours(24 * 60)));
  EXPECT_EQ(o.stage_history(0).time_in_stage().seconds(), 60 * kDay);

  // A named account must exist.
  create.set_request_id("imp-4");
  create.set_opportunity_id("2");
  create.set_account_id("nowhere");
  EXPECT_EQ(server_.Status(&Stub::CreateOpportunity, create).error_code(), grpc::StatusCode::NOT_FOUND);
  // The deal without an account is listed, just not under any account.
  v1::ListOpportunitiesRequest list;
  list.set_status(v1::OPPORTUNITY_STATUS_WON);
  EXPECT_EQ(server_.Ok(&Stub::ListOpportunities, list).opportunities_size(), 1);
}

TEST_F(OpportunityServiceTest, TenantsAreIsolated) {
  CreateAccount("acme-de", "Acme Deutschland");
  CreateOpportunity("o1", "acme-de");
  v1::GetOpportunityRequest get;
  get.set_opportunity_id("o1");
  EXPECT_EQ(server_.Status(&Stub::GetOpportunity, get, "globex").error_code(), grpc::StatusCode::NOT_FOUND);
  v1::MoveStageRequest move = Pb<v1::MoveStageRequest>(
      R"pb(request_id: "x" opportunity_id: "o1" to_stage_id: "qualify" criteria_met: "need_identified")pb");
  EXPECT_EQ(server_.Status(&Stub::MoveStage, move, "globex").error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(server_.Ok(&Stub::ListOpportunities, v1::ListOpportunitiesRequest(), "globex").opportunities_size(), 0);
  EXPECT_EQ(server_.Status(&Stub::GetOpportunity, get, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace sfa::opportunity

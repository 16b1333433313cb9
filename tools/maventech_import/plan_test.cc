#include "tools/maventech_import/plan.h"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opportunity/domain/validation.h"

namespace sfa::tools::maventech {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

int64_t Seconds(absl::CivilDay day) { return absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())); }

// The real files live in ../shared beside the repository. Without them every test that reads them would
// fail one by one (or worse); stop the whole binary with one clear failure instead.
class DataSetPresent : public ::testing::Environment {
 public:
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(SFA_MAVENTECH_DATA_DIR "/sales_pipeline.csv"))
        << "the MavenTech data set is missing: expected it at " << SFA_MAVENTECH_DATA_DIR;
  }
};
::testing::Environment* const kDataSetPresent = ::testing::AddGlobalTestEnvironment(new DataSetPresent);

const DataSet& RealData() {
  static const DataSet* data = [] {
    absl::StatusOr<DataSet> loaded = LoadDataSet(SFA_MAVENTECH_DATA_DIR);
    EXPECT_TRUE(loaded.ok()) << loaded.status();
    return new DataSet(loaded.ok() ? *std::move(loaded) : DataSet{});
  }();
  return *data;
}

const ImportPlan& RealPlan() {
  static const ImportPlan* plan = new ImportPlan(BuildPlan(RealData()));
  return *plan;
}

// The sequence of `entity` with `key`, and the index of the phase it is in.
std::pair<const Sequence*, int> Find(const ImportPlan& plan, Entity entity, absl::string_view key) {
  for (size_t p = 0; p < plan.phases.size(); ++p) {
    for (const Sequence& s : plan.phases[p].sequences) {
      if (s.entity == entity && s.key == key) return {&s, static_cast<int>(p)};
    }
  }
  return {nullptr, -1};
}

std::vector<std::string> Names(const Sequence& s) {
  std::vector<std::string> names;
  for (const Command& c : s.commands) names.push_back(CommandName(c));
  return names;
}

std::vector<std::string> Reasons(const ImportPlan& plan) {
  std::vector<std::string> reasons;
  for (const RowIssue& r : plan.rejected) reasons.push_back(absl::StrCat(r.source.line, " ", r.key, ": ", r.reason));
  return reasons;
}

// ---------------------------------------------------------------------------------------------------
// On the published files

TEST(RealPlanTest, PlansEveryRowAndRejectsNone) {
  const ImportPlan& plan = RealPlan();
  EXPECT_THAT(Reasons(plan), ElementsAre());
  EXPECT_EQ(plan.Planned(Entity::kUser), 41);  // 35 agents and 6 managers
  EXPECT_EQ(plan.Planned(Entity::kTeam), 6);
  EXPECT_EQ(plan.Planned(Entity::kPipeline), 1);
  EXPECT_EQ(plan.Planned(Entity::kAccount), 85);
  EXPECT_EQ(plan.Planned(Entity::kOpportunity), 8800);
  EXPECT_THAT(plan.deals_by_stage, ElementsAre(500, 1589, 4238, 2473));
  // 500 creates + 1589 * 2 + (4238 + 2473) * 3, plus 41 + 6 + 1 + 85.
  EXPECT_EQ(plan.CommandCount(), 500 + 1589 * 2 + 6711 * 3 + 133);
}

TEST(RealPlanTest, CountsEveryQuirkOfTheDataReadme) {
  const QuirkCounts& q = RealPlan().quirks;
  EXPECT_EQ(q.Get(Quirk::kProductNameVariant), 1480);
  EXPECT_EQ(q.Get(Quirk::kSectorMisspelt), 12);
  EXPECT_EQ(q.Get(Quirk::kDealWithoutAccount), 1425);
  EXPECT_EQ(q.Get(Quirk::kProspectingWithoutDates), 500);
  EXPECT_EQ(q.Get(Quirk::kEngagingWithoutCloseDate), 1589);
  EXPECT_EQ(q.Get(Quirk::kLostWithZeroValue), 2473);
  EXPECT_EQ(q.Get(Quirk::kAgentWithoutDeals), 5);
  EXPECT_EQ(q.Get(Quirk::kAccountWithParent), 15);
  EXPECT_EQ(RealPlan().parent_accounts, 7);
  EXPECT_EQ(q.Get(Quirk::kOfficeLocationMisspelt), 1);
  EXPECT_EQ(q.Get(Quirk::kYearEstablishedNotImported), 85);
  for (Quirk absent : {Quirk::kParentNotInAccounts, Quirk::kManagerInSeveralRegions, Quirk::kProspectingWithDates,
                       Quirk::kOpenDealWithCloseDate, Quirk::kOpenDealWithCloseValue, Quirk::kWonWithoutCloseValue}) {
    EXPECT_EQ(q.Get(absent), 0) << InfoOf(absent).name;
  }
}

TEST(RealPlanTest, FindsTheDataSetsDateRange) {
  EXPECT_EQ(RealPlan().first_day, absl::CivilDay(2016, 10, 20));
  EXPECT_EQ(RealPlan().last_day, absl::CivilDay(2017, 12, 31));
}

TEST(RealPlanTest, PhasesPutUsersBeforeTeamsParentsBeforeSubsidiariesAndDealsLast) {
  const ImportPlan& plan = RealPlan();
  std::vector<std::string> names;
  std::vector<size_t> sizes;
  for (const Phase& p : plan.phases) {
    names.push_back(p.name);
    sizes.push_back(p.sequences.size());
  }
  EXPECT_THAT(names,
              ElementsAre("users and pipeline", "teams", "root accounts", "accounts at depth 1", "opportunities"));
  EXPECT_THAT(sizes, ElementsAre(42, 6, 70, 15, 8800));
  for (const Sequence& s : plan.phases[3].sequences) {
    const auto& create = std::get<v1::CreateAccountRequest>(s.commands[0]);
    EXPECT_EQ(Find(plan, Entity::kAccount, create.parent_account_id()).second, 2) << s.key;
  }
}

TEST(RealPlanTest, WonDealIsCreatedAtEngageDateMovedAndWonWithTheCloseValue) {
  const auto [deal, phase] = Find(RealPlan(), Entity::kOpportunity, "1C1I7A6R");
  ASSERT_NE(deal, nullptr);
  EXPECT_EQ(deal->source.line, 2);
  ASSERT_THAT(Names(*deal), ElementsAre("CreateOpportunity", "MoveStage", "CloseWon"));
  const auto& create = std::get<v1::CreateOpportunityRequest>(deal->commands[0]);
  EXPECT_EQ(create.request_id(), "maventech:opp:1C1I7A6R:create");
  EXPECT_EQ(create.opportunity_id(), "1C1I7A6R");
  EXPECT_EQ(create.account_id(), "cancity");
  EXPECT_EQ(create.pipeline_id(), "maventech");
  EXPECT_EQ(create.owner_user_id(), "moses-frase");
  EXPECT_EQ(create.name(), "GTX Plus Basic for Cancity");
  EXPECT_EQ(create.amount().minor_units(), 109600);  // the product's sales_price
  EXPECT_EQ(create.amount().currency(), "USD");
  EXPECT_EQ(create.effective_time().seconds(), Seconds(absl::CivilDay(2016, 10, 20)));
  EXPECT_TRUE(create.stage_id().empty());  // the pipeline's first stage, Prospecting
  const auto& move = std::get<v1::MoveStageRequest>(deal->commands[1]);
  EXPECT_EQ(move.request_id(), "maventech:opp:1C1I7A6R:engage");
  EXPECT_EQ(move.to_stage_id(), "engaging");
  EXPECT_EQ(move.effective_time().seconds(), Seconds(absl::CivilDay(2016, 10, 20)));
  const auto& won = std::get<v1::CloseWonRequest>(deal->commands[2]);
  EXPECT_EQ(won.request_id(), "maventech:opp:1C1I7A6R:won");
  EXPECT_EQ(won.amount().minor_units(), 105400);  // close_value
  EXPECT_EQ(won.effective_time().seconds(), Seconds(absl::CivilDay(2017, 3, 1)));
}

TEST(RealPlanTest, LostDealKeepsTheProductPriceAndIsLostAtCloseDate) {
  const auto [deal, phase] = Find(RealPlan(), Entity::kOpportunity, "KWVA7VR1");  // GTXPro, close_value 0
  ASSERT_NE(deal, nullptr);
  ASSERT_THAT(Names(*deal), ElementsAre("CreateOpportunity", "MoveStage", "CloseLost"));
  const auto& create = std::get<v1::CreateOpportunityRequest>(deal->commands[0]);
  EXPECT_EQ(create.amount().minor_units(), 482100);  // "GTXPro" is products.csv's "GTX Pro"
  EXPECT_EQ(create.name(), "GTX Pro for Genco Pura Olive Oil Company");
  EXPECT_EQ(create.effective_time().seconds(), Seconds(absl::CivilDay(2016, 11, 4)));
  const auto& lost = std::get<v1::CloseLostRequest>(deal->commands[2]);
  EXPECT_EQ(lost.lost_stage_id(), "lost");
  EXPECT_FALSE(lost.reason().empty());
  EXPECT_EQ(lost.effective_time().seconds(), Seconds(absl::CivilDay(2017, 3, 18)));
}

TEST(RealPlanTest, EngagingDealWithoutAccountIsCreatedAndMovedOnly) {
  const auto [deal, phase] = Find(RealPlan(), Entity::kOpportunity, "HAXMC4IX");
  ASSERT_NE(deal, nullptr);
  ASSERT_THAT(Names(*deal), ElementsAre("CreateOpportunity", "MoveStage"));
  const auto& create = std::get<v1::CreateOpportunityRequest>(deal->commands[0]);
  EXPECT_EQ(create.account_id(), "");
  EXPECT_EQ(create.name(), "MG Advanced (no account)");
  EXPECT_FALSE(create.has_expected_close_date());
  EXPECT_EQ(create.effective_time().seconds(), Seconds(absl::CivilDay(2016, 11, 3)));
}

TEST(RealPlanTest, ProspectingDealIsCreatedAtTheDataSetsLastDate) {
  const auto [deal, phase] = Find(RealPlan(), Entity::kOpportunity, "6CWZFOHJ");
  ASSERT_NE(deal, nullptr);
  ASSERT_THAT(Names(*deal), ElementsAre("CreateOpportunity"));
  const auto& create = std::get<v1::CreateOpportunityRequest>(deal->commands[0]);
  EXPECT_EQ(create.account_id(), "green-plus");
  EXPECT_EQ(create.effective_time().seconds(), Seconds(absl::CivilDay(2017, 12, 31)));
}

TEST(RealPlanTest, OrganisationAndAccountsCarryTheDataSetsFields) {
  const ImportPlan& plan = RealPlan();
  const auto& team =
      std::get<v1::UpsertSalesTeamRequest>(Find(plan, Entity::kTeam, "team-dustin-brinkmann").first->commands[0]);
  EXPECT_EQ(team.manager_user_id(), "dustin-brinkmann");
  EXPECT_EQ(team.region(), "Central");
  EXPECT_THAT(team.member_user_ids(),
              ElementsAre("anna-snelling", "cecily-lampkin", "versie-hillebrand", "lajuana-vencill", "moses-frase"));
  const auto& manager =
      std::get<v1::UpsertUserRequest>(Find(plan, Entity::kUser, "dustin-brinkmann").first->commands[0]);
  EXPECT_EQ(manager.role(), v1::USER_ROLE_MANAGER);
  EXPECT_EQ(manager.display_name(), "Dustin Brinkmann");
  const auto& idle = std::get<v1::UpsertUserRequest>(Find(plan, Entity::kUser, "carl-lin").first->commands[0]);
  EXPECT_EQ(idle.role(), v1::USER_ROLE_REP);  // one of the 5 agents without deals

  const auto& acme =
      std::get<v1::CreateAccountRequest>(Find(plan, Entity::kAccount, "acme-corporation").first->commands[0]);
  EXPECT_EQ(acme.name(), "Acme Corporation");
  EXPECT_EQ(acme.industry(), "technology");
  EXPECT_EQ(acme.employees(), 2822);
  EXPECT_EQ(acme.annual_revenue().minor_units(), 110004000000);
  EXPECT_EQ(acme.annual_revenue().currency(), "USD");
  EXPECT_EQ(acme.region(), "United States");
  EXPECT_EQ(acme.effective_time().seconds(), Seconds(absl::CivilDay(2016, 10, 20)));
  const auto& bluth =
      std::get<v1::CreateAccountRequest>(Find(plan, Entity::kAccount, "bluth-company").first->commands[0]);
  EXPECT_EQ(bluth.parent_account_id(), "acme-corporation");
  const auto& gekko = std::get<v1::CreateAccountRequest>(Find(plan, Entity::kAccount, "gekko-co").first->commands[0]);
  EXPECT_EQ(gekko.name(), "Gekko & Co");
  const auto& bio = std::get<v1::CreateAccountRequest>(Find(plan, Entity::kAccount, "bioholding").first->commands[0]);
  EXPECT_EQ(bio.region(), "Philippines");
}

TEST(RealPlanTest, RequestIdsAreUniqueAndTheSameOnEveryBuild) {
  const ImportPlan again = BuildPlan(RealData());
  std::set<std::string> seen;
  std::vector<std::string> first, second;
  for (const ImportPlan* plan : {&RealPlan(), &again}) {
    for (const Phase& phase : plan->phases) {
      for (const Sequence& s : phase.sequences) {
        for (const Command& c : s.commands) (plan == &again ? second : first).push_back(RequestIdOf(c));
      }
    }
  }
  for (const std::string& id : first) EXPECT_TRUE(seen.insert(id).second) << "repeated " << id;
  EXPECT_EQ(first, second);
}

// Shape checks are the service's own (services/opportunity/domain/validation.h), so a request the
// service would refuse as malformed fails here, before any server runs.
TEST(RealPlanTest, EveryRequestPassesTheServicesValidation) {
  int checked = 0;
  for (const Phase& phase : RealPlan().phases) {
    for (const Sequence& s : phase.sequences) {
      for (const Command& c : s.commands) {
        const absl::Status status = std::visit(
            [](const auto& request) -> absl::Status {
              using Request = std::decay_t<decltype(request)>;
              if constexpr (std::is_same_v<Request, quote_v1::UpsertProductRequest> ||
                            std::is_same_v<Request, quote_v1::UpsertPriceBookRequest>) {
                return absl::InternalError("a catalogue command in the opportunity plan");
              } else {
                return opportunity::domain::Validate(request);
              }
            },
            c);
        EXPECT_TRUE(status.ok()) << RequestIdOf(c) << ": " << status;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, RealPlan().CommandCount());
}

// ---------------------------------------------------------------------------------------------------
// On small files with the problems the published ones do not have

DataSet Parse(absl::string_view accounts, absl::string_view teams, absl::string_view pipeline) {
  DataFiles files{
      absl::StrCat("account,sector,year_established,revenue,employees,office_location,subsidiary_of\n", accounts),
      "product,series,sales_price\nGTX Pro,GTX,4821\n", absl::StrCat("sales_agent,manager,regional_office\n", teams),
      absl::StrCat("opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,"
                   "close_value\n",
                   pipeline)};
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  EXPECT_TRUE(data.ok()) << data.status();
  return data.ok() ? *std::move(data) : DataSet{};
}

constexpr char kOneTeam[] = "Ann Agent,Max Manager,East\n";

TEST(PlanTest, RejectsInconsistentDealsWithTheirReason) {
  const ImportPlan plan = BuildPlan(Parse("Acme,retail,,1,1,US,\n", kOneTeam,
                                          "D1,Ann Agent,GTX Pro,Acme,Won,2017-01-02,2017-01-01,5\n"
                                          "D2,Ann Agent,GTX Pro,Acme,Won,2017-01-02,,5\n"
                                          "D3,Ann Agent,GTX Pro,Acme,Lost,,2017-01-01,0\n"
                                          "D4,Nobody,GTX Pro,Acme,Prospecting,,,\n"
                                          "D5,Ann Agent,Widget,Acme,Prospecting,,,\n"
                                          "D6,Ann Agent,GTX Pro,Elsewhere,Prospecting,,,\n"
                                          "D7,Ann Agent,GTX Pro,Acme,Engaging,2017-01-01,,\n"
                                          "D7,Ann Agent,GTX Pro,Acme,Engaging,2017-01-01,,\n"
                                          "-D9,Ann Agent,GTX Pro,Acme,Engaging,2017-01-01,,\n"));
  EXPECT_THAT(Reasons(plan),
              ElementsAre("2 D1: close_date is before engage_date", "3 D2: Won deal without close_date",
                          "4 D3: Lost deal without engage_date", "5 D4: sales_agent \"Nobody\" is not an imported user",
                          "6 D5: product \"Widget\" is not in products.csv",
                          "7 D6: account \"Elsewhere\" is not an imported account",
                          "9 D7: opportunity_id already used at line 8",
                          "10 -D9: opportunity_id is not 1-64 of [A-Za-z0-9._:@-] starting alphanumeric"));
  EXPECT_EQ(plan.Planned(Entity::kOpportunity), 1);
}

TEST(PlanTest, HandlesDatesAndValuesThePublishedFilesDoNotHave) {
  const ImportPlan plan = BuildPlan(Parse("", kOneTeam,
                                          "P1,Ann Agent,GTX Pro,,Prospecting,2017-02-01,2017-05-01,7\n"
                                          "E1,Ann Agent,GTX Pro,,Engaging,2017-01-01,2017-06-30,\n"
                                          "W1,Ann Agent,GTX Pro,,Won,2017-01-01,2017-03-01,\n"
                                          "L1,Ann Agent,GTX Pro,,Lost,2017-01-01,2017-03-01,100\n"));
  EXPECT_THAT(Reasons(plan), ElementsAre());
  EXPECT_EQ(plan.quirks.Get(Quirk::kProspectingWithDates), 1);
  EXPECT_EQ(plan.quirks.Get(Quirk::kOpenDealWithCloseDate), 1);
  EXPECT_EQ(plan.quirks.Get(Quirk::kOpenDealWithCloseValue), 1);
  EXPECT_EQ(plan.quirks.Get(Quirk::kWonWithoutCloseValue), 1);
  EXPECT_EQ(plan.quirks.Get(Quirk::kLostWithZeroValue), 0);
  const auto& p1 = std::get<v1::CreateOpportunityRequest>(Find(plan, Entity::kOpportunity, "P1").first->commands[0]);
  EXPECT_EQ(p1.effective_time().seconds(), Seconds(absl::CivilDay(2017, 2, 1)));
  EXPECT_EQ(p1.expected_close_date().seconds(), Seconds(absl::CivilDay(2017, 5, 1)));
  const auto& e1 = std::get<v1::CreateOpportunityRequest>(Find(plan, Entity::kOpportunity, "E1").first->commands[0]);
  EXPECT_EQ(e1.expected_close_date().seconds(), Seconds(absl::CivilDay(2017, 6, 30)));
  const auto& w1 = std::get<v1::CloseWonRequest>(Find(plan, Entity::kOpportunity, "W1").first->commands[2]);
  EXPECT_FALSE(w1.has_amount());  // keeps the amount set at creation
}

TEST(PlanTest, AccountTreesResolveInAnyFileOrderAndCyclesAreRejected) {
  const ImportPlan plan =
      BuildPlan(Parse("Grandchild,retail,,1,1,US,Child\n"
                      "Child,retail,,1,1,US,Root\n"
                      "Root,retail,,1,1,US,\n"
                      "Orphan,retail,,1,1,US,Missing Parent\n"
                      "Ping,retail,,1,1,US,Pong\n"
                      "Pong,retail,,1,1,US,Ping\n"
                      "Root,retail,,1,1,US,\n"
                      "ROOT!,retail,,1,1,US,\n",
                      kOneTeam, ""));
  std::vector<std::string> phases;
  for (const Phase& p : plan.phases) phases.push_back(absl::StrCat(p.name, ":", p.sequences.size()));
  EXPECT_THAT(phases, ElementsAre("users and pipeline:3", "teams:1", "root accounts:2", "accounts at depth 1:1",
                                  "accounts at depth 2:1", "opportunities:0"));
  EXPECT_EQ(plan.quirks.Get(Quirk::kParentNotInAccounts), 1);
  EXPECT_EQ(Find(plan, Entity::kAccount, "orphan").second, 2);
  const std::vector<std::string> reasons = Reasons(plan);
  ASSERT_EQ(reasons.size(), 4u);
  EXPECT_EQ(reasons[0], "8 Root: account already listed at line 4");
  EXPECT_EQ(reasons[1], "9 ROOT!: \"ROOT!\" and \"Root\" would both get the id root");
  EXPECT_THAT(reasons[2], HasSubstr("6 Ping: parent \"Pong\" is not imported"));
  EXPECT_THAT(reasons[3], HasSubstr("7 Pong: parent \"Ping\" is not imported"));
  EXPECT_THAT(reasons[3], HasSubstr("cycle"));
}

TEST(PlanTest, OrganisationProblemsRejectTheRow) {
  const ImportPlan plan = BuildPlan(Parse("",
                                          "Ann Agent,Max Manager,East\n"
                                          "Ann Agent,Other Manager,West\n"
                                          "ann agent!,Max Manager,East\n"
                                          "Bob Agent,Max Manager,West\n",
                                          ""));
  EXPECT_THAT(Reasons(plan),
              ElementsAre("3 Ann Agent: sales agent already listed at line 2",
                          "4 ann agent!: \"ann agent!\" and \"Ann Agent\" would both get the user id ann-agent"));
  EXPECT_EQ(plan.Planned(Entity::kUser), 3);  // Max Manager (MANAGER), Ann and Bob
  EXPECT_EQ(plan.quirks.Get(Quirk::kManagerInSeveralRegions), 1);
  EXPECT_EQ(plan.quirks.Get(Quirk::kAgentWithoutDeals), 2);
}

TEST(PlanTest, KeepsTheReadersRejectedRows) {
  DataSet data = Parse("", kOneTeam, "");
  data.rejected.push_back(RowIssue{SourceRef{kPipelineFile, 7}, "X", "has 3 fields, the header has 8"});
  EXPECT_THAT(Reasons(BuildPlan(data)), ElementsAre("7 X: has 3 fields, the header has 8"));
}

TEST(PipelineTest, ProspectingEngagingWonLostWithoutCriteria) {
  const v1::DefinePipelineRequest pipeline = MaventechPipeline();
  EXPECT_EQ(pipeline.pipeline_id(), "maventech");
  std::vector<std::string> stages;
  for (const v1::Stage& s : pipeline.stages()) {
    stages.push_back(absl::StrCat(s.stage_id(), " ", v1::StageType_Name(s.type()), " ", s.probability_percent()));
    EXPECT_TRUE(s.exit_criteria().empty());
  }
  EXPECT_THAT(stages, ElementsAre("prospecting STAGE_TYPE_OPEN 10", "engaging STAGE_TYPE_OPEN 60",
                                  "won STAGE_TYPE_WON 100", "lost STAGE_TYPE_LOST 0"));
}

}  // namespace
}  // namespace sfa::tools::maventech

#include "opportunity/domain/pipeline.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = PipelineEvent;
using absl::StatusCode;

constexpr char kWon[] = R"pb(stages {
                               stage_id: "won"
                               name: "Won"
                               type: STAGE_TYPE_WON
                               probability_percent: 100
                               forecast_category: FORECAST_CATEGORY_CLOSED
                             })pb";
constexpr char kLost[] = R"pb(stages {
                                stage_id: "lost"
                                name: "Lost"
                                type: STAGE_TYPE_LOST
                                probability_percent: 0
                                forecast_category: FORECAST_CATEGORY_OMITTED
                              })pb";
constexpr char kOpen[] = R"pb(stages {
                                stage_id: "open"
                                name: "Open"
                                type: STAGE_TYPE_OPEN
                                probability_percent: 20
                                forecast_category: FORECAST_CATEGORY_PIPELINE
                              })pb";

DefinePipeline Define(absl::string_view stages, absl::string_view name = "enterprise") {
  return DefinePipeline{Pb<v1::DefinePipelineRequest>(TextProto(R"pb(request_id: "r1" pipeline_id: "enterprise")pb",
                                                                absl::StrCat("name: \"", name, "\""), stages)),
                        Day(1)};
}

E Defined(uint32_t version, absl::string_view stages, absl::string_view name = "enterprise") {
  return E{Day(1), Pb<v1::PipelineDefined>(TextProto(R"pb(pipeline_id: "enterprise")pb", "pipeline_version:", version,
                                                     absl::StrCat("name: \"", name, "\""), stages))};
}

TEST(PipelineDeciderTest, DefinePipeline) {
  const std::string minimal = TextProto(kOpen, kWon, kLost);
  // 机会→入围→方案制定→报价→方案确认→商务确认→中标, and 未中标: a tender process.
  const std::string tender = R"pb(
    stages {
      stage_id: "t1"
      name: "机会"
      type: STAGE_TYPE_OPEN
      probability_percent: 5
      forecast_category: FORECAST_CATEGORY_PIPELINE
    }
    stages {
      stage_id: "t2"
      name: "入围"
      type: STAGE_TYPE_OPEN
      probability_percent: 15
      forecast_category: FORECAST_CATEGORY_PIPELINE
      exit_criteria { criterion_id: "shortlisted" description: "入围通知书" required: true }
    }
    stages {
      stage_id: "t3"
      name: "方案制定"
      type: STAGE_TYPE_OPEN
      probability_percent: 30
      forecast_category: FORECAST_CATEGORY_PIPELINE
    }
    stages {
      stage_id: "t4"
      name: "报价"
      type: STAGE_TYPE_OPEN
      probability_percent: 50
      forecast_category: FORECAST_CATEGORY_BEST_CASE
    }
    stages {
      stage_id: "t5"
      name: "方案确认"
      type: STAGE_TYPE_OPEN
      probability_percent: 70
      forecast_category: FORECAST_CATEGORY_BEST_CASE
    }
    stages {
      stage_id: "t6"
      name: "商务确认"
      type: STAGE_TYPE_OPEN
      probability_percent: 90
      forecast_category: FORECAST_CATEGORY_COMMIT
    }
    stages {
      stage_id: "t7"
      name: "中标"
      type: STAGE_TYPE_WON
      probability_percent: 100
      forecast_category: FORECAST_CATEGORY_CLOSED
    }
    stages {
      stage_id: "t8"
      name: "未中标"
      type: STAGE_TYPE_LOST
      probability_percent: 0
      forecast_category: FORECAST_CATEGORY_OMITTED
    }
  )pb";
  RunDeciderTable<PipelineState>(std::vector<DeciderCase<E, DefinePipeline>>{
      {.name = "first definition is version 1",
       .when = Define(kEnterpriseStages),
       .then = {Defined(1, kEnterpriseStages)}},
      {.name = "a tender process in Chinese", .when = Define(tender, "招投标"), .then = {Defined(1, tender, "招投标")}},
      {.name = "a redefinition is the next version",
       .given = {Defined(1, kEnterpriseStages)},
       .when = Define(minimal),
       .then = {Defined(2, minimal)}},
      {.name = "a renamed pipeline is a new version",
       .given = {Defined(1, minimal)},
       .when = Define(minimal, "renamed"),
       .then = {Defined(2, minimal, "renamed")}},
      {.name = "the same definition again changes nothing",
       .given = {Defined(1, kEnterpriseStages)},
       .when = Define(kEnterpriseStages),
       .then = {}},
      {.name = "duplicate stage id",
       .when = Define(TextProto(kOpen, kOpen, kWon, kLost)),
       .code = StatusCode::kFailedPrecondition,
       .message = "duplicate_stage_id: stage_id open appears twice"},
      {.name = "criterion ids are unique across stages",
       .when = Define(TextProto(
           R"pb(stages {
                  stage_id: "a"
                  name: "A"
                  type: STAGE_TYPE_OPEN
                  forecast_category: FORECAST_CATEGORY_PIPELINE
                  exit_criteria { criterion_id: "x" }
                }
                stages {
                  stage_id: "b"
                  name: "B"
                  type: STAGE_TYPE_OPEN
                  forecast_category: FORECAST_CATEGORY_PIPELINE
                  exit_criteria { criterion_id: "x" }
                })pb",
           kWon, kLost)),
       .code = StatusCode::kFailedPrecondition,
       .message = "duplicate_criterion_id: criterion_id x appears twice in the pipeline"},
      {.name = "no open stage",
       .when = Define(TextProto(kWon, kLost)),
       .code = StatusCode::kFailedPrecondition,
       .message = "no_open_stage"},
      {.name = "an open stage after a terminal one",
       .when = Define(TextProto(kOpen, kWon, kLost, R"pb(stages {
                                                           stage_id: "late"
                                                           name: "Late"
                                                           type: STAGE_TYPE_OPEN
                                                           forecast_category: FORECAST_CATEGORY_PIPELINE
                                                         })pb")),
       .code = StatusCode::kFailedPrecondition,
       .message = "open_stage_after_terminal: open stage late"},
      {.name = "no won stage",
       .when = Define(TextProto(kOpen, kLost)),
       .code = StatusCode::kFailedPrecondition,
       .message = "won_stage_count: a pipeline needs exactly one won stage, not 0"},
      {.name = "two won stages",
       .when = Define(TextProto(kOpen, kWon, kLost, R"pb(stages {
                                                           stage_id: "won2"
                                                           name: "W"
                                                           type: STAGE_TYPE_WON
                                                           probability_percent: 100
                                                           forecast_category: FORECAST_CATEGORY_CLOSED
                                                         })pb")),
       .code = StatusCode::kFailedPrecondition,
       .message = "won_stage_count: a pipeline needs exactly one won stage, not 2"},
      {.name = "no lost stage",
       .when = Define(TextProto(kOpen, kWon)),
       .code = StatusCode::kFailedPrecondition,
       .message = "no_lost_stage"},
      {.name = "a won stage below 100 percent",
       .when = Define(TextProto(kOpen, R"pb(stages {
                                              stage_id: "won"
                                              name: "Won"
                                              type: STAGE_TYPE_WON
                                              probability_percent: 90
                                              forecast_category: FORECAST_CATEGORY_CLOSED
                                            })pb",
                                kLost)),
       .code = StatusCode::kFailedPrecondition,
       .message = "terminal_stage_settings: won stage won must have probability 100 and forecast CLOSED"},
      {.name = "a lost stage in the forecast",
       .when = Define(TextProto(kOpen, kWon, R"pb(stages {
                                                    stage_id: "lost"
                                                    name: "Lost"
                                                    type: STAGE_TYPE_LOST
                                                    forecast_category: FORECAST_CATEGORY_PIPELINE
                                                  })pb")),
       .code = StatusCode::kFailedPrecondition,
       .message = "terminal_stage_settings: lost stage lost must have probability 0 and forecast OMITTED"},
      {.name = "an open stage forecast as closed",
       .when = Define(TextProto(R"pb(stages {
                                       stage_id: "open"
                                       name: "Open"
                                       type: STAGE_TYPE_OPEN
                                       probability_percent: 99
                                       forecast_category: FORECAST_CATEGORY_CLOSED
                                     })pb",
                                kWon, kLost)),
       .code = StatusCode::kFailedPrecondition,
       .message = "open_stage_forecast_closed: open stage open"},
      {.name = "exit criteria on a terminal stage",
       .when = Define(TextProto(kOpen, R"pb(stages {
                                              stage_id: "won"
                                              name: "Won"
                                              type: STAGE_TYPE_WON
                                              probability_percent: 100
                                              forecast_category: FORECAST_CATEGORY_CLOSED
                                              exit_criteria { criterion_id: "paid" }
                                            })pb",
                                kLost)),
       .code = StatusCode::kFailedPrecondition,
       .message = "terminal_stage_criteria: stage won is terminal"},
  });
}

TEST(PipelineStateTest, KeepsEveryVersion) {
  const std::string minimal = TextProto(kOpen, kWon, kLost);
  const PipelineState state = Fold(PipelineState{}, std::vector<E>{Defined(1, kEnterpriseStages), Defined(2, minimal)});
  ASSERT_TRUE(state.exists());
  EXPECT_EQ(state.Latest()->pipeline_version(), 2u);
  EXPECT_EQ(state.Version(1)->stages_size(), 7);
  EXPECT_EQ(state.Version(2)->stages_size(), 3);
  EXPECT_TRUE(state.Version(0) == nullptr);
  EXPECT_TRUE(state.Version(3) == nullptr);
  EXPECT_FALSE(PipelineState{}.exists());
  EXPECT_TRUE(PipelineState{}.Latest() == nullptr);
}

TEST(PipelineQueriesTest, FindStagesAndCriteria) {
  const v1::PipelineDefined& pipeline = *EnterprisePipeline();
  EXPECT_EQ(StageIndex(pipeline, "propose"), 2);
  EXPECT_EQ(StageIndex(pipeline, "nowhere"), -1);
  EXPECT_EQ(FirstOpenStage(pipeline)->stage_id(), "prospect");
  EXPECT_EQ(WonStage(pipeline)->stage_id(), "won");
  ASSERT_EQ(LostStages(pipeline).size(), 2u);
  EXPECT_EQ(LostStages(pipeline)[1]->stage_id(), "no_decision");
  const std::optional<CriterionRef> ref = FindCriterion(pipeline, "decision_maker_known");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->stage_index, 1);
  EXPECT_EQ(ref->stage->stage_id(), "qualify");
  EXPECT_TRUE(ref->criterion->required());
  EXPECT_FALSE(FindCriterion(pipeline, "nothing").has_value());
}

}  // namespace
}  // namespace sfa::opportunity::domain

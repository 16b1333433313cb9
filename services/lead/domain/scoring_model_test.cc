#include "lead/domain/scoring_model.h"

#include <vector>

#include "gtest/gtest.h"
#include "lead/domain/decider_table.h"
#include "lead/domain/test_fixtures.h"

namespace sfa::lead::domain {
namespace {

using E = ScoringModelEvent;

constexpr char kModel[] =
    R"pb(model {
           fit_rules {
             rule_id: "banking"
             conditions { field: "company.industry" operator: CONDITION_OPERATOR_EQUALS values: "Banking" }
             points: 10
           }
           behaviour_half_life { seconds: 604800 }
         })pb";

DefineScoringModel Define(absl::string_view model, int day) {
  return DefineScoringModel{Pb<v1::DefineScoringModelRequest>(TextProto(R"pb(request_id: "q1")pb", model)), Day(day)};
}

E Defined(int version, absl::string_view model, int day) {
  return E{Day(day), Pb<v1::ScoringModelDefined>(TextProto("model_version:", version, model))};
}

TEST(ScoringModelDeciderTest, DefineScoringModel) {
  RunDeciderTable<ScoringModelState>(std::vector<DeciderCase<E, DefineScoringModel>>{
      {.name = "first", .when = Define(kModel, 0), .then = {Defined(1, kModel, 0)}},
      {.name = "an empty first model is still a version", .when = Define("", 0), .then = {Defined(1, "model { }", 0)}},
      {.name = "changed",
       .given = {Defined(1, kModel, 0)},
       .when = Define("", 1),
       .then = {Defined(2, "model { }", 1)}},
      {.name = "unchanged: nothing", .given = {Defined(1, kModel, 0)}, .when = Define(kModel, 1)},
  });
}

}  // namespace
}  // namespace sfa::lead::domain

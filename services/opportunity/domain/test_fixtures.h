#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_TEST_FIXTURES_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_TEST_FIXTURES_H_

// Test support: the fixed times, users and pipelines the domain tests share. Test-only.

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/pipeline.h"
#include "opportunity/domain/user.h"

namespace sfa::opportunity::domain {

// 2024-03-01T09:00:00Z, the start of every test story.
inline absl::Time Day(int n) {
  return absl::FromCivil(absl::CivilSecond(2024, 3, 1, 9, 0, 0), absl::UTCTimeZone()) + absl::Hours(24 * n);
}

inline std::string SecondsOf(absl::Time t) { return absl::StrCat(absl::ToUnixSeconds(t)); }

inline UserState User(absl::string_view id, v1::UserRole role = v1::USER_ROLE_REP, bool deactivated = false) {
  UserState user;
  user.exists = true;
  user.user.set_user_id(std::string(id));
  user.user.set_display_name(absl::StrCat("User ", id));
  user.user.set_role(role);
  user.user.set_deactivated(deactivated);
  return user;
}

// Prospect -> Qualify -> Propose -> Negotiate, then Won, Lost and No decision; exit criteria on the
// first three stages, one of them optional.
inline constexpr char kEnterpriseStages[] = R"pb(
  stages {
    stage_id: "prospect"
    name: "Prospect"
    type: STAGE_TYPE_OPEN
    probability_percent: 10
    forecast_category: FORECAST_CATEGORY_PIPELINE
    exit_criteria { criterion_id: "need_identified" description: "Pain confirmed" required: true }
  }
  stages {
    stage_id: "qualify"
    name: "Qualify"
    type: STAGE_TYPE_OPEN
    probability_percent: 30
    forecast_category: FORECAST_CATEGORY_PIPELINE
    exit_criteria { criterion_id: "budget_confirmed" required: true }
    exit_criteria { criterion_id: "decision_maker_known" required: true }
    exit_criteria { criterion_id: "timeline_known" required: false }
  }
  stages {
    stage_id: "propose"
    name: "Propose"
    type: STAGE_TYPE_OPEN
    probability_percent: 60
    forecast_category: FORECAST_CATEGORY_BEST_CASE
    exit_criteria { criterion_id: "proposal_sent" required: true }
  }
  stages {
    stage_id: "negotiate"
    name: "Negotiate"
    type: STAGE_TYPE_OPEN
    probability_percent: 80
    forecast_category: FORECAST_CATEGORY_COMMIT
  }
  stages {
    stage_id: "won"
    name: "Won"
    type: STAGE_TYPE_WON
    probability_percent: 100
    forecast_category: FORECAST_CATEGORY_CLOSED
  }
  stages {
    stage_id: "lost"
    name: "Lost"
    type: STAGE_TYPE_LOST
    probability_percent: 0
    forecast_category: FORECAST_CATEGORY_OMITTED
  }
  stages {
    stage_id: "no_decision"
    name: "No decision"
    type: STAGE_TYPE_LOST
    probability_percent: 0
    forecast_category: FORECAST_CATEGORY_OMITTED
  }
)pb";

// The MavenTech pipeline: Prospecting -> Engaging -> Won / Lost, without exit criteria.
inline constexpr char kMavenStages[] = R"pb(
  stages {
    stage_id: "prospecting"
    name: "Prospecting"
    type: STAGE_TYPE_OPEN
    probability_percent: 10
    forecast_category: FORECAST_CATEGORY_PIPELINE
  }
  stages {
    stage_id: "engaging"
    name: "Engaging"
    type: STAGE_TYPE_OPEN
    probability_percent: 50
    forecast_category: FORECAST_CATEGORY_BEST_CASE
  }
  stages {
    stage_id: "won"
    name: "Won"
    type: STAGE_TYPE_WON
    probability_percent: 100
    forecast_category: FORECAST_CATEGORY_CLOSED
  }
  stages {
    stage_id: "lost"
    name: "Lost"
    type: STAGE_TYPE_LOST
    probability_percent: 0
    forecast_category: FORECAST_CATEGORY_OMITTED
  }
)pb";

inline PipelineDefinition Definition(absl::string_view id, uint32_t version, absl::string_view stages) {
  return std::make_shared<const v1::PipelineDefined>(Pb<v1::PipelineDefined>(
      absl::StrCat("pipeline_id: \"", id, "\" pipeline_version: ", version, " name: \"", id, "\" ", stages)));
}

inline PipelineDefinition EnterprisePipeline() {
  static const PipelineDefinition* const kPipeline =
      new PipelineDefinition(Definition("enterprise", 1, kEnterpriseStages));
  return *kPipeline;
}

inline PipelineDefinition MavenPipeline() {
  static const PipelineDefinition* const kPipeline = new PipelineDefinition(Definition("maven", 1, kMavenStages));
  return *kPipeline;
}

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_TEST_FIXTURES_H_

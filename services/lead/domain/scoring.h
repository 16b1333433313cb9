#ifndef SFA_SERVICES_LEAD_DOMAIN_SCORING_H_
#define SFA_SERVICES_LEAD_DOMAIN_SCORING_H_

// The fit and behaviour scores of a lead under a scoring model, each with its explanation (per rule,
// per engagement kind). Pure: the read side and assignment compute them whenever they need them.

#include <cstdint>
#include <vector>

#include "absl/time/time.h"
#include "lead/domain/conditions.h"
#include "sfa/lead/v1/lead_service.pb.h"
#include "sfa/lead/v1/lead_types.pb.h"

namespace sfa::lead::domain {

struct FitScore {
  int32_t points = 0;
  // Every rule of the model in model order, matched or not.
  std::vector<v1::FitRuleResult> rules;
};

// The sum of the points of the rules whose conditions all hold.
FitScore ScoreFit(const v1::ScoringModel& model, const LeadFacts& facts);

// One recorded engagement, as the lead stream holds it.
struct Engagement {
  v1::EngagementKind kind = v1::ENGAGEMENT_KIND_UNSPECIFIED;
  int64_t count = 0;
  int64_t duration_seconds = 0;
  absl::Time occurred_at;
};

struct BehaviourScore {
  double points = 0;
  // One entry per kind that has engagements, in enum order.
  std::vector<v1::BehaviourKindResult> kinds;
};

// Each engagement earns points_per_count * count + points_per_minute * whole minutes of its kind's
// weight, halved for every behaviour_half_life between its time and `now` (no decay when the half-life
// is 0; an engagement after `now` counts in full). Kinds without a weight earn nothing.
BehaviourScore ScoreBehaviour(const v1::ScoringModel& model, const std::vector<Engagement>& engagements,
                              absl::Time now);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_SCORING_H_

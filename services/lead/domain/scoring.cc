#include "lead/domain/scoring.h"

#include <cmath>
#include <map>

namespace sfa::lead::domain {
namespace {

const v1::EngagementWeight* WeightOf(const v1::ScoringModel& model, v1::EngagementKind kind) {
  for (const v1::EngagementWeight& weight : model.engagement_weights()) {
    if (weight.kind() == kind) return &weight;
  }
  return nullptr;
}

double DecayFactor(absl::Duration half_life, absl::Duration age) {
  if (half_life <= absl::ZeroDuration() || age <= absl::ZeroDuration()) return 1.0;
  return std::exp2(-absl::FDivDuration(age, half_life));
}

}  // namespace

FitScore ScoreFit(const v1::ScoringModel& model, const LeadFacts& facts) {
  FitScore score;
  for (const v1::ScoringRule& rule : model.fit_rules()) {
    v1::FitRuleResult& result = score.rules.emplace_back();
    result.set_rule_id(rule.rule_id());
    result.set_description(rule.description());
    result.set_matched(AllHold(rule.conditions(), facts));
    result.set_points(result.matched() ? rule.points() : 0);
    score.points += result.points();
  }
  return score;
}

BehaviourScore ScoreBehaviour(const v1::ScoringModel& model, const std::vector<Engagement>& engagements,
                              absl::Time now) {
  const absl::Duration half_life =
      absl::Seconds(model.behaviour_half_life().seconds()) + absl::Nanoseconds(model.behaviour_half_life().nanos());
  std::map<int, v1::BehaviourKindResult> by_kind;
  for (const Engagement& engagement : engagements) {
    v1::BehaviourKindResult& result = by_kind[engagement.kind];
    result.set_kind(engagement.kind);
    result.set_count(result.count() + engagement.count);
    result.set_duration_seconds(result.duration_seconds() + engagement.duration_seconds);
    const v1::EngagementWeight* weight = WeightOf(model, engagement.kind);
    if (weight == nullptr) continue;
    const double raw =
        static_cast<double>(weight->points_per_count()) * static_cast<double>(engagement.count) +
        static_cast<double>(weight->points_per_minute()) * static_cast<double>(engagement.duration_seconds / 60);
    result.set_points(result.points() + raw * DecayFactor(half_life, now - engagement.occurred_at));
  }
  BehaviourScore score;
  for (auto& [kind, result] : by_kind) {
    score.points += result.points();
    score.kinds.push_back(std::move(result));
  }
  return score;
}

}  // namespace sfa::lead::domain

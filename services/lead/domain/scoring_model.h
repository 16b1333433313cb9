#ifndef SFA_SERVICES_LEAD_DOMAIN_SCORING_MODEL_H_
#define SFA_SERVICES_LEAD_DOMAIN_SCORING_MODEL_H_

// The scoring-model aggregate: the tenant's one fit-and-behaviour model (stream id "default"),
// versioned so that every score can say which model produced it.

#include <cstdint>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lead/domain/event.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/lead/v1/lead_service.pb.h"

namespace sfa::lead::domain {

inline constexpr char kScoringModelAggregate[] = "scoring_model";
inline constexpr char kSingletonId[] = "default";

using ScoringModelPayload = std::variant<v1::ScoringModelDefined>;
using ScoringModelEvent = Event<ScoringModelPayload>;

struct ScoringModelState {
  uint64_t model_version = 0;  // 0: never defined (no rules, no weights)
  v1::ScoringModel model;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct DefineScoringModel {
  v1::DefineScoringModelRequest request;  // validated
  absl::Time now;
};

ScoringModelState Evolve(ScoringModelState state, const ScoringModelEvent& event);

// ScoringModelDefined with the next version; nothing when the model is the current one.
absl::StatusOr<std::vector<ScoringModelEvent>> Decide(const ScoringModelState& state,
                                                      const DefineScoringModel& command);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_SCORING_MODEL_H_

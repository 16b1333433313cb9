#include "lead/domain/scoring_model.h"

#include <algorithm>
#include <utility>

#include "google/protobuf/util/message_differencer.h"

namespace sfa::lead::domain {

ScoringModelState Evolve(ScoringModelState state, const ScoringModelEvent& event) {
  const auto& defined = std::get<v1::ScoringModelDefined>(event.payload);
  state.model_version = defined.model_version();
  state.model = defined.model();
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<ScoringModelEvent>> Decide(const ScoringModelState& state,
                                                      const DefineScoringModel& command) {
  if (state.model_version > 0 &&
      google::protobuf::util::MessageDifferencer::Equals(state.model, command.request.model())) {
    return std::vector<ScoringModelEvent>{};
  }
  v1::ScoringModelDefined defined;
  defined.set_model_version(state.model_version + 1);
  *defined.mutable_model() = command.request.model();
  std::vector<ScoringModelEvent> events;
  events.push_back({std::max(command.now, state.last_changed_at), std::move(defined)});
  return events;
}

}  // namespace sfa::lead::domain

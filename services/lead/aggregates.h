#ifndef SFA_SERVICES_LEAD_AGGREGATES_H_
#define SFA_SERVICES_LEAD_AGGREGATES_H_

// The bridge between the lead domain's aggregates and the event store: the stream type and payload
// variant of each state, folding stored envelopes into a state, and turning decided events into the
// store's NewEvents.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "eventstore/event_store.h"
#include "lead/domain/assignment_rules.h"
#include "lead/domain/campaign.h"
#include "lead/domain/lead.h"
#include "lead/domain/scoring_model.h"
#include "lead/domain/support.h"

namespace sfa::lead {

template <typename State>
struct Aggregate;

template <>
struct Aggregate<domain::LeadState> {
  using Payload = domain::LeadPayload;
  static constexpr const char* kType = domain::kLeadAggregate;
};
template <>
struct Aggregate<domain::CampaignState> {
  using Payload = domain::CampaignPayload;
  static constexpr const char* kType = domain::kCampaignAggregate;
};
template <>
struct Aggregate<domain::ScoringModelState> {
  using Payload = domain::ScoringModelPayload;
  static constexpr const char* kType = domain::kScoringModelAggregate;
};
template <>
struct Aggregate<domain::AssignmentRulesState> {
  using Payload = domain::AssignmentRulesPayload;
  static constexpr const char* kType = domain::kAssignmentRulesAggregate;
};

// Folds one stored event into the state with the aggregate's Evolve. Events of another stream type (a
// request id reused across commands is answered with its first stream) leave the state as it is.
template <typename State>
absl::Status EvolveEnvelope(State& state, const eventstore::EventEnvelope& event) {
  using Payload = typename Aggregate<State>::Payload;
  if (event.aggregate_type() != Aggregate<State>::kType) return absl::OkStatus();
  absl::StatusOr<Payload> payload = domain::ParsePayload<Payload>(event.payload_type(), event.payload());
  if (!payload.ok()) return payload.status();
  state = Evolve(std::move(state), domain::Event<Payload>{domain::ToTime(event.occurred_at()), *std::move(payload)});
  return absl::OkStatus();
}

template <typename Payload>
std::vector<eventstore::NewEvent> ToNewEvents(const std::vector<domain::Event<Payload>>& events) {
  std::vector<eventstore::NewEvent> out;
  out.reserve(events.size());
  for (const domain::Event<Payload>& event : events) {
    eventstore::NewEvent e;
    e.payload_type = domain::PayloadType(event.payload);
    e.payload = domain::SerializePayload(event.payload);
    e.occurred_at = event.occurred_at;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace sfa::lead

#endif  // SFA_SERVICES_LEAD_AGGREGATES_H_

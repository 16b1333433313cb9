#ifndef SFA_SERVICES_OPPORTUNITY_AGGREGATES_H_
#define SFA_SERVICES_OPPORTUNITY_AGGREGATES_H_

// The bridge between the domain's aggregates and the event store: which stream type and payload
// variant belong to a state, folding stored envelopes into a state, and turning decided events into
// the store's NewEvents.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "eventstore/event_store.h"
#include "opportunity/domain/account.h"
#include "opportunity/domain/activity.h"
#include "opportunity/domain/comment.h"
#include "opportunity/domain/contact.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/opportunity.h"
#include "opportunity/domain/pipeline.h"
#include "opportunity/domain/sales_team.h"
#include "opportunity/domain/support.h"
#include "opportunity/domain/user.h"

namespace sfa::opportunity {

template <typename State>
struct Aggregate;

#define SFA_OPPORTUNITY_AGGREGATE(StateT, PayloadT, kTypeName) \
  template <>                                                  \
  struct Aggregate<StateT> {                                   \
    using Payload = PayloadT;                                  \
    static constexpr const char* kType = kTypeName;            \
  }

SFA_OPPORTUNITY_AGGREGATE(domain::UserState, domain::UserPayload, domain::kUserAggregate);
SFA_OPPORTUNITY_AGGREGATE(domain::SalesTeamState, domain::SalesTeamPayload, domain::kSalesTeamAggregate);
SFA_OPPORTUNITY_AGGREGATE(domain::PipelineState, domain::PipelinePayload, domain::kPipelineAggregate);
SFA_OPPORTUNITY_AGGREGATE(domain::AccountState, domain::AccountPayload, domain::kAccountAggregate);
SFA_OPPORTUNITY_AGGREGATE(domain::ContactState, domain::ContactPayload, domain::kContactAggregate);
SFA_OPPORTUNITY_AGGREGATE(domain::OpportunityState, domain::OpportunityPayload, domain::kOpportunityAggregate);
SFA_OPPORTUNITY_AGGREGATE(domain::ActivityState, domain::ActivityPayload, domain::kActivityAggregate);
SFA_OPPORTUNITY_AGGREGATE(domain::CommentState, domain::CommentPayload, domain::kCommentAggregate);

#undef SFA_OPPORTUNITY_AGGREGATE

// Folds one stored event into the state with the aggregate's Evolve.
template <typename State>
absl::Status EvolveEnvelope(State& state, const eventstore::EventEnvelope& event) {
  using Payload = typename Aggregate<State>::Payload;
  absl::StatusOr<Payload> payload = domain::ParsePayload<Payload>(event.payload_type(), event.payload());
  if (!payload.ok()) return payload.status();
  state = Evolve(std::move(state), domain::Event<Payload>{domain::ToTime(event.occurred_at()), *std::move(payload)});
  return absl::OkStatus();
}

// The aggregate `id` of the tenant, folded from its stream; a default state when it does not exist.
template <typename State>
absl::StatusOr<State> LoadState(const eventstore::EventStore& store, const std::string& tenant, const std::string& id) {
  absl::StatusOr<std::vector<eventstore::EventEnvelope>> events =
      store.ReadStream({tenant, Aggregate<State>::kType, id});
  if (!events.ok()) return events.status();
  State state{};
  for (const eventstore::EventEnvelope& event : *events) SFA_RETURN_IF_ERROR(EvolveEnvelope(state, event));
  return state;
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

}  // namespace sfa::opportunity

#endif  // SFA_SERVICES_OPPORTUNITY_AGGREGATES_H_

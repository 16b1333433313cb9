#ifndef SFA_SERVICES_QUOTE_AGGREGATES_H_
#define SFA_SERVICES_QUOTE_AGGREGATES_H_

// The bridge between the quote domain's aggregates and the event store: the stream type and payload
// variant of each state, folding stored envelopes into a state, and decided events as NewEvents.

#include <vector>

#include "absl/status/status.h"
#include "eventstore/event_store.h"
#include "quote/domain/approval_policy.h"
#include "quote/domain/order.h"
#include "quote/domain/price_book.h"
#include "quote/domain/product.h"
#include "quote/domain/promotion.h"
#include "quote/domain/quote.h"
#include "quote/domain/sku.h"
#include "quote/domain/support.h"

namespace sfa::quote {

template <typename State>
struct Aggregate;

#define SFA_QUOTE_AGGREGATE(StateT, PayloadT, kTypeName) \
  template <>                                            \
  struct Aggregate<StateT> {                             \
    using Payload = PayloadT;                            \
    static constexpr const char* kType = kTypeName;      \
  }

SFA_QUOTE_AGGREGATE(domain::ProductState, domain::ProductPayload, domain::kProductAggregate);
SFA_QUOTE_AGGREGATE(domain::SkuState, domain::SkuPayload, domain::kSkuAggregate);
SFA_QUOTE_AGGREGATE(domain::PriceBookState, domain::PriceBookPayload, domain::kPriceBookAggregate);
SFA_QUOTE_AGGREGATE(domain::PromotionState, domain::PromotionPayload, domain::kPromotionAggregate);
SFA_QUOTE_AGGREGATE(domain::ApprovalPolicyState, domain::ApprovalPolicyPayload, domain::kApprovalPolicyAggregate);
SFA_QUOTE_AGGREGATE(domain::QuoteState, domain::QuotePayload, domain::kQuoteAggregate);
SFA_QUOTE_AGGREGATE(domain::OrderState, domain::OrderPayload, domain::kOrderAggregate);

#undef SFA_QUOTE_AGGREGATE

// Folds one stored event with the aggregate's Evolve; events of another stream type (a request id reused
// across kinds of command is answered with its first stream) leave the state as it is.
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
    out.push_back({domain::PayloadType(event.payload), domain::SerializePayload(event.payload), event.occurred_at});
  }
  return out;
}

}  // namespace sfa::quote

#endif  // SFA_SERVICES_QUOTE_AGGREGATES_H_

#ifndef SFA_LIBS_DOMAIN_EVENT_H_
#define SFA_LIBS_DOMAIN_EVENT_H_

// Domain events — a payload from a service's <svc>_events.proto and the business time it took effect — and
// the codec between them and the event store's (payload type, bytes) pairs.

#include <cstddef>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sfa::domain {

// `Payload` is a std::variant of the event messages of one aggregate.
template <typename Payload>
struct Event {
  // Business time: the envelope's occurred_at. Deciders set it from effective_time or `now`.
  absl::Time occurred_at;
  Payload payload;
};

// Visitor built from lambdas: std::visit(Overloaded{[](const A&) {...}, [](const B&) {...}}, v).
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// The fully-qualified message name, stored as the envelope's payload_type.
template <typename Payload>
std::string PayloadType(const Payload& payload) {
  return std::visit([](const auto& m) { return std::string(m.GetDescriptor()->full_name()); }, payload);
}

template <typename Payload>
std::string SerializePayload(const Payload& payload) {
  return std::visit([](const auto& m) { return m.SerializeAsString(); }, payload);
}

// Decodes a stored payload into the aggregate's variant. An unknown type means the stream was written by
// a newer build (or is not this aggregate's): INTERNAL, since replaying past it would corrupt state.
template <typename Payload, std::size_t I = 0>
absl::StatusOr<Payload> ParsePayload(absl::string_view type, absl::string_view bytes) {
  if constexpr (I == std::variant_size_v<Payload>) {
    return absl::InternalError(absl::StrCat("unknown event payload type ", type));
  } else {
    using Message = std::variant_alternative_t<I, Payload>;
    if (Message::descriptor()->full_name() != type) return ParsePayload<Payload, I + 1>(type, bytes);
    Message message;
    if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::DataLossError(absl::StrCat("cannot parse event payload of type ", type));
    }
    return Payload(std::in_place_index<I>, std::move(message));
  }
}

// Folds events into a state with the aggregate's Evolve (found by argument-dependent lookup).
template <typename State, typename EventT>
State Fold(State state, const std::vector<EventT>& events) {
  for (const EventT& event : events) state = Evolve(std::move(state), event);
  return state;
}

}  // namespace sfa::domain

#endif  // SFA_LIBS_DOMAIN_EVENT_H_

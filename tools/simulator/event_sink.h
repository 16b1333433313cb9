#ifndef SFA_TOOLS_SIMULATOR_EVENT_SINK_H_
#define SFA_TOOLS_SIMULATOR_EVENT_SINK_H_

// Sink B: the sfa.common.v1.EventEnvelopes the opportunity service would publish for a simulation,
// without a server. Every request of plan.h is validated and decided by the opportunity domain
// (sfa_opportunity_domain), folded with its Evolve, and each event is wrapped as the event store wraps it
// (tenant, source "opportunity", aggregate type / id / version, occurred_at, payload_type / payload,
// request and correlation id, actor). Streaming: one deal (kByDeal) or the deals open at one instant
// (kByTime) are in memory, never the whole simulation, so an analytics benchmark can feed 1,000,000 deals
// to its projections in process.

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sfa/common/v1/event_envelope.pb.h"
#include "tools/simulator/simulation.h"

namespace sfa::tools::simulator {

enum class EventOrder {
  // The setup, then deal after deal, each deal's events together (as an import writes them).
  kByDeal,
  // The setup, then every event in business-time order across deals (as a live system publishes them);
  // holds the deals open at the current instant.
  kByTime,
};

struct EventSinkOptions {
  std::string tenant = "sim";
  std::string actor = "simulator";  // the envelope's actor: the user who sent the commands
  EventOrder order = EventOrder::kByDeal;
};

struct EventSinkStats {
  int64_t deals = 0;
  int64_t commands = 0;  // requests decided (setup included)
  int64_t envelopes = 0;
  int64_t setup_envelopes = 0;
  int64_t opportunity_envelopes = 0;
  int64_t activity_envelopes = 0;
  int64_t bytes = 0;  // serialized envelope sizes
};

// Called once per envelope, in global_position order (1, 2, ...); a non-OK status stops the run and is
// returned. The envelope is reused after the call returns.
using EnvelopeCallback = std::function<absl::Status(const common::v1::EventEnvelope& envelope)>;

// Envelope fields: event_id a UUID derived from (tenant, aggregate type, id, version); global_position
// in emission order; occurred_at the business time; recorded_at = occurred_at (no store committed them);
// request_id = correlation_id = the command's request id; actor = options.actor; source "opportunity".
// Setup commands are decided "now" = `from` 00:00 UTC, deal commands "now" = the horizon. INTERNAL when
// the domain refuses a request or decides no events for it (a simulator bug), naming the request id.
absl::StatusOr<EventSinkStats> EmitEvents(const Simulation& simulation, const EventSinkOptions& options,
                                          const EnvelopeCallback& emit);

// EmitEvents into `path` as length-delimited EventEnvelopes (varint size, then the message), the format
// of google::protobuf::util::SerializeDelimitedToOstream.
absl::StatusOr<EventSinkStats> WriteEventsFile(const Simulation& simulation, const EventSinkOptions& options,
                                               const std::string& path);

// Reads a file WriteEventsFile wrote, envelope after envelope; DATA_LOSS for a truncated or corrupt file.
absl::Status ReadEventsFile(const std::string& path, const EnvelopeCallback& each);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_EVENT_SINK_H_

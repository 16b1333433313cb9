#ifndef SFA_LIBS_MESSAGING_CLOUDEVENTS_H_
#define SFA_LIBS_MESSAGING_CLOUDEVENTS_H_

// CloudEvents 1.0 Kafka protocol binding, binary content mode: the envelope's attributes as `ce_*`
// record headers, so an ERP consumer can route and de-duplicate without parsing the protobuf value.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace sfa::messaging {

// Record headers in the order they are written; Kafka allows repeated names, CloudEvents does not.
using KafkaHeaders = std::vector<std::pair<std::string, std::string>>;

inline constexpr char kCloudEventsSpecVersion[] = "1.0";
// The record value is a serialized sfa.common.v1.EventEnvelope.
inline constexpr char kEnvelopeContentType[] = "application/protobuf";

// The CloudEvents attributes an sfa event carries.
struct CloudEventAttributes {
  std::string specversion;
  std::string id;
  std::string source;
  std::string type;
  std::string subject;  // "<aggregate_type>/<aggregate_id>"
  std::string content_type;
  absl::Time time = absl::InfinitePast();  // InfinitePast when the header is absent (it is optional)
  std::string tenant;                      // extension `tenant`
  uint64_t sequence = 0;                   // extension `sequence`: the aggregate version
};

// Headers for `event` published by `source` (a URI-reference such as "/sfa/lead").
KafkaHeaders CloudEventHeaders(const sfa::common::v1::EventEnvelope& event, absl::string_view source);

// Reads the headers back. INVALID_ARGUMENT names the first required header that is missing, repeated
// or malformed.
absl::StatusOr<CloudEventAttributes> ParseCloudEventHeaders(const KafkaHeaders& headers);

// RFC 3339 in UTC with only the fractional digits needed: "2023-11-14T22:13:20.5Z".
std::string FormatRfc3339Utc(absl::Time t);
// The CloudEvents `sequence` text of a version: zero-padded to 20 digits, because the extension requires
// lexicographic order to match event order ("9" must not sort after "10").
std::string FormatSequence(uint64_t version);

}  // namespace sfa::messaging

#endif  // SFA_LIBS_MESSAGING_CLOUDEVENTS_H_

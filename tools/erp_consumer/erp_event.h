#ifndef SFA_TOOLS_ERP_CONSUMER_ERP_EVENT_H_
#define SFA_TOOLS_ERP_CONSUMER_ERP_EVENT_H_

// Turns a Kafka record of an sfa.*.events.* topic into the line sfa-erp-consumer prints: the
// EventEnvelope decoded, then its payload decoded with the event protos linked into this binary.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sfa/common/v1/event_envelope.pb.h"
#include "tools/erp_consumer/erp_event_line.pb.h"

namespace sfa::tools::erp {

// A record as the Kafka client hands it over.
struct KafkaRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;  // a serialized sfa.common.v1.EventEnvelope
};

// The events an ERP acts on: an order placed, a payment recorded, an order paid in full, a deal won, and a
// won deal reopened (which undoes the win).
bool IsErpEvent(absl::string_view payload_type);

// INVALID_ARGUMENT when `value` is not an EventEnvelope with a payload type.
absl::StatusOr<sfa::common::v1::EventEnvelope> DecodeEnvelope(absl::string_view value);

// The line for `record`, whose value decoded to `envelope`. INVALID_ARGUMENT when the payload does not
// parse as its payload_type; a payload_type this build does not know (a newer producer) gives a line
// without payload.
absl::StatusOr<tools::erp_consumer::ErpEventLine> ToLine(const KafkaRecord& record,
                                                         const sfa::common::v1::EventEnvelope& envelope);

// The line as one JSON object without a newline: proto field names, zero values printed.
absl::StatusOr<std::string> ToJson(const tools::erp_consumer::ErpEventLine& line);

}  // namespace sfa::tools::erp

#endif  // SFA_TOOLS_ERP_CONSUMER_ERP_EVENT_H_

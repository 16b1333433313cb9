#include "tools/erp_consumer/erp_event.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sfa/analytics/v1/analytics_events.pb.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/quote/v1/quote_events.pb.h"

namespace sfa::tools::erp {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::DescriptorPool;
using ::google::protobuf::Message;
using ::google::protobuf::MessageFactory;
using ::sfa::common::v1::EventEnvelope;
using ::sfa::tools::erp_consumer::ErpEventLine;

// Naming one message of every *_events.proto makes the linker keep that file, so its events are in the
// generated descriptor pool where ToLine finds them by name (--all-events prints them all).
void LinkEventFiles() {
  static const Descriptor* const kOnePerFile[] = {
      sfa::lead::v1::LeadCaptured::descriptor(), sfa::opportunity::v1::OpportunityWon::descriptor(),
      sfa::quote::v1::OrderPlaced::descriptor(), sfa::analytics::v1::QuotaSet::descriptor()};
  (void)kOnePerFile;
}

}  // namespace

bool IsErpEvent(absl::string_view payload_type) {
  for (const Descriptor* d :
       {sfa::quote::v1::OrderPlaced::descriptor(), sfa::quote::v1::PaymentRecorded::descriptor(),
        sfa::quote::v1::OrderPaid::descriptor(), sfa::opportunity::v1::OpportunityWon::descriptor(),
        sfa::opportunity::v1::OpportunityReopened::descriptor()}) {
    if (d->full_name() == payload_type) return true;
  }
  return false;
}

absl::StatusOr<EventEnvelope> DecodeEnvelope(absl::string_view value) {
  EventEnvelope envelope;
  if (!envelope.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::InvalidArgumentError("record value is not an sfa.common.v1.EventEnvelope");
  }
  if (envelope.payload_type().empty()) {
    return absl::InvalidArgumentError("envelope has no payload_type");
  }
  return envelope;
}

absl::StatusOr<ErpEventLine> ToLine(const KafkaRecord& record, const EventEnvelope& envelope) {
  LinkEventFiles();
  ErpEventLine line;
  line.set_topic(record.topic);
  line.set_partition(record.partition);
  line.set_offset(record.offset);
  line.set_key(record.key);
  line.set_event_id(envelope.event_id());
  line.set_event_type(envelope.payload_type());
  if (envelope.has_occurred_at()) *line.mutable_effective_time() = envelope.occurred_at();
  line.set_tenant(envelope.tenant());
  line.set_aggregate_type(envelope.aggregate_type());
  line.set_aggregate_id(envelope.aggregate_id());
  line.set_aggregate_version(envelope.aggregate_version());

  const Descriptor* type = DescriptorPool::generated_pool()->FindMessageTypeByName(envelope.payload_type());
  if (type == nullptr) return line;  // newer than this build: the caller decides whether it matters
  std::unique_ptr<Message> payload(MessageFactory::generated_factory()->GetPrototype(type)->New());
  if (!payload->ParseFromString(envelope.payload())) {
    return absl::InvalidArgumentError(absl::StrCat("payload does not parse as ", envelope.payload_type()));
  }
  line.mutable_payload()->PackFrom(*payload);
  return line;
}

absl::StatusOr<std::string> ToJson(const ErpEventLine& line) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;     // the names of proto/EVENTS.md
  options.always_print_primitive_fields = true;  // a paid order's balance 0 is printed, not left out
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(line, &json, options);  // protobuf's own Status
  if (!status.ok()) return absl::InternalError(absl::StrCat("cannot print JSON: ", status.ToString()));
  return json;
}

}  // namespace sfa::tools::erp

#ifndef SFA_SERVICES_OPPORTUNITY_PROJECTIONS_ROWS_H_
#define SFA_SERVICES_OPPORTUNITY_PROJECTIONS_ROWS_H_

// What every projection of the opportunity service does with a ReadModelTxn: read and write protobuf
// rows, keep key-only index entries in step with a row, decode an envelope's payload, and add Money
// per currency.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/projection.h"
#include "eventstore/read_model_rows.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/support.h"
#include "sfa/common/v1/event_envelope.pb.h"
#include "sfa/common/v1/money.pb.h"

namespace sfa::opportunity::projections {

using eventstore::ReadModelTxn;
using EventEnvelope = sfa::common::v1::EventEnvelope;

// Rows and key-only indexes: the shared helpers (libs/eventstore/read_model_rows.h).
using eventstore::ReadRow;
using eventstore::SyncIndex;
using eventstore::WriteRow;

// The payload of an envelope as the aggregate's variant.
template <typename Payload>
absl::StatusOr<Payload> Decode(const EventEnvelope& event) {
  return domain::ParsePayload<Payload>(event.payload_type(), event.payload());
}

absl::Time EventTime(const EventEnvelope& event);

// Adds `sign * money` to the per-currency entry of `totals` (kept sorted by currency); an entry that
// reaches zero is removed, so a total that went back to nothing reads like one that never was.
void AddMoney(google::protobuf::RepeatedPtrField<common::v1::Money>* totals, const common::v1::Money& money, int sign);

}  // namespace sfa::opportunity::projections

#endif  // SFA_SERVICES_OPPORTUNITY_PROJECTIONS_ROWS_H_

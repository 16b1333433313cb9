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
#include "google/protobuf/repeated_ptr_field.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/support.h"
#include "sfa/common/v1/event_envelope.pb.h"
#include "sfa/common/v1/money.pb.h"

namespace sfa::opportunity::projections {

using eventstore::ReadModelTxn;
using EventEnvelope = sfa::common::v1::EventEnvelope;

// The row at `key`, or nullopt. DATA_LOSS when the bytes are not a `Message`.
template <typename Message>
absl::StatusOr<std::optional<Message>> ReadRow(ReadModelTxn& txn, absl::string_view cf, absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(cf, key);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<Message>();
  Message row;
  if (!row.ParseFromString(**bytes)) return absl::DataLossError(absl::StrCat("unreadable row in ", cf));
  return std::optional<Message>(std::move(row));
}

template <typename Message>
absl::Status WriteRow(ReadModelTxn& txn, absl::string_view cf, absl::string_view key, const Message& row) {
  return txn.Put(cf, key, row.SerializeAsString());
}

// Moves a row's key-only index entries from `before` to `after`: deletes what is no longer there and
// adds what is new, so an unchanged entry costs nothing.
absl::Status SyncIndex(ReadModelTxn& txn, absl::string_view cf, const std::vector<std::string>& before,
                       const std::vector<std::string>& after);

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

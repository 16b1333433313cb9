#ifndef SFA_LIBS_EVENTSTORE_READ_MODEL_ROWS_H_
#define SFA_LIBS_EVENTSTORE_READ_MODEL_ROWS_H_

// What every projection does with a ReadModelTxn: read and write protobuf rows, and keep key-only index
// entries in step with a row.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "eventstore/projection.h"

namespace sfa::eventstore {

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

}  // namespace sfa::eventstore

#endif  // SFA_LIBS_EVENTSTORE_READ_MODEL_ROWS_H_

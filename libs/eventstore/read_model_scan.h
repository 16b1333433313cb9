#ifndef SFA_LIBS_EVENTSTORE_READ_MODEL_SCAN_H_
#define SFA_LIBS_EVENTSTORE_READ_MODEL_SCAN_H_

// Reading the read models from query code: point reads of protobuf rows, and pages over key ranges with
// opaque page tokens (URL-safe base64 of the last key visited), so no list ever scans more than its
// page and a bounded budget of filtered-out entries.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "eventstore/event_store.h"

namespace sfa::eventstore {

// Keys k with lower <= k < upper; an empty upper means "to the end of the family".
struct KeyRange {
  std::string lower;
  std::string upper;
};

// Every key starting with `prefix`.
KeyRange PrefixRange(const std::string& prefix);
// Keys `prefix` + Int64(t) + ... with from <= t < to (either bound optional): for indexes whose keys
// continue with a time after `prefix`.
KeyRange TimeRange(const std::string& prefix, std::optional<int64_t> from, std::optional<int64_t> to);

// The raw value at `key`; nullopt when absent.
absl::StatusOr<std::optional<std::string>> GetValue(const EventStore& store, absl::string_view cf,
                                                    absl::string_view key);

template <typename Message>
absl::StatusOr<std::optional<Message>> GetRow(const EventStore& store, absl::string_view cf,
                                              absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> bytes = GetValue(store, cf, key);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<Message>();
  Message row;
  if (!row.ParseFromString(**bytes)) return absl::DataLossError(absl::StrCat("unreadable row in ", cf));
  return std::optional<Message>(std::move(row));
}

// Visits every entry whose key starts with `prefix`, in key order, for bounded per-record ranges (one
// deal's stage history), never for a whole family.
absl::Status ForEachInPrefix(const EventStore& store, absl::string_view cf, const std::string& prefix,
                             const std::function<absl::Status(absl::string_view key, absl::string_view value)>& visit);

// Called for each entry; returns whether the entry went into the page.
using PageVisitor = std::function<absl::StatusOr<bool>(absl::string_view key, absl::string_view value)>;

struct PageSpec {
  std::vector<KeyRange> ranges;  // sorted and disjoint
  // Every key a token of this query may name starts with it; anything else is INVALID_ARGUMENT.
  std::string token_prefix;
  std::string page_token;
  int page_size = 50;
  // Entries examined per page at most, accepted or not: bounds the work of a selective filter. A page cut
  // short by it ends with a token, possibly with fewer than page_size entries.
  size_t budget = 5000;
};

// Visits the entries after the page token until page_size were accepted, the ranges end or the budget is
// spent. Returns the next page token: empty when nothing is left.
absl::StatusOr<std::string> ScanPage(const EventStore& store, absl::string_view cf, const PageSpec& spec,
                                     const PageVisitor& visit);

// Visits every entry of `range` in order until `visit` returns false or `limit` entries were visited.
// For bounded walks (children of an account, contacts of an account).
absl::Status ScanRange(const EventStore& store, absl::string_view cf, const KeyRange& range, size_t limit,
                       const std::function<bool(absl::string_view key, absl::string_view value)>& visit);

}  // namespace sfa::eventstore

#endif  // SFA_LIBS_EVENTSTORE_READ_MODEL_SCAN_H_

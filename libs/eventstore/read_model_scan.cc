#include "eventstore/read_model_scan.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "base/key_codec.h"
#include "eventstore/read_model_txn.h"
#include "rocksdb/db.h"
#include "rocksdb/iterator.h"

namespace sfa::eventstore {
namespace {





absl::StatusOr<rocksdb::ColumnFamilyHandle*> HandleOf(const EventStore& store, absl::string_view cf) {
  rocksdb::ColumnFamilyHandle* handle = store.Handle(cf);
  if (handle == nullptr) return absl::InternalError(absl::StrCat("no column family ", cf));
  return handle;
}

absl::StatusOr<std::string> DecodeToken(const PageSpec& spec) {
  if (spec.page_token.empty()) return std::string();
  std::string key;
  if (!absl::WebSafeBase64Unescape(spec.page_token, &key) || !absl::StartsWith(key, spec.token_prefix)) {
    return absl::InvalidArgumentError("page_token is not a token this service issued for this query");
  }
  return key;
}

std::unique_ptr<rocksdb::Iterator> Iterate(const EventStore& store, rocksdb::ColumnFamilyHandle* handle,
                                           const KeyRange& range, rocksdb::Slice* upper,
                                           rocksdb::ReadOptions* options) {
  if (!range.upper.empty()) {
    *upper = ToSlice(range.upper);
    options->iterate_upper_bound = upper;
  }
  return std::unique_ptr<rocksdb::Iterator>(store.db()->NewIterator(*options, handle));
}

}  // namespace

KeyRange PrefixRange(const std::string& prefix) { return {prefix, base::PrefixSuccessor(prefix)}; }

KeyRange TimeRange(const std::string& prefix, std::optional<int64_t> from, std::optional<int64_t> to) {
  KeyRange range = PrefixRange(prefix);
  if (from) range.lower = base::KeyBuilder(prefix).Int64(*from).Release();
  if (to) range.upper = base::KeyBuilder(prefix).Int64(*to).Release();
  return range;
}

absl::StatusOr<std::optional<std::string>> GetValue(const EventStore& store, absl::string_view cf,
                                                    absl::string_view key) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> handle = HandleOf(store, cf);
  if (!handle.ok()) return handle.status();
  std::string value;
  rocksdb::Status s = store.db()->Get(rocksdb::ReadOptions(), *handle, ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "read model get");
  return std::optional<std::string>(std::move(value));
}

absl::Status ForEachInPrefix(const EventStore& store, absl::string_view cf, const std::string& prefix,
                             const std::function<absl::Status(absl::string_view key, absl::string_view value)>& visit) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> handle = HandleOf(store, cf);
  if (!handle.ok()) return handle.status();
  const std::string upper = base::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(ro, *handle));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    absl::Status s = visit(absl::string_view(it->key().data(), it->key().size()),
                           absl::string_view(it->value().data(), it->value().size()));
    if (!s.ok()) return s;
  }
  return FromRocks(it->status(), "read model scan");
}

absl::StatusOr<std::string> ScanPage(const EventStore& store, absl::string_view cf, const PageSpec& spec,
                                     const PageVisitor& visit) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> handle = HandleOf(store, cf);
  if (!handle.ok()) return handle.status();
  absl::StatusOr<std::string> after = DecodeToken(spec);
  if (!after.ok()) return after.status();
  int taken = 0;
  size_t examined = 0;
  std::string last;
  for (const KeyRange& range : spec.ranges) {
    if (!after->empty() && !range.upper.empty() && *after >= range.upper) continue;
    rocksdb::ReadOptions options;
    rocksdb::Slice upper;
    std::unique_ptr<rocksdb::Iterator> it = Iterate(store, *handle, range, &upper, &options);
    const bool resume = !after->empty() && *after >= range.lower;
    it->Seek(ToSlice(resume ? *after : range.lower));
    if (resume && it->Valid() && ToView(it->key()) == *after) it->Next();
    for (; it->Valid(); it->Next()) {
      // A further entry exists: the page (or the budget) ends before it.
      if (taken >= spec.page_size || examined >= spec.budget) return absl::WebSafeBase64Escape(last);
      ++examined;
      last = std::string(ToView(it->key()));
      absl::StatusOr<bool> accepted = visit(last, ToView(it->value()));
      if (!accepted.ok()) return accepted.status();
      taken += *accepted ? 1 : 0;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "read model scan");
  }
  return std::string();
}

absl::Status ScanRange(const EventStore& store, absl::string_view cf, const KeyRange& range, size_t limit,
                       const std::function<bool(absl::string_view key, absl::string_view value)>& visit) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> handle = HandleOf(store, cf);
  if (!handle.ok()) return handle.status();
  rocksdb::ReadOptions options;
  rocksdb::Slice upper;
  std::unique_ptr<rocksdb::Iterator> it = Iterate(store, *handle, range, &upper, &options);
  size_t visited = 0;
  for (it->Seek(ToSlice(range.lower)); it->Valid() && visited < limit; it->Next(), ++visited) {
    if (!visit(ToView(it->key()), ToView(it->value()))) break;
  }
  return it->status().ok() ? absl::OkStatus() : FromRocks(it->status(), "read model scan");
}

}  // namespace sfa::eventstore

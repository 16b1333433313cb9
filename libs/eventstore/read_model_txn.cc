#include "eventstore/read_model_txn.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "eventstore/event_store.h"
#include "rocksdb/iterator.h"

namespace sfa::eventstore {

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsInvalidArgument()) return absl::InvalidArgumentError(msg);
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return absl::UnavailableError(msg);
  if (s.IsShutdownInProgress()) return absl::UnavailableError(msg);
  return absl::InternalError(msg);
}

absl::StatusOr<rocksdb::ColumnFamilyHandle*> BatchTxn::Readable(absl::string_view cf) const {
  auto it = cfs_->find(cf);
  if (it == cfs_->end()) return absl::InvalidArgumentError(absl::StrCat("no column family '", cf, "'"));
  return it->second;
}

absl::StatusOr<rocksdb::ColumnFamilyHandle*> BatchTxn::Writable(absl::string_view cf) const {
  if (cf == kEventsCf || cf == kLogCf || cf == kTenantLogCf || cf == kStreamsCf || cf == kRequestsCf ||
      cf == kRequestsByTimeCf) {
    return absl::PermissionDeniedError(absl::StrCat("column family '", cf, "' is written by the event store only"));
  }
  return Readable(cf);
}

absl::StatusOr<std::optional<std::string>> BatchTxn::Get(absl::string_view cf, absl::string_view key) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> h = Readable(cf);
  if (!h.ok()) return h.status();
  std::string value;
  rocksdb::Status s = batch_->GetFromBatchAndDB(db_, rocksdb::ReadOptions(), *h, ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "read model get");
  return std::optional<std::string>(std::move(value));
}

absl::Status BatchTxn::Put(absl::string_view cf, absl::string_view key, absl::string_view value) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> h = Writable(cf);
  if (!h.ok()) return h.status();
  return FromRocks(batch_->Put(*h, ToSlice(key), ToSlice(value)), "read model put");
}

absl::Status BatchTxn::Delete(absl::string_view cf, absl::string_view key) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> h = Writable(cf);
  if (!h.ok()) return h.status();
  return FromRocks(batch_->Delete(*h, ToSlice(key)), "read model delete");
}

absl::Status BatchTxn::Scan(absl::string_view cf, absl::string_view prefix,
                            const std::function<bool(absl::string_view, absl::string_view)>& visit) {
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> h = Readable(cf);
  if (!h.ok()) return h.status();
  std::string upper = base::PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions ro;
  if (!upper.empty()) ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(batch_->NewIteratorWithBase(*h, db_->NewIterator(ro, *h)));
  for (it->Seek(ToSlice(prefix)); it->Valid(); it->Next()) {
    absl::string_view key = ToView(it->key());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!visit(key, ToView(it->value()))) break;
  }
  return FromRocks(it->status(), "read model scan");
}

}  // namespace sfa::eventstore

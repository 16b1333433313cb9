#ifndef SFA_LIBS_EVENTSTORE_READ_MODEL_TXN_H_
#define SFA_LIBS_EVENTSTORE_READ_MODEL_TXN_H_

// The ReadModelTxn the event store hands to projections and Commit functions: writes go into one
// RocksDB WriteBatchWithIndex, reads see that batch first and then the database.

#include <functional>
#include <map>
#include <string>

#include "eventstore/projection.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/write_batch_with_index.h"

namespace sfa::eventstore {

class BatchTxn final : public ReadModelTxn {
 public:
  using CfMap = std::map<std::string, rocksdb::ColumnFamilyHandle*, std::less<>>;

  BatchTxn(rocksdb::DB* db, rocksdb::WriteBatchWithIndex* batch, const CfMap* cfs) : db_(db), batch_(batch), cfs_(cfs) {}

  absl::StatusOr<std::optional<std::string>> Get(absl::string_view cf, absl::string_view key) override;
  absl::Status Put(absl::string_view cf, absl::string_view key, absl::string_view value) override;
  absl::Status Delete(absl::string_view cf, absl::string_view key) override;
  absl::Status Scan(absl::string_view cf, absl::string_view prefix,
                    const std::function<bool(absl::string_view, absl::string_view)>& visit) override;

 private:
  // Read models and meta are writable; the event log's own families are not.
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> Writable(absl::string_view cf) const;
  absl::StatusOr<rocksdb::ColumnFamilyHandle*> Readable(absl::string_view cf) const;

  rocksdb::DB* db_;
  rocksdb::WriteBatchWithIndex* batch_;
  const CfMap* cfs_;
};

// RocksDB status -> absl status, keeping the message.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

inline rocksdb::Slice ToSlice(absl::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline absl::string_view ToView(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

}  // namespace sfa::eventstore

#endif  // SFA_LIBS_EVENTSTORE_READ_MODEL_TXN_H_

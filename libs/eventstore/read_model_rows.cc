#include "eventstore/read_model_rows.h"

#include <algorithm>

namespace sfa::eventstore {

absl::Status SyncIndex(ReadModelTxn& txn, absl::string_view cf, const std::vector<std::string>& before,
                       const std::vector<std::string>& after) {
  for (const std::string& key : before) {
    if (std::find(after.begin(), after.end(), key) != after.end()) continue;
    if (absl::Status s = txn.Delete(cf, key); !s.ok()) return s;
  }
  for (const std::string& key : after) {
    if (std::find(before.begin(), before.end(), key) != before.end()) continue;
    if (absl::Status s = txn.Put(cf, key, ""); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace sfa::eventstore

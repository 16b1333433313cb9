#ifndef SFA_LIBS_EVENTSTORE_PROJECTION_H_
#define SFA_LIBS_EVENTSTORE_PROJECTION_H_

// A read model: a deterministic fold of events into RocksDB column families. The same interface
// serves a service's own read models (applied in the event store's commit) and read models fed from
// Kafka (applied by messaging::ProjectionRunner), so a rebuild replays exactly what the live path ran.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace sfa::eventstore {

// The writes of one commit. Reads see the writes made earlier in the same commit, then the database.
class ReadModelTxn {
 public:
  virtual ~ReadModelTxn() = default;
  virtual absl::StatusOr<std::optional<std::string>> Get(absl::string_view cf, absl::string_view key) = 0;
  virtual absl::Status Put(absl::string_view cf, absl::string_view key, absl::string_view value) = 0;
  virtual absl::Status Delete(absl::string_view cf, absl::string_view key) = 0;
  // Visits keys starting with `prefix` in order (pending writes included) until `visit` returns false.
  virtual absl::Status Scan(absl::string_view cf, absl::string_view prefix,
                            const std::function<bool(absl::string_view key, absl::string_view value)>& visit) = 0;
};

class Projection {
 public:
  virtual ~Projection() = default;
  // Stable name, used for checkpoints; by convention the read model's column families are "rm_<name>...".
  virtual std::string name() const = 0;
  // Bump when Apply changes meaning: the store then rebuilds this read model on open.
  virtual int version() const { return 1; }
  virtual std::vector<std::string> column_families() const = 0;
  // Folds one event into the read model. Deterministic: the same events in the same order must give
  // byte-identical column families. Events the projection does not care about are ignored (OK).
  virtual absl::Status Apply(const sfa::common::v1::EventEnvelope& event, ReadModelTxn& txn) = 0;
};

}  // namespace sfa::eventstore

#endif  // SFA_LIBS_EVENTSTORE_PROJECTION_H_

#ifndef SFA_SERVICES_ANALYTICS_DEAL_HEALTH_ROWS_H_
#define SFA_SERVICES_ANALYTICS_DEAL_HEALTH_ROWS_H_

// The byte layout of deal_health's read-model rows and keys, shared by its projections (writers) and
// queries (readers). Internal to this folder.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "sfa/common/v1/money.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::analytics::deal_health::rows {

namespace ov1 = ::sfa::opportunity::v1;

// Business times are kept to the microsecond, truncated (as the as-of pipeline read model keeps them).
int64_t MicrosOf(const google::protobuf::Timestamp& t);
int64_t MicrosOf(absl::Time t);
int64_t DayOfMicros(int64_t micros);  // days since the epoch, UTC (floor)

// t|opp: the key of a deal's row in every per-deal family.
std::string DealKey(absl::string_view tenant, absl::string_view opportunity_id);
// t|pipeline: the prefix of a pipeline's index entries.
std::string PipelineKey(absl::string_view tenant, absl::string_view pipeline_id);

// A snapshot in the waterfall's change log: the deal after one change of its status, amount or close date.
enum class ChangeKind : uint64_t { kCreated = 1, kChanged = 2 };
struct Snapshot {
  int64_t micros = 0;
  ChangeKind kind = ChangeKind::kChanged;
  ov1::OpportunitySummary deal;
};
std::string EncodeSnapshot(ChangeKind kind, const ov1::OpportunitySummary& deal);
// `key` is the change-log key (t|opp|micros|version).
absl::StatusOr<Snapshot> DecodeSnapshot(absl::string_view key, absl::string_view value);

// A stalled-deals row: the deal as it stands and when it was created.
struct StalledRow {
  int64_t created_micros = 0;
  ov1::OpportunitySummary deal;
};
std::string EncodeStalledRow(const StalledRow& row);
absl::StatusOr<StalledRow> DecodeStalledRow(absl::string_view value);

// An amount as currency -> minor units; empty for a deal without an amount.
std::map<std::string, int64_t> AmountOf(const ov1::OpportunitySummary& deal);
bool SameAmount(const ov1::OpportunitySummary& a, const ov1::OpportunitySummary& b);

}  // namespace sfa::analytics::deal_health::rows

#endif  // SFA_SERVICES_ANALYTICS_DEAL_HEALTH_ROWS_H_

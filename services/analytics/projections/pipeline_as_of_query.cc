#include <string>

#include "analytics/projections/projections.h"
#include "base/key_codec.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"

namespace sfa::analytics::projections {

absl::Status VisitOpenPipeline(const eventstore::EventStore& store, Scope scope, const std::string& prefix,
                               int64_t micros, bool inclusive, const DeltaVisitor& visit) {
  const absl::string_view day_cf = scope == Scope::kOwner ? kOwnerDayDeltasCf : kDayDeltasCf;
  const absl::string_view event_cf = scope == Scope::kOwner ? kOwnerEventDeltasCf : kEventDeltasCf;
  const int64_t day = DayOf(absl::FromUnixMicros(micros));
  const int64_t micros_in_day = micros - day * 86'400'000'000;
  const size_t delta_size = EncodeDelta({}).size();
  absl::Status failure;
  // Whole days before the instant's day: the day sums.
  SFA_RETURN_IF_ERROR(eventstore::ScanRange(
      store, day_cf, {prefix, base::KeyBuilder(prefix).Int64(day).Release()}, SIZE_MAX,
      [&](absl::string_view key, absl::string_view value) {
        base::KeyReader reader(key.substr(prefix.size()));
        absl::StatusOr<int64_t> d = reader.Int64();
        absl::StatusOr<std::string> stage = d.ok() ? reader.String() : d.status();
        absl::StatusOr<std::string> category = stage.ok() ? reader.String() : stage.status();
        absl::StatusOr<std::string> currency = category.ok() ? reader.String() : category.status();
        Delta delta;
        if (!currency.ok() || !DecodeDelta(value, &delta)) {
          failure = absl::DataLossError("unreadable day delta");
          return false;
        }
        visit(*stage, *category, *currency, delta);
        return true;
      }));
  SFA_RETURN_IF_ERROR(failure);
  // The instant's own day, change by change up to it.
  const std::string from = base::KeyBuilder(prefix).Int64(day).Release();
  const std::string to = base::KeyBuilder(prefix).Int64(day).Int64(micros_in_day + (inclusive ? 1 : 0)).Release();
  SFA_RETURN_IF_ERROR(eventstore::ScanRange(
      store, event_cf, {from, to}, SIZE_MAX, [&](absl::string_view, absl::string_view value) {
        base::KeyReader reader(value);
        absl::StatusOr<std::string> stage = reader.String();
        absl::StatusOr<std::string> category = stage.ok() ? reader.String() : stage.status();
        absl::StatusOr<std::string> currency = category.ok() ? reader.String() : category.status();
        Delta delta;
        if (!currency.ok() || value.size() < delta_size || !DecodeDelta(value.substr(value.size() - delta_size), &delta)) {
          failure = absl::DataLossError("unreadable event delta");
          return false;
        }
        visit(*stage, *category, *currency, delta);
        return true;
      }));
  return failure;
}

}  // namespace sfa::analytics::projections

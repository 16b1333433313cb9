#include "lead/domain/support.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/str_cat.h"

namespace sfa::lead::domain {

absl::Status RuleViolation(absl::string_view rule, absl::string_view detail) {
  return absl::FailedPreconditionError(absl::StrCat(rule, ": ", detail));
}

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return out;
}

google::protobuf::Duration ToDurationProto(absl::Duration duration) {
  // Truncation towards zero keeps seconds and nanos of the same sign, as google.protobuf.Duration asks.
  const int64_t seconds = absl::IDivDuration(duration, absl::Seconds(1), &duration);
  google::protobuf::Duration out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(duration)));
  return out;
}

std::string Rfc3339(absl::Time time) { return absl::FormatTime(absl::RFC3339_full, time, absl::UTCTimeZone()); }

bool SameMoney(const common::v1::Money& a, const common::v1::Money& b) {
  return a.minor_units() == b.minor_units() && a.currency() == b.currency();
}

absl::StatusOr<absl::Time> EffectiveTime(const google::protobuf::Timestamp* requested, absl::Time now,
                                         absl::Time not_before) {
  if (requested == nullptr) return std::max(now, not_before);
  const absl::Time at = ToTime(*requested);
  if (at > now) {
    return absl::InvalidArgumentError(
        absl::StrCat("effective_time ", Rfc3339(at), " is in the future (now is ", Rfc3339(now), ")"));
  }
  if (at < not_before) {
    return RuleViolation(
        "effective_time_before_last_change",
        absl::StrCat("effective_time ", Rfc3339(at), " is before the record's last change at ", Rfc3339(not_before)));
  }
  return at;
}

}  // namespace sfa::lead::domain

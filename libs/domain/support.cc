#include "domain/support.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sfa::domain {

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

absl::Duration ToDuration(const google::protobuf::Duration& duration) {
  return absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
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

absl::Status CheckParentLink(absl::string_view field, absl::string_view self_id, absl::string_view parent_id,
                             const AncestorChain& chain, size_t max_depth, absl::string_view cycle_rule,
                             absl::string_view depth_rule) {
  if (!chain.parent_exists) return absl::NotFoundError(absl::StrCat(field, " ", parent_id, " not found"));
  if (parent_id == self_id) {
    return RuleViolation(cycle_rule, absl::StrCat(field, " ", parent_id, " is the record itself"));
  }
  const auto self = std::find(chain.ids.begin(), chain.ids.end(), self_id);
  if (self != chain.ids.end()) {
    std::vector<absl::string_view> path = {self_id};
    path.insert(path.end(), chain.ids.begin(), self + 1);
    return RuleViolation(cycle_rule,
                         absl::StrCat(field, " ", parent_id, " would make a cycle: ", absl::StrJoin(path, " -> ")));
  }
  // The record itself plus its ancestors.
  const size_t depth = chain.ids.size() + 1;
  if (depth > max_depth) {
    return RuleViolation(depth_rule, absl::StrCat(field, " ", parent_id, " would put ", self_id, " ", depth,
                                                  " levels deep; at most ", max_depth, " are allowed"));
  }
  return absl::OkStatus();
}

}  // namespace sfa::domain

#ifndef SFA_SERVICES_LEAD_DOMAIN_SUPPORT_H_
#define SFA_SERVICES_LEAD_DOMAIN_SUPPORT_H_

// What every decider of the lead domain shares: statuses that name the business rule refused,
// proto <-> absl time, Money comparison and the effective-time rule.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "sfa/common/v1/money.pb.h"

// Returns the status of `expr` from the enclosing function unless it is OK.
#define LEAD_RETURN_IF_ERROR(expr)                                                  \
  do {                                                                              \
    if (absl::Status lead_status_ = (expr); !lead_status_.ok()) return lead_status_; \
  } while (false)

namespace sfa::lead::domain {

// FAILED_PRECONDITION "<rule>: <detail>". The rule is a stable snake_case token a client may branch on.
absl::Status RuleViolation(absl::string_view rule, absl::string_view detail);

absl::Time ToTime(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp ToTimestamp(absl::Time time);
google::protobuf::Duration ToDurationProto(absl::Duration duration);
// RFC 3339 in UTC, for messages.
std::string Rfc3339(absl::Time time);

bool SameMoney(const common::v1::Money& a, const common::v1::Money& b);

// The business time of a change: `requested` when set, else `now`. A requested time in the future is
// INVALID_ARGUMENT; one before `not_before` (the aggregate's last change) is FAILED_PRECONDITION
// effective_time_before_last_change, so times within a stream never run backwards.
absl::StatusOr<absl::Time> EffectiveTime(const google::protobuf::Timestamp* requested, absl::Time now,
                                         absl::Time not_before);

template <typename Request>
absl::StatusOr<absl::Time> EffectiveTimeOf(const Request& request, absl::Time now,
                                           absl::Time not_before = absl::InfinitePast()) {
  return EffectiveTime(request.has_effective_time() ? &request.effective_time() : nullptr, now, not_before);
}

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_SUPPORT_H_

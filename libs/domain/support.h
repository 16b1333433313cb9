#ifndef SFA_LIBS_DOMAIN_SUPPORT_H_
#define SFA_LIBS_DOMAIN_SUPPORT_H_

// What the deciders of every service share: statuses that name the business rule refused,
// proto <-> absl time, Money comparison, the effective-time rule and the cycle check for trees.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "sfa/common/v1/money.pb.h"

// Returns the status of `expr` from the enclosing function unless it is OK.
#define SFA_RETURN_IF_ERROR(expr)                                                 \
  do {                                                                            \
    if (absl::Status sfa_status_ = (expr); !sfa_status_.ok()) return sfa_status_; \
  } while (false)

namespace sfa::domain {

// FAILED_PRECONDITION "<rule>: <detail>". The rule is a stable snake_case token a client may branch on;
// the detail is for people.
absl::Status RuleViolation(absl::string_view rule, absl::string_view detail);

absl::Time ToTime(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Duration ToDuration(const google::protobuf::Duration& duration);
google::protobuf::Duration ToDurationProto(absl::Duration duration);
// RFC 3339 in UTC, for messages.
std::string Rfc3339(absl::Time time);

bool SameMoney(const common::v1::Money& a, const common::v1::Money& b);

// The business time of a change: `requested` (a request's effective_time) when set, else `now`.
// A requested time in the future is INVALID_ARGUMENT; one before `not_before` (the aggregate's last
// change) is FAILED_PRECONDITION, so that times within a stream never run backwards and every
// time-in-stage is non-negative. Without a requested time a server clock that stepped back yields
// `not_before` rather than an earlier time.
absl::StatusOr<absl::Time> EffectiveTime(const google::protobuf::Timestamp* requested, absl::Time now,
                                         absl::Time not_before);

template <typename Request>
absl::StatusOr<absl::Time> EffectiveTimeOf(const Request& request, absl::Time now,
                                           absl::Time not_before = absl::InfinitePast()) {
  return EffectiveTime(request.has_effective_time() ? &request.effective_time() : nullptr, now, not_before);
}

// What the adapter found by following parent links (account parents, contact reports-to lines) up from
// a proposed parent. The decider cannot read other aggregates, so the walk is its input.
struct AncestorChain {
  bool parent_exists = false;
  // The proposed parent, its parent, and so on up to a root; the adapter stops early when it meets the
  // record being linked (a cycle) or after the depth limit.
  std::vector<std::string> ids;
};

// OK when hanging `self_id` under `parent_id` keeps the tree acyclic and at most `max_depth` levels deep.
// NOT_FOUND when the parent does not exist; otherwise FAILED_PRECONDITION `cycle_rule` or `depth_rule`.
absl::Status CheckParentLink(absl::string_view field, absl::string_view self_id, absl::string_view parent_id,
                             const AncestorChain& chain, size_t max_depth, absl::string_view cycle_rule,
                             absl::string_view depth_rule);

}  // namespace sfa::domain

#endif  // SFA_LIBS_DOMAIN_SUPPORT_H_

#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_ACTIVITY_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_ACTIVITY_H_

// The activity aggregate: one call, visit, meeting, e-mail or demo, logged once. Each activity is its
// own stream so that logging never conflicts with a concurrent change of the opportunity it concerns.

#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/user.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kActivityAggregate[] = "activity";

using ActivityPayload = std::variant<v1::ActivityLogged>;
using ActivityEvent = Event<ActivityPayload>;

struct ActivityState {
  bool exists = false;
  v1::ActivityLogged activity;
};

// What the adapter found about the subject of an activity or a comment.
struct SubjectInfo {
  bool exists = false;
  // The account and opportunity the subject resolves to; empty when none (a lead, a contact).
  std::string account_id;
  std::string opportunity_id;
  // Whose work the subject is: the owner of the activity or opportunity commented on.
  std::string owner_user_id;
};

struct LogActivity {
  v1::LogActivityRequest request;  // validated; activity_id and owner_user_id filled in
  // A lead subject cannot be looked up here (it lives in the lead service): the adapter reports it as
  // existing.
  SubjectInfo subject;
  // The request's contact_ids that exist.
  absl::flat_hash_set<std::string> known_contact_ids;
  UserState owner;
  absl::Time now;
};

ActivityState Evolve(ActivityState state, const ActivityEvent& event);

// ActivityLogged, at occurred_at. ALREADY_EXISTS for a taken id; NOT_FOUND for a missing subject, contact
// or owner; INVALID_ARGUMENT for occurred_at in the future. A deactivated owner is accepted: activities
// are history and may be logged after the rep left.
absl::StatusOr<std::vector<ActivityEvent>> Decide(const ActivityState& state, const LogActivity& command);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_ACTIVITY_H_

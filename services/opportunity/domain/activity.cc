#include "opportunity/domain/activity.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "opportunity/domain/support.h"

namespace sfa::opportunity::domain {

ActivityState Evolve(ActivityState state, const ActivityEvent& event) {
  state.exists = true;
  state.activity = std::get<v1::ActivityLogged>(event.payload);
  return state;
}

absl::StatusOr<std::vector<ActivityEvent>> Decide(const ActivityState& state, const LogActivity& command) {
  const v1::LogActivityRequest& request = command.request;
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat("activity ", request.activity_id(), " already exists"));
  }
  if (!command.subject.exists) {
    return absl::NotFoundError(absl::StrCat("subject_id ", request.subject_id(), " not found"));
  }
  for (const std::string& id : request.contact_ids()) {
    if (!command.known_contact_ids.contains(id))
      return absl::NotFoundError(absl::StrCat("contact_ids ", id, " not found"));
  }
  if (!command.owner.exists) {
    return absl::NotFoundError(absl::StrCat("owner_user_id ", request.owner_user_id(), " not found"));
  }
  const absl::Time occurred_at = ToTime(request.occurred_at());
  if (occurred_at > command.now) {
    return absl::InvalidArgumentError(absl::StrCat("occurred_at ", Rfc3339(occurred_at), " is in the future"));
  }
  v1::ActivityLogged logged;
  logged.set_activity_id(request.activity_id());
  logged.set_subject_type(request.subject_type());
  logged.set_subject_id(request.subject_id());
  logged.set_account_id(command.subject.account_id);
  logged.set_opportunity_id(command.subject.opportunity_id);
  *logged.mutable_contact_ids() = request.contact_ids();
  logged.set_kind(request.kind());
  logged.set_outcome(request.outcome());
  logged.set_notes(request.notes());
  *logged.mutable_occurred_at() = request.occurred_at();
  if (request.has_duration()) *logged.mutable_duration() = request.duration();
  logged.set_owner_user_id(request.owner_user_id());
  std::vector<ActivityEvent> events;
  events.push_back({occurred_at, std::move(logged)});
  return events;
}

}  // namespace sfa::opportunity::domain

#include "opportunity/domain/user.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "opportunity/domain/support.h"

namespace sfa::opportunity::domain {

UserState Evolve(UserState state, const UserEvent& event) {
  state.exists = true;
  state.user = std::get<v1::UserUpserted>(event.payload);
  return state;
}

absl::StatusOr<std::vector<UserEvent>> Decide(const UserState& state, const UpsertUser& command) {
  const v1::UpsertUserRequest& request = command.request;
  v1::UserUpserted user;
  user.set_user_id(request.user_id());
  user.set_display_name(request.display_name());
  user.set_email(request.email());
  user.set_role(request.role());
  user.set_deactivated(request.deactivated());
  // An unchanged upsert appends nothing, so periodic syncs from an HR system do not flood the log.
  if (state.exists && google::protobuf::util::MessageDifferencer::Equals(state.user, user))
    return std::vector<UserEvent>();
  std::vector<UserEvent> events;
  events.push_back({command.now, std::move(user)});
  return events;
}

absl::Status CheckActiveUser(const UserState& user, absl::string_view field, absl::string_view user_id) {
  if (!user.exists) return absl::NotFoundError(absl::StrCat(field, " ", user_id, " not found"));
  if (user.user.deactivated()) {
    return RuleViolation("user_deactivated", absl::StrCat(field, " ", user_id, " is deactivated"));
  }
  return absl::OkStatus();
}

}  // namespace sfa::opportunity::domain

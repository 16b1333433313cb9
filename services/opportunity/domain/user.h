#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_USER_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_USER_H_

// The user aggregate: a person of the sales organisation, upserted whole by UpsertUser.

#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "opportunity/domain/event.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kUserAggregate[] = "user";

using UserPayload = std::variant<v1::UserUpserted>;
using UserEvent = Event<UserPayload>;

struct UserState {
  bool exists = false;
  // The user as last upserted.
  v1::UserUpserted user;
};

struct UpsertUser {
  v1::UpsertUserRequest request;  // validated
  absl::Time now;
};

UserState Evolve(UserState state, const UserEvent& event);

// UserUpserted, or nothing when the request repeats the current user.
absl::StatusOr<std::vector<UserEvent>> Decide(const UserState& state, const UpsertUser& command);

// For deciders that take a user as owner, manager or author: NOT_FOUND when `user` does not exist,
// FAILED_PRECONDITION user_deactivated when it is deactivated. `field` names the request field.
absl::Status CheckActiveUser(const UserState& user, absl::string_view field, absl::string_view user_id);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_USER_H_

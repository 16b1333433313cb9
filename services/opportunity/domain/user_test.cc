#include "opportunity/domain/user.h"

#include <vector>

#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = UserEvent;
using absl::StatusCode;

UpsertUser Upsert(absl::string_view text) {
  return UpsertUser{Pb<v1::UpsertUserRequest>(TextProto(R"pb(request_id: "r1" user_id: "u1")pb", text)), Day(1)};
}

E Upserted(absl::string_view text) { return E{Day(1), Pb<v1::UserUpserted>(TextProto(R"pb(user_id: "u1")pb", text))}; }

TEST(UserDeciderTest, UpsertUser) {
  const E anna = Upserted(R"pb(display_name: "Anna Snelling" role: USER_ROLE_REP)pb");
  RunDeciderTable<UserState>(std::vector<DeciderCase<E, UpsertUser>>{
      {.name = "a new user",
       .when = Upsert(R"pb(display_name: "Anna Snelling" role: USER_ROLE_REP)pb"),
       .then = {anna}},
      {.name = "a changed user replaces every field",
       .given = {anna},
       .when = Upsert(R"pb(display_name: "Anna S." email: "anna@maventech.com" role: USER_ROLE_MANAGER)pb"),
       .then = {Upserted(R"pb(display_name: "Anna S." email: "anna@maventech.com" role: USER_ROLE_MANAGER)pb")}},
      {.name = "deactivation",
       .given = {anna},
       .when = Upsert(R"pb(display_name: "Anna Snelling" role: USER_ROLE_REP deactivated: true)pb"),
       .then = {Upserted(R"pb(display_name: "Anna Snelling" role: USER_ROLE_REP deactivated: true)pb")}},
      {.name = "the same user again changes nothing",
       .given = {anna},
       .when = Upsert(R"pb(display_name: "Anna Snelling" role: USER_ROLE_REP)pb"),
       .then = {}},
  });
}

TEST(UserTest, CheckActiveUser) {
  EXPECT_TRUE(CheckActiveUser(User("u1"), "owner_user_id", "u1").ok());
  const absl::Status missing = CheckActiveUser(UserState{}, "owner_user_id", "u1");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.message(), "owner_user_id u1 not found");
  const absl::Status gone = CheckActiveUser(User("u1", v1::USER_ROLE_REP, true), "author_user_id", "u1");
  EXPECT_EQ(gone.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(gone.message(), "user_deactivated: author_user_id u1 is deactivated");
}

}  // namespace
}  // namespace sfa::opportunity::domain

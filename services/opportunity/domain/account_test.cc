#include "opportunity/domain/account.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/limits.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = AccountEvent;
using absl::StatusCode;

AncestorChain Chain(std::vector<std::string> ids) { return AncestorChain{true, std::move(ids)}; }

CreateAccount Create(absl::string_view text, AncestorChain parent = {}, UserState owner = User("u1")) {
  return CreateAccount{Pb<v1::CreateAccountRequest>(TextProto(
                           R"pb(request_id: "r1" account_id: "a1" name: "Acme" industry: "technology")pb", text)),
                       std::move(parent), std::move(owner), Day(1)};
}

E Created(absl::string_view text = "") {
  return E{Day(1),
           Pb<v1::AccountCreated>(TextProto(R"pb(account_id: "a1" name: "Acme" industry: "technology")pb", text))};
}

TEST(AccountDeciderTest, CreateAccount) {
  std::vector<std::string> deep;
  for (size_t i = 0; i < kMaxAccountDepth; ++i) deep.push_back(absl::StrCat("p", i));
  RunDeciderTable<AccountState>(std::vector<DeciderCase<E, CreateAccount>>{
      {.name = "a root account", .when = Create(""), .then = {Created()}},
      {.name = "with every field",
       .when = Create(R"pb(parent_account_id: "p1"
                           employees: 2822
                           annual_revenue { minor_units: 110004000000 currency: "USD" }
                           region: "United States"
                           owner_user_id: "u1")pb",
                      Chain({"p1", "p0"})),
       .then = {Created(R"pb(parent_account_id: "p1"
                             employees: 2822
                             annual_revenue { minor_units: 110004000000 currency: "USD" }
                             region: "United States"
                             owner_user_id: "u1")pb")}},
      {.name = "back-dated",
       .when = Create(TextProto("effective_time { seconds: ", SecondsOf(Day(0)), " }")),
       .then = {E{Day(0), std::get<v1::AccountCreated>(Created().payload)}}},
      {.name = "taken id",
       .given = {Created()},
       .when = Create(""),
       .code = StatusCode::kAlreadyExists,
       .message = "account a1 already exists"},
      {.name = "missing parent",
       .when = Create(R"pb(parent_account_id: "p1")pb"),
       .code = StatusCode::kNotFound,
       .message = "parent_account_id p1 not found"},
      {.name = "its own parent",
       .when = Create(R"pb(parent_account_id: "a1")pb", Chain({"a1"})),
       .code = StatusCode::kFailedPrecondition,
       .message = "account_parent_cycle: parent_account_id a1 is the record itself"},
      {.name = "too deep",
       .when = Create(R"pb(parent_account_id: "p0")pb", Chain(deep)),
       .code = StatusCode::kFailedPrecondition,
       .message = "account_tree_too_deep"},
      {.name = "deactivated owner",
       .when = Create(R"pb(owner_user_id: "u1")pb", {}, User("u1", v1::USER_ROLE_REP, true)),
       .code = StatusCode::kFailedPrecondition,
       .message = "user_deactivated"},
      {.name = "missing owner",
       .when = Create(R"pb(owner_user_id: "u1")pb", {}, UserState{}),
       .code = StatusCode::kNotFound,
       .message = "owner_user_id u1 not found"},
  });
}

UpdateAccount Update(absl::string_view text, AncestorChain parent = {}, UserState owner = User("u2")) {
  return UpdateAccount{Pb<v1::UpdateAccountRequest>(TextProto(R"pb(request_id: "r2" account_id: "a1")pb", text)),
                       std::move(parent), std::move(owner), Day(5)};
}

E Updated(absl::string_view text) {
  return E{Day(5), Pb<v1::AccountUpdated>(TextProto(R"pb(account_id: "a1")pb", text))};
}

E ParentChanged(absl::string_view from, absl::string_view to) {
  v1::AccountParentChanged changed;
  changed.set_account_id("a1");
  changed.set_from_parent_account_id(std::string(from));
  changed.set_to_parent_account_id(std::string(to));
  return E{Day(5), changed};
}

TEST(AccountDeciderTest, UpdateAccount) {
  const E child = Created(R"pb(parent_account_id: "p1" owner_user_id: "u1")pb");
  RunDeciderTable<AccountState>(
      std::vector<DeciderCase<E, UpdateAccount>>{
          {.name = "one field: the whole account, the field named",
           .given = {child},
           .when = Update(R"pb(name: "Acme Corp")pb"),
           .then = {Updated(R"pb(name: "Acme Corp"
                                 industry: "technology"
                                 owner_user_id: "u1"
                                 parent_account_id: "p1"
                                 changed_fields: "name")pb")}},
          {.name = "several fields, named in field order",
           .given = {child},
           .when = Update(R"pb(owner_user_id: "u2"
                               employees: 10
                               region: "EMEA"
                               annual_revenue { minor_units: 1 currency: "EUR" })pb"),
           .then = {Updated(R"pb(name: "Acme"
                                 industry: "technology"
                                 employees: 10
                                 annual_revenue { minor_units: 1 currency: "EUR" }
                                 region: "EMEA"
                                 owner_user_id: "u2"
                                 parent_account_id: "p1"
                                 changed_fields: "employees"
                                 changed_fields: "annual_revenue"
                                 changed_fields: "region"
                                 changed_fields: "owner_user_id")pb")}},
          {.name = "a new parent",
           .given = {child},
           .when = Update(R"pb(parent_account_id: "p2")pb", Chain({"p2"})),
           .then = {ParentChanged("p1", "p2")}},
          {.name = "becoming a root",
           .given = {child},
           .when = Update(R"pb(parent_account_id: "")pb"),
           .then = {ParentChanged("p1", "")}},
          {.name = "attributes and parent together",
           .given = {child},
           .when = Update(R"pb(industry: "retail" parent_account_id: "p2")pb", Chain({"p2", "p0"})),
           .then = {Updated(R"pb(name: "Acme"
                                 industry: "retail"
                                 owner_user_id: "u1"
                                 parent_account_id: "p1"
                                 changed_fields: "industry")pb"),
                    ParentChanged("p1", "p2")}},
          {.name = "a parent under the account itself is a cycle",
           .given = {child},
           .when = Update(R"pb(parent_account_id: "a3")pb", Chain({"a3", "a2", "a1"})),
           .code = StatusCode::kFailedPrecondition,
           .message = "account_parent_cycle: parent_account_id a3 would make a cycle: a1 -> a3 -> a2 -> a1"},
          {.name = "a missing parent",
           .given = {child},
           .when = Update(R"pb(parent_account_id: "p9")pb"),
           .code = StatusCode::kNotFound,
           .message = "parent_account_id p9 not found"},
          {.name = "unchanged values change nothing",
           .given = {child},
           .when = Update(R"pb(name: "Acme" parent_account_id: "p1" owner_user_id: "u1")pb"),
           .then = {}},
          {.name = "a deactivated new owner",
           .given = {child},
           .when = Update(R"pb(owner_user_id: "u2")pb", {}, User("u2", v1::USER_ROLE_REP, true)),
           .code = StatusCode::kFailedPrecondition,
           .message = "user_deactivated: owner_user_id u2"},
          {.name = "the owner may be cleared",
           .given = {child},
           .when = Update(R"pb(owner_user_id: "")pb", {}, UserState{}),
           .then = {Updated(R"pb(name: "Acme"
                                 industry: "technology"
                                 parent_account_id: "p1"
                                 changed_fields: "owner_user_id")pb")}},
          {.name = "missing account",
           .when = Update(R"pb(name: "X")pb"),
           .code = StatusCode::kNotFound,
           .message = "account a1 not found"},
          {.name = "effective_time before the last change",
           .given = {child},
           .when = Update(TextProto(R"pb(name: "X"
                                         effective_time { seconds:)pb",
                                    SecondsOf(Day(0)), " }")),
           .code = StatusCode::kFailedPrecondition,
           .message = "effective_time_before_last_change"},
      });
}

TEST(AccountEvolveTest, FollowsTheParent) {
  const AccountState state =
      Fold(AccountState{}, std::vector<E>{Created(R"pb(parent_account_id: "p1")pb"), ParentChanged("p1", "p2")});
  EXPECT_TRUE(state.exists);
  EXPECT_EQ(state.parent_account_id, "p2");
  EXPECT_EQ(state.last_changed_at, Day(5));
}

}  // namespace
}  // namespace sfa::opportunity::domain

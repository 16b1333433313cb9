#include "opportunity/domain/contact.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = ContactEvent;
using absl::StatusCode;

CreateContact Create(absl::string_view text, bool account_exists = true, AncestorChain manager = {}) {
  return CreateContact{Pb<v1::CreateContactRequest>(
                           TextProto(R"pb(request_id: "r1" contact_id: "c1" account_id: "a1" name: "Li Wei")pb", text)),
                       account_exists, std::move(manager), Day(1)};
}

E Created(absl::string_view text = "") {
  return E{Day(1), Pb<v1::ContactCreated>(TextProto(R"pb(contact_id: "c1" account_id: "a1" name: "Li Wei")pb", text))};
}

TEST(ContactDeciderTest, CreateContact) {
  RunDeciderTable<ContactState>(std::vector<DeciderCase<E, CreateContact>>{
      {.name = "with its power-map fields",
       .when = Create(R"pb(title: "CFO"
                           email: "li.wei@acme.cn"
                           phone: "+86 10 1234 5678"
                           buying_role: BUYING_ROLE_ECONOMIC_BUYER
                           reports_to_contact_id: "c0"
                           influence: 5
                           attitude: ATTITUDE_NEUTRAL)pb",
                      true, AncestorChain{true, {"c0"}}),
       .then = {Created(R"pb(title: "CFO"
                             email: "li.wei@acme.cn"
                             phone: "+86 10 1234 5678"
                             buying_role: BUYING_ROLE_ECONOMIC_BUYER
                             reports_to_contact_id: "c0"
                             influence: 5
                             attitude: ATTITUDE_NEUTRAL)pb")}},
      {.name = "taken id",
       .given = {Created()},
       .when = Create(""),
       .code = StatusCode::kAlreadyExists,
       .message = "contact c1 already exists"},
      {.name = "missing account",
       .when = Create("", false),
       .code = StatusCode::kNotFound,
       .message = "account_id a1 not found"},
      {.name = "missing manager",
       .when = Create(R"pb(reports_to_contact_id: "c0")pb"),
       .code = StatusCode::kNotFound,
       .message = "reports_to_contact_id c0 not found"},
      {.name = "reporting to oneself",
       .when = Create(R"pb(reports_to_contact_id: "c1")pb", true, {true, {"c1"}}),
       .code = StatusCode::kFailedPrecondition,
       .message = "reporting_cycle"},
  });
}

UpdateContact Update(absl::string_view text, AncestorChain manager = {}) {
  return UpdateContact{Pb<v1::UpdateContactRequest>(TextProto(R"pb(request_id: "r2" contact_id: "c1")pb", text)),
                       std::move(manager), Day(5)};
}

TEST(ContactDeciderTest, UpdateContact) {
  const E created = Created(R"pb(buying_role: BUYING_ROLE_INFLUENCER influence: 2 attitude: ATTITUDE_NEUTRAL)pb");
  RunDeciderTable<ContactState>(std::vector<DeciderCase<E, UpdateContact>>{
      {.name = "the whole contact, the changed fields named",
       .given = {created},
       .when = Update(R"pb(attitude: ATTITUDE_OPPONENT influence: 4 title: "CTO")pb"),
       .then = {E{Day(5), Pb<v1::ContactUpdated>(R"pb(
                    contact_id: "c1"
                    account_id: "a1"
                    name: "Li Wei"
                    title: "CTO"
                    buying_role: BUYING_ROLE_INFLUENCER
                    influence: 4
                    attitude: ATTITUDE_OPPONENT
                    changed_fields: "title"
                    changed_fields: "influence"
                    changed_fields: "attitude")pb")}}},
      {.name = "a new manager",
       .given = {created},
       .when = Update(R"pb(reports_to_contact_id: "c0")pb", {true, {"c0"}}),
       .then = {E{Day(5), Pb<v1::ContactUpdated>(R"pb(
                    contact_id: "c1"
                    account_id: "a1"
                    name: "Li Wei"
                    buying_role: BUYING_ROLE_INFLUENCER
                    reports_to_contact_id: "c0"
                    influence: 2
                    attitude: ATTITUDE_NEUTRAL
                    changed_fields: "reports_to_contact_id")pb")}}},
      {.name = "a manager who reports to the contact is a cycle",
       .given = {created},
       .when = Update(R"pb(reports_to_contact_id: "c2")pb", {true, {"c2", "c1"}}),
       .code = StatusCode::kFailedPrecondition,
       .message = "reporting_cycle: reports_to_contact_id c2 would make a cycle: c1 -> c2 -> c1"},
      {.name = "unchanged values change nothing",
       .given = {created},
       .when = Update(R"pb(influence: 2 attitude: ATTITUDE_NEUTRAL)pb"),
       .then = {}},
      {.name = "missing contact",
       .when = Update(R"pb(influence: 3)pb"),
       .code = StatusCode::kNotFound,
       .message = "contact c1 not found"},
  });
}

}  // namespace
}  // namespace sfa::opportunity::domain

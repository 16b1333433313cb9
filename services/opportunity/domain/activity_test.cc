#include "opportunity/domain/activity.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = ActivityEvent;
using absl::StatusCode;

// A meeting on opportunity o1 (account a1), by default on day 3, with contacts c1 and c2, logged on day 5.
LogActivity Log(absl::Time occurred_at = Day(3)) {
  LogActivity command;
  command.request = Pb<v1::LogActivityRequest>(TextProto(
      R"pb(request_id: "r1"
           activity_id: "act1"
           subject_type: SUBJECT_TYPE_OPPORTUNITY
           subject_id: "o1"
           contact_ids: "c1"
           contact_ids: "c2"
           kind: ACTIVITY_KIND_MEETING
           outcome: "next step agreed"
           notes: "budget\napproved"
           duration { seconds: 3600 }
           owner_user_id: "u1")pb",
      "occurred_at { seconds: ", SecondsOf(occurred_at), " }"));
  command.subject = SubjectInfo{true, "a1", "o1", "u1"};
  command.known_contact_ids = {"c1", "c2"};
  command.owner = User("u1");
  command.now = Day(5);
  return command;
}

E Logged() {
  return E{Day(3), Pb<v1::ActivityLogged>(TextProto(
                       R"pb(activity_id: "act1"
                            subject_type: SUBJECT_TYPE_OPPORTUNITY
                            subject_id: "o1"
                            account_id: "a1"
                            opportunity_id: "o1"
                            contact_ids: "c1"
                            contact_ids: "c2"
                            kind: ACTIVITY_KIND_MEETING
                            outcome: "next step agreed"
                            notes: "budget\napproved"
                            duration { seconds: 3600 }
                            owner_user_id: "u1")pb",
                       "occurred_at { seconds: ", SecondsOf(Day(3)), " }"))};
}

TEST(ActivityDeciderTest, LogActivity) {
  LogActivity lead = Log();
  lead.request.set_subject_type(v1::SUBJECT_TYPE_LEAD);
  lead.request.set_subject_id("lead-7");
  lead.subject = SubjectInfo{true, "", "", ""};
  E lead_logged = Logged();
  auto& lead_payload = std::get<v1::ActivityLogged>(lead_logged.payload);
  lead_payload.set_subject_type(v1::SUBJECT_TYPE_LEAD);
  lead_payload.set_subject_id("lead-7");
  lead_payload.clear_account_id();
  lead_payload.clear_opportunity_id();
  LogActivity missing_subject = Log();
  missing_subject.subject.exists = false;
  LogActivity missing_contact = Log();
  missing_contact.known_contact_ids = {"c1"};
  LogActivity departed_owner = Log();
  departed_owner.owner = User("u1", v1::USER_ROLE_REP, true);
  LogActivity missing_owner = Log();
  missing_owner.owner = UserState{};
  RunDeciderTable<ActivityState>(std::vector<DeciderCase<E, LogActivity>>{
      {.name = "at the time it occurred, with the subject's account and opportunity",
       .when = Log(),
       .then = {Logged()}},
      {.name = "about a lead of the lead service", .when = lead, .then = {lead_logged}},
      {.name = "logged after the rep left", .when = departed_owner, .then = {Logged()}},
      {.name = "taken id",
       .given = {Logged()},
       .when = Log(),
       .code = StatusCode::kAlreadyExists,
       .message = "activity act1 already exists"},
      {.name = "missing subject",
       .when = missing_subject,
       .code = StatusCode::kNotFound,
       .message = "subject_id o1 not found"},
      {.name = "missing contact",
       .when = missing_contact,
       .code = StatusCode::kNotFound,
       .message = "contact_ids c2 not found"},
      {.name = "missing owner",
       .when = missing_owner,
       .code = StatusCode::kNotFound,
       .message = "owner_user_id u1 not found"},
      {.name = "in the future",
       .when = Log(Day(6)),
       .code = StatusCode::kInvalidArgument,
       .message = "occurred_at 2024-03-07T09:00:00+00:00 is in the future"},
  });
}

}  // namespace
}  // namespace sfa::opportunity::domain

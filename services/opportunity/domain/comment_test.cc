#include "opportunity/domain/comment.h"

#include <vector>

#include "gtest/gtest.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using E = CommentEvent;
using absl::StatusCode;

// Manager m1 reviews rep u1's activity act1 on opportunity o1.
AddComment Review(absl::string_view text = "") {
  AddComment command;
  command.request = Pb<v1::CommentRequest>(TextProto(
      R"pb(request_id: "r1"
           comment_id: "cm1"
           subject_type: SUBJECT_TYPE_ACTIVITY
           subject_id: "act1"
           author_user_id: "m1"
           text: "Who signs the budget?")pb",
      text));
  command.subject = SubjectInfo{true, "a1", "o1", "u1"};
  command.author = User("m1", v1::USER_ROLE_MANAGER);
  command.now = Day(6);
  return command;
}

E Reviewed() {
  return E{Day(6), Pb<v1::CommentAdded>(R"pb(
             comment_id: "cm1"
             subject_type: SUBJECT_TYPE_ACTIVITY
             subject_id: "act1"
             opportunity_id: "o1"
             account_id: "a1"
             author_user_id: "m1"
             subject_owner_user_id: "u1"
             text: "Who signs the budget?")pb")};
}

TEST(CommentDeciderTest, AddComment) {
  AddComment answer;
  answer.request = Pb<v1::CommentRequest>(R"pb(
    request_id: "r2"
    comment_id: "cm2"
    subject_type: SUBJECT_TYPE_ACTIVITY
    subject_id: "act1"
    author_user_id: "u1"
    text: "The CFO; meeting booked."
    reply_to_comment_id: "cm1")pb");
  answer.subject = SubjectInfo{true, "a1", "o1", "u1"};
  answer.reply_to = Fold(CommentState{}, std::vector<E>{Reviewed()});
  answer.author = User("u1");
  answer.now = Day(7);
  AddComment elsewhere = answer;
  elsewhere.request.set_subject_type(v1::SUBJECT_TYPE_OPPORTUNITY);
  elsewhere.request.set_subject_id("o1");
  AddComment orphan = answer;
  orphan.reply_to = CommentState{};
  AddComment no_subject = Review();
  no_subject.subject.exists = false;
  AddComment departed = Review();
  departed.author = User("m1", v1::USER_ROLE_MANAGER, true);
  RunDeciderTable<CommentState>(std::vector<DeciderCase<E, AddComment>>{
      {.name = "a manager's review names whose work it is", .when = Review(), .then = {Reviewed()}},
      {.name = "the rep's answer", .when = answer, .then = {E{Day(7), Pb<v1::CommentAdded>(R"pb(
                                                                comment_id: "cm2"
                                                                subject_type: SUBJECT_TYPE_ACTIVITY
                                                                subject_id: "act1"
                                                                opportunity_id: "o1"
                                                                account_id: "a1"
                                                                author_user_id: "u1"
                                                                subject_owner_user_id: "u1"
                                                                text: "The CFO; meeting booked."
                                                                reply_to_comment_id: "cm1")pb")}}},
      {.name = "a reply on another subject",
       .when = elsewhere,
       .code = StatusCode::kFailedPrecondition,
       .message = "reply_on_other_subject: comment cm1 is on act1"},
      {.name = "a reply to a missing comment",
       .when = orphan,
       .code = StatusCode::kNotFound,
       .message = "reply_to_comment_id cm1 not found"},
      {.name = "missing subject",
       .when = no_subject,
       .code = StatusCode::kNotFound,
       .message = "subject_id act1 not found"},
      {.name = "deactivated author",
       .when = departed,
       .code = StatusCode::kFailedPrecondition,
       .message = "user_deactivated: author_user_id m1"},
      {.name = "taken id",
       .given = {Reviewed()},
       .when = Review(),
       .code = StatusCode::kAlreadyExists,
       .message = "comment cm1 already exists"},
  });
}

}  // namespace
}  // namespace sfa::opportunity::domain

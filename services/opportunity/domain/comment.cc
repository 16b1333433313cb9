#include "opportunity/domain/comment.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "opportunity/domain/support.h"

namespace sfa::opportunity::domain {
namespace {

// A thread is about one subject; a reply elsewhere would vanish from both threads' views.
absl::Status CheckReply(const AddComment& command) {
  const v1::CommentRequest& request = command.request;
  if (request.reply_to_comment_id().empty()) return absl::OkStatus();
  if (!command.reply_to.exists) {
    return absl::NotFoundError(absl::StrCat("reply_to_comment_id ", request.reply_to_comment_id(), " not found"));
  }
  const v1::CommentAdded& parent = command.reply_to.comment;
  if (parent.subject_type() != request.subject_type() || parent.subject_id() != request.subject_id()) {
    return RuleViolation("reply_on_other_subject",
                         absl::StrCat("comment ", parent.comment_id(), " is on ", parent.subject_id(),
                                      "; a reply must be on the same subject, not on ", request.subject_id()));
  }
  return absl::OkStatus();
}

}  // namespace

CommentState Evolve(CommentState state, const CommentEvent& event) {
  state.exists = true;
  state.comment = std::get<v1::CommentAdded>(event.payload);
  return state;
}

absl::StatusOr<std::vector<CommentEvent>> Decide(const CommentState& state, const AddComment& command) {
  const v1::CommentRequest& request = command.request;
  if (state.exists) {
    return absl::AlreadyExistsError(absl::StrCat("comment ", request.comment_id(), " already exists"));
  }
  if (!command.subject.exists) {
    return absl::NotFoundError(absl::StrCat("subject_id ", request.subject_id(), " not found"));
  }
  SFA_RETURN_IF_ERROR(CheckReply(command));
  SFA_RETURN_IF_ERROR(CheckActiveUser(command.author, "author_user_id", request.author_user_id()));
  v1::CommentAdded added;
  added.set_comment_id(request.comment_id());
  added.set_subject_type(request.subject_type());
  added.set_subject_id(request.subject_id());
  added.set_opportunity_id(command.subject.opportunity_id);
  added.set_account_id(command.subject.account_id);
  added.set_author_user_id(request.author_user_id());
  added.set_subject_owner_user_id(command.subject.owner_user_id);
  added.set_text(request.text());
  added.set_reply_to_comment_id(request.reply_to_comment_id());
  std::vector<CommentEvent> events;
  events.push_back({command.now, std::move(added)});
  return events;
}

}  // namespace sfa::opportunity::domain

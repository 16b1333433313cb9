#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_COMMENT_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_COMMENT_H_

// The comment aggregate: a coaching remark on an activity or an opportunity, or a reply to one. Each
// comment is its own stream, so a manager's review never conflicts with the rep's work on the deal.

#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "opportunity/domain/activity.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/user.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

inline constexpr char kCommentAggregate[] = "comment";

using CommentPayload = std::variant<v1::CommentAdded>;
using CommentEvent = Event<CommentPayload>;

struct CommentState {
  bool exists = false;
  v1::CommentAdded comment;
};

// The domain command of the Comment RPC.
struct AddComment {
  v1::CommentRequest request;  // validated; comment_id and author_user_id filled in
  SubjectInfo subject;
  // The comment replied to (when reply_to_comment_id is set).
  CommentState reply_to;
  UserState author;
  absl::Time now;
};

CommentState Evolve(CommentState state, const CommentEvent& event);

// CommentAdded. ALREADY_EXISTS for a taken id; NOT_FOUND for a missing subject or replied-to comment;
// the author must be active; a reply stays on its parent's subject (reply_on_other_subject).
absl::StatusOr<std::vector<CommentEvent>> Decide(const CommentState& state, const AddComment& command);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_COMMENT_H_

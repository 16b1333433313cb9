// Comments: the row and its indexes by subject, author, the owner of the work commented on (a rep's
// coaching inbox) and time.

#include <string>
#include <vector>

#include "opportunity/domain/comment.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/projections.h"
#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {
namespace {

v1::Comment ToRow(const v1::CommentAdded& e, const EventEnvelope& event) {
  v1::Comment row;
  row.set_comment_id(e.comment_id());
  row.set_subject_type(e.subject_type());
  row.set_subject_id(e.subject_id());
  row.set_opportunity_id(e.opportunity_id());
  row.set_account_id(e.account_id());
  row.set_author_user_id(e.author_user_id());
  row.set_subject_owner_user_id(e.subject_owner_user_id());
  row.set_text(e.text());
  row.set_reply_to_comment_id(e.reply_to_comment_id());
  *row.mutable_created_at() = event.occurred_at();
  row.set_version(event.aggregate_version());
  return row;
}

}  // namespace

std::vector<std::string> CommentProjection::column_families() const {
  return {kCommentsCf, kCommentBySubjectCf, kCommentByAuthorCf, kCommentBySubjectOwnerCf, kCommentByTimeCf};
}

absl::Status CommentProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() != domain::kCommentAggregate) return absl::OkStatus();
  absl::StatusOr<domain::CommentPayload> payload = Decode<domain::CommentPayload>(event);
  if (!payload.ok()) return payload.status();
  const v1::CommentAdded& e = std::get<v1::CommentAdded>(*payload);
  const std::string& tenant = event.tenant();
  const std::string& id = e.comment_id();
  const int64_t t = KeyMicros(EventTime(event));
  const std::string subject =
      base::KeyBuilder().String(tenant).Uint64(e.subject_type()).String(e.subject_id()).Release();
  SFA_RETURN_IF_ERROR(txn.Put(kCommentBySubjectCf, TimedKey(subject, t, id), ""));
  SFA_RETURN_IF_ERROR(txn.Put(kCommentByAuthorCf, TimedKey(Key(tenant, e.author_user_id()), t, id), ""));
  if (!e.subject_owner_user_id().empty()) {
    SFA_RETURN_IF_ERROR(txn.Put(kCommentBySubjectOwnerCf, TimedKey(Key(tenant, e.subject_owner_user_id()), t, id), ""));
  }
  SFA_RETURN_IF_ERROR(txn.Put(kCommentByTimeCf, TimedKey(TenantPrefix(tenant), t, id), ""));
  return WriteRow(txn, kCommentsCf, Key(tenant, id), ToRow(e, event));
}

}  // namespace sfa::opportunity::projections

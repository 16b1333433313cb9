// Queries on opportunities (with the power map), activities and comments.

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "base/key_codec.h"
#include "opportunity/domain/limits.h"
#include "opportunity/domain/power_map.h"
#include "opportunity/domain/support.h"
#include "opportunity/domain/validation.h"
#include "opportunity/projections/keys.h"
#include "eventstore/read_model_scan.h"
#include "opportunity/queries.h"
#include "opportunity/query_support.h"

namespace sfa::opportunity {
namespace {

namespace p = projections;

std::optional<int64_t> MicrosOf(bool has, const google::protobuf::Timestamp& t) {
  if (!has) return std::nullopt;
  return p::KeyMicros(domain::ToTime(t));
}

// [from, to) over key times.
struct TimeFilter {
  std::optional<int64_t> from;
  std::optional<int64_t> to;

  bool any() const { return from || to; }
  bool Contains(int64_t t) const { return (!from || t >= *from) && (!to || t < *to); }
};

// Where a list reads: an index, the layout of its keys, the ranges and the prefix its tokens share.
struct IndexPlan {
  const char* cf;
  const char* layout;
  std::vector<eventstore::KeyRange> ranges;
  std::string token_prefix;
};

IndexPlan TimedPlan(const char* cf, const char* layout, const std::string& prefix, const TimeFilter& time) {
  return {cf, layout, {eventstore::TimeRange(prefix, time.from, time.to)}, prefix};
}

std::string SubjectPrefix(const std::string& tenant, v1::SubjectType type, const std::string& id) {
  return base::KeyBuilder().String(tenant).Uint64(type).String(id).Release();
}

template <typename Row, typename Keep, typename Out>
absl::StatusOr<std::string> ListPlanned(const eventstore::EventStore& store, const std::string& tenant,
                                        const IndexPlan& plan, const char* row_cf, const std::string& token,
                                        int32_t page_size, Keep keep, Out out) {
  eventstore::PageSpec spec{plan.ranges, plan.token_prefix, token, domain::PageSize(page_size)};
  return ListThroughIndex<Row>(store, tenant, plan.cf, plan.layout, row_cf, spec, keep, out);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Opportunities

absl::StatusOr<v1::Opportunity> Queries::Opportunity(const std::string& tenant, const std::string& id) const {
  absl::StatusOr<v1::Opportunity> row =
      RequiredRow<v1::Opportunity>(*store_, p::kOpportunitiesCf, p::Key(tenant, id), "opportunity_id", id);
  if (!row.ok()) return row;
  // The row holds the open visit; the closed ones, in order, have their own rows.
  std::vector<v1::StageVisit> closed;
  absl::Status scanned = eventstore::ForEachInPrefix(*store_, p::kOppStageHistoryCf, p::Key(tenant, id),
                                         [&](absl::string_view, absl::string_view value) {
                                           v1::StageVisit visit;
                                           if (!visit.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                                             return absl::DataLossError("unreadable stage visit");
                                           }
                                           closed.push_back(std::move(visit));
                                           return absl::OkStatus();
                                         });
  if (!scanned.ok()) return scanned;
  if (!closed.empty()) {
    google::protobuf::RepeatedPtrField<v1::StageVisit> open = std::move(*row->mutable_stage_history());
    row->clear_stage_history();
    for (v1::StageVisit& visit : closed) *row->add_stage_history() = std::move(visit);
    for (v1::StageVisit& visit : open) *row->add_stage_history() = std::move(visit);
  }
  if (row->stage_history().empty()) return row;
  v1::StageVisit* current = row->mutable_stage_history(row->stage_history_size() - 1);
  const absl::Duration in_stage = clock_->Now() - domain::ToTime(current->entered_at());
  *current->mutable_time_in_stage() = domain::ToDurationProto(std::max(in_stage, absl::ZeroDuration()));
  return row;
}

absl::StatusOr<v1::ListOpportunitiesResponse> Queries::ListOpportunities(const std::string& tenant,
                                                                         const v1::ListOpportunitiesRequest& r) const {
  const TimeFilter time{MicrosOf(r.has_close_date_from(), r.close_date_from()),
                        MicrosOf(r.has_close_date_to(), r.close_date_to())};
  absl::flat_hash_set<std::string> members;
  IndexPlan plan;
  if (!r.account_id().empty()) {
    plan = TimedPlan(p::kOppByAccountCf, "ssis", p::Key(tenant, r.account_id()), time);
  } else if (!r.owner_user_id().empty()) {
    plan = TimedPlan(p::kOppByOwnerCf, "ssis", p::Key(tenant, r.owner_user_id()), time);
  } else if (!r.team_id().empty()) {
    absl::StatusOr<v1::SalesTeam> team = Team(tenant, r.team_id());
    if (absl::IsNotFound(team.status())) return v1::ListOpportunitiesResponse();
    if (!team.ok()) return team.status();
    std::vector<std::string> ids(team->member_user_ids().begin(), team->member_user_ids().end());
    std::sort(ids.begin(), ids.end());  // key order of the owners' ranges
    plan = {p::kOppByOwnerCf, "ssis", {}, p::TenantPrefix(tenant)};
    for (const std::string& id : ids) plan.ranges.push_back(eventstore::TimeRange(p::Key(tenant, id), time.from, time.to));
    members.insert(ids.begin(), ids.end());
  } else if (!r.pipeline_id().empty() && !r.stage_id().empty()) {
    plan = TimedPlan(p::kOppByStageCf, "sssis", p::Key(tenant, r.pipeline_id(), r.stage_id()), time);
  } else if (!r.pipeline_id().empty()) {
    const std::string prefix = p::Key(tenant, r.pipeline_id());
    plan = {p::kOppByStageCf, "sssis", {eventstore::PrefixRange(prefix)}, prefix};
  } else if (r.status() != v1::OPPORTUNITY_STATUS_UNSPECIFIED) {
    plan = TimedPlan(p::kOppByStatusCf, "suis", base::KeyBuilder().String(tenant).Uint64(r.status()).Release(), time);
  } else {
    plan = TimedPlan(p::kOppByCloseCf, "sis", p::TenantPrefix(tenant), time);
  }
  auto keep = [&](const v1::Opportunity& o) {
    const int64_t close = p::CloseDateKey(o);
    return (r.owner_user_id().empty() || o.owner_user_id() == r.owner_user_id()) &&
           (r.team_id().empty() || members.contains(o.owner_user_id())) &&
           (r.account_id().empty() || o.account_id() == r.account_id()) &&
           (r.pipeline_id().empty() || o.pipeline_id() == r.pipeline_id()) &&
           (r.stage_id().empty() || o.stage_id() == r.stage_id()) &&
           (r.status() == v1::OPPORTUNITY_STATUS_UNSPECIFIED || o.status() == r.status()) &&
           (!time.any() || (close != p::kNoCloseDate && time.Contains(close)));
  };
  v1::ListOpportunitiesResponse out;
  absl::StatusOr<std::string> next =
      ListPlanned<v1::Opportunity>(*store_, tenant, plan, p::kOpportunitiesCf, r.page_token(), r.page_size(), keep,
                                   [&](const v1::Opportunity& o) { *out.add_opportunities() = Summary(o); });
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Power map

namespace {

absl::StatusOr<std::optional<absl::Time>> LastActivityWith(const eventstore::EventStore& store,
                                                           const std::string& tenant, const std::string& contact_id) {
  absl::StatusOr<std::optional<std::string>> value =
      eventstore::GetValue(store, p::kActivityContactLastCf, p::Key(tenant, contact_id));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<absl::Time>();
  absl::StatusOr<int64_t> micros = base::KeyReader(**value).Int64();
  if (!micros.ok()) return micros.status();
  return std::optional<absl::Time>(absl::FromUnixMicros(*micros));
}

v1::PowerMapMember MemberView(const domain::CommitteeMember& m, const v1::Contact& contact) {
  v1::PowerMapMember out;
  out.set_contact_id(m.contact_id);
  out.set_name(contact.name());
  out.set_title(contact.title());
  out.set_account_id(contact.account_id());
  out.set_role(m.role);
  out.set_influence(m.influence);
  out.set_attitude(m.attitude);
  out.set_reports_to_contact_id(m.reports_to_contact_id);
  if (m.last_activity_at) *out.mutable_last_activity_at() = domain::ToTimestamp(*m.last_activity_at);
  return out;
}

}  // namespace

absl::StatusOr<v1::GetPowerMapResponse> Queries::GetPowerMap(const std::string& tenant,
                                                             const v1::GetPowerMapRequest& r) const {
  absl::StatusOr<v1::Opportunity> opportunity = Opportunity(tenant, r.opportunity_id());
  if (!opportunity.ok()) return opportunity.status();
  v1::GetPowerMapResponse out;
  out.set_opportunity_id(opportunity->opportunity_id());
  out.set_account_id(opportunity->account_id());
  out.set_stale_after_days(domain::StaleAfterDays(r.stale_after_days()));
  std::vector<domain::CommitteeMember> members;
  std::vector<v1::Contact> contacts;
  for (const v1::OpportunityContact& seat : opportunity->contacts()) {
    absl::StatusOr<v1::Contact> contact = Contact(tenant, seat.contact_id());
    if (!contact.ok()) return contact.status();
    absl::StatusOr<std::optional<absl::Time>> last = LastActivityWith(*store_, tenant, seat.contact_id());
    if (!last.ok()) return last.status();
    members.push_back({seat.contact_id(), contact->name(), seat.role(), contact->influence(), contact->attitude(),
                       contact->reports_to_contact_id(), *last});
    contacts.push_back(*std::move(contact));
  }
  absl::StatusOr<absl::flat_hash_map<std::string, std::string>> lines_above = ReportsTo(tenant, members);
  if (!lines_above.ok()) return lines_above.status();
  for (size_t i = 0; i < members.size(); ++i) *out.add_members() = MemberView(members[i], contacts[i]);
  for (v1::ReportingLine& line : domain::ReportingLines(members, *lines_above)) {
    *out.add_reporting_lines() = std::move(line);
  }
  for (v1::PowerMapGap& gap :
       domain::FindPowerMapGaps(members, clock_->Now(), absl::Hours(24) * out.stale_after_days())) {
    *out.add_gaps() = std::move(gap);
  }
  return out;
}

absl::StatusOr<absl::flat_hash_map<std::string, std::string>> Queries::ReportsTo(
    const std::string& tenant, const std::vector<domain::CommitteeMember>& members) const {
  absl::flat_hash_map<std::string, std::string> reports_to;
  for (const domain::CommitteeMember& m : members) {
    std::string id = m.reports_to_contact_id;
    for (size_t hops = 0; !id.empty() && hops < domain::kMaxReportingDepth && !reports_to.contains(id); ++hops) {
      absl::StatusOr<std::optional<v1::Contact>> contact =
          eventstore::GetRow<v1::Contact>(*store_, p::kContactsCf, p::Key(tenant, id));
      if (!contact.ok()) return contact.status();
      if (!contact->has_value()) break;
      reports_to[id] = (*contact)->reports_to_contact_id();
      id = (*contact)->reports_to_contact_id();
    }
  }
  return reports_to;
}

// ---------------------------------------------------------------------------------------------------
// Activities and comments

absl::StatusOr<v1::Activity> Queries::Activity(const std::string& tenant, const std::string& id) const {
  return RequiredRow<v1::Activity>(*store_, p::kActivitiesCf, p::Key(tenant, id), "activity_id", id);
}

absl::StatusOr<v1::Comment> Queries::Comment(const std::string& tenant, const std::string& id) const {
  return RequiredRow<v1::Comment>(*store_, p::kCommentsCf, p::Key(tenant, id), "comment_id", id);
}

absl::StatusOr<v1::ListActivitiesResponse> Queries::ListActivities(const std::string& tenant,
                                                                   const v1::ListActivitiesRequest& r) const {
  const TimeFilter time{MicrosOf(r.has_occurred_from(), r.occurred_from()),
                        MicrosOf(r.has_occurred_to(), r.occurred_to())};
  IndexPlan plan;
  if (r.subject_type() == v1::SUBJECT_TYPE_ACCOUNT) {
    // The account, its contacts and its opportunities: everything that resolved to it.
    plan = TimedPlan(p::kActivityByAccountCf, "ssis", p::Key(tenant, r.subject_id()), time);
  } else if (!r.subject_id().empty()) {
    plan = TimedPlan(p::kActivityBySubjectCf, "susis", SubjectPrefix(tenant, r.subject_type(), r.subject_id()), time);
  } else if (!r.owner_user_id().empty()) {
    plan = TimedPlan(p::kActivityByOwnerCf, "ssis", p::Key(tenant, r.owner_user_id()), time);
  } else {
    plan = TimedPlan(p::kActivityByTimeCf, "sis", p::TenantPrefix(tenant), time);
  }
  auto keep = [&](const v1::Activity& a) {
    return (r.owner_user_id().empty() || a.owner_user_id() == r.owner_user_id()) &&
           (r.kind() == v1::ACTIVITY_KIND_UNSPECIFIED || a.kind() == r.kind()) &&
           time.Contains(p::KeyMicros(domain::ToTime(a.occurred_at())));
  };
  v1::ListActivitiesResponse out;
  absl::StatusOr<std::string> next =
      ListPlanned<v1::Activity>(*store_, tenant, plan, p::kActivitiesCf, r.page_token(), r.page_size(), keep,
                                [&](v1::Activity a) { *out.add_activities() = std::move(a); });
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

absl::StatusOr<v1::ListCommentsResponse> Queries::ListComments(const std::string& tenant,
                                                               const v1::ListCommentsRequest& r) const {
  const TimeFilter time{MicrosOf(r.has_created_from(), r.created_from()), MicrosOf(r.has_created_to(), r.created_to())};
  IndexPlan plan;
  if (!r.subject_id().empty()) {
    plan = TimedPlan(p::kCommentBySubjectCf, "susis", SubjectPrefix(tenant, r.subject_type(), r.subject_id()), time);
  } else if (!r.author_user_id().empty()) {
    plan = TimedPlan(p::kCommentByAuthorCf, "ssis", p::Key(tenant, r.author_user_id()), time);
  } else if (!r.subject_owner_user_id().empty()) {
    plan = TimedPlan(p::kCommentBySubjectOwnerCf, "ssis", p::Key(tenant, r.subject_owner_user_id()), time);
  } else {
    plan = TimedPlan(p::kCommentByTimeCf, "sis", p::TenantPrefix(tenant), time);
  }
  auto keep = [&](const v1::Comment& c) {
    return (r.subject_id().empty() || (c.subject_type() == r.subject_type() && c.subject_id() == r.subject_id())) &&
           (r.author_user_id().empty() || c.author_user_id() == r.author_user_id()) &&
           (r.subject_owner_user_id().empty() || c.subject_owner_user_id() == r.subject_owner_user_id()) &&
           time.Contains(p::KeyMicros(domain::ToTime(c.created_at())));
  };
  v1::ListCommentsResponse out;
  absl::StatusOr<std::string> next =
      ListPlanned<v1::Comment>(*store_, tenant, plan, p::kCommentsCf, r.page_token(), r.page_size(), keep,
                               [&](v1::Comment c) { *out.add_comments() = std::move(c); });
  if (!next.ok()) return next.status();
  out.set_next_page_token(*next);
  return out;
}

}  // namespace sfa::opportunity

#ifndef SFA_SERVICES_OPPORTUNITY_PROJECTIONS_KEYS_H_
#define SFA_SERVICES_OPPORTUNITY_PROJECTIONS_KEYS_H_

// The column families and key layouts of the opportunity service's read models, in one place so that
// the projections that write them and the queries that read them cannot disagree. Every key starts
// with the tenant; times in keys are microseconds since the epoch (Int64), ids are escaped strings.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/key_codec.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::projections {

// Sales organisation (projection "org").
inline constexpr char kUsersCf[] = "rm_org_users";               // t|user -> v1::User
inline constexpr char kTeamsCf[] = "rm_org_teams";               // t|team -> v1::SalesTeam
inline constexpr char kTeamMembersCf[] = "rm_org_team_members";  // t|team|user -> ""

// Pipelines (projection "pipeline").
inline constexpr char kPipelinesCf[] = "rm_pipeline";                  // t|pipeline -> latest v1::Pipeline
inline constexpr char kPipelineVersionsCf[] = "rm_pipeline_versions";  // t|pipeline|version -> v1::Pipeline

// Accounts (projection "account").
inline constexpr char kAccountsCf[] = "rm_account";                  // t|account -> v1::Account
inline constexpr char kAccountChildrenCf[] = "rm_account_children";  // t|parent|name|account -> ""
inline constexpr char kAccountsByOwnerCf[] = "rm_account_by_owner";  // t|owner|account -> ""
inline constexpr char kAccountsByNameCf[] = "rm_account_by_name";    // t|normalized name|account -> ""

// Contacts (projection "contact").
inline constexpr char kContactsCf[] = "rm_contact";                      // t|contact -> v1::Contact
inline constexpr char kContactsByAccountCf[] = "rm_contact_by_account";  // t|account|name|contact -> ""
inline constexpr char kContactsByEmailCf[] = "rm_contact_by_email";      // t|account|normalized email|contact -> ""

// Opportunities (projection "opportunity"). C = the close date: closed_at when won or lost, else
// expected_close_date, else kNoCloseDate (sorts last).
inline constexpr char kOpportunitiesCf[] = "rm_opportunity";                    // t|opp -> v1::Opportunity
inline constexpr char kOppByOwnerCf[] = "rm_opportunity_by_owner";              // t|owner|C|opp -> ""
inline constexpr char kOppByAccountCf[] = "rm_opportunity_by_account";          // t|account|C|opp -> ""
inline constexpr char kOppByStageCf[] = "rm_opportunity_by_stage";              // t|pipeline|stage|C|opp -> ""
inline constexpr char kOppByStatusCf[] = "rm_opportunity_by_status";            // t|status|C|opp -> ""
inline constexpr char kOppByCloseCf[] = "rm_opportunity_by_close";              // t|C|opp -> ""
inline constexpr char kOppRecentCf[] = "rm_opportunity_recent";                 // t|account|closed|-updated|opp -> ""
inline constexpr char kOppAccountTotalsCf[] = "rm_opportunity_account_totals";  // t|account -> totals
inline constexpr char kOppPipelinesCf[] = "rm_opportunity_pipelines";           // t|pipeline|version -> stages
// Closed stage visits (the open one stays in the row): t|opp|version of the event that closed it|i -> StageVisit
inline constexpr char kOppStageHistoryCf[] = "rm_opportunity_stage_history";

// Activities (projection "activity"). T = occurred_at.
inline constexpr char kActivitiesCf[] = "rm_activity";                            // t|activity -> v1::Activity
inline constexpr char kActivityBySubjectCf[] = "rm_activity_by_subject";          // t|type|subject|T|activity -> ""
inline constexpr char kActivityByAccountCf[] = "rm_activity_by_account";          // t|account|T|activity -> ""
inline constexpr char kActivityByOwnerCf[] = "rm_activity_by_owner";              // t|owner|T|activity -> ""
inline constexpr char kActivityByTimeCf[] = "rm_activity_by_time";                // t|T|activity -> ""
inline constexpr char kActivityContactLastCf[] = "rm_activity_contact_last";      // t|contact -> Int64 micros
inline constexpr char kActivityAccountTotalsCf[] = "rm_activity_account_totals";  // t|account -> totals

// Comments (projection "comment"). T = created_at.
inline constexpr char kCommentsCf[] = "rm_comment";                                // t|comment -> v1::Comment
inline constexpr char kCommentBySubjectCf[] = "rm_comment_by_subject";             // t|type|subject|T|comment -> ""
inline constexpr char kCommentByAuthorCf[] = "rm_comment_by_author";               // t|author|T|comment -> ""
inline constexpr char kCommentBySubjectOwnerCf[] = "rm_comment_by_subject_owner";  // t|owner|T|comment -> ""
inline constexpr char kCommentByTimeCf[] = "rm_comment_by_time";                   // t|T|comment -> ""

// The close-date part of an opportunity without one.
inline constexpr int64_t kNoCloseDate = INT64_MAX;

int64_t KeyMicros(absl::Time time);
// The close date of an opportunity as it sits in index keys.
int64_t CloseDateKey(const v1::Opportunity& opportunity);

// t: the prefix of a tenant's keys in any family.
std::string TenantPrefix(absl::string_view tenant);
// t|a (|b (|c)): the common shapes. Index keys end with the record id so equal sort values stay unique.
std::string Key(absl::string_view tenant, absl::string_view a);
std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b);
std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b, absl::string_view c);
// prefix + Int64(value) + id.
std::string TimedKey(const std::string& prefix, int64_t value, absl::string_view id);
// prefix + Int64(value): a range bound within `prefix`.
std::string TimedBound(const std::string& prefix, int64_t value);

}  // namespace sfa::opportunity::projections

#endif  // SFA_SERVICES_OPPORTUNITY_PROJECTIONS_KEYS_H_

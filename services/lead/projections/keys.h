#ifndef SFA_SERVICES_LEAD_PROJECTIONS_KEYS_H_
#define SFA_SERVICES_LEAD_PROJECTIONS_KEYS_H_

// The column families and key layouts of the lead service's read models, in one place so that the
// projections that write them and the queries that read them cannot disagree. Every key starts with the
// tenant (base::KeyBuilder parts); C = creation time in microseconds, negated so that newest sorts first.

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sfa::lead::projections {

// Own events (projection "lead").
inline constexpr char kLeadsCf[] = "rm_lead";                    // t|lead -> v1::Lead (scores unset)
inline constexpr char kLeadIndexCf[] = "rm_lead_index";          // t|dimension|value|C|lead -> ""
inline constexpr char kLeadEngagementCf[] = "rm_lead_engagement";  // t|lead|version -> EngagementValue
inline constexpr char kLeadDedupCf[] = "rm_lead_dedup";          // t|match|normalised key -> lead (earliest)
inline constexpr char kOwnerOpenLeadsCf[] = "rm_lead_owner_open";  // t|user -> u64 open leads owned
inline constexpr char kTeamRotationCf[] = "rm_lead_rotation";    // t|team -> u64 round-robin position
inline constexpr char kOutcomesCf[] = "rm_lead_outcome";         // t|lead -> '1'/'0' + v1::OutcomeFeatures
inline constexpr char kCampaignsCf[] = "rm_lead_campaign";       // t|campaign -> v1::Campaign (counts, cost)

// The opportunity service's sales organisation, fed from Kafka (projection "roster").
inline constexpr char kRosterTeamsCf[] = "rm_roster_team";  // t|team -> sfa.opportunity.v1.SalesTeamUpserted
inline constexpr char kRosterUsersCf[] = "rm_roster_user";  // t|user -> "1" deactivated, "0" active

// ListLeads dimensions in kLeadIndexCf. kAll has the value "".
inline constexpr char kAll[] = "all";
inline constexpr char kByStatus[] = "status";
inline constexpr char kByOwner[] = "owner";
inline constexpr char kByTeam[] = "team";
inline constexpr char kByChannel[] = "channel";
inline constexpr char kByCampaign[] = "campaign";

std::string TenantPrefix(absl::string_view tenant);
std::string Key(absl::string_view tenant, absl::string_view a);
std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b);
// t|dimension|value: the prefix of one ListLeads index.
std::string IndexPrefix(absl::string_view tenant, absl::string_view dimension, absl::string_view value);
std::string IndexKey(absl::string_view tenant, absl::string_view dimension, absl::string_view value,
                     absl::Time created_at, absl::string_view lead_id);
std::string EngagementKey(absl::string_view tenant, absl::string_view lead_id, uint64_t version);

// An engagement row: the business time, then the EngagementRecorded payload.
std::string EncodeEngagement(absl::Time occurred_at, absl::string_view payload);
struct EngagementValue {
  absl::Time occurred_at;
  absl::string_view payload;
};
bool DecodeEngagement(absl::string_view value, EngagementValue* out);

std::string EncodeCount(uint64_t n);
uint64_t DecodeCount(absl::string_view value);  // 0 for a malformed value

}  // namespace sfa::lead::projections

#endif  // SFA_SERVICES_LEAD_PROJECTIONS_KEYS_H_

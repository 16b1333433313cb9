#ifndef SFA_SERVICES_LEAD_DOMAIN_LEAD_H_
#define SFA_SERVICES_LEAD_DOMAIN_LEAD_H_

// The lead aggregate: a prospect from capture through working, nurture and qualification to conversion
// or disqualification, with its engagement, owner and merges.

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lead/domain/conditions.h"
#include "lead/domain/event.h"
#include "lead/domain/scoring.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/lead/v1/lead_service.pb.h"

namespace sfa::lead::domain {

inline constexpr char kLeadAggregate[] = "lead";

using LeadPayload =
    std::variant<v1::LeadCaptured, v1::LeadStatusChanged, v1::LeadQualified, v1::LeadDisqualified, v1::LeadConverted,
                 v1::LeadAssigned, v1::EngagementRecorded, v1::LeadDuplicatesMerged, v1::LeadMerged>;
using LeadEvent = Event<LeadPayload>;

struct LeadState {
  bool exists = false;
  v1::LeadCaptured captured;  // identity and profile as captured
  v1::LeadStatus status = v1::LEAD_STATUS_UNSPECIFIED;
  std::string owner_user_id;
  std::string team_id;
  std::vector<std::string> merged_lead_ids;
  std::string merged_into_lead_id;
  std::string disqualification_reason;
  v1::LeadConverted converted;
  std::vector<Engagement> engagements;
  absl::Time captured_at = absl::InfinitePast();
  absl::Time status_since = absl::InfinitePast();
  absl::Time last_changed_at = absl::InfinitePast();
  const std::string& lead_id() const { return captured.lead_id(); }
};

// An existing lead a new capture matched, found by the adapter in its duplicate-key index.
struct DuplicateCandidate {
  std::string lead_id;
  v1::DuplicateMatch match = v1::DUPLICATE_MATCH_UNSPECIFIED;
};

struct CaptureLead {
  v1::CaptureLeadRequest request;  // validated; lead_id filled in
  // Whether source.campaign_id (when set) names an existing campaign.
  bool campaign_exists = false;
  // The earliest existing lead sharing a key; empty lead_id when none.
  DuplicateCandidate duplicate = {};
  absl::Time now;
};

struct ChangeLeadStatus {
  v1::ChangeLeadStatusRequest request;  // validated: status WORKING or NURTURE
  absl::Time now;
};

struct QualifyLead {
  v1::QualifyLeadRequest request;
  absl::Time now;
};

struct DisqualifyLead {
  v1::DisqualifyLeadRequest request;
  absl::Time now;
};

// What OpportunityService.CreateFromLead returned.
struct ConvertLead {
  v1::ConvertLeadRequest request;
  std::string account_id;
  std::string contact_id;
  std::string opportunity_id;
  absl::Time now;
};

struct RecordEngagement {
  v1::RecordEngagementRequest request;  // validated; count 0 already means 1 here
  absl::Time now;
};

// Who gets the lead, chosen by the adapter (rules + round-robin, or by hand).
struct AssignLead {
  v1::AssignLeadRequest request;
  std::string owner_user_id;
  std::string team_id;
  v1::AssignmentMethod method = v1::ASSIGNMENT_METHOD_UNSPECIFIED;
  std::string rule_id = {};
  uint64_t rules_version = 0;
  uint64_t rotation_position = 0;
  absl::Time now;
};

// On the survivor: the duplicates' states, in request order.
struct MergeLeads {
  v1::MergeLeadsRequest request;
  std::vector<LeadState> duplicates;
  absl::Time now;
};

// On each duplicate, after the survivor's decision: the survivor and the time it recorded.
struct MergeIntoSurvivor {
  std::string lead_id;
  std::string survivor_id;
  absl::Time at;
};

LeadState Evolve(LeadState state, const LeadEvent& event);

// LeadCaptured (status NEW), naming the duplicate it matched. ALREADY_EXISTS for a taken id; NOT_FOUND
// for an unknown campaign.
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const CaptureLead& command);
// LeadStatusChanged to WORKING or NURTURE; nothing when already there. illegal_status_transition.
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const ChangeLeadStatus& command);
// LeadStatusChanged + LeadQualified, from WORKING or NURTURE with an owner (qualify_requires_owner).
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const QualifyLead& command);
// LeadStatusChanged + LeadDisqualified (with the outcome features), from any open status.
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const DisqualifyLead& command);
// LeadStatusChanged + LeadConverted (with the opportunity service's ids and the outcome features).
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const ConvertLead& command);
// EngagementRecorded, in any status but MERGED.
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const RecordEngagement& command);
// LeadAssigned; nothing when the owner and team do not change. lead_closed once converted/disqualified.
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const AssignLead& command);
// LeadDuplicatesMerged on the survivor. Duplicates must exist, not be the survivor, converted or merged.
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const MergeLeads& command);
// LeadMerged on a duplicate.
absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const MergeIntoSurvivor& command);

// The conversion pre-check the adapter runs before calling the opportunity service: NOT_FOUND,
// lead_merged or illegal_status_transition, as Decide(ConvertLead) would answer.
absl::Status CheckConvertible(const LeadState& state, absl::string_view lead_id);

// What conditions and predictive features see of a lead.
LeadFacts FactsOf(const LeadState& state);

// The features of an outcome decided at `at`: source, company, attributes, engagement totals, age.
v1::OutcomeFeatures OutcomeFeaturesOf(const LeadState& state, absl::Time at);

// "NEW", "WORKING", ... for messages.
std::string StatusName(v1::LeadStatus status);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_LEAD_H_

#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_POWER_MAP_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_POWER_MAP_H_

// Power-map analysis of an opportunity's buying committee, as pure functions of what the adapter read:
// the gaps a rep should close and the reporting lines between the members.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"
#include "sfa/opportunity/v1/opportunity_types.pb.h"

namespace sfa::opportunity::domain {

struct CommitteeMember {
  std::string contact_id;
  std::string name;
  // The role in this deal.
  v1::BuyingRole role = v1::BUYING_ROLE_UNSPECIFIED;
  int32_t influence = 0;
  v1::Attitude attitude = v1::ATTITUDE_UNSPECIFIED;
  std::string reports_to_contact_id;
  // The latest activity with the contact (as subject or participant).
  std::optional<absl::Time> last_activity_at;
};

// The roles whose silence endangers a deal: decision maker, economic buyer, champion.
bool IsKeyRole(v1::BuyingRole role);

// In this order: NO_DECISION_MAKER and NO_ECONOMIC_BUYER for the committee, then per member (in member
// order) INFLUENTIAL_OPPONENT (an OPPONENT with influence >= 4) and KEY_ROLE_NOT_CONTACTED (a key role
// without an activity since now - stale_after, or ever).
std::vector<v1::PowerMapGap> FindPowerMapGaps(const std::vector<CommitteeMember>& members, absl::Time now,
                                              absl::Duration stale_after);

// For each member, the line to the nearest member above it: its own manager when that is a member
// (direct), else the first member further up the chain, following `reports_to` (contact id -> manager
// contact id, for the contacts between members). Cycles and chains longer than kMaxReportingDepth end
// the walk without a line.
std::vector<v1::ReportingLine> ReportingLines(const std::vector<CommitteeMember>& members,
                                              const absl::flat_hash_map<std::string, std::string>& reports_to);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_POWER_MAP_H_

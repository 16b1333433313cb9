#ifndef SFA_SERVICES_LEAD_DOMAIN_ROUND_ROBIN_H_
#define SFA_SERVICES_LEAD_DOMAIN_ROUND_ROBIN_H_

// Round-robin inside a sales team, weighted by each member's capacity and skipping members at capacity.
// Pure: the rotation position is the caller's to keep (it travels in LeadAssigned).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sfa::lead::domain {

struct TeamMember {
  std::string user_id;
  // Maximum open leads; also the member's weight. A member with capacity <= 0 is never picked.
  int32_t capacity = 0;
  int32_t open_leads = 0;
};

// The rotation: one slot per unit of capacity (divided by the capacities' gcd, scaled down to at most
// kMaxRotationSlots), member i's k-th slot at (k + 1/2) / capacity_i of the cycle, ties by member order.
// Capacities 1:1:2 give C A B C: every cycle hands out exactly the capacity ratio, evenly spread.
std::vector<size_t> RotationSchedule(const std::vector<TeamMember>& members);

struct RoundRobinPick {
  size_t member = 0;  // index into the members
  // Where the next pick starts: one past the slot used.
  uint64_t next_position = 0;
};

// The first slot at or after `position` (modulo the cycle) whose member is below capacity; nullopt when
// every member is at capacity (or the team is empty).
std::optional<RoundRobinPick> PickRoundRobin(const std::vector<TeamMember>& members, uint64_t position);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_ROUND_ROBIN_H_

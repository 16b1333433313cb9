#include "lead/domain/round_robin.h"

#include <algorithm>
#include <numeric>

#include "lead/domain/limits.h"

namespace sfa::lead::domain {
namespace {

struct Slot {
  int64_t numerator;    // 2k + 1
  int64_t denominator;  // 2 * weight
  size_t member;
};

bool Earlier(const Slot& a, const Slot& b) {
  const int64_t lhs = a.numerator * b.denominator;
  const int64_t rhs = b.numerator * a.denominator;
  return lhs != rhs ? lhs < rhs : a.member < b.member;
}

// Capacities divided by their gcd, then scaled so that they sum to at most kMaxRotationSlots (every
// member with capacity keeps at least one slot).
std::vector<int64_t> Weights(const std::vector<TeamMember>& members) {
  std::vector<int64_t> weights;
  int64_t gcd = 0;
  for (const TeamMember& m : members) {
    weights.push_back(std::max<int64_t>(m.capacity, 0));
    gcd = std::gcd(gcd, weights.back());
  }
  if (gcd == 0) return weights;
  int64_t total = 0;
  for (int64_t& w : weights) total += (w /= gcd);
  if (total <= kMaxRotationSlots) return weights;
  for (int64_t& w : weights) {
    if (w > 0) w = std::max<int64_t>(1, w * kMaxRotationSlots / total);
  }
  return weights;
}

}  // namespace

std::vector<size_t> RotationSchedule(const std::vector<TeamMember>& members) {
  std::vector<Slot> slots;
  const std::vector<int64_t> weights = Weights(members);
  for (size_t i = 0; i < members.size(); ++i) {
    for (int64_t k = 0; k < weights[i]; ++k) slots.push_back({2 * k + 1, 2 * weights[i], i});
  }
  std::sort(slots.begin(), slots.end(), Earlier);
  std::vector<size_t> schedule;
  schedule.reserve(slots.size());
  for (const Slot& slot : slots) schedule.push_back(slot.member);
  return schedule;
}

std::optional<RoundRobinPick> PickRoundRobin(const std::vector<TeamMember>& members, uint64_t position) {
  const std::vector<size_t> schedule = RotationSchedule(members);
  for (uint64_t step = 0; step < schedule.size(); ++step) {
    const uint64_t at = position + step;
    const TeamMember& member = members[schedule[at % schedule.size()]];
    if (member.open_leads < member.capacity) return RoundRobinPick{schedule[at % schedule.size()], at + 1};
  }
  return std::nullopt;
}

}  // namespace sfa::lead::domain

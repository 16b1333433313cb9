#include "opportunity/domain/power_map.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "opportunity/domain/limits.h"

namespace sfa::opportunity::domain {
namespace {

constexpr int kInfluentialOpponent = 4;

absl::string_view RoleName(v1::BuyingRole role) {
  switch (role) {
    case v1::BUYING_ROLE_DECISION_MAKER:
      return "decision maker";
    case v1::BUYING_ROLE_ECONOMIC_BUYER:
      return "economic buyer";
    case v1::BUYING_ROLE_CHAMPION:
      return "champion";
    default:
      return "contact";
  }
}

v1::PowerMapGap Gap(v1::PowerMapGapKind kind, absl::string_view contact_id, std::string description) {
  v1::PowerMapGap gap;
  gap.set_kind(kind);
  gap.set_contact_id(std::string(contact_id));
  gap.set_description(std::move(description));
  return gap;
}

bool HasRole(const std::vector<CommitteeMember>& members, v1::BuyingRole role) {
  return std::any_of(members.begin(), members.end(), [&](const CommitteeMember& m) { return m.role == role; });
}

std::string Who(const CommitteeMember& m) {
  return m.name.empty() ? m.contact_id : absl::StrCat(m.name, " (", m.contact_id, ")");
}

}  // namespace

bool IsKeyRole(v1::BuyingRole role) {
  return role == v1::BUYING_ROLE_DECISION_MAKER || role == v1::BUYING_ROLE_ECONOMIC_BUYER ||
         role == v1::BUYING_ROLE_CHAMPION;
}

std::vector<v1::PowerMapGap> FindPowerMapGaps(const std::vector<CommitteeMember>& members, absl::Time now,
                                              absl::Duration stale_after) {
  std::vector<v1::PowerMapGap> gaps;
  if (!HasRole(members, v1::BUYING_ROLE_DECISION_MAKER)) {
    gaps.push_back(Gap(v1::POWER_MAP_GAP_KIND_NO_DECISION_MAKER, "", "no decision maker in the buying committee"));
  }
  if (!HasRole(members, v1::BUYING_ROLE_ECONOMIC_BUYER)) {
    gaps.push_back(Gap(v1::POWER_MAP_GAP_KIND_NO_ECONOMIC_BUYER, "", "no economic buyer in the buying committee"));
  }
  const int64_t window_days = absl::ToInt64Hours(stale_after) / 24;
  for (const CommitteeMember& m : members) {
    if (m.attitude == v1::ATTITUDE_OPPONENT && m.influence >= kInfluentialOpponent) {
      gaps.push_back(Gap(v1::POWER_MAP_GAP_KIND_INFLUENTIAL_OPPONENT, m.contact_id,
                         absl::StrCat("opponent ", Who(m), " has influence ", m.influence)));
    }
    if (!IsKeyRole(m.role)) continue;
    if (!m.last_activity_at) {
      gaps.push_back(Gap(v1::POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED, m.contact_id,
                         absl::StrCat("no activity ever with ", RoleName(m.role), " ", Who(m))));
    } else if (*m.last_activity_at < now - stale_after) {
      gaps.push_back(
          Gap(v1::POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED, m.contact_id,
              absl::StrCat("no activity with ", RoleName(m.role), " ", Who(m), " in ", window_days, " days (last ",
                           absl::ToInt64Hours(now - *m.last_activity_at) / 24, " days ago)")));
    }
  }
  return gaps;
}

std::vector<v1::ReportingLine> ReportingLines(const std::vector<CommitteeMember>& members,
                                              const absl::flat_hash_map<std::string, std::string>& reports_to) {
  absl::flat_hash_set<std::string> in_committee;
  for (const CommitteeMember& m : members) in_committee.insert(m.contact_id);
  std::vector<v1::ReportingLine> lines;
  for (const CommitteeMember& m : members) {
    std::string manager = m.reports_to_contact_id;
    absl::flat_hash_set<std::string> seen = {m.contact_id};
    for (size_t hops = 1; !manager.empty() && hops <= kMaxReportingDepth; ++hops) {
      if (!seen.insert(manager).second) break;  // a cycle
      if (in_committee.contains(manager)) {
        v1::ReportingLine& line = lines.emplace_back();
        line.set_contact_id(m.contact_id);
        line.set_manager_contact_id(manager);
        line.set_direct(hops == 1);
        break;
      }
      const auto next = reports_to.find(manager);
      manager = next == reports_to.end() ? "" : next->second;
    }
  }
  return lines;
}

}  // namespace sfa::opportunity::domain

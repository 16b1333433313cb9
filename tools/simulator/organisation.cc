#include "tools/simulator/organisation.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_format.h"
#include "tools/simulator/random.h"

namespace sfa::tools::simulator {
namespace {

constexpr std::array<const char*, 6> kRegions = {"na-east", "na-west", "emea", "apac", "latam", "anz"};
constexpr std::array<const char*, 8> kIndustries = {"software",   "manufacturing", "retail", "finance",
                                                    "healthcare", "telecom",       "energy", "education"};

std::string RegionName(int i) {
  if (i < static_cast<int>(kRegions.size())) return kRegions[i];
  return absl::StrFormat("region-%02d", i + 1);
}

}  // namespace

int AccountCount(const OrgModel& org, int64_t deals) {
  if (org.accounts > 0) return org.accounts;
  return static_cast<int>(std::clamp<int64_t>(deals / 20, 20, 2000));
}

Organisation BuildOrganisation(const OrgModel& org, int64_t deals) {
  Organisation out;
  for (int r = 0; r < org.regions; ++r) out.regions.push_back(RegionName(r));
  for (int r = 0; r < org.regions; ++r) {
    for (int k = 0; k < org.teams_per_region; ++k) {
      const int t = static_cast<int>(out.teams.size());
      Team team;
      team.team_id = absl::StrFormat("team-%02d", t + 1);
      team.name = absl::StrFormat("Team %s %d", out.regions[r], k + 1);
      team.region = out.regions[r];
      team.manager_user_id = absl::StrFormat("mgr-%02d", t + 1);
      team.manager_name = absl::StrFormat("Manager %02d", t + 1);
      for (int m = 0; m < org.reps_per_team; ++m) {
        const int index = static_cast<int>(out.reps.size());
        Rep rep;
        rep.user_id = absl::StrFormat("rep-%03d", index + 1);
        rep.display_name = absl::StrFormat("Rep %03d", index + 1);
        rep.email = rep.user_id + "@sim.example";
        rep.team = t;
        out.reps.push_back(std::move(rep));
        team.reps.push_back(index);
      }
      out.teams.push_back(std::move(team));
    }
  }
  const int accounts = AccountCount(org, deals);
  for (int i = 0; i < accounts; ++i) {
    const uint64_t h = Mix64(static_cast<uint64_t>(i) + 0x5151);
    AccountInfo account;
    account.account_id = absl::StrFormat("acct-%05d", i + 1);
    account.name = absl::StrFormat("Account %05d", i + 1);
    account.industry = kIndustries[h % kIndustries.size()];
    account.region = out.regions[i % out.regions.size()];
    account.employees = 10 + static_cast<int64_t>((h >> 8) % 20'000);
    out.accounts.push_back(std::move(account));
  }
  return out;
}

}  // namespace sfa::tools::simulator

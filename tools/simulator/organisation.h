#ifndef SFA_TOOLS_SIMULATOR_ORGANISATION_H_
#define SFA_TOOLS_SIMULATOR_ORGANISATION_H_

// The simulated sales organisation and customers: regions, teams (a manager each), reps and accounts.
// Derived from the model and the number of deals only, never from the seed, so runs with other seeds
// into the same tenant share them.

#include <cstdint>
#include <string>
#include <vector>

#include "tools/simulator/model.h"

namespace sfa::tools::simulator {

struct Rep {
  std::string user_id;  // rep-001
  std::string display_name;
  std::string email;
  int team = 0;  // index into Organisation::teams
};

struct Team {
  std::string team_id;  // team-01
  std::string name;
  std::string region;
  std::string manager_user_id;  // mgr-01 (role MANAGER)
  std::string manager_name;
  std::vector<int> reps;  // indexes into Organisation::reps
};

struct AccountInfo {
  std::string account_id;  // acct-00001
  std::string name;
  std::string industry;
  std::string region;
  int64_t employees = 0;
};

struct Organisation {
  std::vector<std::string> regions;
  std::vector<Team> teams;
  std::vector<Rep> reps;
  // Account i is in region i % regions.size(), so a rep's deals go to accounts of the team's region.
  std::vector<AccountInfo> accounts;

  const std::string& RegionOf(const Rep& rep) const { return teams[rep.team].region; }
};

// The number of accounts for `deals` deals: org.accounts when set, else deals / 20 within [20, 2000].
int AccountCount(const OrgModel& org, int64_t deals);

Organisation BuildOrganisation(const OrgModel& org, int64_t deals);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_ORGANISATION_H_

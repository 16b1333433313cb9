#ifndef SFA_TOOLS_MAVENTECH_IMPORT_QUIRKS_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_QUIRKS_H_

// The irregularities of the MavenTech data the import handles instead of refusing, each with a stable
// name, what it is and what the import does about it, and how often a run met it.

#include <array>
#include <cstddef>

#include "absl/strings/string_view.h"

namespace sfa::tools::maventech {

enum class Quirk {
  // Listed in the data README.
  kProductNameVariant,        // "GTXPro" in the pipeline, "GTX Pro" in products.csv
  kSectorMisspelt,            // "technolgy"
  kDealWithoutAccount,        // open deals with an empty account
  kProspectingWithoutDates,   // no engage date to create the deal at
  kEngagingWithoutCloseDate,  // still open
  kLostWithZeroValue,         // close_value 0 on lost deals
  kAgentWithoutDeals,         // sales agents with no opportunity
  kAccountWithParent,         // subsidiary_of set
  // Not in the README, met in the published files.
  kOfficeLocationMisspelt,      // "Philipines"
  kYearEstablishedNotImported,  // the Account contract has no such field
  // Not met in the published files; handled so that a changed file is not refused.
  kParentNotInAccounts,      // subsidiary_of names an account that is not in accounts.csv
  kManagerInSeveralRegions,  // one manager's agents in different regional offices
  kProspectingWithDates,     // a Prospecting deal that carries an engage or close date
  kOpenDealWithCloseDate,    // an Engaging deal with a close date
  kOpenDealWithCloseValue,   // an open deal with a close value
  kWonWithoutCloseValue,     // a Won deal without close_value
};
inline constexpr size_t kQuirkCount = 16;

struct QuirkInfo {
  Quirk quirk;
  absl::string_view name;      // stable, for --json: "product_name_variant"
  absl::string_view what;      // "pipeline product \"GTXPro\" is \"GTX Pro\" in products.csv"
  absl::string_view handling;  // what the import does
  bool in_readme;              // listed in the data set's README
};

// Every quirk, in enum order.
const std::array<QuirkInfo, kQuirkCount>& AllQuirks();
const QuirkInfo& InfoOf(Quirk quirk);

// How often each quirk was met (rows, or accounts / agents where the quirk is about those).
class QuirkCounts {
 public:
  void Add(Quirk quirk, int n = 1) { counts_[static_cast<size_t>(quirk)] += n; }
  int Get(Quirk quirk) const { return counts_[static_cast<size_t>(quirk)]; }

 private:
  std::array<int, kQuirkCount> counts_{};
};

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_QUIRKS_H_

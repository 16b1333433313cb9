#ifndef SFA_TOOLS_XEDUCATION_IMPORT_QUIRKS_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_QUIRKS_H_

// The irregularities of Leads.csv the import handles instead of refusing, each with a stable name, what
// it is and what the import does about it, and how many rows had it. No row is dropped for a quirk.

#include <array>
#include <cstddef>

#include "absl/strings/string_view.h"

namespace sfa::tools::xeducation {

enum class Quirk {
  // Listed in the data README.
  kNotAnswered,  // at least one "Select" value
  // Met in the published file.
  kMissingVisitNumbers,  // TotalVisits empty (and Page Views Per Visit with it)
  kMissingLastActivity,  // Last Activity empty
  kMissingLeadSource,    // Lead Source empty
  kChannelCaseVariant,   // "google" beside "Google"
  kCountryUnknown,       // Country "unknown"
  // Not met in the published file; handled so that a changed file is not refused.
  kUnreadableNumber,          // a number column holding text that is not a non-negative number
  kFractionalVisits,          // TotalVisits not a whole number
  kMissingPageViews,          // TotalVisits > 0 but Page Views Per Visit empty
  kMissingTimeOnWebsite,      // TotalVisits > 0 but Total Time Spent on Website empty
  kNoPageViewsAfterRounding,  // TotalVisits x Page Views Per Visit rounds to 0
};
inline constexpr size_t kQuirkCount = 11;

struct QuirkInfo {
  Quirk quirk;
  absl::string_view name;  // stable, for --json: "missing_visit_numbers"
  absl::string_view what;
  absl::string_view handling;  // what the import does
  bool in_readme;              // listed in the data set's README
};

// Every quirk, in enum order.
const std::array<QuirkInfo, kQuirkCount>& AllQuirks();
const QuirkInfo& InfoOf(Quirk quirk);

// Rows that had each quirk.
class QuirkCounts {
 public:
  void Add(Quirk quirk, int n = 1) { counts_[static_cast<size_t>(quirk)] += n; }
  int Get(Quirk quirk) const { return counts_[static_cast<size_t>(quirk)]; }

 private:
  std::array<int, kQuirkCount> counts_{};
};

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_QUIRKS_H_

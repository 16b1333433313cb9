#ifndef SFA_SERVICES_ANALYTICS_REVENUE_DEFINITIONS_H_
#define SFA_SERVICES_ANALYTICS_REVENUE_DEFINITIONS_H_

// The arithmetic behind the lead-source report and the receivables ageing, apart from storage so that it
// is tested as tables: how a campaign's cost is spread over time, what a cost per unit and an ROI are, and
// which age bucket an instalment falls in.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace sfa::analytics::revenue {

// Days since the epoch (UTC) of `t`, rounded toward the past.
int64_t DayOf(absl::Time t);

// The part of `total` (minor units, >= 0) a campaign running over [run_start, run_end) spends in
// [from, to): total × overlap / run length, as the difference of the cumulative spend rounded down at both
// ends, so the parts of adjacent periods add up to `total` exactly. A run of zero length spends everything
// at its start.
int64_t CostInPeriod(int64_t total, absl::Time run_start, absl::Time run_end, absl::Time from, absl::Time to);

// amount / count rounded toward zero (as the lead service's Campaign.cost_per_lead); count > 0.
int64_t PerUnit(int64_t amount, int64_t count);

// (won − cost) / cost when the cost is in exactly one currency, positive, and every won amount is in that
// currency; nullopt otherwise (no cost, or currencies that cannot be compared without a rate).
std::optional<double> Roi(const std::map<std::string, int64_t>& won, const std::map<std::string, int64_t>& cost);

// Receivables age buckets: whole UTC days past the instalment's due date (as_of's date − the due date).
// Due today or later is "current"; then 1–30, 31–60, 61–90 and more than 90 days past due.
enum class Age { kCurrent = 0, k1To30, k31To60, k61To90, kOver90 };
inline constexpr int kAgeCount = 5;
inline constexpr std::array<const char*, kAgeCount> kAgeNames = {"current", "1-30", "31-60", "61-90", "90+"};

Age AgeOf(int64_t days_past_due);
inline const char* NameOf(Age age) { return kAgeNames[static_cast<int>(age)]; }

}  // namespace sfa::analytics::revenue

#endif  // SFA_SERVICES_ANALYTICS_REVENUE_DEFINITIONS_H_

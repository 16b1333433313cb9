#include "analytics/revenue/definitions.h"

#include <algorithm>

namespace sfa::analytics::revenue {

int64_t DayOf(absl::Time t) {
  const int64_t seconds = absl::ToUnixSeconds(t);
  return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

int64_t CostInPeriod(int64_t total, absl::Time run_start, absl::Time run_end, absl::Time from, absl::Time to) {
  if (total <= 0 || from >= to) return 0;
  const int64_t start = absl::ToUnixMicros(run_start);
  const int64_t length = absl::ToUnixMicros(run_end) - start;
  if (length <= 0) return run_start >= from && run_start < to ? total : 0;
  // Spent by `t`: floor(total × elapsed / length), exact in 128 bits (10^15 × 10^17 < 2^127).
  auto spent = [&](absl::Time t) -> int64_t {
    const int64_t elapsed = std::clamp<int64_t>(absl::ToUnixMicros(t) - start, 0, length);
    return static_cast<int64_t>(static_cast<__int128>(total) * elapsed / length);
  };
  return spent(to) - spent(from);
}

int64_t PerUnit(int64_t amount, int64_t count) { return amount / count; }

std::optional<double> Roi(const std::map<std::string, int64_t>& won, const std::map<std::string, int64_t>& cost) {
  if (cost.size() != 1) return std::nullopt;
  const auto& [currency, spent] = *cost.begin();
  if (spent <= 0) return std::nullopt;
  int64_t earned = 0;
  for (const auto& [c, amount] : won) {
    if (amount == 0) continue;
    if (c != currency) return std::nullopt;
    earned = amount;
  }
  return static_cast<double>(earned - spent) / static_cast<double>(spent);
}

Age AgeOf(int64_t days_past_due) {
  if (days_past_due <= 0) return Age::kCurrent;
  if (days_past_due <= 30) return Age::k1To30;
  if (days_past_due <= 60) return Age::k31To60;
  if (days_past_due <= 90) return Age::k61To90;
  return Age::kOver90;
}

}  // namespace sfa::analytics::revenue

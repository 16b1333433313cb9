#include "tools/xeducation_import/auc.h"

#include <algorithm>

namespace sfa::tools::xeducation {

std::optional<double> Auc(std::vector<ScoredOutcome> outcomes) {
  std::sort(outcomes.begin(), outcomes.end(),
            [](const ScoredOutcome& a, const ScoredOutcome& b) { return a.score < b.score; });
  double positive_rank_sum = 0;
  double positives = 0;
  for (size_t i = 0; i < outcomes.size();) {
    size_t j = i;
    while (j < outcomes.size() && outcomes[j].score == outcomes[i].score) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;  // ranks are 1-based
    for (size_t k = i; k < j; ++k) {
      if (!outcomes[k].positive) continue;
      positive_rank_sum += mid_rank;
      ++positives;
    }
    i = j;
  }
  const double negatives = static_cast<double>(outcomes.size()) - positives;
  if (positives == 0 || negatives == 0) return std::nullopt;
  return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

void ChannelRates::Add(const std::string& channel, bool converted) {
  Count& count = counts_[channel];
  ++count.total;
  ++overall_.total;
  if (converted) {
    ++count.converted;
    ++overall_.converted;
  }
}

double ChannelRates::RateOf(const std::string& channel) const {
  auto it = counts_.find(channel);
  const Count& count = it == counts_.end() ? overall_ : it->second;
  return count.total == 0 ? 0 : static_cast<double>(count.converted) / count.total;
}

}  // namespace sfa::tools::xeducation

#include "lead/predictive/auc.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>

namespace sfa::lead::predictive {
namespace {

// A strict weak order with NaN below every number (NaNs equal to each other), so sorting is defined.
bool ScoresBelow(double a, double b) {
  if (std::isnan(a)) return !std::isnan(b);
  if (std::isnan(b)) return false;
  return a < b;
}

bool SameScore(double a, double b) { return !ScoresBelow(a, b) && !ScoresBelow(b, a); }

}  // namespace

std::optional<double> Auc(const std::vector<double>& scores, const std::vector<bool>& labels) {
  if (scores.size() != labels.size()) return std::nullopt;
  const double positives = static_cast<double>(std::count(labels.begin(), labels.end(), true));
  const double negatives = static_cast<double>(labels.size()) - positives;
  if (positives == 0 || negatives == 0) return std::nullopt;

  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ScoresBelow(scores[a], scores[b]); });

  // Sum of the positives' 1-based ranks, tied scores sharing their mean rank.
  double positive_rank_sum = 0;
  for (size_t start = 0; start < order.size();) {
    size_t end = start + 1;
    while (end < order.size() && SameScore(scores[order[end]], scores[order[start]])) ++end;
    const double mean_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
    for (size_t i = start; i < end; ++i) {
      if (labels[order[i]]) positive_rank_sum += mean_rank;
    }
    start = end;
  }
  return (positive_rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
}

}  // namespace sfa::lead::predictive

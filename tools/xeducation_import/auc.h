#ifndef SFA_TOOLS_XEDUCATION_IMPORT_AUC_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_AUC_H_

// How well a score ranks converted leads above the others: the area under the ROC curve, and the
// baseline a predictive score has to beat — each lead scored by its channel's conversion rate.

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace sfa::tools::xeducation {

struct ScoredOutcome {
  double score = 0;
  bool positive = false;  // converted
};

// The probability that a random positive scores above a random negative, ties counting one half
// (Mann-Whitney U with mid-ranks). nullopt unless there is at least one positive and one negative.
std::optional<double> Auc(std::vector<ScoredOutcome> outcomes);

// Conversion rate per channel learned from (channel, converted) pairs; a channel it has not seen gets
// the overall rate.
class ChannelRates {
 public:
  void Add(const std::string& channel, bool converted);
  double RateOf(const std::string& channel) const;
  int channels() const { return static_cast<int>(counts_.size()); }

 private:
  struct Count {
    int converted = 0;
    int total = 0;
  };
  absl::flat_hash_map<std::string, Count> counts_;
  Count overall_;
};

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_AUC_H_

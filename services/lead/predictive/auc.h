#ifndef SFA_SERVICES_LEAD_PREDICTIVE_AUC_H_
#define SFA_SERVICES_LEAD_PREDICTIVE_AUC_H_

// The area under the ROC curve: how well a score ranks converted leads above the others.

#include <optional>
#include <vector>

namespace sfa::lead::predictive {

// The probability that a random positive scores above a random negative, a tie counting one half
// (Mann-Whitney with mid-ranks). nullopt unless both classes are present and the vectors have the same
// size. A NaN score ranks below every number.
std::optional<double> Auc(const std::vector<double>& scores, const std::vector<bool>& labels);

}  // namespace sfa::lead::predictive

#endif  // SFA_SERVICES_LEAD_PREDICTIVE_AUC_H_

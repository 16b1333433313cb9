#ifndef SFA_SERVICES_LEAD_PREDICTIVE_EXAMPLE_H_
#define SFA_SERVICES_LEAD_PREDICTIVE_EXAMPLE_H_

// What the predictive model learns from and what it answers with.

#include <string>
#include <vector>

#include "sfa/lead/v1/lead_types.pb.h"

namespace sfa::lead::predictive {

// One decided lead: its features as they stood at the outcome (LeadConverted / LeadDisqualified).
struct Example {
  std::string lead_id{};
  v1::OutcomeFeatures features{};
  bool converted = false;
};

// One field's share of a prediction, in log-odds (SHAP): positive pushes towards conversion.
struct Factor {
  std::string feature{};  // "channel=Google", "engagement.VISIT.count", "attributes.occupation=Student"
  double contribution = 0;
};

struct Prediction {
  double probability = 0;
  std::vector<Factor> top_factors{};  // by |contribution|, largest first
};

}  // namespace sfa::lead::predictive

#endif  // SFA_SERVICES_LEAD_PREDICTIVE_EXAMPLE_H_

#ifndef SFA_SERVICES_LEAD_PREDICTIVE_HOLDOUT_H_
#define SFA_SERVICES_LEAD_PREDICTIVE_HOLDOUT_H_

// Which outcomes are held out to estimate the model's quality. The split depends on the lead id only, so a
// lead stays on the same side across retrainings, processes and machines.

#include "absl/strings/string_view.h"

namespace sfa::lead::predictive {

// True for about holdout_percent % of lead ids (0 → none, 100 → all), chosen by a fixed 64-bit hash of the
// id (FNV-1a with a final mix; std::hash and absl::Hash are not stable across processes).
bool InHoldout(absl::string_view lead_id, int holdout_percent);

}  // namespace sfa::lead::predictive

#endif  // SFA_SERVICES_LEAD_PREDICTIVE_HOLDOUT_H_

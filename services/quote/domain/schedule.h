#ifndef SFA_SERVICES_QUOTE_DOMAIN_SCHEDULE_H_
#define SFA_SERVICES_QUOTE_DOMAIN_SCHEDULE_H_

// An order's payment schedule: the default when the customer asked for none, and the rules a requested
// one must keep.

#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "sfa/common/v1/money.pb.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::quote::domain {

// One instalment of the whole net total due kDefaultPaymentTerm (30 days) after acceptance; no instalment
// at all when the net total is zero (there is nothing to pay).
std::vector<v1::Instalment> DefaultSchedule(const common::v1::Money& net_total, absl::Time accepted_at);

// FAILED_PRECONDITION invalid_schedule unless every amount is positive and in the net total's currency,
// due dates strictly ascend, and the amounts sum exactly to the net total. The first broken instalment is
// named (1-based, as people count).
absl::Status CheckSchedule(const std::vector<v1::Instalment>& schedule, const common::v1::Money& net_total);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_SCHEDULE_H_

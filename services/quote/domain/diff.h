#ifndef SFA_SERVICES_QUOTE_DOMAIN_DIFF_H_
#define SFA_SERVICES_QUOTE_DOMAIN_DIFF_H_

// What changed between two pricings of a quote (two versions, or a clone and its source).

#include "sfa/quote/v1/quote_service.pb.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::quote::domain {

// Lines are matched by line_id. First the lines of `before` in their order — "removed" when `after` has
// no such line, "changed" when the priced line differs in anything (quantity, SKU, discount, prices,
// waterfall) — then the lines only `after` has, in its order, as "added". Unchanged lines are left out.
// Both totals; promotions applied by `after` only (in its order) and by `before` only (in its order).
v1::QuoteDiff DiffPricing(const v1::Pricing& before, const v1::Pricing& after);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_DIFF_H_

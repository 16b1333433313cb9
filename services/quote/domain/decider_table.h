#ifndef SFA_SERVICES_QUOTE_DOMAIN_DECIDER_TABLE_H_
#define SFA_SERVICES_QUOTE_DOMAIN_DECIDER_TABLE_H_

// The shared decider-table test harness (libs/domain/decider_table.h) under the names this domain's
// tests use. Test-only.

#include "domain/decider_table.h"
#include "quote/domain/event.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {

using ::sfa::domain::DeciderCase;
using ::sfa::domain::Describe;
using ::sfa::domain::DescribeAll;
using ::sfa::domain::ExpectEvents;
using ::sfa::domain::Pb;
using ::sfa::domain::RunDeciderTable;
using ::sfa::domain::SameEvent;
using ::sfa::domain::TextProto;
using ::sfa::domain::With;

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_DECIDER_TABLE_H_

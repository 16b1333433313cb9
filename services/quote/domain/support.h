#ifndef SFA_SERVICES_QUOTE_DOMAIN_SUPPORT_H_
#define SFA_SERVICES_QUOTE_DOMAIN_SUPPORT_H_

// The shared decider support (libs/domain/support.h) under the names this domain uses.

#include "domain/support.h"

namespace sfa::quote::domain {

using ::sfa::domain::EffectiveTime;
using ::sfa::domain::EffectiveTimeOf;
using ::sfa::domain::Rfc3339;
using ::sfa::domain::RuleViolation;
using ::sfa::domain::SameMoney;
using ::sfa::domain::ToDuration;
using ::sfa::domain::ToDurationProto;
using ::sfa::domain::ToTime;
using ::sfa::domain::ToTimestamp;

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_SUPPORT_H_

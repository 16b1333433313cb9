#ifndef SFA_SERVICES_QUOTE_DOMAIN_EVENT_H_
#define SFA_SERVICES_QUOTE_DOMAIN_EVENT_H_

// The shared event codec (libs/domain/event.h) under the names this domain uses.

#include "domain/event.h"

namespace sfa::quote::domain {

using ::sfa::domain::Event;
using ::sfa::domain::Fold;
using ::sfa::domain::Overloaded;
using ::sfa::domain::ParsePayload;
using ::sfa::domain::PayloadType;
using ::sfa::domain::SerializePayload;

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_EVENT_H_

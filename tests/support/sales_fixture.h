#ifndef SFA_TESTS_SUPPORT_SALES_FIXTURE_H_
#define SFA_TESTS_SUPPORT_SALES_FIXTURE_H_

// The smallest sales set-up the cross-service tests build on, through the opportunity service's public API:
// rep "alice", pipeline "sales" (open 20 % PIPELINE, won, lost), account "globex" (APAC) and opportunity
// "deal-1" ("Globex servers", alice's, 100,000.00 USD, in "open").

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"

namespace sfa::testing {

// `context` makes each call's context (tenant, user, deadline). The first failing call's status, naming it.
absl::Status SeedGlobexDeal(opportunity::v1::OpportunityService::Stub& stub,
                            const std::function<std::unique_ptr<grpc::ClientContext>()>& context);

}  // namespace sfa::testing

#endif  // SFA_TESTS_SUPPORT_SALES_FIXTURE_H_

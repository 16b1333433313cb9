#ifndef SFA_SERVICES_QUOTE_TESTING_TEST_SERVER_H_
#define SFA_SERVICES_QUOTE_TESTING_TEST_SERVER_H_

// Test support: the real quote service (ServiceHost + read model + QuoteServiceImpl) on an ephemeral port
// with a temporary data dir, a fake clock and sequential ids, and a typed client helper that sends the
// principal headers (and roles, for approvals). CreateQuote and CloneQuote call the opportunity service at
// `opportunity_target` (empty: none). Kafka is a closed port: commands commit, the relay just retries.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/id_generator.h"
#include "base/metrics.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "quote/projections/projections.h"
#include "quote/quote_service.h"
#include "server/service_host.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"

namespace sfa::quote::testing {

// 2024-06-03T00:00:00Z: the fake "now" tests start at.
inline absl::Time TestNow() { return absl::FromUnixSeconds(1717372800); }

class TestServer {
 public:
  explicit TestServer(std::string opportunity_target = "");
  ~TestServer();  // shuts the host down, then destroys the service

  v1::QuoteService::Stub& stub() { return *stub_; }
  eventstore::EventStore& store() { return *host_->store(); }
  base::FakeClock& clock() { return clock_; }
  QuoteServiceImpl& service() { return *service_; }
  int port() const { return host_->grpc_port(); }

  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::QuoteService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::string& tenant = "acme",
                    const std::string& user = "anna", const std::string& roles = "") {
    grpc::ClientContext context;
    if (!tenant.empty()) context.AddMetadata("x-sfa-tenant", tenant);
    if (!user.empty()) context.AddMetadata("x-sfa-user", user);
    if (!roles.empty()) context.AddMetadata("x-sfa-roles", roles);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ((*stub_).*method)(&context, request, response);
  }

  // A call that must succeed (a failure is reported with its status); returns the response.
  template <typename Request, typename Response>
  Response Ok(grpc::Status (v1::QuoteService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request, const std::string& tenant = "acme", const std::string& user = "anna",
              const std::string& roles = "") {
    Response response;
    grpc::Status status = Call(method, request, &response, tenant, user, roles);
    EXPECT_TRUE(status.ok()) << Request::descriptor()->name() << ": " << status.error_code() << " "
                             << status.error_message();
    return response;
  }

  // The status of a call (its response is dropped).
  template <typename Request, typename Response>
  grpc::Status Status(grpc::Status (v1::QuoteService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                      const Request& request, const std::string& tenant = "acme", const std::string& user = "anna",
                      const std::string& roles = "") {
    Response response;
    return Call(method, request, &response, tenant, user, roles);
  }

 private:
  eventstore::testing::TempDir dir_{"quote-service-test"};
  base::FakeClock clock_{TestNow()};
  base::SequentialIdGenerator ids_{"gen-"};
  base::MetricsRegistry metrics_;
  projections::QuoteProjection read_model_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<QuoteServiceImpl> service_;
  std::unique_ptr<v1::QuoteService::Stub> stub_;
};

}  // namespace sfa::quote::testing

#endif  // SFA_SERVICES_QUOTE_TESTING_TEST_SERVER_H_

#ifndef SFA_SERVICES_LEAD_TESTING_TEST_SERVER_H_
#define SFA_SERVICES_LEAD_TESTING_TEST_SERVER_H_

// Test support: the real lead service (ServiceHost + read models + LeadServiceImpl) on an ephemeral port
// with a temporary data dir, a fake clock and sequential ids, and a typed client helper that sends the
// principal headers. ConvertLead calls the opportunity service at `opportunity_target` (empty: none).
// Kafka is a closed port: commands commit, the relay just retries; the team roster is fed by
// FeedOpportunityEvents, through the same de-duplicating apply the Kafka runner uses.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/id_generator.h"
#include "base/metrics.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "lead/lead_service.h"
#include "lead/projections/projections.h"
#include "server/service_host.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"

namespace sfa::lead::testing {

// 2024-06-03T00:00:00Z: the fake "now" tests start at.
inline absl::Time TestNow() { return absl::FromUnixSeconds(1717372800); }

class TestServer {
 public:
  explicit TestServer(std::string opportunity_target = "");
  ~TestServer();  // shuts the host down, then destroys the service

  v1::LeadService::Stub& stub() { return *stub_; }
  eventstore::EventStore& store() { return *host_->store(); }
  base::FakeClock& clock() { return clock_; }
  LeadServiceImpl& service() { return *service_; }
  int port() const { return host_->grpc_port(); }

  // Applies another service's events to the Kafka-fed read models (the team roster), each at most once.
  void FeedOpportunityEvents(const std::vector<sfa::common::v1::EventEnvelope>& events);
  // A sales team as the opportunity service would announce it (SalesTeamUpserted, next version).
  void AnnounceTeam(const std::string& tenant, const std::string& team_id, const std::vector<std::string>& members);

  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::LeadService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response, const std::string& tenant = "acme",
                    const std::string& user = "anna") {
    grpc::ClientContext context;
    if (!tenant.empty()) context.AddMetadata("x-sfa-tenant", tenant);
    if (!user.empty()) context.AddMetadata("x-sfa-user", user);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ((*stub_).*method)(&context, request, response);
  }

  // A call that must succeed (a failure is reported with its status); returns the response.
  template <typename Request, typename Response>
  Response Ok(grpc::Status (v1::LeadService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request, const std::string& tenant = "acme", const std::string& user = "anna") {
    Response response;
    grpc::Status status = Call(method, request, &response, tenant, user);
    EXPECT_TRUE(status.ok()) << Request::descriptor()->name() << ": " << status.error_code() << " "
                             << status.error_message();
    return response;
  }

  // The status of a call (its response is dropped).
  template <typename Request, typename Response>
  grpc::Status Status(grpc::Status (v1::LeadService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                      const Request& request, const std::string& tenant = "acme", const std::string& user = "anna") {
    Response response;
    return Call(method, request, &response, tenant, user);
  }

 private:
  eventstore::testing::TempDir dir_{"lead-service-test"};
  base::FakeClock clock_{TestNow()};
  base::SequentialIdGenerator ids_{"gen-"};
  base::MetricsRegistry metrics_;
  projections::LeadProjection leads_;
  projections::RosterProjection roster_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<LeadServiceImpl> service_;
  std::unique_ptr<v1::LeadService::Stub> stub_;
  std::map<std::string, uint64_t> team_versions_;
};

}  // namespace sfa::lead::testing

#endif  // SFA_SERVICES_LEAD_TESTING_TEST_SERVER_H_

#ifndef SFA_SERVICES_OPPORTUNITY_TESTING_TEST_SERVER_H_
#define SFA_SERVICES_OPPORTUNITY_TESTING_TEST_SERVER_H_

// Test support: the real opportunity service (ServiceHost + read models + OpportunityServiceImpl) on an
// ephemeral port with a temporary data dir, a fake clock and sequential ids, and a typed client helper
// that sends the principal headers. Kafka is a closed port: commands commit, the relay just retries.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/id_generator.h"
#include "base/metrics.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "opportunity/domain/test_fixtures.h"
#include "opportunity/opportunity_service.h"
#include "opportunity/projections/projections.h"
#include "server/service_host.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"

namespace sfa::opportunity::testing {

// A tender process: 机会 (opportunity) → 入围 (shortlisted) → 方案制定 (solution design) → 报价 (quotation)
// → 方案确认 (solution confirmed) → 商务确认 (commercial terms confirmed) → 中标 (bid won), or 未中标 (lost).
inline constexpr char kTenderStages[] = R"pb(
  stages {
    stage_id: "jihui"
    name: "机会"
    type: STAGE_TYPE_OPEN
    probability_percent: 5
    forecast_category: FORECAST_CATEGORY_PIPELINE
    exit_criteria { criterion_id: "tender_notice" description: "招标公告已发布" required: true }
  }
  stages {
    stage_id: "ruwei"
    name: "入围"
    type: STAGE_TYPE_OPEN
    probability_percent: 15
    forecast_category: FORECAST_CATEGORY_PIPELINE
  }
  stages {
    stage_id: "fangan"
    name: "方案制定"
    type: STAGE_TYPE_OPEN
    probability_percent: 30
    forecast_category: FORECAST_CATEGORY_PIPELINE
  }
  stages {
    stage_id: "baojia"
    name: "报价"
    type: STAGE_TYPE_OPEN
    probability_percent: 50
    forecast_category: FORECAST_CATEGORY_BEST_CASE
  }
  stages {
    stage_id: "fangan_queren"
    name: "方案确认"
    type: STAGE_TYPE_OPEN
    probability_percent: 70
    forecast_category: FORECAST_CATEGORY_BEST_CASE
  }
  stages {
    stage_id: "shangwu_queren"
    name: "商务确认"
    type: STAGE_TYPE_OPEN
    probability_percent: 90
    forecast_category: FORECAST_CATEGORY_COMMIT
  }
  stages {
    stage_id: "zhongbiao"
    name: "中标"
    type: STAGE_TYPE_WON
    probability_percent: 100
    forecast_category: FORECAST_CATEGORY_CLOSED
  }
  stages {
    stage_id: "weizhongbiao"
    name: "未中标"
    type: STAGE_TYPE_LOST
    probability_percent: 0
    forecast_category: FORECAST_CATEGORY_OMITTED
  }
)pb";

// 2024-06-03T00:00:00Z: the fake "now" tests start at.
inline absl::Time TestNow() { return absl::FromUnixSeconds(1717372800); }

class TestServer {
 public:
  TestServer();
  ~TestServer();  // shuts the host down, then destroys the service

  v1::OpportunityService::Stub& stub() { return *stub_; }
  eventstore::EventStore& store() { return *host_->store(); }
  base::FakeClock& clock() { return clock_; }
  int port() const { return host_->grpc_port(); }

  // Calls `method` as `user` of `tenant`; an empty tenant or user leaves that header out.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::OpportunityService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                         Response*),
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
  Response Ok(grpc::Status (v1::OpportunityService::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
              const Request& request, const std::string& tenant = "acme", const std::string& user = "anna") {
    Response response;
    grpc::Status status = Call(method, request, &response, tenant, user);
    EXPECT_TRUE(status.ok()) << Request::descriptor()->name() << ": " << status.error_code() << " "
                             << status.error_message();
    return response;
  }

  // The status of a call (its response is dropped).
  template <typename Request, typename Response>
  grpc::Status Status(grpc::Status (v1::OpportunityService::Stub::*method)(grpc::ClientContext*, const Request&,
                                                                           Response*),
                      const Request& request, const std::string& tenant = "acme", const std::string& user = "anna") {
    Response response;
    return Call(method, request, &response, tenant, user);
  }

  // The organisation most tests start from, in tenant "acme": reps anna, bob and carl, manager maria,
  // director dave; team "east" (maria; anna, bob). Pipelines: "enterprise" (exit criteria, two lost
  // stages), "maven" (no criteria) and "tender" (the seven-stage Chinese tender process).
  void SeedOrganisation(const std::string& tenant = "acme");
  void SeedPipelines(const std::string& tenant = "acme");

 private:
  eventstore::testing::TempDir dir_{"opportunity-service-test"};
  base::FakeClock clock_{TestNow()};
  base::SequentialIdGenerator ids_{"gen-"};
  base::MetricsRegistry metrics_;
  projections::ReadModels read_models_;
  std::unique_ptr<server::ServiceHost> host_;
  std::unique_ptr<OpportunityServiceImpl> service_;
  std::unique_ptr<v1::OpportunityService::Stub> stub_;
};

}  // namespace sfa::opportunity::testing

#endif  // SFA_SERVICES_OPPORTUNITY_TESTING_TEST_SERVER_H_

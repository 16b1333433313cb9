#ifndef SFA_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define SFA_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

// The gRPC adapter of sfa.analytics.v1.AnalyticsService: the principal and the request's shape, then the
// query of the capability that answers it (funnel/, forecast/, deal_health/, performance/, revenue/, and
// the pipeline and stage statistics here), or its command through the shared CommandRunner.

#include <grpcpp/grpcpp.h>

#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "server/unary_call.h"
#include "sfa/analytics/v1/analytics_service.grpc.pb.h"

namespace sfa::analytics {

class AnalyticsServiceImpl final : public v1::AnalyticsService::CallbackService {
 public:
  // `store` must have every read model of ReadModels and outlive this object.
  explicit AnalyticsServiceImpl(eventstore::EventStore* store) : store_(store), runner_(store) {}
  ~AnalyticsServiceImpl() override { calls_.WaitIdle(); }

  grpc::ServerUnaryReactor* GetFunnel(grpc::CallbackServerContext* context, const v1::GetFunnelRequest* request,
                                      v1::GetFunnelResponse* response) override;
  grpc::ServerUnaryReactor* GetPipeline(grpc::CallbackServerContext* context, const v1::GetPipelineRequest* request,
                                        v1::GetPipelineResponse* response) override;
  grpc::ServerUnaryReactor* GetPipelineWaterfall(grpc::CallbackServerContext* context,
                                                 const v1::GetPipelineWaterfallRequest* request,
                                                 v1::GetPipelineWaterfallResponse* response) override;
  grpc::ServerUnaryReactor* GetStageStatistics(grpc::CallbackServerContext* context,
                                               const v1::GetStageStatisticsRequest* request,
                                               v1::GetStageStatisticsResponse* response) override;
  grpc::ServerUnaryReactor* GetForecast(grpc::CallbackServerContext* context, const v1::GetForecastRequest* request,
                                        v1::GetForecastResponse* response) override;
  grpc::ServerUnaryReactor* BacktestForecast(grpc::CallbackServerContext* context,
                                             const v1::BacktestForecastRequest* request,
                                             v1::BacktestForecastResponse* response) override;
  grpc::ServerUnaryReactor* ListStalledDeals(grpc::CallbackServerContext* context,
                                             const v1::ListStalledDealsRequest* request,
                                             v1::ListStalledDealsResponse* response) override;
  grpc::ServerUnaryReactor* DefineStallPolicy(grpc::CallbackServerContext* context,
                                              const v1::DefineStallPolicyRequest* request,
                                              v1::DefineStallPolicyResponse* response) override;
  grpc::ServerUnaryReactor* SetQuota(grpc::CallbackServerContext* context, const v1::SetQuotaRequest* request,
                                     v1::SetQuotaResponse* response) override;
  grpc::ServerUnaryReactor* GetPerformance(grpc::CallbackServerContext* context,
                                           const v1::GetPerformanceRequest* request,
                                           v1::GetPerformanceResponse* response) override;
  grpc::ServerUnaryReactor* GetLeadSourceReport(grpc::CallbackServerContext* context,
                                                const v1::GetLeadSourceReportRequest* request,
                                                v1::GetLeadSourceReportResponse* response) override;
  grpc::ServerUnaryReactor* GetReceivables(grpc::CallbackServerContext* context,
                                           const v1::GetReceivablesRequest* request,
                                           v1::GetReceivablesResponse* response) override;

  // The queries without the transport (tests and benchmarks call these too).
  absl::StatusOr<v1::GetPipelineResponse> Pipeline(const std::string& tenant, const v1::GetPipelineRequest& request,
                                                   absl::Time now) const;
  absl::StatusOr<v1::GetStageStatisticsResponse> StageStatistics(const std::string& tenant,
                                                                 const v1::GetStageStatisticsRequest& request) const;

 private:
  // A query answered from the read models: validate, then `query(store, tenant, request, now)`.
  template <typename Request, typename Response, typename Validate, typename Query>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Request* request, Response* response,
                                  Validate validate, Query query) {
    return server::ServeUnary(context, request, response, calls_, validate,
                              [this, query](const server::Principal& principal, const Request& r,
                                            server::Reply<Response> reply) {
                                reply(query(*store_, principal.tenant, r, absl::Now()));
                              });
  }

  eventstore::EventStore* store_;
  eventstore::CommandRunner runner_;
  server::CallTracker calls_;
};

}  // namespace sfa::analytics

#endif  // SFA_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

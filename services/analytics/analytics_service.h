#ifndef SFA_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_
#define SFA_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

// The gRPC adapter of sfa.analytics.v1.AnalyticsService. Issue 6 is in progress: GetStageStatistics
// (stage_stats read model) and GetPipeline (pipeline_as_of read model, pipeline filter only) are served;
// every other RPC still answers UNIMPLEMENTED (the generated default).

#include <grpcpp/grpcpp.h>

#include "eventstore/event_store.h"
#include "server/unary_call.h"
#include "sfa/analytics/v1/analytics_service.grpc.pb.h"

namespace sfa::analytics {

class AnalyticsServiceImpl final : public v1::AnalyticsService::CallbackService {
 public:
  // `store` must have the read models of projections::StageStatsProjection and outlive this object.
  explicit AnalyticsServiceImpl(const eventstore::EventStore* store) : store_(store) {}
  ~AnalyticsServiceImpl() override { calls_.WaitIdle(); }

  grpc::ServerUnaryReactor* GetStageStatistics(grpc::CallbackServerContext* context,
                                               const v1::GetStageStatisticsRequest* request,
                                               v1::GetStageStatisticsResponse* response) override;

  grpc::ServerUnaryReactor* GetPipeline(grpc::CallbackServerContext* context, const v1::GetPipelineRequest* request,
                                        v1::GetPipelineResponse* response) override;
  absl::StatusOr<v1::GetPipelineResponse> Pipeline(const std::string& tenant, const v1::GetPipelineRequest& request,
                                                   absl::Time now) const;

  // The statistics of one pipeline of a tenant (the RPC's work, without the transport).
  absl::StatusOr<v1::GetStageStatisticsResponse> StageStatistics(const std::string& tenant,
                                                                 const v1::GetStageStatisticsRequest& request) const;

 private:
  const eventstore::EventStore* store_;
  server::CallTracker calls_;
};

}  // namespace sfa::analytics

#endif  // SFA_SERVICES_ANALYTICS_ANALYTICS_SERVICE_H_

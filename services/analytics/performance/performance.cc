#include "analytics/performance/performance.h"

namespace sfa::analytics::performance {

std::vector<std::string> PerformanceProjection::column_families() const { return {"rm_an_performance"}; }
absl::Status PerformanceProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}
std::vector<std::string> QuotaProjection::column_families() const { return {"rm_an_quota"}; }
absl::Status QuotaProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}
absl::Status Validate(const v1::GetPerformanceRequest&) { return absl::OkStatus(); }
absl::StatusOr<v1::GetPerformanceResponse> Performance(const eventstore::EventStore&, const std::string&,
                                                       const v1::GetPerformanceRequest&, absl::Time) {
  return absl::UnimplementedError("GetPerformance is not built yet");
}
absl::Status Validate(const v1::SetQuotaRequest&) { return absl::OkStatus(); }
void SetQuota(eventstore::CommandRunner&, const server::Principal&, const v1::SetQuotaRequest&,
              std::function<void(absl::StatusOr<v1::SetQuotaResponse>)> done) {
  done(absl::UnimplementedError("SetQuota is not built yet"));
}

}  // namespace sfa::analytics::performance

#include "analytics/deal_health/deal_health.h"

namespace sfa::analytics::deal_health {

std::vector<std::string> WaterfallProjection::column_families() const { return {"rm_an_waterfall"}; }
absl::Status WaterfallProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}
std::vector<std::string> StalledProjection::column_families() const { return {"rm_an_stalled"}; }
absl::Status StalledProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}
std::vector<std::string> StallPolicyProjection::column_families() const { return {"rm_an_stall_policy"}; }
absl::Status StallPolicyProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}

absl::Status Validate(const v1::GetPipelineWaterfallRequest&) { return absl::OkStatus(); }
absl::StatusOr<v1::GetPipelineWaterfallResponse> Waterfall(const eventstore::EventStore&, const std::string&,
                                                           const v1::GetPipelineWaterfallRequest&, absl::Time) {
  return absl::UnimplementedError("GetPipelineWaterfall is not built yet");
}
absl::Status Validate(const v1::ListStalledDealsRequest&) { return absl::OkStatus(); }
absl::StatusOr<v1::ListStalledDealsResponse> ListStalled(const eventstore::EventStore&, const std::string&,
                                                         const v1::ListStalledDealsRequest&, absl::Time) {
  return absl::UnimplementedError("ListStalledDeals is not built yet");
}
absl::Status Validate(const v1::DefineStallPolicyRequest&) { return absl::OkStatus(); }
void DefineStallPolicy(eventstore::CommandRunner&, const server::Principal&, const v1::DefineStallPolicyRequest&,
                       std::function<void(absl::StatusOr<v1::DefineStallPolicyResponse>)> done) {
  done(absl::UnimplementedError("DefineStallPolicy is not built yet"));
}

}  // namespace sfa::analytics::deal_health

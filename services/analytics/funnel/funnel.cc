#include "analytics/funnel/funnel.h"

namespace sfa::analytics::funnel {

std::vector<std::string> FunnelProjection::column_families() const { return {"rm_an_funnel"}; }
absl::Status FunnelProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}
absl::Status Validate(const v1::GetFunnelRequest&) { return absl::OkStatus(); }
absl::StatusOr<v1::GetFunnelResponse> Funnel(const eventstore::EventStore&, const std::string&,
                                             const v1::GetFunnelRequest&, absl::Time) {
  return absl::UnimplementedError("GetFunnel is not built yet");
}

}  // namespace sfa::analytics::funnel

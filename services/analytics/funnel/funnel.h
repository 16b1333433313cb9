#ifndef SFA_SERVICES_ANALYTICS_FUNNEL_FUNNEL_H_
#define SFA_SERVICES_ANALYTICS_FUNNEL_FUNNEL_H_

// GetFunnel: per stage of a pipeline, the deals that entered it in a window (a cohort) and what became of
// them — advanced to a later open stage, won — with the conversions and the median days in the stage,
// grouped by owner, team, region, lead source, product or industry. From the `funnel` read model (the
// opportunity topic).

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "sfa/analytics/v1/analytics_service.pb.h"

namespace sfa::analytics::funnel {

class FunnelProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "funnel"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

absl::Status Validate(const v1::GetFunnelRequest& request);
absl::StatusOr<v1::GetFunnelResponse> Funnel(const eventstore::EventStore& store, const std::string& tenant,
                                             const v1::GetFunnelRequest& request, absl::Time now);

}  // namespace sfa::analytics::funnel

#endif  // SFA_SERVICES_ANALYTICS_FUNNEL_FUNNEL_H_

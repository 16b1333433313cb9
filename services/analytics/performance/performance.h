#ifndef SFA_SERVICES_ANALYTICS_PERFORMANCE_PERFORMANCE_H_
#define SFA_SERVICES_ANALYTICS_PERFORMANCE_PERFORMANCE_H_

// Quotas (SetQuota, the analytics service's own command and event) and GetPerformance: per rep, team,
// region, product or industry in a period — won against quota, pipeline coverage, win rate, average deal
// size, cycle days, activities by kind and the activity ratios. From the `performance` read model (the
// opportunity and lead topics) and the `quota` read model (own events).

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "server/principal.h"
#include "sfa/analytics/v1/analytics_service.pb.h"

namespace sfa::analytics::performance {

class PerformanceProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "performance"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// The analytics service's own QuotaSet events (applied in the event store's commit).
class QuotaProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "quota"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

absl::Status Validate(const v1::GetPerformanceRequest& request);
absl::StatusOr<v1::GetPerformanceResponse> Performance(const eventstore::EventStore& store, const std::string& tenant,
                                                       const v1::GetPerformanceRequest& request, absl::Time now);

absl::Status Validate(const v1::SetQuotaRequest& request);
void SetQuota(eventstore::CommandRunner& runner, const server::Principal& principal, const v1::SetQuotaRequest& request,
              std::function<void(absl::StatusOr<v1::SetQuotaResponse>)> done);

}  // namespace sfa::analytics::performance

#endif  // SFA_SERVICES_ANALYTICS_PERFORMANCE_PERFORMANCE_H_

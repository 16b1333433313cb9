#ifndef SFA_SERVICES_LEAD_PROJECTIONS_PROJECTIONS_H_
#define SFA_SERVICES_LEAD_PROJECTIONS_PROJECTIONS_H_

// The lead service's read models. LeadProjection folds the service's own events in the event store's
// commit (read-your-writes): lead rows and list indexes, engagements, duplicate keys, open leads per
// owner, round-robin positions, outcomes for the predictive model and campaign figures. RosterProjection
// folds the opportunity service's users and sales teams, fed from Kafka (messaging::ProjectionRunner).

#include <string>
#include <vector>

#include "eventstore/projection.h"

namespace sfa::lead::projections {

class LeadProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "lead"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

class RosterProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "roster"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

}  // namespace sfa::lead::projections

#endif  // SFA_SERVICES_LEAD_PROJECTIONS_PROJECTIONS_H_

#ifndef SFA_SERVICES_QUOTE_PROJECTIONS_PROJECTIONS_H_
#define SFA_SERVICES_QUOTE_PROJECTIONS_PROJECTIONS_H_

// The quote service's own read model, folded in the event store's commit: the catalogue (products,
// SKUs), price books, promotions with their use counts, and quote and order summaries with the list
// indexes (by opportunity, account, status).

#include <string>
#include <vector>

#include "eventstore/projection.h"

namespace sfa::quote::projections {

class QuoteProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "quote"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

}  // namespace sfa::quote::projections

#endif  // SFA_SERVICES_QUOTE_PROJECTIONS_PROJECTIONS_H_

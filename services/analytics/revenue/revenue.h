#ifndef SFA_SERVICES_ANALYTICS_REVENUE_REVENUE_H_
#define SFA_SERVICES_ANALYTICS_REVENUE_REVENUE_H_

// Where revenue comes from and what is still owed: GetLeadSourceReport (per channel and campaign: leads,
// qualified, converted, opportunities, won amount, cost, cost per lead / per customer, ROI; from the lead
// and opportunity topics) and GetReceivables (open order balances by age as of any instant; from
// the quote topic's orders and payments). Definitions, read models and limits: README.md.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "sfa/analytics/v1/analytics_service.pb.h"

namespace sfa::analytics::revenue {

// Fed by the lead and opportunity topics (Kafka). Its column families are the same whatever the
// interleaving of the two topics (and of their partitions), so a rebuild equals the live read model.
class LeadSourceProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "lead_source"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// Fed by the quote topic (Kafka): orders, their schedules and payments, as deltas of what is owed per
// due day at each change's business time.
class ReceivablesProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "receivables"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// INVALID_ARGUMENT naming the field: period, period.start and period.end required and valid, start before
// end, at most 1,827 days (five years).
absl::Status Validate(const v1::GetLeadSourceReportRequest& request);
absl::StatusOr<v1::GetLeadSourceReportResponse> LeadSourceReport(const eventstore::EventStore& store,
                                                                 const std::string& tenant,
                                                                 const v1::GetLeadSourceReportRequest& request,
                                                                 absl::Time now);

// INVALID_ARGUMENT naming as_of when it is set and not a valid timestamp (unset = now).
absl::Status Validate(const v1::GetReceivablesRequest& request);
absl::StatusOr<v1::GetReceivablesResponse> Receivables(const eventstore::EventStore& store, const std::string& tenant,
                                                       const v1::GetReceivablesRequest& request, absl::Time now);

}  // namespace sfa::analytics::revenue

#endif  // SFA_SERVICES_ANALYTICS_REVENUE_REVENUE_H_

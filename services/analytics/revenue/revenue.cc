#include "analytics/revenue/revenue.h"

namespace sfa::analytics::revenue {

std::vector<std::string> LeadSourceProjection::column_families() const { return {"rm_an_lead_source"}; }
absl::Status LeadSourceProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}
std::vector<std::string> ReceivablesProjection::column_families() const { return {"rm_an_receivables"}; }
absl::Status ReceivablesProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}

absl::Status Validate(const v1::GetLeadSourceReportRequest&) { return absl::OkStatus(); }
absl::StatusOr<v1::GetLeadSourceReportResponse> LeadSourceReport(const eventstore::EventStore&, const std::string&,
                                                                 const v1::GetLeadSourceReportRequest&, absl::Time) {
  return absl::UnimplementedError("GetLeadSourceReport is not built yet");
}
absl::Status Validate(const v1::GetReceivablesRequest&) { return absl::OkStatus(); }
absl::StatusOr<v1::GetReceivablesResponse> Receivables(const eventstore::EventStore&, const std::string&,
                                                       const v1::GetReceivablesRequest&, absl::Time) {
  return absl::UnimplementedError("GetReceivables is not built yet");
}

}  // namespace sfa::analytics::revenue

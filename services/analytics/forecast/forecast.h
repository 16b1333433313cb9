#ifndef SFA_SERVICES_ANALYTICS_FORECAST_FORECAST_H_
#define SFA_SERVICES_ANALYTICS_FORECAST_FORECAST_H_

// Forecasts (GetForecast: STAGE_WEIGHTED, HISTORICAL, MONTE_CARLO, with the commit / best-case roll-up)
// and their backtests (BacktestForecast), from the `forecast` read model fed by the opportunity topic.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "sfa/analytics/v1/analytics_service.pb.h"

namespace sfa::analytics::forecast {

class ForecastProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "forecast"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

absl::Status Validate(const v1::GetForecastRequest& request);
absl::StatusOr<v1::GetForecastResponse> Forecast(const eventstore::EventStore& store, const std::string& tenant,
                                                 const v1::GetForecastRequest& request, absl::Time now);

absl::Status Validate(const v1::BacktestForecastRequest& request);
absl::StatusOr<v1::BacktestForecastResponse> Backtest(const eventstore::EventStore& store, const std::string& tenant,
                                                      const v1::BacktestForecastRequest& request, absl::Time now);

}  // namespace sfa::analytics::forecast

#endif  // SFA_SERVICES_ANALYTICS_FORECAST_FORECAST_H_

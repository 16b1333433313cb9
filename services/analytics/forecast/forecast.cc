#include "analytics/forecast/forecast.h"

namespace sfa::analytics::forecast {

std::vector<std::string> ForecastProjection::column_families() const { return {"rm_an_forecast"}; }

absl::Status ForecastProjection::Apply(const sfa::common::v1::EventEnvelope&, eventstore::ReadModelTxn&) {
  return absl::OkStatus();
}

absl::Status Validate(const v1::GetForecastRequest&) { return absl::OkStatus(); }

absl::StatusOr<v1::GetForecastResponse> Forecast(const eventstore::EventStore&, const std::string&,
                                                 const v1::GetForecastRequest&, absl::Time) {
  return absl::UnimplementedError("GetForecast is not built yet");
}

absl::Status Validate(const v1::BacktestForecastRequest&) { return absl::OkStatus(); }

absl::StatusOr<v1::BacktestForecastResponse> Backtest(const eventstore::EventStore&, const std::string&,
                                                      const v1::BacktestForecastRequest&, absl::Time) {
  return absl::UnimplementedError("BacktestForecast is not built yet");
}

}  // namespace sfa::analytics::forecast

#ifndef SFA_SERVICES_ANALYTICS_FORECAST_FORECAST_H_
#define SFA_SERVICES_ANALYTICS_FORECAST_FORECAST_H_

// Forecasts (GetForecast: STAGE_WEIGHTED, HISTORICAL, MONTE_CARLO, with the commit / best-case roll-up)
// and their backtests (BacktestForecast), from the `forecast` read model fed by the opportunity topic
// (read_model.h) and the transitions of the stage_stats read model. README.md has the definitions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"
#include "sfa/analytics/v1/analytics_service.pb.h"

namespace sfa::analytics::forecast {

inline constexpr size_t kMaxIdLength = 64;
inline constexpr int32_t kDefaultRuns = 2'000;  // runs = 0
inline constexpr int32_t kMaxRuns = 100'000;
inline constexpr uint64_t kDefaultSeed = 1;  // seed = 0
inline constexpr int kMaxBacktestPeriods = 60;
inline constexpr absl::Duration kMaxPeriodLength = absl::Hours(24 * 1830);  // five years

class ForecastProjection final : public eventstore::Projection {
 public:
  std::string name() const override { return "forecast"; }
  std::vector<std::string> column_families() const override;
  absl::Status Apply(const sfa::common::v1::EventEnvelope& event, eventstore::ReadModelTxn& txn) override;
};

// INVALID_ARGUMENT naming the field: the period (set, valid, start < end, at most kMaxPeriodLength), the
// method (required), group_by (unspecified, OWNER or TEAM), pipeline_id's length, runs (0..kMaxRuns).
absl::Status Validate(const v1::GetForecastRequest& request);
// As of `now`: NOT_FOUND for an unknown pipeline_id.
absl::StatusOr<v1::GetForecastResponse> Forecast(const eventstore::EventStore& store, const std::string& tenant,
                                                 const v1::GetForecastRequest& request, absl::Time now);

// INVALID_ARGUMENT naming the field: the method, 1..kMaxBacktestPeriods periods each valid and not
// before the previous one's end, pipeline_id, currency (empty or three upper-case letters), runs.
absl::Status Validate(const v1::BacktestForecastRequest& request);
// Each period forecast with only what was known at its start. INVALID_ARGUMENT for a period not over by
// `now`; NOT_FOUND for an unknown pipeline_id.
absl::StatusOr<v1::BacktestForecastResponse> Backtest(const eventstore::EventStore& store, const std::string& tenant,
                                                      const v1::BacktestForecastRequest& request, absl::Time now);

}  // namespace sfa::analytics::forecast

#endif  // SFA_SERVICES_ANALYTICS_FORECAST_FORECAST_H_

#ifndef SFA_SERVICES_ANALYTICS_FORECAST_READ_MODEL_H_
#define SFA_SERVICES_ANALYTICS_FORECAST_READ_MODEL_H_

// The `forecast` read model (from sfa.opportunity.events.v1): every deal's forecast-relevant state as
// spans of business time, indexed by expected-close month, so that a forecast as of now or as of any past
// instant reads only the deals whose dates put them near the period; the wins (for closed-won, backtest
// actuals and the new-deal run-rate); and per month the slippage of the wins. README.md explains the
// layout and why.

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"

namespace sfa::analytics::forecast {

// t|pipeline -> Int64 micros: when the pipeline's first deal was created (the start of its history).
inline constexpr char kPipelineStartCf[] = "rm_an_forecast";
// t|opp -> DealRow: the deal now.
inline constexpr char kDealsCf[] = "rm_an_forecast_deal";
// t|pipeline|index|month|opp -> DealState: open deals now (to = kOpen), under both indexes.
inline constexpr char kOpenCf[] = "rm_an_forecast_open";
// t|pipeline|index|month|to|opp -> DealState: past states of open deals, [from, to), both indexes; keyed
// by their end so that the states known at T (from < T <= to) are a range starting at T.
inline constexpr char kSpansCf[] = "rm_an_forecast_span";
// t|pipeline|won micros|opp -> WonRow.
inline constexpr char kWonCf[] = "rm_an_forecast_won";
// t|pipeline|month of the win -> stats::SlippageHistogram of (won at - first expected close).
inline constexpr char kSlippageCf[] = "rm_an_forecast_slip";
// t|pipeline|month of the close -> ExposureTable: closed deals' open time by stage, overdue bucket, outcome.
inline constexpr char kExposureCf[] = "rm_an_forecast_exposure";

// The two indexes of open states. kExpectedClose is the date the deal carries (stage-weighted forecast,
// roll-up); kFirstExpectedClose the first date it was ever given (what slippage is measured from).
enum class DateIndex : uint64_t { kExpectedClose = 1, kFirstExpectedClose = 2 };

inline constexpr int64_t kOpen = std::numeric_limits<int64_t>::max();

// What an open deal looks like to a forecast during [from, to) (business micros). The state known at
// instant T is the one with from < T <= to: an event at exactly T is not yet known at T.
struct DealState {
  std::string opportunity_id;  // from the key; not stored in the value
  std::string stage_id;
  std::string owner_user_id;
  int64_t amount_minor = 0;
  std::string currency;  // "" when the deal has no amount
  int32_t probability_percent = 0;
  int32_t forecast_category = 0;                // opportunity.v1.ForecastCategory
  std::optional<int64_t> expected_close;        // micros
  std::optional<int64_t> first_expected_close;  // micros
  int64_t from = 0;
  int64_t to = kOpen;

  std::string Encode() const;
  // `id` is the key's opportunity id.
  static absl::StatusOr<DealState> Decode(absl::string_view bytes, std::string id);
  bool SameAs(const DealState& o) const;  // every field but from / to
};

enum class DealStatus : uint64_t { kOpen = 1, kWon = 2, kLost = 3 };

struct DealRow {
  std::string pipeline_id;
  DealStatus status = DealStatus::kOpen;
  int64_t created = 0;              // micros
  int64_t won_at = 0;               // micros, while kWon
  std::optional<int64_t> slippage;  // the sample the win added to kSlippageCf (micros), while kWon
  // Entries into open stages (micros, stage), and closes (stage ""): the deal's open time by stage.
  std::vector<std::pair<int64_t, std::string>> timeline;
  // The close whose open time is in kExposureCf (micros), and whether it was a win; while closed.
  std::optional<int64_t> exposure_closed_at;
  bool exposure_won = false;
  DealState state;  // the current state; `from` is when it began

  std::string Encode() const;
  static absl::StatusOr<DealRow> Decode(absl::string_view bytes, std::string id);
};

struct WonRow {
  std::string opportunity_id;
  int64_t won_at = 0;
  int64_t created = 0;
  int64_t amount_minor = 0;
  std::string currency;
  std::string owner_user_id;

  std::string Encode() const;
  static absl::StatusOr<WonRow> Decode(absl::string_view key_rest, absl::string_view bytes);
};

// YYYYMM as a number (projections::MonthOf); 0 for "no date".
uint64_t MonthKey(std::optional<int64_t> micros);
// The first instant of the month after `month` (YYYYMM), in micros.
int64_t MonthEndMicros(uint64_t month);
// The months [first, last] covering [from, to) (to > from), in order.
std::vector<uint64_t> MonthsCovering(int64_t from_micros, int64_t to_micros);

// --- Query side ----------------------------------------------------------------------------------------

// Visits the states of `pipeline`'s open deals under `index` whose month is in `months`: those open now
// (as_of unset), or those known at the instant as_of (from < as_of <= to, open or past spans).
absl::Status ForEachState(const eventstore::EventStore& store, const std::string& tenant, const std::string& pipeline,
                          DateIndex index, const std::vector<uint64_t>& months, std::optional<int64_t> as_of,
                          const std::function<absl::Status(DealState&&)>& visit);

// Visits the wins of `pipeline` with won_at in [from, to) in time order.
absl::Status ForEachWin(const eventstore::EventStore& store, const std::string& tenant, const std::string& pipeline,
                        int64_t from, int64_t to, const std::function<absl::Status(WonRow&&)>& visit);

// When the pipeline's first deal was created; nullopt before any.
absl::StatusOr<std::optional<int64_t>> PipelineStart(const eventstore::EventStore& store, const std::string& tenant,
                                                     const std::string& pipeline);

}  // namespace sfa::analytics::forecast

#endif  // SFA_SERVICES_ANALYTICS_FORECAST_READ_MODEL_H_

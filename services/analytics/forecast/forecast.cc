#include "analytics/forecast/forecast.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "analytics/dims/dims.h"
#include "analytics/forecast/read_model.h"
#include "analytics/forecast/snapshot.h"
#include "analytics/projections/projections.h"
#include "analytics/stats/backtest.h"
#include "analytics/stats/forecast.h"
#include "base/key_codec.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"
#include "google/protobuf/util/time_util.h"

namespace sfa::analytics::forecast {
namespace {

using google::protobuf::util::TimeUtil;

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(t));
}

// Within 0001-01-01 .. 9999-12-31 and nanos in [0, 1e9) (protobuf 3.21 has no TimeUtil::IsTimestampValid).
bool IsValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= TimeUtil::kTimestampMinSeconds && t.seconds() <= TimeUtil::kTimestampMaxSeconds &&
         t.nanos() >= 0 && t.nanos() < 1'000'000'000;
}

absl::Status ValidatePipelineId(const std::string& id) {
  if (id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("pipeline_id must be at most ", kMaxIdLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status ValidateMethod(v1::ForecastMethod method) {
  if (!v1::ForecastMethod_IsValid(method)) {
    return absl::InvalidArgumentError(absl::StrCat("method: unknown value ", static_cast<int>(method)));
  }
  if (method == v1::FORECAST_METHOD_UNSPECIFIED) {
    return absl::InvalidArgumentError("method is required: STAGE_WEIGHTED, HISTORICAL or MONTE_CARLO");
  }
  return absl::OkStatus();
}

absl::Status ValidateRuns(int32_t runs) {
  if (runs < 0 || runs > kMaxRuns) {
    return absl::InvalidArgumentError(absl::StrCat("runs must be 0 (", kDefaultRuns, ") to ", kMaxRuns));
  }
  return absl::OkStatus();
}

// `field` names the period in messages ("period", "periods[3]").
absl::Status ValidatePeriod(bool present, const v1::Period& p, const std::string& field) {
  if (!present || !p.has_start() || !p.has_end()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".start and ", field, ".end are required"));
  }
  for (const auto& [name, t] : {std::pair{"start", &p.start()}, std::pair{"end", &p.end()}}) {
    if (!IsValidTimestamp(*t)) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".", name, " is not a valid timestamp"));
    }
  }
  if (TimeOf(p.start()) >= TimeOf(p.end())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".start must be before ", field, ".end"));
  }
  if (TimeOf(p.end()) - TimeOf(p.start()) > kMaxPeriodLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is longer than ", absl::ToInt64Hours(kMaxPeriodLength) / 24, " days"));
  }
  return absl::OkStatus();
}

bool IsCurrencyCode(const std::string& c) {
  return c.size() == 3 && std::all_of(c.begin(), c.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; });
}

// The pipelines a request covers: the one named (NOT_FOUND when the tenant has none of that id) or all.
absl::StatusOr<std::vector<std::string>> Pipelines(const eventstore::EventStore& store, const std::string& tenant,
                                                   const std::string& pipeline_id) {
  if (!pipeline_id.empty()) {
    absl::StatusOr<std::optional<std::string>> known = eventstore::GetValue(
        store, projections::kPipelinesCf, base::KeyBuilder().String(tenant).String(pipeline_id).Release());
    if (!known.ok()) return known.status();
    if (!known->has_value()) return absl::NotFoundError(absl::StrCat("pipeline_id ", pipeline_id, " not found"));
    return std::vector<std::string>{pipeline_id};
  }
  std::vector<std::string> out;
  const std::string prefix = base::KeyBuilder().String(tenant).Release();
  SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(
      store, projections::kPipelinesCf, prefix, [&](absl::string_view key, absl::string_view) -> absl::Status {
        absl::StatusOr<std::string> id = base::KeyReader(key.substr(prefix.size())).String();
        if (!id.ok()) return absl::DataLossError("unreadable pipeline key");
        out.push_back(*std::move(id));
        return absl::OkStatus();
      }));
  return out;
}

stats::GroupBy GroupOf(v1::GroupBy g) {
  switch (g) {
    case v1::GROUP_BY_OWNER:
      return stats::GroupBy::kOwner;
    case v1::GROUP_BY_TEAM:
      return stats::GroupBy::kTeam;
    default:
      return stats::GroupBy::kTotal;
  }
}

// The forecast lines of `method` (one currency's deals of the snapshot).
absl::StatusOr<std::vector<stats::ForecastLine>> Lines(v1::ForecastMethod method, const Snapshot& snapshot,
                                                       const std::string& currency, const stats::Period& period,
                                                       absl::Time as_of, stats::GroupBy group_by, int32_t runs,
                                                       uint64_t seed) {
  if (method == v1::FORECAST_METHOD_STAGE_WEIGHTED) {
    return stats::StageWeighted(InCurrency(snapshot.by_expected_close, currency), period, group_by);
  }
  const std::vector<stats::OpenDeal> deals = InCurrency(snapshot.by_first_expected_close, currency);
  if (method == v1::FORECAST_METHOD_HISTORICAL) {
    return stats::Historical(deals, period, as_of, snapshot.learned, group_by);
  }
  stats::MonteCarloOptions options;
  options.runs = runs == 0 ? kDefaultRuns : runs;
  options.seed = seed == 0 ? kDefaultSeed : seed;
  return stats::MonteCarlo(deals, period, as_of, snapshot.learned, group_by, options);
}

sfa::common::v1::Money MoneyOf(double minor, const std::string& currency) {
  sfa::common::v1::Money m;
  m.set_minor_units(std::llround(minor));
  m.set_currency(currency);
  return m;
}

std::string GroupKey(const std::string& group, stats::GroupBy group_by) {
  return group_by == stats::GroupBy::kTotal ? "all" : group;
}

// The response's groups, ordered by key: the roll-up's figures and closed-won, then the method's forecast
// of the rest of the period on top of closed-won. Every figure is a Money in the one currency, zero when
// the group has none of it; MONTE_CARLO groups with nothing left to win get closed-won as every quantile.
std::vector<v1::ForecastFigures> Groups(const std::vector<stats::RollUpLine>& roll_up,
                                        const std::vector<stats::ForecastLine>& lines, const std::string& currency,
                                        stats::GroupBy group_by, v1::ForecastMethod method) {
  std::map<std::string, v1::ForecastFigures> groups;
  auto group = [&](const std::string& key) -> v1::ForecastFigures& {
    auto [it, inserted] = groups.try_emplace(GroupKey(key, group_by));
    if (inserted) {
      v1::ForecastFigures& g = it->second;
      g.set_key(it->first);
      for (sfa::common::v1::Money* m : {g.mutable_expected(), g.mutable_closed_won(), g.mutable_commit(),
                                        g.mutable_best_case(), g.mutable_pipeline()}) {
        *m = MoneyOf(0, currency);
      }
    }
    return it->second;
  };
  std::map<std::string, int64_t> closed_won;
  for (const stats::RollUpLine& line : roll_up) {
    v1::ForecastFigures& g = group(line.group);
    *g.mutable_closed_won() = MoneyOf(line.closed_minor, currency);
    *g.mutable_commit() = MoneyOf(line.CommitForecastMinor(), currency);
    *g.mutable_best_case() = MoneyOf(line.BestCaseForecastMinor(), currency);
    *g.mutable_pipeline() = MoneyOf(line.OpenPipelineMinor(), currency);
    *g.mutable_expected() = MoneyOf(line.closed_minor, currency);
    closed_won[line.group] = line.closed_minor;
  }
  for (const stats::ForecastLine& line : lines) {
    v1::ForecastFigures& g = group(line.group);
    const double won = static_cast<double>(closed_won[line.group]);
    *g.mutable_expected() = MoneyOf(won + line.expected_minor, currency);
    if (line.quantiles.has_value()) {
      *g.mutable_p10() = MoneyOf(won + line.quantiles->p10, currency);
      *g.mutable_p50() = MoneyOf(won + line.quantiles->p50, currency);
      *g.mutable_p90() = MoneyOf(won + line.quantiles->p90, currency);
    }
  }
  std::vector<v1::ForecastFigures> out;
  for (auto& [key, g] : groups) {
    if (method == v1::FORECAST_METHOD_MONTE_CARLO) {
      for (sfa::common::v1::Money* m : {g.mutable_p10(), g.mutable_p50(), g.mutable_p90()}) {
        if (m->currency().empty()) *m = g.closed_won();
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

// One period of a backtest: the method's forecast with what was known at the period's start, and what was
// won in it.
absl::StatusOr<stats::PeriodOutcome> BacktestOne(const eventstore::EventStore& store, const std::string& tenant,
                                                 const std::vector<std::string>& pipelines,
                                                 const v1::BacktestForecastRequest& r, int index,
                                                 std::string& currency) {
  const stats::Period period{TimeOf(r.periods(index).start()), TimeOf(r.periods(index).end())};
  SnapshotSpec spec;
  spec.period = period;
  spec.as_of = period.start;
  spec.learned = r.method() != v1::FORECAST_METHOD_STAGE_WEIGHTED;
  absl::StatusOr<Snapshot> snapshot = ReadSnapshot(store, tenant, pipelines, spec);
  if (!snapshot.ok()) return snapshot.status();
  if (currency.empty()) currency = MainCurrency(snapshot->deals_by_currency);
  absl::StatusOr<std::vector<stats::ForecastLine>> lines =
      Lines(r.method(), *snapshot, currency, period, period.start, stats::GroupBy::kTotal, r.runs(), r.seed() + index);
  if (!lines.ok()) return lines.status();
  auto actual = WinsByCurrency(store, tenant, pipelines, period.start, period.end);
  if (!actual.ok()) return actual.status();
  stats::PeriodOutcome outcome;
  outcome.actual_minor = static_cast<double>((*actual)[currency].second);
  if (!lines->empty()) outcome.forecast_minor = lines->front().expected_minor;
  if (r.method() == v1::FORECAST_METHOD_MONTE_CARLO) {
    const bool drawn = !lines->empty() && lines->front().quantiles.has_value();
    outcome.p10_minor = drawn ? lines->front().quantiles->p10 : 0.0;
    outcome.p90_minor = drawn ? lines->front().quantiles->p90 : 0.0;
  }
  return outcome;
}

}  // namespace

absl::Status Validate(const v1::GetForecastRequest& r) {
  SFA_RETURN_IF_ERROR(ValidatePeriod(r.has_period(), r.period(), "period"));
  SFA_RETURN_IF_ERROR(ValidateMethod(r.method()));
  SFA_RETURN_IF_ERROR(dims::ValidateGroupBy(r.group_by(), "group_by", {v1::GROUP_BY_OWNER, v1::GROUP_BY_TEAM}));
  SFA_RETURN_IF_ERROR(ValidatePipelineId(r.pipeline_id()));
  return ValidateRuns(r.runs());
}

absl::StatusOr<v1::GetForecastResponse> Forecast(const eventstore::EventStore& store, const std::string& tenant,
                                                 const v1::GetForecastRequest& r, absl::Time now) {
  absl::StatusOr<std::vector<std::string>> pipelines = Pipelines(store, tenant, r.pipeline_id());
  if (!pipelines.ok()) return pipelines.status();
  const stats::Period period{TimeOf(r.period().start()), TimeOf(r.period().end())};
  const stats::GroupBy group_by = GroupOf(r.group_by());
  dims::Lookup lookup(store, tenant);
  SnapshotSpec spec;
  spec.period = period;
  spec.as_of = now;
  spec.now = true;
  spec.learned = r.method() != v1::FORECAST_METHOD_STAGE_WEIGHTED;
  if (group_by == stats::GroupBy::kTeam) {
    spec.team_of = [&lookup](const std::string& owner) { return lookup.TeamOf(owner); };
  }
  absl::StatusOr<Snapshot> snapshot = ReadSnapshot(store, tenant, *pipelines, spec);
  if (!snapshot.ok()) return snapshot.status();

  v1::GetForecastResponse out;
  const std::string currency = MainCurrency(snapshot->deals_by_currency);
  out.set_currency(currency);
  for (const auto& [other, count] : snapshot->deals_by_currency) {
    if (other != currency) out.add_skipped_currencies(other);
  }
  if (currency.empty()) return out;  // nothing to forecast

  absl::StatusOr<std::vector<stats::ForecastLine>> lines =
      Lines(r.method(), *snapshot, currency, period, now, group_by, r.runs(), r.seed());
  if (!lines.ok()) return lines.status();
  const std::vector<stats::RollUpLine> roll_up =
      stats::RollUp(InCurrency(snapshot->by_expected_close, currency), period, group_by);

  for (v1::ForecastFigures& g : Groups(roll_up, *lines, currency, group_by, r.method())) {
    *out.add_groups() = std::move(g);
  }
  return out;
}

absl::Status Validate(const v1::BacktestForecastRequest& r) {
  SFA_RETURN_IF_ERROR(ValidateMethod(r.method()));
  if (r.periods().empty()) return absl::InvalidArgumentError("periods: at least one period is required");
  if (r.periods_size() > kMaxBacktestPeriods) {
    return absl::InvalidArgumentError(absl::StrCat("periods: at most ", kMaxBacktestPeriods, " periods"));
  }
  for (int i = 0; i < r.periods_size(); ++i) {
    const std::string field = absl::StrCat("periods[", i, "]");
    SFA_RETURN_IF_ERROR(ValidatePeriod(true, r.periods(i), field));
    if (i > 0 && TimeOf(r.periods(i).start()) < TimeOf(r.periods(i - 1).end())) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".start is before periods[", i - 1, "].end: periods must follow one another"));
    }
  }
  SFA_RETURN_IF_ERROR(ValidatePipelineId(r.pipeline_id()));
  if (!r.currency().empty() && !IsCurrencyCode(r.currency())) {
    return absl::InvalidArgumentError("currency must be an ISO 4217 code of three upper-case letters, e.g. USD");
  }
  return ValidateRuns(r.runs());
}

absl::StatusOr<v1::BacktestForecastResponse> Backtest(const eventstore::EventStore& store, const std::string& tenant,
                                                      const v1::BacktestForecastRequest& r, absl::Time now) {
  for (int i = 0; i < r.periods_size(); ++i) {
    if (TimeOf(r.periods(i).end()) > now) {
      return absl::InvalidArgumentError(
          absl::StrCat("periods[", i, "].end is in the future: a backtest needs periods that are over"));
    }
  }
  absl::StatusOr<std::vector<std::string>> pipelines = Pipelines(store, tenant, r.pipeline_id());
  if (!pipelines.ok()) return pipelines.status();
  std::string currency = r.currency();
  if (currency.empty()) {  // the currency most of the periods' wins were in
    std::map<std::string, int64_t> wins;
    for (const v1::Period& p : r.periods()) {
      auto by_currency = WinsByCurrency(store, tenant, *pipelines, TimeOf(p.start()), TimeOf(p.end()));
      if (!by_currency.ok()) return by_currency.status();
      for (const auto& [c, figures] : *by_currency) wins[c] += figures.first;
    }
    currency = MainCurrency(wins);
  }

  v1::BacktestForecastResponse out;
  std::vector<stats::PeriodOutcome> outcomes;
  for (int i = 0; i < r.periods_size(); ++i) {
    absl::StatusOr<stats::PeriodOutcome> outcome = BacktestOne(store, tenant, *pipelines, r, i, currency);
    if (!outcome.ok()) return outcome.status();
    outcomes.push_back(*outcome);
    v1::BacktestPeriod* p = out.add_periods();
    *p->mutable_period() = r.periods(i);
    *p->mutable_forecast() = MoneyOf(outcome->forecast_minor, currency);
    *p->mutable_actual() = MoneyOf(outcome->actual_minor, currency);
    if (outcome->p10_minor.has_value()) {
      *p->mutable_p10() = MoneyOf(*outcome->p10_minor, currency);
      *p->mutable_p90() = MoneyOf(*outcome->p90_minor, currency);
    }
  }
  const stats::BacktestSummary summary = stats::Summarise(outcomes);
  double signed_sum = 0;
  int64_t with_actual = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].actual_minor == 0) continue;
    const double error = summary.periods[i].error_minor / outcomes[i].actual_minor;
    out.mutable_periods(static_cast<int>(i))->set_error(error);
    signed_sum += error;
    ++with_actual;
  }
  if (summary.mape.has_value()) out.set_mape(*summary.mape);
  if (with_actual > 0) out.set_bias(signed_sum / static_cast<double>(with_actual));
  if (summary.interval_coverage.has_value()) out.set_interval_coverage(*summary.interval_coverage);
  return out;
}

}  // namespace sfa::analytics::forecast

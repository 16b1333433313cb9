#include "analytics/analytics_service.h"

#include <map>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "analytics/deal_health/deal_health.h"
#include "analytics/dims/dims.h"
#include "analytics/forecast/forecast.h"
#include "analytics/funnel/funnel.h"
#include "analytics/performance/performance.h"
#include "analytics/projections/projections.h"
#include "analytics/revenue/revenue.h"
#include "analytics/stats/durations.h"
#include "analytics/stats/markov.h"
#include "base/key_codec.h"
#include "domain/field_checks.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics {
namespace {

namespace p = projections;
namespace ov1 = ::sfa::opportunity::v1;

constexpr size_t kMaxIdLength = 64;

absl::Status Validate(const v1::GetStageStatisticsRequest& r) {
  if (r.pipeline_id().empty()) return absl::InvalidArgumentError("pipeline_id is required");
  if (r.pipeline_id().size() > kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("pipeline_id must be at most ", kMaxIdLength, " characters"));
  }
  if (r.has_from() && r.has_to() &&
      google::protobuf::util::TimeUtil::TimestampToNanoseconds(r.from()) >=
          google::protobuf::util::TimeUtil::TimestampToNanoseconds(r.to())) {
    return absl::InvalidArgumentError("from must be before to");
  }
  return absl::OkStatus();
}

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(t));
}

// The months a window covers, whole months (the read model's granularity): [first, last].
std::pair<uint64_t, uint64_t> Months(const v1::GetStageStatisticsRequest& r) {
  const uint64_t first = r.has_from() ? p::MonthOf(TimeOf(r.from())) : 0;
  const uint64_t last = r.has_to() ? p::MonthOf(TimeOf(r.to()) - absl::Nanoseconds(1)) : UINT64_MAX;
  return {first, last};
}

// Visits the rows under `prefix` whose key ends with a month within [first, last].
absl::Status ForMonths(const eventstore::EventStore& store, absl::string_view cf, const std::string& prefix,
                       std::pair<uint64_t, uint64_t> months,
                       const std::function<absl::Status(absl::string_view value)>& visit) {
  const std::string lower = base::KeyBuilder(prefix).Uint64(months.first).Release();
  const std::string upper = months.second == UINT64_MAX ? base::PrefixSuccessor(prefix)
                                                        : base::KeyBuilder(prefix).Uint64(months.second + 1).Release();
  absl::Status failure;
  absl::Status scanned = eventstore::ScanRange(store, cf, {lower, upper}, SIZE_MAX,
                                               [&](absl::string_view, absl::string_view value) {
                                                 failure = visit(value);
                                                 return failure.ok();
                                               });
  if (!scanned.ok()) return scanned;
  return failure;
}

double Days(absl::Duration d) { return absl::ToDoubleHours(d) / 24.0; }

absl::Status Validate(const v1::GetPipelineRequest& r) {
  if (r.pipeline_id().size() > kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrCat("pipeline_id must be at most ", kMaxIdLength, " characters"));
  }
  for (const auto& [field, value] : {std::pair{"owner_user_id", &r.owner_user_id()}, std::pair{"team_id", &r.team_id()},
                                     std::pair{"region", &r.region()}}) {
    if (value->size() > kMaxIdLength) {
      return absl::InvalidArgumentError(absl::StrCat(field, " must be at most ", kMaxIdLength, " characters"));
    }
  }
  if (r.has_as_of()) SFA_RETURN_IF_ERROR(domain::Time("as_of", r.as_of()));
  return absl::OkStatus();
}

// Sums of deltas per bucket and currency.
struct Sums {
  int64_t count = 0;
  std::map<std::string, std::pair<int64_t, int64_t>> money;  // currency -> (amount, amount x percent)
  void Add(const std::string& currency, const p::Delta& d) {
    count += d.count;
    if (currency.empty()) return;
    auto& [amount, weighted] = money[currency];
    amount += d.amount;
    weighted += d.amount_x_percent;
  }
};

void FillMoney(const Sums& sums, google::protobuf::RepeatedPtrField<sfa::common::v1::Money>* amount,
               google::protobuf::RepeatedPtrField<sfa::common::v1::Money>* weighted) {
  for (const auto& [currency, figures] : sums.money) {
    if (figures.first == 0 && figures.second == 0) continue;
    sfa::common::v1::Money* a = amount->Add();
    a->set_currency(currency);
    a->set_minor_units(figures.first);
    sfa::common::v1::Money* w = weighted->Add();
    w->set_currency(currency);
    w->set_minor_units(figures.second / 100);  // rounded toward zero to the minor unit
  }
}

}  // namespace

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetPipeline(grpc::CallbackServerContext* context,
                                                            const v1::GetPipelineRequest* request,
                                                            v1::GetPipelineResponse* response) {
  return server::ServeUnary(context, request, response, calls_, [](const auto& r) { return Validate(r); },
                            [this](const server::Principal& principal, const v1::GetPipelineRequest& r,
                                   server::Reply<v1::GetPipelineResponse> reply) {
                              reply(Pipeline(principal.tenant, r, absl::Now()));
                            });
}

absl::StatusOr<v1::GetPipelineResponse> AnalyticsServiceImpl::Pipeline(const std::string& tenant,
                                                                       const v1::GetPipelineRequest& r,
                                                                       absl::Time now) const {
  const absl::Time as_of = r.has_as_of() ? TimeOf(r.as_of()) : now;
  std::vector<std::string> pipelines;
  if (!r.pipeline_id().empty()) {
    absl::StatusOr<std::optional<std::string>> known = eventstore::GetValue(
        *store_, p::kPipelinesCf, base::KeyBuilder().String(tenant).String(r.pipeline_id()).Release());
    if (!known.ok()) return known.status();
    if (!known->has_value()) return absl::NotFoundError(absl::StrCat("pipeline_id ", r.pipeline_id(), " not found"));
    pipelines.push_back(r.pipeline_id());
  } else {
    SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(*store_, p::kPipelinesCf, base::KeyBuilder().String(tenant).Release(),
                                                    [&](absl::string_view key, absl::string_view) {
                                                      base::KeyReader reader(key);
                                                      absl::StatusOr<std::string> t = reader.String();
                                                      absl::StatusOr<std::string> id = t.ok() ? reader.String() : t.status();
                                                      if (!id.ok()) return id.status();
                                                      pipelines.push_back(*id);
                                                      return absl::OkStatus();
                                                    }));
  }
  // The owners the filters leave (the current organisation: team members now, teams of the region now);
  // nullopt = no filter.
  std::optional<std::set<std::string>> owners;
  auto restrict = [&](std::vector<std::string> allowed) {
    std::set<std::string> set(allowed.begin(), allowed.end());
    if (!owners) {
      owners = std::move(set);
      return;
    }
    std::set<std::string> both;
    for (const std::string& o : *owners) {
      if (set.contains(o)) both.insert(o);
    }
    owners = std::move(both);
  };
  dims::Lookup lookup(*store_, tenant);
  if (!r.owner_user_id().empty()) restrict({r.owner_user_id()});
  if (!r.team_id().empty()) restrict(lookup.MembersOf(r.team_id()));
  if (!r.region().empty()) {
    std::vector<std::string> members;
    for (const std::string& team : lookup.TeamsIn(r.region())) {
      for (std::string& m : lookup.MembersOf(team)) members.push_back(std::move(m));
    }
    restrict(std::move(members));
  }
  const int64_t micros = absl::ToUnixMicros(as_of);
  Sums total;
  std::map<std::string, Sums> by_stage, by_category;
  auto add = [&](const std::string& stage, const std::string& category, const std::string& currency,
                 const p::Delta& d) {
    total.Add(currency, d);
    by_stage[stage].Add(currency, d);
    by_category[category].Add(currency, d);
  };
  for (const std::string& pipeline : pipelines) {
    const std::string prefix = base::KeyBuilder().String(tenant).String(pipeline).Release();
    if (!owners) {
      SFA_RETURN_IF_ERROR(p::VisitOpenPipeline(*store_, p::Scope::kPipeline, prefix, micros, true, add));
      continue;
    }
    for (const std::string& owner : *owners) {
      SFA_RETURN_IF_ERROR(p::VisitOpenPipeline(*store_, p::Scope::kOwner, base::KeyBuilder(prefix).String(owner).Release(),
                                               micros, true, add));
    }
  }
  v1::GetPipelineResponse out;
  *out.mutable_as_of() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(as_of));
  out.set_count(total.count);
  FillMoney(total, out.mutable_amount(), out.mutable_weighted_amount());
  for (const auto& [key, sums] : by_stage) {
    if (sums.count == 0) continue;
    v1::PipelineBucket* b = out.add_by_stage();
    b->set_key(key);
    b->set_count(sums.count);
    FillMoney(sums, b->mutable_amount(), b->mutable_weighted_amount());
  }
  for (const auto& [key, sums] : by_category) {
    if (sums.count == 0) continue;
    v1::PipelineBucket* b = out.add_by_forecast_category();
    b->set_key(key);
    b->set_count(sums.count);
    FillMoney(sums, b->mutable_amount(), b->mutable_weighted_amount());
  }
  return out;
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetStageStatistics(grpc::CallbackServerContext* context,
                                                                   const v1::GetStageStatisticsRequest* request,
                                                                   v1::GetStageStatisticsResponse* response) {
  return server::ServeUnary(context, request, response, calls_, [](const auto& r) { return Validate(r); },
                            [this](const server::Principal& principal, const v1::GetStageStatisticsRequest& r,
                                   server::Reply<v1::GetStageStatisticsResponse> reply) {
                              reply(StageStatistics(principal.tenant, r));
                            });
}

absl::StatusOr<v1::GetStageStatisticsResponse> AnalyticsServiceImpl::StageStatistics(
    const std::string& tenant, const v1::GetStageStatisticsRequest& r) const {
  const std::string pipeline_key = base::KeyBuilder().String(tenant).String(r.pipeline_id()).Release();
  absl::StatusOr<std::optional<ov1::PipelineDefined>> pipeline =
      eventstore::GetRow<ov1::PipelineDefined>(*store_, p::kPipelinesCf, pipeline_key);
  if (!pipeline.ok()) return pipeline.status();
  if (!pipeline->has_value()) {
    return absl::NotFoundError(absl::StrCat("pipeline_id ", r.pipeline_id(), " not found"));
  }
  const std::pair<uint64_t, uint64_t> months = Months(r);
  stats::TransitionCounts counts;
  SFA_RETURN_IF_ERROR(ForMonths(*store_, p::kTransitionsCf, pipeline_key, months,
                                          [&](absl::string_view value) -> absl::Status {
                                            absl::StatusOr<stats::TransitionCounts> month =
                                                stats::TransitionCounts::Parse(value);
                                            if (!month.ok()) return month.status();
                                            counts.Merge(*month);
                                            return absl::OkStatus();
                                          }));
  absl::StatusOr<stats::TransitionCounts> chain = p::ChainTransitions(*store_, tenant, r.pipeline_id(), counts);
  if (!chain.ok()) return chain.status();
  absl::StatusOr<std::vector<stats::StageOdds>> odds = stats::WinProbabilities(*chain);
  if (!odds.ok()) return odds.status();
  std::map<std::string, stats::StageOdds> by_stage;
  for (stats::StageOdds& o : *odds) by_stage[o.stage_id] = std::move(o);

  v1::GetStageStatisticsResponse out;
  for (const ov1::Stage& stage : (*pipeline)->stages()) {
    if (stage.type() != ov1::STAGE_TYPE_OPEN) continue;
    v1::StageStatistics* s = out.add_stages();
    s->set_stage_id(stage.stage_id());
    s->set_stage_name(stage.name());
    s->set_configured_probability_percent(stage.probability_percent());
    if (auto it = by_stage.find(stage.stage_id()); it != by_stage.end()) {
      s->set_transitions_out(it->second.exits);
      if (it->second.p_win.has_value()) s->set_learned_win_probability(*it->second.p_win);
    }
    stats::DurationHistogram times;
    SFA_RETURN_IF_ERROR(
        ForMonths(*store_, p::kStageTimesCf, base::KeyBuilder(pipeline_key).String(stage.stage_id()).Release(), months,
                  [&](absl::string_view value) -> absl::Status {
                    absl::StatusOr<stats::DurationHistogram> month = stats::DurationHistogram::Parse(value);
                    if (!month.ok()) return month.status();
                    times.Merge(*month);
                    return absl::OkStatus();
                  }));
    if (auto q = times.Percentile(0.5)) s->set_days_in_stage_p50(Days(*q));
    if (auto q = times.Percentile(0.8)) s->set_days_in_stage_p80(Days(*q));
    if (auto q = times.Percentile(0.9)) s->set_days_in_stage_p90(Days(*q));
  }
  return out;
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetFunnel(grpc::CallbackServerContext* context,
                                                          const v1::GetFunnelRequest* request,
                                                          v1::GetFunnelResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return funnel::Validate(r); }, funnel::Funnel);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetPipelineWaterfall(grpc::CallbackServerContext* context,
                                                                     const v1::GetPipelineWaterfallRequest* request,
                                                                     v1::GetPipelineWaterfallResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return deal_health::Validate(r); },
               deal_health::Waterfall);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetForecast(grpc::CallbackServerContext* context,
                                                            const v1::GetForecastRequest* request,
                                                            v1::GetForecastResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return forecast::Validate(r); }, forecast::Forecast);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::BacktestForecast(grpc::CallbackServerContext* context,
                                                                 const v1::BacktestForecastRequest* request,
                                                                 v1::BacktestForecastResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return forecast::Validate(r); }, forecast::Backtest);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::ListStalledDeals(grpc::CallbackServerContext* context,
                                                                 const v1::ListStalledDealsRequest* request,
                                                                 v1::ListStalledDealsResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return deal_health::Validate(r); },
               deal_health::ListStalled);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetPerformance(grpc::CallbackServerContext* context,
                                                               const v1::GetPerformanceRequest* request,
                                                               v1::GetPerformanceResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return performance::Validate(r); },
               performance::Performance);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetLeadSourceReport(grpc::CallbackServerContext* context,
                                                                    const v1::GetLeadSourceReportRequest* request,
                                                                    v1::GetLeadSourceReportResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return revenue::Validate(r); },
               revenue::LeadSourceReport);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetReceivables(grpc::CallbackServerContext* context,
                                                               const v1::GetReceivablesRequest* request,
                                                               v1::GetReceivablesResponse* response) {
  return Serve(context, request, response, [](const auto& r) { return revenue::Validate(r); },
               revenue::Receivables);
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::DefineStallPolicy(grpc::CallbackServerContext* context,
                                                                  const v1::DefineStallPolicyRequest* request,
                                                                  v1::DefineStallPolicyResponse* response) {
  return server::ServeUnary(context, request, response, calls_, [](const auto& r) { return deal_health::Validate(r); },
                            [this](const server::Principal& principal, const v1::DefineStallPolicyRequest& r,
                                   server::Reply<v1::DefineStallPolicyResponse> reply) {
                              deal_health::DefineStallPolicy(runner_, principal, r, std::move(reply));
                            });
}

grpc::ServerUnaryReactor* AnalyticsServiceImpl::SetQuota(grpc::CallbackServerContext* context,
                                                         const v1::SetQuotaRequest* request,
                                                         v1::SetQuotaResponse* response) {
  return server::ServeUnary(context, request, response, calls_, [](const auto& r) { return performance::Validate(r); },
                            [this](const server::Principal& principal, const v1::SetQuotaRequest& r,
                                   server::Reply<v1::SetQuotaResponse> reply) {
                              performance::SetQuota(runner_, principal, r, std::move(reply));
                            });
}

}  // namespace sfa::analytics

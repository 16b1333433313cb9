// sfa pipeline | funnel | forecast | stats stages: the AnalyticsService's questions.

#include <memory>

#include "tools/sfa/command.h"
#include "tools/sfa/render.h"

namespace sfa::tools::cli {
namespace {

namespace av1 = ::sfa::analytics::v1;
using Stub = av1::AnalyticsService::Stub;

constexpr Service kSvc = Service::kAnalytics;

// --from/--to, or --period for both; false after a usage error.
struct Window {
  std::string from, to, period;
};

void AddWindow(CLI::App* sub, Window* w, const std::string& what) {
  sub->add_option("--from", w->from, what + " on or after (date or RFC 3339)");
  sub->add_option("--to", w->to, what + " before");
  sub->add_option("--period", w->period, "Instead of --from/--to: 2017, 2017-H1, 2017-Q3, 2017-07, or A..B");
}

template <typename Request>
bool SetWindow(Invocation& inv, const Window& w, Request* r, int* code) {
  if (!w.period.empty()) {
    if (!w.from.empty() || !w.to.empty()) {
      *code = UsageError(inv, absl::InvalidArgumentError("give --period or --from/--to, not both"));
      return false;
    }
    absl::StatusOr<std::pair<absl::Time, absl::Time>> period = ParsePeriod(w.period, "--period");
    if (!period.ok()) {
      *code = UsageError(inv, period.status());
      return false;
    }
    *r->mutable_from() = ToTimestamp(period->first);
    *r->mutable_to() = ToTimestamp(period->second);
    return true;
  }
  return SetTime(
             inv, w.from, "--from", [&] { return r->mutable_from(); }, code) &&
         SetTime(
             inv, w.to, "--to", [&] { return r->mutable_to(); }, code);
}

struct PipelineFlags {
  std::string as_of, pipeline, owner, team, region;
};

int Pipeline(Invocation& inv, const PipelineFlags& f) {
  av1::GetPipelineRequest r;
  r.set_pipeline_id(f.pipeline);
  r.set_owner_user_id(f.owner);
  r.set_team_id(f.team);
  r.set_region(f.region);
  int code = 0;
  if (!SetTime(
          inv, f.as_of, "--as-of", [&] { return r.mutable_as_of(); }, &code))
    return code;
  return CallAndPrint(inv, kSvc, inv.client.analytics(), &Stub::GetPipeline, r,
                      [](const av1::GetPipelineResponse& resp) { return RenderPipelineReport(resp); });
}

struct FunnelFlags {
  std::string pipeline, group_by;
  Window window;
};

int Funnel(Invocation& inv, const FunnelFlags& f) {
  av1::GetFunnelRequest r;
  r.set_pipeline_id(f.pipeline);
  int code = 0;
  av1::GroupBy group_by = av1::GROUP_BY_UNSPECIFIED;
  if (!ParseIfGiven(
          inv, f.group_by, [](const std::string& s) { return ParseEnumAs<av1::GroupBy>(s, "--group-by"); }, &group_by,
          &code) ||
      !SetWindow(inv, f.window, &r, &code)) {
    return code;
  }
  r.set_group_by(group_by);
  return CallAndPrint(inv, kSvc, inv.client.analytics(), &Stub::GetFunnel, r,
                      [](const av1::GetFunnelResponse& resp) { return RenderFunnel(resp); });
}

struct ForecastFlags {
  std::string period, method = "stage-weighted", group_by, pipeline;
  int runs = 0;
  uint64_t seed = 0;
};

int Forecast(Invocation& inv, const ForecastFlags& f) {
  av1::GetForecastRequest r;
  r.set_pipeline_id(f.pipeline);
  r.set_runs(f.runs);
  r.set_seed(f.seed);
  int code = 0;
  av1::ForecastMethod method = av1::FORECAST_METHOD_UNSPECIFIED;
  av1::GroupBy group_by = av1::GROUP_BY_UNSPECIFIED;
  std::pair<absl::Time, absl::Time> period;
  if (!ParseIfGiven(
          inv, f.method, [](const std::string& s) { return ParseEnumAs<av1::ForecastMethod>(s, "--method"); }, &method,
          &code) ||
      !ParseIfGiven(
          inv, f.group_by, [](const std::string& s) { return ParseEnumAs<av1::GroupBy>(s, "--group-by"); }, &group_by,
          &code) ||
      !ParseIfGiven(
          inv, f.period, [](const std::string& s) { return ParsePeriod(s, "--period"); }, &period, &code)) {
    return code;
  }
  r.set_method(method);
  r.set_group_by(group_by);
  *r.mutable_period()->mutable_start() = ToTimestamp(period.first);
  *r.mutable_period()->mutable_end() = ToTimestamp(period.second);
  return CallAndPrint(inv, kSvc, inv.client.analytics(), &Stub::GetForecast, r,
                      [](const av1::GetForecastResponse& resp) { return RenderForecast(resp); });
}

struct StageStatsFlags {
  std::string pipeline;
  Window window;
};

int StageStatistics(Invocation& inv, const StageStatsFlags& f) {
  av1::GetStageStatisticsRequest r;
  r.set_pipeline_id(f.pipeline);
  int code = 0;
  if (!SetWindow(inv, f.window, &r, &code)) return code;
  return CallAndPrint(inv, kSvc, inv.client.analytics(), &Stub::GetStageStatistics, r,
                      [](const av1::GetStageStatisticsResponse& resp) { return RenderStageStatistics(resp); });
}

}  // namespace

void AddAnalyticsCommands(CLI::App& app, CommandSlot* slot) {
  const std::string group_choices = EnumChoices(google::protobuf::GetEnumDescriptor<av1::GroupBy>());

  auto pf = std::make_shared<PipelineFlags>();
  CLI::App* pipeline = app.add_subcommand(
      "pipeline", "Open pipeline as of an instant, by stage and forecast category (AnalyticsService.GetPipeline)");
  pipeline->add_option("--as-of", pf->as_of, "Instant (a date means 00:00 UTC that day); default now");
  pipeline->add_option("--pipeline", pf->pipeline, "Only this pipeline");
  pipeline->add_option("--owner", pf->owner, "Only this owner");
  pipeline->add_option("--team", pf->team, "Only this team");
  pipeline->add_option("--region", pf->region, "Only this region");
  OnRun(pipeline, slot, kSvc, [pf](Invocation& inv) { return Pipeline(inv, *pf); });

  auto ff = std::make_shared<FunnelFlags>();
  CLI::App* funnel = app.add_subcommand("funnel", "Stage-to-stage conversion (AnalyticsService.GetFunnel)");
  funnel->add_option("--pipeline", ff->pipeline, "Pipeline id");
  funnel->add_option("--group-by", ff->group_by, "One funnel per " + group_choices);
  AddWindow(funnel, &ff->window, "Deals that entered a stage");
  OnRun(funnel, slot, kSvc, [ff](Invocation& inv) { return Funnel(inv, *ff); });

  auto fc = std::make_shared<ForecastFlags>();
  CLI::App* forecast = app.add_subcommand("forecast", "Forecast of a period (AnalyticsService.GetForecast)");
  forecast->add_option("--period", fc->period, "2017, 2017-H1, 2017-Q3, 2017-07, or 2017-07-01..2017-10-01")
      ->required();
  forecast->add_option("--method", fc->method, EnumChoices(google::protobuf::GetEnumDescriptor<av1::ForecastMethod>()))
      ->capture_default_str();
  forecast->add_option("--group-by", fc->group_by, "owner or team; default the whole tenant");
  forecast->add_option("--pipeline", fc->pipeline, "Only this pipeline");
  forecast->add_option("--runs", fc->runs, "monte-carlo: simulated runs (0 = 2000)");
  forecast->add_option("--seed", fc->seed, "monte-carlo: seed (0 = fixed default)");
  OnRun(forecast, slot, kSvc, [fc](Invocation& inv) { return Forecast(inv, *fc); });

  CLI::App* stats = app.add_subcommand("stats", "Learned statistics (analytics service)");
  stats->require_subcommand(1);
  auto sf = std::make_shared<StageStatsFlags>();
  CLI::App* stages = stats->add_subcommand(
      "stages", "P(win | stage) learned vs configured, time in stage (AnalyticsService.GetStageStatistics)");
  stages->add_option("--pipeline", sf->pipeline, "Pipeline id")->required();
  AddWindow(stages, &sf->window, "Transitions");
  OnRun(stages, slot, kSvc, [sf](Invocation& inv) { return StageStatistics(inv, *sf); });
}

}  // namespace sfa::tools::cli

// Renderers for the analytics service: pipeline as of an instant, funnel, forecast, stage statistics.

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "tools/sfa/money.h"
#include "tools/sfa/render.h"
#include "tools/sfa/table.h"
#include "tools/sfa/values.h"

namespace sfa::tools::cli {
namespace {

namespace av1 = ::sfa::analytics::v1;

// "FORECAST_CATEGORY_BEST_CASE" (the analytics key) -> "BEST_CASE".
std::string CategoryLabel(const std::string& key) {
  constexpr absl::string_view kPrefix = "FORECAST_CATEGORY_";
  return absl::StartsWith(key, kPrefix) ? key.substr(kPrefix.size()) : key;
}

std::string Ratio(bool has, double value) { return has ? FormatRatio(value) : "-"; }
std::string Days(bool has, double value) { return has ? absl::StrFormat("%.1f", value) : "-"; }

// The amount without its code (the table's header names the one currency); "-" when unset.
std::string Amount(bool has, const common::v1::Money& m) {
  return has ? FormatAmount(m.minor_units(), m.currency()) : "-";
}

void AddBuckets(Table* t, const google::protobuf::RepeatedPtrField<av1::PipelineBucket>& buckets, bool categories) {
  for (const av1::PipelineBucket& b : buckets) {
    t->AddRow({categories ? CategoryLabel(b.key()) : b.key(), absl::StrCat(b.count()), FormatMoneyList(b.amount()),
               FormatMoneyList(b.weighted_amount())});
  }
}

}  // namespace

std::string RenderPipelineReport(const av1::GetPipelineResponse& r) {
  std::string out = absl::StrCat("open pipeline as of ", FormatTime(r.as_of()), "\n\n");
  Table stages({{"STAGE"}, {"DEALS", Align::kRight}, {"AMOUNT", Align::kRight}, {"WEIGHTED", Align::kRight}});
  AddBuckets(&stages, r.by_stage(), false);
  stages.AddRow({"TOTAL", absl::StrCat(r.count()), FormatMoneyList(r.amount()), FormatMoneyList(r.weighted_amount())});
  absl::StrAppend(&out, stages.Render(), "\n");
  Table categories(
      {{"FORECAST CATEGORY"}, {"DEALS", Align::kRight}, {"AMOUNT", Align::kRight}, {"WEIGHTED", Align::kRight}});
  AddBuckets(&categories, r.by_forecast_category(), true);
  absl::StrAppend(&out, categories.Render());
  return out;
}

std::string RenderFunnel(const av1::GetFunnelResponse& r) {
  std::string out;
  for (const av1::FunnelGroup& g : r.groups()) {
    if (!out.empty()) out.push_back('\n');
    if (!g.key().empty()) absl::StrAppend(&out, "group ", g.key(), "\n");
    Table t({{"STAGE"},
             {"NAME"},
             {"ENTERED", Align::kRight},
             {"ADVANCED", Align::kRight},
             {"WON", Align::kRight},
             {"TO NEXT", Align::kRight},
             {"TO WON", Align::kRight},
             {"MEDIAN DAYS", Align::kRight}});
    for (const av1::FunnelStage& s : g.stages()) {
      t.AddRow({s.stage_id(), s.stage_name(), absl::StrCat(s.entered()), absl::StrCat(s.advanced()),
                absl::StrCat(s.won()), Ratio(s.has_conversion_to_next(), s.conversion_to_next()),
                Ratio(s.has_conversion_to_won(), s.conversion_to_won()),
                Days(s.has_median_days_in_stage(), s.median_days_in_stage())});
    }
    absl::StrAppend(&out, t.Render());
  }
  if (out.empty()) out = "no deals entered the funnel in this window\n";
  return out;
}

std::string RenderForecast(const av1::GetForecastResponse& r) {
  std::string out = absl::StrCat("forecast in ", r.currency().empty() ? "-" : r.currency(), "\n\n");
  Table t({{"GROUP"},
           {"EXPECTED", Align::kRight},
           {"P10", Align::kRight},
           {"P50", Align::kRight},
           {"P90", Align::kRight},
           {"CLOSED WON", Align::kRight},
           {"COMMIT", Align::kRight},
           {"BEST CASE", Align::kRight},
           {"PIPELINE", Align::kRight}});
  for (const av1::ForecastFigures& f : r.groups()) {
    t.AddRow({f.key().empty() ? "(all)" : f.key(), Amount(f.has_expected(), f.expected()), Amount(f.has_p10(), f.p10()),
              Amount(f.has_p50(), f.p50()), Amount(f.has_p90(), f.p90()), Amount(f.has_closed_won(), f.closed_won()),
              Amount(f.has_commit(), f.commit()), Amount(f.has_best_case(), f.best_case()),
              Amount(f.has_pipeline(), f.pipeline())});
  }
  absl::StrAppend(&out, t.Render());
  if (r.skipped_currencies_size() > 0) {
    absl::StrAppend(&out, "\nnot included (other currencies): ", absl::StrJoin(r.skipped_currencies(), ", "), "\n");
  }
  return out;
}

std::string RenderStageStatistics(const av1::GetStageStatisticsResponse& r) {
  Table t({{"STAGE"},
           {"NAME"},
           {"P(WIN) LEARNED", Align::kRight},
           {"CONFIGURED", Align::kRight},
           {"EXITS", Align::kRight},
           {"DAYS P50", Align::kRight},
           {"P80", Align::kRight},
           {"P90", Align::kRight}});
  for (const av1::StageStatistics& s : r.stages()) {
    t.AddRow({s.stage_id(), s.stage_name(), Ratio(s.has_learned_win_probability(), s.learned_win_probability()),
              absl::StrCat(s.configured_probability_percent(), "%"), absl::StrCat(s.transitions_out()),
              Days(s.has_days_in_stage_p50(), s.days_in_stage_p50()),
              Days(s.has_days_in_stage_p80(), s.days_in_stage_p80()),
              Days(s.has_days_in_stage_p90(), s.days_in_stage_p90())});
  }
  return t.Render();
}

}  // namespace sfa::tools::cli

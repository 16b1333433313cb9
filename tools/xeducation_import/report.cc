#include "tools/xeducation_import/report.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace sfa::tools::xeducation {
namespace {

constexpr int kMaxRowsShown = 50;
constexpr int kMaxFailureGroupsShown = 20;

// 9240 -> "9,240".
std::string Grouped(int64_t n) {
  const std::string digits = absl::StrCat(n);
  const size_t start = n < 0 ? 1 : 0;
  std::string out = digits.substr(0, start);
  for (size_t i = start; i < digits.size(); ++i) {
    if (i > start && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

void AddPlan(const ImportPlan& plan, report::ImportReport* out) {
  out->set_rows_read(plan.rows_read);
  out->set_leads_planned(static_cast<int>(plan.leads.size()));
  out->set_held_out_planned(plan.held_out);
  out->set_converted_planned(plan.converted);
  out->set_disqualified_planned(plan.disqualified);
  out->set_engagements_planned(plan.engagements);
  out->set_commands_planned(plan.CommandCount());
  for (const QuirkInfo& info : AllQuirks()) {
    report::QuirkCount* quirk = out->add_quirks();
    quirk->set_name(std::string(info.name));
    quirk->set_what(std::string(info.what));
    quirk->set_handling(std::string(info.handling));
    quirk->set_in_data_readme(info.in_readme);
    quirk->set_count(plan.quirks.Get(info.quirk));
  }
  for (const RejectedRow& rejected : plan.rejected) {
    report::RejectedRow* row = out->add_rejected_rows();
    row->set_line(rejected.line);
    row->set_lead_number(rejected.key);
    row->set_reason(rejected.reason);
  }
}

void AddResult(const ImportResult& result, report::ImportReport* out) {
  out->set_setup_ok(result.setup_ok);
  out->set_leads_captured(result.captured);
  out->set_leads_found(result.found);
  out->set_leads_failed(result.failed);
  out->set_leads_not_sent(result.not_sent);
  out->set_engagements(result.engagements);
  out->set_converted(result.converted);
  out->set_disqualified(result.disqualified);
  out->set_held_out(result.held_out);
  std::map<std::string, int> by_code;
  for (const Failure& failure : result.failures) {
    report::Failure* f = out->add_failures();
    f->set_lead_number(failure.lead_number);
    f->set_line(failure.line);
    f->set_command(failure.command);
    f->set_request_id(failure.request_id);
    f->set_code(maventech::StatusCodeName(failure.code));
    f->set_message(failure.message);
    ++by_code[f->code()];
  }
  for (const auto& [code, count] : by_code) {
    report::CodeCount* c = out->add_errors_by_code();
    c->set_code(code);
    c->set_count(count);
  }
  out->set_stopped(result.stopped);
  out->set_commands_answered(result.commands);
  out->set_rpcs(result.rpcs);
  out->set_retries(result.retries);
  const double seconds = absl::ToDoubleSeconds(result.elapsed);
  out->set_elapsed_seconds(seconds);
  out->set_commands_per_second(seconds > 0 ? result.commands / seconds : 0);
}

void AddEvaluation(const Evaluation& e, report::ImportReport* out) {
  report::Evaluation* r = out->mutable_evaluation();
  r->set_outcomes_expected(e.outcomes_expected);
  r->set_model_caught_up(e.caught_up);
  r->set_waited_seconds(e.waited_seconds);
  r->set_training_size(e.training_size);
  r->set_holdout_size(e.holdout_size);
  if (e.service_holdout_auc) r->set_service_holdout_auc(*e.service_holdout_auc);
  r->set_held_out_leads(e.held_out_leads);
  r->set_scored(e.scored);
  r->set_unscored(e.unscored);
  r->set_read_failures(e.read_failures);
  if (e.holdout_auc) r->set_holdout_auc(*e.holdout_auc);
  if (e.baseline_auc) r->set_baseline_auc(*e.baseline_auc);
  r->set_baseline_channels(e.baseline_channels);
  r->set_problem(e.problem);
}

void AppendCounts(const report::ImportReport& r, std::string* out) {
  const auto line = [out](absl::string_view what, int64_t planned, const std::string& done) {
    absl::StrAppendFormat(out, "%-22s %9s %9s\n", what, Grouped(planned), done);
  };
  absl::StrAppendFormat(out, "%-22s %9s %9s\n", "", "planned", r.dry_run() ? "" : "done");
  const auto done = [&r](int64_t n) { return r.dry_run() ? std::string() : Grouped(n); };
  line("leads", r.leads_planned(), done(r.leads_captured() + r.leads_found()));
  if (!r.dry_run()) {
    absl::StrAppendFormat(out, "  %-20s %9s %9s\n", "captured", "", Grouped(r.leads_captured()));
    absl::StrAppendFormat(out, "  %-20s %9s %9s\n", "found (existed)", "", Grouped(r.leads_found()));
    absl::StrAppendFormat(out, "  %-20s %9s %9s\n", "failed", "", Grouped(r.leads_failed()));
    absl::StrAppendFormat(out, "  %-20s %9s %9s\n", "not sent", "", Grouped(r.leads_not_sent()));
  }
  line("engagements", r.engagements_planned(), done(r.engagements()));
  line("converted", r.converted_planned(), done(r.converted()));
  line("disqualified", r.disqualified_planned(), done(r.disqualified()));
  line("held out (status NEW)", r.held_out_planned(), done(r.held_out()));
  if (!r.dry_run()) absl::StrAppend(out, "setup (user, team, pipeline): ", r.setup_ok() ? "ok" : "FAILED", "\n");
}

void AppendQuirks(const report::ImportReport& r, std::string* out) {
  absl::StrAppendFormat(out, "\nquirks (R = listed in the data README; rows)\n%7s  %-29s %s\n", "count", "quirk",
                        "what -> handling");
  for (const report::QuirkCount& q : r.quirks()) {
    absl::StrAppendFormat(out, "%7s  %-29s %s %s -> %s\n", Grouped(q.count()), q.name(), q.in_data_readme() ? "R" : " ",
                          q.what(), q.handling());
  }
}

void AppendRejected(const report::ImportReport& r, std::string* out) {
  absl::StrAppendFormat(out, "\nrejected rows: %s\n",
                        r.rejected_rows().empty() ? "none" : Grouped(r.rejected_rows_size()));
  int shown = 0;
  for (const report::RejectedRow& row : r.rejected_rows()) {
    if (shown++ == kMaxRowsShown) {
      absl::StrAppend(out, "  ... ", Grouped(r.rejected_rows_size() - kMaxRowsShown), " more (see --json)\n");
      break;
    }
    absl::StrAppendFormat(out, "  line %d  %s: %s\n", row.line(), row.lead_number(), row.reason());
  }
}

// Failures grouped by command, code and message, the largest group first, each with its first row.
void AppendFailures(const report::ImportReport& r, std::string* out) {
  absl::StrAppendFormat(out, "failures: %s", r.failures().empty() ? "none" : Grouped(r.failures_size()));
  for (const report::CodeCount& c : r.errors_by_code()) absl::StrAppend(out, "  ", c.code(), " ", Grouped(c.count()));
  absl::StrAppend(out, "\n");
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<int, const report::Failure*>> groups;
  for (const report::Failure& f : r.failures()) {
    auto& group = groups[{f.command(), f.code(), f.message()}];
    if (group.first++ == 0) group.second = &f;
  }
  std::vector<std::pair<int, const report::Failure*>> sorted;
  for (const auto& [key, group] : groups) sorted.push_back(group);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; i < sorted.size() && i < kMaxFailureGroupsShown; ++i) {
    const report::Failure& f = *sorted[i].second;
    absl::StrAppendFormat(out, "%7s  %s %s: %s (first: %s, line %d)\n", Grouped(sorted[i].first), f.command(), f.code(),
                          f.message(), f.request_id(), f.line());
  }
  if (sorted.size() > kMaxFailureGroupsShown) {
    absl::StrAppend(out, "  ... ", sorted.size() - kMaxFailureGroupsShown, " more kinds (see --json)\n");
  }
}

void AppendTiming(const report::ImportReport& r, std::string* out) {
  if (r.dry_run()) {
    absl::StrAppend(out, "\ndry run: ", Grouped(r.commands_planned()), " commands planned, nothing sent\n");
    return;
  }
  if (!r.stopped().empty()) absl::StrAppend(out, "\nSTOPPED EARLY: ", r.stopped(), "\n");
  absl::StrAppendFormat(out, "\nsent %s of %s commands in %.1f s: %s commands/s (%s calls, %s retries)\n",
                        Grouped(r.commands_answered()), Grouped(r.commands_planned()), r.elapsed_seconds(),
                        Grouped(static_cast<int64_t>(r.commands_per_second())), Grouped(r.rpcs()),
                        Grouped(r.retries()));
}

std::string Auc(bool has, double value) { return has ? absl::StrFormat("%.4f", value) : "n/a"; }

void AppendEvaluation(const report::ImportReport& r, std::string* out) {
  if (!r.has_evaluation()) return;
  const report::Evaluation& e = r.evaluation();
  absl::StrAppendFormat(out,
                        "\nevaluation: the model took in %s of %s outcomes (training %s, its own holdout %s) "
                        "after %.1f s%s\n",
                        Grouped(e.training_size() + e.holdout_size()), Grouped(e.outcomes_expected()),
                        Grouped(e.training_size()), Grouped(e.holdout_size()), e.waited_seconds(),
                        e.model_caught_up() ? "" : " (TIMED OUT)");
  absl::StrAppendFormat(out, "  held-out leads %s: %s scored, %s without a probability, %s unreadable\n",
                        Grouped(e.held_out_leads()), Grouped(e.scored()), Grouped(e.unscored()),
                        Grouped(e.read_failures()));
  absl::StrAppendFormat(out, "  holdout AUC (predictive_probability)      %s\n",
                        Auc(e.has_holdout_auc(), e.holdout_auc()));
  absl::StrAppendFormat(out, "  baseline AUC (channel conversion rate)    %s  (%d channels)\n",
                        Auc(e.has_baseline_auc(), e.baseline_auc()), e.baseline_channels());
  absl::StrAppendFormat(out, "  service's own holdout AUC (stats)         %s\n",
                        Auc(e.has_service_holdout_auc(), e.service_holdout_auc()));
  if (!e.problem().empty()) absl::StrAppend(out, "  PROBLEM: ", e.problem(), "\n");
}

}  // namespace

report::ImportReport BuildReport(const RunInfo& info, const ImportPlan& plan, const ImportResult* result,
                                 const Evaluation* evaluation) {
  report::ImportReport out;
  out.set_data(info.data);
  out.set_lead_target(info.lead_target);
  out.set_opportunity_target(info.opportunity_target);
  out.set_tenant(info.tenant);
  out.set_dry_run(result == nullptr);
  out.set_holdout_percent(info.holdout_percent);
  out.set_seed(info.seed);
  AddPlan(plan, &out);
  if (result != nullptr) AddResult(*result, &out);
  if (evaluation != nullptr) AddEvaluation(*evaluation, &out);
  const bool answered_ok = result == nullptr || (out.failures().empty() && out.stopped().empty());
  const bool evaluated_ok = evaluation == nullptr || evaluation->problem.empty();
  out.set_complete(out.rejected_rows().empty() && answered_ok && evaluated_ok);
  return out;
}

std::string FormatText(const report::ImportReport& r) {
  std::string out =
      absl::StrCat("X Education import of ", r.data(), r.dry_run() ? " (dry run)" : "", " into ", r.lead_target(),
                   " (leads) and ", r.opportunity_target(), " (setup), tenant ", r.tenant(), "\nrows read ",
                   Grouped(r.rows_read()), ", held out ", r.holdout_percent(), " % (seed ", r.seed(), ")\n\n");
  AppendCounts(r, &out);
  AppendQuirks(r, &out);
  AppendRejected(r, &out);
  if (!r.dry_run()) AppendFailures(r, &out);
  AppendTiming(r, &out);
  AppendEvaluation(r, &out);
  absl::StrAppend(&out, "result: ", r.complete() ? "complete" : "INCOMPLETE", "\n");
  return out;
}

std::string FormatJson(const report::ImportReport& report) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  // Printing a message without Any fields cannot fail.
  (void)google::protobuf::util::MessageToJsonString(report, &json, options);
  return json;
}

int ExitCodeOf(const report::ImportReport& report) { return report.complete() ? 0 : 1; }

}  // namespace sfa::tools::xeducation

#include "tools/maventech_import/report.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sfa::tools::maventech {
namespace {

constexpr int kMaxRowsShown = 50;
constexpr int kMaxFailureGroupsShown = 20;

std::string Day(const std::optional<absl::CivilDay>& day) { return day ? absl::FormatCivilTime(*day) : ""; }

// 8800 -> "8,800".
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

void AddRejected(const RowIssue& issue, report::ImportReport* out) {
  report::RejectedRow* row = out->add_rejected_rows();
  row->set_file(issue.source.file);
  row->set_line(issue.source.line);
  row->set_key(issue.key);
  row->set_reason(issue.reason);
}

void AddEntity(Entity entity, int planned, const ImportResult* result, report::EntityCount* count) {
  count->set_entity(std::string(EntityName(entity)));
  count->set_planned(planned);
  if (result == nullptr) return;
  const EntityTally& tally = result->Of(entity);
  count->set_ok(tally.ok);
  count->set_existed(tally.existed);
  count->set_failed(tally.failed);
  count->set_not_sent(tally.not_sent);
}

void AddEntities(const ImportPlan& plan, const ImportResult* result, report::ImportReport* out) {
  for (int i = 0; i < kOpportunityEntityCount; ++i) {
    const Entity entity = static_cast<Entity>(i);
    AddEntity(entity, plan.Planned(entity), result, out->add_entities());
  }
}

void AddCatalogue(const RunInfo& info, const CataloguePlan& catalogue, const ImportResult* result,
                  report::ImportReport* out) {
  report::CatalogueReport* section = out->mutable_catalogue();
  section->set_target(info.quote_target);
  for (Entity entity : {Entity::kProduct, Entity::kPriceBook}) {
    AddEntity(entity, catalogue.Planned(entity), result, section->add_entities());
  }
  section->set_price_book_id(kPriceBookId);
  section->set_currency(kCurrency);
  section->set_price_book_entries(catalogue.price_book_entries);
  if (result != nullptr) {
    section->set_products_upserted(result->Of(Entity::kProduct).ok);
    if (result->Of(Entity::kPriceBook).ok == 1) section->set_price_book_entries_upserted(catalogue.price_book_entries);
  }
  for (const CatalogueQuirk& quirk : catalogue.quirks) {
    report::QuirkCount* count = section->add_quirks();
    count->set_name(std::string(quirk.name));
    count->set_what(std::string(quirk.what));
    count->set_handling(std::string(quirk.handling));
    count->set_count(quirk.count);
  }
  for (const RowIssue& issue : catalogue.rejected) AddRejected(issue, out);
  out->set_commands_planned(out->commands_planned() + catalogue.CommandCount());
}

void AddQuirks(const ImportPlan& plan, report::ImportReport* out) {
  for (const QuirkInfo& info : AllQuirks()) {
    report::QuirkCount* quirk = out->add_quirks();
    quirk->set_name(std::string(info.name));
    quirk->set_what(std::string(info.what));
    quirk->set_handling(std::string(info.handling));
    quirk->set_in_data_readme(info.in_readme);
    quirk->set_count(plan.quirks.Get(info.quirk));
  }
}

void AddResult(const ImportResult& result, report::ImportReport* out) {
  for (const Failure& failure : result.failures) {
    report::Failure* f = out->add_failures();
    f->set_entity(std::string(EntityName(failure.entity)));
    f->set_key(failure.key);
    f->set_file(failure.source.file);
    f->set_line(failure.source.line);
    f->set_command(failure.command);
    f->set_request_id(failure.request_id);
    f->set_code(StatusCodeName(failure.code));
    f->set_message(failure.message);
  }
  out->set_stopped(result.stopped);
  out->set_commands_answered(result.commands);
  out->set_rpcs(result.rpcs);
  out->set_retries(result.retries);
  const double seconds = absl::ToDoubleSeconds(result.elapsed);
  out->set_elapsed_seconds(seconds);
  out->set_commands_per_second(seconds > 0 ? result.commands / seconds : 0);
}

void AppendEntityTable(const google::protobuf::RepeatedPtrField<report::EntityCount>& entities, bool dry_run,
                       std::string* out) {
  absl::StrAppendFormat(out, "%-15s %9s %9s %9s %9s %9s\n", "entity", "planned", "ok", "existed", "failed", "not sent");
  for (const report::EntityCount& e : entities) {
    if (dry_run) {
      absl::StrAppendFormat(out, "%-15s %9s %9s %9s %9s %9s\n", e.entity(), Grouped(e.planned()), "-", "-", "-", "-");
      continue;
    }
    absl::StrAppendFormat(out, "%-15s %9s %9s %9s %9s %9s\n", e.entity(), Grouped(e.planned()), Grouped(e.ok()),
                          Grouped(e.existed()), Grouped(e.failed()), Grouped(e.not_sent()));
  }
}

void AppendFacts(const report::ImportReport& r, std::string* out) {
  std::string stages;
  for (const report::StageCount& s : r.deals_by_stage())
    absl::StrAppend(&stages, "  ", s.stage(), " ", Grouped(s.deals()));
  absl::StrAppendFormat(out, "\n%-18s%s\n", "deals by stage", stages);
  absl::StrAppendFormat(out, "%-18s  %s .. %s; Prospecting deals without dates created on %s\n", "business dates",
                        r.first_date(), r.last_date(), r.prospecting_created_on());
  int with_parent = 0;
  for (const report::QuirkCount& q : r.quirks()) {
    if (q.name() == InfoOf(Quirk::kAccountWithParent).name) with_parent = q.count();
  }
  absl::StrAppendFormat(out, "%-18s  %d with a parent, under %d parents\n", "account tree", with_parent,
                        r.parent_accounts());
}

void AppendQuirks(const report::ImportReport& r, std::string* out) {
  absl::StrAppendFormat(out, "\nquirks (R = listed in the data README)\n%7s  %-30s %s\n", "count", "quirk",
                        "what -> handling");
  for (const report::QuirkCount& q : r.quirks()) {
    absl::StrAppendFormat(out, "%7s  %-30s %s %s -> %s\n", Grouped(q.count()), q.name(), q.in_data_readme() ? "R" : " ",
                          q.what(), q.handling());
  }
}

void AppendCatalogue(const report::ImportReport& r, std::string* out) {
  const report::CatalogueReport& c = r.catalogue();
  absl::StrAppend(out, "\ncatalogue into ", c.target(),
                  " (quote service): products.csv as products and the price book ", c.price_book_id(), " (",
                  c.currency(), ")\n");
  AppendEntityTable(c.entities(), r.dry_run(), out);
  if (r.dry_run()) {
    absl::StrAppendFormat(out, "price book entries planned %s\n", Grouped(c.price_book_entries()));
  } else {
    absl::StrAppendFormat(out, "products upserted %s, price book entries %s of %s\n", Grouped(c.products_upserted()),
                          Grouped(c.price_book_entries_upserted()), Grouped(c.price_book_entries()));
  }
  for (const report::QuirkCount& q : c.quirks()) {
    absl::StrAppendFormat(out, "%7s  %-30s   %s -> %s\n", Grouped(q.count()), q.name(), q.what(), q.handling());
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
    absl::StrAppendFormat(out, "  %s:%d  %s: %s\n", row.file(), row.line(), row.key(), row.reason());
  }
}

// Failures grouped by command, code and message, the largest group first, each with its first row.
void AppendFailures(const report::ImportReport& r, std::string* out) {
  absl::StrAppendFormat(out, "failures: %s\n", r.failures().empty() ? "none" : Grouped(r.failures_size()));
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
    absl::StrAppendFormat(out, "%7s  %s %s: %s (first: %s %s, %s:%d)\n", Grouped(sorted[i].first), f.command(),
                          f.code(), f.message(), f.entity(), f.key(), f.file(), f.line());
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

}  // namespace

report::ImportReport BuildReport(const RunInfo& info, const ImportPlan& plan, const ImportResult* result,
                                 const CataloguePlan* catalogue) {
  report::ImportReport out;
  out.set_data_dir(info.data_dir);
  out.set_target(info.target);
  out.set_tenant(info.tenant);
  out.set_dry_run(result == nullptr);
  out.set_rows_read(plan.rows_read);
  AddEntities(plan, result, &out);
  for (int i = 0; i < kDealStageCount; ++i) {
    report::StageCount* stage = out.add_deals_by_stage();
    stage->set_stage(std::string(DealStageName(static_cast<DealStage>(i))));
    stage->set_deals(plan.deals_by_stage[i]);
  }
  AddQuirks(plan, &out);
  out.set_parent_accounts(plan.parent_accounts);
  out.set_first_date(Day(plan.first_day));
  out.set_last_date(Day(plan.last_day));
  out.set_prospecting_created_on(Day(plan.last_day));
  for (const RowIssue& issue : plan.rejected) AddRejected(issue, &out);
  out.set_commands_planned(plan.CommandCount());
  if (catalogue != nullptr) AddCatalogue(info, *catalogue, result, &out);
  if (result != nullptr) AddResult(*result, &out);
  const bool all_answered_ok = result == nullptr || (out.failures().empty() && out.stopped().empty());
  out.set_complete(out.rejected_rows().empty() && all_answered_ok);
  return out;
}

std::string FormatText(const report::ImportReport& r) {
  std::string out =
      absl::StrCat("MavenTech import of ", r.data_dir(), r.dry_run() ? " (dry run)" : "", " into ", r.target(),
                   ", tenant ", r.tenant(), "\n", "rows read ", Grouped(r.rows_read()), "\n\n");
  AppendEntityTable(r.entities(), r.dry_run(), &out);
  AppendFacts(r, &out);
  AppendQuirks(r, &out);
  if (r.has_catalogue()) AppendCatalogue(r, &out);
  AppendRejected(r, &out);
  if (!r.dry_run()) AppendFailures(r, &out);
  AppendTiming(r, &out);
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

}  // namespace sfa::tools::maventech

#ifndef SFA_TOOLS_MAVENTECH_IMPORT_REPORT_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_REPORT_H_

// The summary of an import run: built from the plans and the services' answers, printed as aligned
// text for people or as JSON (protobuf's JSON mapping of ImportReport) for scripts.

#include <string>

#include "tools/maventech_import/catalogue.h"
#include "tools/maventech_import/import_report.pb.h"
#include "tools/maventech_import/importer.h"
#include "tools/maventech_import/plan.h"

namespace sfa::tools::maventech {

struct RunInfo {
  std::string data_dir;
  std::string target;
  std::string tenant;
  std::string quote_target = {};  // empty without a catalogue (initialised so that {dir, target, tenant} is complete)
};

// `result` is null for a dry run (nothing sent); `catalogue` is null without --quote-target (the report
// then has no catalogue section).
report::ImportReport BuildReport(const RunInfo& info, const ImportPlan& plan, const ImportResult* result,
                                 const CataloguePlan* catalogue = nullptr);

// Aligned text: entity table, deals by stage, quirks, the catalogue, rejected rows, failures grouped by
// cause, timing.
std::string FormatText(const report::ImportReport& report);

// One JSON object, every field present.
std::string FormatJson(const report::ImportReport& report);

// 0 when the report is complete, 1 otherwise.
int ExitCodeOf(const report::ImportReport& report);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_REPORT_H_

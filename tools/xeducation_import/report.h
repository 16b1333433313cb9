#ifndef SFA_TOOLS_XEDUCATION_IMPORT_REPORT_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_REPORT_H_

// The summary of an import run: built from the plan, the services' answers and the evaluation, printed
// as aligned text for people or as JSON (protobuf's JSON mapping of ImportReport) for scripts.

#include <cstdint>
#include <string>

#include "tools/xeducation_import/evaluate.h"
#include "tools/xeducation_import/import_report.pb.h"
#include "tools/xeducation_import/importer.h"
#include "tools/xeducation_import/plan.h"

namespace sfa::tools::xeducation {

struct RunInfo {
  std::string data;
  std::string lead_target;
  std::string opportunity_target;
  std::string tenant;
  int holdout_percent = 0;
  uint64_t seed = 1;
};

// `result` is null for a dry run (nothing sent), `evaluation` null without --evaluate.
report::ImportReport BuildReport(const RunInfo& info, const ImportPlan& plan, const ImportResult* result,
                                 const Evaluation* evaluation);

// Aligned text: leads, outcomes, quirks, rejected rows, failures grouped by cause, timing, the AUCs.
std::string FormatText(const report::ImportReport& report);

// One JSON object, every field present.
std::string FormatJson(const report::ImportReport& report);

// 0 when the report is complete, 1 otherwise.
int ExitCodeOf(const report::ImportReport& report);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_REPORT_H_

#ifndef SFA_TOOLS_XEDUCATION_IMPORT_RUN_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_RUN_H_

// The sfa-import-xeducation command below its flags: one validated Config, then read the file, plan,
// send (unless a dry run), evaluate (with --evaluate) and print the report.

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/xeducation_import/evaluate.h"
#include "tools/xeducation_import/importer.h"
#include "tools/xeducation_import/plan.h"

namespace sfa::tools::xeducation {

// Exit codes of the command (those of sfa-import-maventech).
inline constexpr int kExitComplete = 0;
inline constexpr int kExitIncomplete = 1;   // rows rejected, requests refused, or the evaluation incomplete
inline constexpr int kExitBadInput = 2;     // bad flags, or the file cannot be read
inline constexpr int kExitUnreachable = 3;  // a service did not answer

struct Config {
  std::string lead_target = "127.0.0.1:50051";
  std::string opportunity_target = "127.0.0.1:50052";
  std::string data;  // Leads.csv
  CallOptions call;
  PlanOptions plan;              // expected_close_date is set from expected_close_days when the import runs
  int expected_close_days = 30;  // after today (UTC), for the converted leads' opportunities
  bool evaluate = false;
  EvaluateOptions evaluation;
  absl::Duration connect_timeout = absl::Seconds(10);
  bool json = false;
  bool dry_run = false;
};

// INVALID_ARGUMENT naming the flag: an empty target or data path, concurrency outside 1..1024, holdout
// outside 0..100, a deadline, timeout or attempt count that is not positive, a tenant or user the
// services' principal would refuse (libs/server/principal.h), an owner that is not a valid id, a currency
// that is not 3 upper-case letters, a negative price or number of days.
absl::Status ValidateConfig(const Config& config);

// Runs the import and writes the report (text, or JSON with config.json) to `out`; progress and errors
// go to stderr as log lines. Returns one of the exit codes above.
int RunImport(const Config& config, std::ostream& out);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_RUN_H_

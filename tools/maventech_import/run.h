#ifndef SFA_TOOLS_MAVENTECH_IMPORT_RUN_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_RUN_H_

// The sfa-import-maventech command below its flags: one validated Config, then load the files, plan (the
// catalogue too with a quote target), send (unless a dry run) and print the report.

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/maventech_import/importer.h"

namespace sfa::tools::maventech {

// Exit codes of the command.
inline constexpr int kExitComplete = 0;
inline constexpr int kExitIncomplete = 1;   // rows rejected or refused by the service
inline constexpr int kExitBadInput = 2;     // bad flags, or the data set cannot be read
inline constexpr int kExitUnreachable = 3;  // a service did not answer

struct Config {
  std::string target = "localhost:50052";
  std::string quote_target;  // the quote service for the catalogue; empty = no catalogue
  std::string data_dir;
  ImportOptions import;
  absl::Duration connect_timeout = absl::Seconds(10);
  bool json = false;
  bool dry_run = false;
};

// INVALID_ARGUMENT naming the flag: empty target or data dir, concurrency outside 1..1024, a deadline,
// connect timeout or attempt count that is not positive, a tenant or user the service's principal would
// refuse (libs/server/principal.h).
absl::Status ValidateConfig(const Config& config);

// Runs the import and writes the report (text, or JSON with config.json) to `out`; progress and errors
// go to stderr as log lines. Returns one of the exit codes above.
int RunImport(const Config& config, std::ostream& out);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_RUN_H_

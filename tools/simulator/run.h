#ifndef SFA_TOOLS_SIMULATOR_RUN_H_
#define SFA_TOOLS_SIMULATOR_RUN_H_

// The sfa-simulate command below its flags: one validated Config, then simulate, write the truth
// (--truth_json), the events (--emit_events) and, unless a dry run, send everything to the opportunity
// service; print the report.

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/simulator/api_sink.h"
#include "tools/simulator/event_sink.h"
#include "tools/simulator/model.h"
#include "tools/simulator/simulation.h"

namespace sfa::tools::simulator {

inline constexpr int kExitComplete = 0;
inline constexpr int kExitIncomplete = 1;   // commands refused by the service, or the run stopped
inline constexpr int kExitBadInput = 2;     // bad flags, or an output file cannot be written
inline constexpr int kExitUnreachable = 3;  // the service did not answer

struct Config {
  std::string target = "127.0.0.1:50052";
  SimulationOptions simulation;
  ConfiguredProbabilities configured = ConfiguredProbabilities::kTrue;
  ApiSinkOptions api;
  absl::Duration connect_timeout = absl::Seconds(10);
  std::string truth_json;   // empty: not written
  std::string emit_events;  // empty: not written
  EventOrder event_order = EventOrder::kByDeal;
  bool dry_run = false;  // no server: simulate, write the files, report
};

// INVALID_ARGUMENT naming the flag: deals outside 1..100,000,000, to before from, concurrency outside
// 1..1024, a non-positive deadline, timeout or attempt count, a tenant or user the service's principal
// would refuse; and, when sending (not a dry run), a horizon (to + 1 day) after `now`: the service
// refuses an effective_time in the future.
absl::Status ValidateConfig(const Config& config, absl::Time now);

// Runs and writes the report to `out`; progress goes to stderr as log lines. Returns an exit code above.
int RunSimulator(const Config& config, std::ostream& out);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_RUN_H_

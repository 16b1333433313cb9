#ifndef SFA_TOOLS_SFA_APP_H_
#define SFA_TOOLS_SFA_APP_H_

// The whole CLI as a function: arguments, environment and output streams in, exit code out (see
// exit_codes.h). main.cc passes the process's; tests pass their own.

#include <ostream>

#include "tools/sfa/settings.h"

namespace sfa::tools::cli {

int RunCli(int argc, const char* const* argv, const Environment& env, std::ostream& out, std::ostream& err);

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_APP_H_

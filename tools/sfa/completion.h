#ifndef SFA_TOOLS_SFA_COMPLETION_H_
#define SFA_TOOLS_SFA_COMPLETION_H_

// `sfa completion bash`: a static bash completion script generated from the command tree itself, so it
// never falls behind the commands. Completes subcommands and flag names (global flags everywhere).

#include <CLI/CLI.hpp>
#include <string>

namespace sfa::tools::cli {

// `source <(sfa completion bash)` completes `program`'s subcommands and flags.
std::string BashCompletion(const CLI::App& app, const std::string& program);

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_COMPLETION_H_

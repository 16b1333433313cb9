#ifndef SFA_TOOLS_SFA_SETTINGS_H_
#define SFA_TOOLS_SFA_SETTINGS_H_

// Where the CLI connects and who it says it is: global flags and SFA_* environment variables resolved
// into one validated Settings. Flags win over the environment; within each, the specific (one service)
// wins over the general (a host for all).

#include <array>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sfa::tools::cli {

enum class Service { kLead = 0, kOpportunity = 1, kQuote = 2, kAnalytics = 3 };
inline constexpr std::array<Service, 4> kServices = {Service::kLead, Service::kOpportunity, Service::kQuote,
                                                     Service::kAnalytics};

// "lead", "opportunity", "quote", "analytics".
absl::string_view ServiceName(Service service);
// "sfa.lead.v1.LeadService", ...
absl::string_view ServiceFullName(Service service);
// 50051, 50052, 50053, 50054 (tools/stack and the services' defaults).
int DefaultPort(Service service);

// The global flags as typed; empty means not given.
struct GlobalFlags {
  std::string host;
  std::string target;                          // the service the command calls
  std::array<std::string, 4> service_targets;  // --lead-target, ... indexed by Service
  std::string tenant;
  std::string user;
  std::string roles;
  std::string team;
  std::optional<double> deadline_seconds;
  bool json = false;
  std::string request_id;
};

// Reads an environment variable; nullopt when unset. Injected so tests need no real environment.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;
Environment ProcessEnvironment();

// The x-sfa-* metadata of every call (see libs/server/principal.h).
struct Identity {
  std::string tenant;
  std::string user;
  std::string roles;  // comma-separated; empty sends no x-sfa-roles
  std::string team;   // empty sends no x-sfa-team
};

struct Settings {
  std::array<std::string, 4> targets;  // host:port, indexed by Service
  Identity identity;
  absl::Duration deadline = absl::Seconds(10);
  bool json = false;
  std::string request_id;  // empty: the client generates one
};

// host:port of `service`, first of: --target (when `service` is the command's), --<svc>-target, --host with
// the service's port, SFA_TARGET_<SVC>, SFA_HOST with the port, 127.0.0.1 with the port. The port is
// SFA_<SVC>_GRPC_PORT when set (as tools/stack reads it), else DefaultPort().
std::string ResolveTarget(const GlobalFlags& flags, const Environment& env, Service service, bool is_command_service);

// Targets, identity (--tenant / SFA_TENANT required; --user / SFA_USER / USER), deadline (--deadline /
// SFA_DEADLINE seconds, default 10, above 0 and at most 3600). INVALID_ARGUMENT says which flag to pass.
absl::StatusOr<Settings> ResolveSettings(const GlobalFlags& flags, const Environment& env, Service command_service);

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_SETTINGS_H_

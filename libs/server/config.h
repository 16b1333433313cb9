#ifndef SFA_LIBS_SERVER_CONFIG_H_
#define SFA_LIBS_SERVER_CONFIG_H_

// The flags every service shares (--grpc_port, --data_dir, --kafka_brokers, ...), their SFA_* environment
// overrides, and their validation into one typed ServerConfig, so a service's main.cc is wiring only.
//
// Precedence, highest first: command line, environment (SFA_<UPPER_FLAG_NAME>), the service's defaults,
// the flag defaults. A port flag left at 0 means "the service's default port".

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/log.h"

namespace sfa::server {

// What a service's main.cc knows about itself.
struct ServiceDefaults {
  std::string service_name;  // "lead"; names logs, metrics, the CloudEvents source and the event store
  int grpc_port = 0;         // used when --grpc_port is 0
  int metrics_port = 0;      // used when --metrics_port is 0
  std::string kafka_topic;   // used when --kafka_topic is empty, e.g. "sfa.lead.events.v1"
  std::string data_dir;      // used when --data_dir is empty; empty means the flag is required
  // Port 0 (pick any free port) is for tests and tools only; a deployed service needs a known port.
  bool allow_ephemeral_ports = false;
};

// Flag values exactly as given, plus the defaults to resolve them against. Filled from the global flags
// by RawConfigFromFlags(); tests build it directly.
struct RawConfig {
  ServiceDefaults defaults;
  int grpc_port = 0;
  std::string listen_host = "0.0.0.0";
  int metrics_port = 0;
  std::string data_dir;
  std::string kafka_brokers;
  std::string kafka_topic;
  std::string log_level = "info";
  int shutdown_grace_seconds = 10;
  bool sync_writes = true;
  bool log_requests = false;
};

// The validated process configuration.
struct ServerConfig {
  std::string service_name;
  std::string listen_host;
  int grpc_port = 0;     // 0 only when ServiceDefaults::allow_ephemeral_ports
  int metrics_port = 0;  // likewise
  std::string data_dir;
  std::string kafka_brokers;  // comma-separated host:port list
  std::string kafka_topic;
  base::LogLevel log_level = base::LogLevel::kInfo;
  absl::Duration shutdown_grace = absl::Seconds(10);
  bool sync_writes = true;  // fsync the event store's WAL before acknowledging a command
  bool log_requests = false;  // one info line per RPC (method, code, duration, tenant)
};

// Names of the shared flags, in declaration order; each has the environment override
// EnvVarForFlag(name).
const std::vector<std::string>& SharedFlagNames();
// "grpc_port" -> "SFA_GRPC_PORT".
std::string EnvVarForFlag(absl::string_view flag_name);

// Resolves defaults and validates. Errors are INVALID_ARGUMENT and name the flag and its env variable.
absl::StatusOr<ServerConfig> ValidateServerConfig(const RawConfig& raw);

// The current values of the global flags.
RawConfig RawConfigFromFlags(const ServiceDefaults& defaults);

// ValidateServerConfig(RawConfigFromFlags(defaults)).
absl::StatusOr<ServerConfig> LoadServerConfig(const ServiceDefaults& defaults);

// Sets each shared flag, and each of `service_flags` (a service's own flags), whose SFA_* variable is
// present in the environment. Call before parsing argv so that the command line wins. INVALID_ARGUMENT
// naming the variable when a value does not parse.
absl::Status ApplyEnvOverrides(const std::vector<std::string>& service_flags = {});

// Kubernetes-style spellings work too: "--kafka-brokers=x" is read as "--kafka_brokers=x" (dashes in a flag
// name become underscores; values and arguments after "--" are left alone).
std::vector<std::string> NormalizeFlagSpelling(int argc, char** argv);

// Blocks SIGTERM/SIGINT (see signals.h), applies the environment overrides, then parses argv with Abseil
// (which exits on a bad flag). Exits non-zero with a one-line reason when an override is malformed.
// Returns the positional arguments, argv[0] first.
// `service_flags` are the service's own flags that SFA_* variables may set too.
std::vector<char*> ParseCommandLine(int argc, char** argv, absl::string_view usage,
                                    const std::vector<std::string>& service_flags = {});

// Broken startup configuration: logs one line naming the service and the reason, exits with status 2.
[[noreturn]] void ExitOnStartupError(absl::string_view service, const absl::Status& status);

// `auto config = OrExit("lead", LoadServerConfig(defaults));`
template <typename T>
T OrExit(absl::string_view service, absl::StatusOr<T> value) {
  if (!value.ok()) ExitOnStartupError(service, value.status());
  return *std::move(value);
}
inline void OrExit(absl::string_view service, const absl::Status& status) {
  if (!status.ok()) ExitOnStartupError(service, status);
}

}  // namespace sfa::server

#endif  // SFA_LIBS_SERVER_CONFIG_H_

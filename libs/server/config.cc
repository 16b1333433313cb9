#include "server/config.h"

#include <algorithm>

#include <cstdlib>
#include <mutex>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "base/log.h"
#include "server/signals.h"

ABSL_FLAG(int, grpc_port, 0, "gRPC port; 0 means the service's default");
ABSL_FLAG(std::string, listen_host, "0.0.0.0", "Address the gRPC and HTTP servers listen on");
ABSL_FLAG(int, metrics_port, 0, "HTTP port for /metrics, /healthz and /readyz; 0 means the service's default");
ABSL_FLAG(std::string, data_dir, "", "Directory of the service's RocksDB event store");
ABSL_FLAG(std::string, kafka_brokers, "localhost:9092", "Kafka bootstrap servers, host:port[,host:port...]");
ABSL_FLAG(std::string, kafka_topic, "", "Topic the service publishes its events to; empty means the service's default");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warn or error");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "On SIGTERM, how long in-flight calls may take to finish (and Kafka deliveries to flush)");
ABSL_FLAG(bool, sync_writes, true, "fsync the event store's write-ahead log before acknowledging a command");
ABSL_FLAG(bool, log_requests, false, "Log one info line per RPC (method, status code, duration, tenant)");

namespace sfa::server {
namespace {

constexpr int kMaxGraceSeconds = 600;
constexpr size_t kMaxTopicLength = 249;  // Kafka's own limit

// "--grpc_port (env SFA_GRPC_PORT)": how every error names the setting, so an operator finds it
// whichever way it was given.
std::string FlagRef(absl::string_view flag) { return absl::StrCat("--", flag, " (env ", EnvVarForFlag(flag), ")"); }

absl::Status Invalid(absl::string_view flag, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(FlagRef(flag), ": ", why));
}

absl::StatusOr<int> ResolvePort(absl::string_view flag, int given, int fallback, bool allow_ephemeral) {
  if (given < 0 || given > 65535) return Invalid(flag, absl::StrCat(given, " is not a port in 0..65535"));
  int port = given != 0 ? given : fallback;
  if (port < 0 || port > 65535) return Invalid(flag, absl::StrCat("service default ", port, " is not a port"));
  if (port == 0 && !allow_ephemeral) return Invalid(flag, "no port given and the service has no default");
  return port;
}

bool ValidPortText(absl::string_view text) {
  int port = 0;
  return !text.empty() && absl::SimpleAtoi(text, &port) && port >= 1 && port <= 65535 &&
         absl::ascii_isdigit(static_cast<unsigned char>(text[0]));
}

// Accepts "host:port", "[v6addr]:port", comma-separated; refuses empty entries rather than skipping them,
// since a stray comma usually means a broken template.
absl::Status ValidateBrokers(absl::string_view brokers) {
  if (absl::StripAsciiWhitespace(brokers).empty()) return Invalid("kafka_brokers", "must not be empty");
  for (absl::string_view entry : absl::StrSplit(brokers, ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    size_t colon = entry.rfind(':');
    if (colon == absl::string_view::npos || colon == 0 || !ValidPortText(entry.substr(colon + 1))) {
      return Invalid("kafka_brokers", absl::StrCat("\"", entry, "\" is not host:port"));
    }
    for (char c : entry) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        return Invalid("kafka_brokers", absl::StrCat("\"", entry, "\" contains whitespace"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTopic(absl::string_view topic) {
  if (topic.empty()) return Invalid("kafka_topic", "no topic given and the service has no default");
  if (topic.size() > kMaxTopicLength) return Invalid("kafka_topic", "longer than 249 characters");
  for (char c : topic) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return Invalid("kafka_topic", absl::StrCat("\"", topic, "\" has characters outside [a-zA-Z0-9._-]"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& SharedFlagNames() {
  static const auto* names = new std::vector<std::string>{
      "grpc_port",   "listen_host", "metrics_port",           "data_dir",   "kafka_brokers",
      "kafka_topic", "log_level",   "shutdown_grace_seconds", "sync_writes", "log_requests"};
  return *names;
}

std::string EnvVarForFlag(absl::string_view flag_name) {
  return absl::StrCat("SFA_", absl::AsciiStrToUpper(flag_name));
}

absl::StatusOr<ServerConfig> ValidateServerConfig(const RawConfig& raw) {
  const ServiceDefaults& d = raw.defaults;
  if (d.service_name.empty()) return absl::InvalidArgumentError("service name must not be empty");
  ServerConfig config;
  config.service_name = d.service_name;

  absl::StatusOr<int> grpc_port = ResolvePort("grpc_port", raw.grpc_port, d.grpc_port, d.allow_ephemeral_ports);
  if (!grpc_port.ok()) return grpc_port.status();
  absl::StatusOr<int> metrics_port =
      ResolvePort("metrics_port", raw.metrics_port, d.metrics_port, d.allow_ephemeral_ports);
  if (!metrics_port.ok()) return metrics_port.status();
  if (*grpc_port != 0 && *grpc_port == *metrics_port) {
    return Invalid("metrics_port", absl::StrCat("same port as --grpc_port (", *grpc_port, ")"));
  }
  config.grpc_port = *grpc_port;
  config.metrics_port = *metrics_port;

  config.listen_host = std::string(absl::StripAsciiWhitespace(raw.listen_host));
  if (config.listen_host.empty()) return Invalid("listen_host", "must not be empty");

  config.data_dir = raw.data_dir.empty() ? d.data_dir : raw.data_dir;
  if (config.data_dir.empty()) return Invalid("data_dir", "must not be empty");

  if (absl::Status s = ValidateBrokers(raw.kafka_brokers); !s.ok()) return s;
  config.kafka_brokers = raw.kafka_brokers;

  config.kafka_topic = raw.kafka_topic.empty() ? d.kafka_topic : raw.kafka_topic;
  if (absl::Status s = ValidateTopic(config.kafka_topic); !s.ok()) return s;

  if (!base::ParseLogLevel(raw.log_level, &config.log_level)) {
    return Invalid("log_level", absl::StrCat("\"", raw.log_level, "\" is not one of debug, info, warn, error"));
  }
  if (raw.shutdown_grace_seconds < 0 || raw.shutdown_grace_seconds > kMaxGraceSeconds) {
    return Invalid("shutdown_grace_seconds",
                   absl::StrCat(raw.shutdown_grace_seconds, " is outside 0..", kMaxGraceSeconds));
  }
  config.shutdown_grace = absl::Seconds(raw.shutdown_grace_seconds);
  config.sync_writes = raw.sync_writes;
  config.log_requests = raw.log_requests;
  return config;
}

RawConfig RawConfigFromFlags(const ServiceDefaults& defaults) {
  RawConfig raw;
  raw.defaults = defaults;
  raw.grpc_port = absl::GetFlag(FLAGS_grpc_port);
  raw.listen_host = absl::GetFlag(FLAGS_listen_host);
  raw.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  raw.data_dir = absl::GetFlag(FLAGS_data_dir);
  raw.kafka_brokers = absl::GetFlag(FLAGS_kafka_brokers);
  raw.kafka_topic = absl::GetFlag(FLAGS_kafka_topic);
  raw.log_level = absl::GetFlag(FLAGS_log_level);
  raw.shutdown_grace_seconds = absl::GetFlag(FLAGS_shutdown_grace_seconds);
  raw.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  raw.log_requests = absl::GetFlag(FLAGS_log_requests);
  return raw;
}

absl::StatusOr<ServerConfig> LoadServerConfig(const ServiceDefaults& defaults) {
  return ValidateServerConfig(RawConfigFromFlags(defaults));
}

absl::Status ApplyEnvOverrides(const std::vector<std::string>& service_flags) {
  std::vector<std::string> names = SharedFlagNames();
  names.insert(names.end(), service_flags.begin(), service_flags.end());
  for (const std::string& name : names) {
    std::string var = EnvVarForFlag(name);
    const char* value = std::getenv(var.c_str());
    if (value == nullptr) continue;
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) return absl::InternalError(absl::StrCat("flag --", name, " is not linked in"));
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(absl::StrCat(var, "=\"", value, "\" (flag --", name, "): ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> NormalizeFlagSpelling(int argc, char** argv) {
  std::vector<std::string> out;
  bool flags_done = false;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") flags_done = true;
    if (i > 0 && !flags_done && arg.size() > 2 && arg[0] == '-') {
      const size_t start = arg[1] == '-' ? 2 : 1;
      const size_t end = std::min(arg.find('='), arg.size());
      std::replace(arg.begin() + start, arg.begin() + end, '-', '_');
    }
    out.push_back(std::move(arg));
  }
  return out;
}

std::vector<char*> ParseCommandLine(int argc, char** argv, absl::string_view usage,
                                    const std::vector<std::string>& service_flags) {
  BlockShutdownSignals();
  // Abseil refuses a second usage message; tests parse more than once per process.
  static std::once_flag usage_once;
  std::call_once(usage_once, [usage] { absl::SetProgramUsageMessage(usage); });
  absl::string_view program = argc > 0 ? absl::string_view(argv[0]) : "sfa";
  OrExit(program, ApplyEnvOverrides(service_flags));
  // Positional arguments point into these strings, so they live as long as the process.
  static std::vector<std::string>* normalized = new std::vector<std::string>();
  *normalized = NormalizeFlagSpelling(argc, argv);
  static std::vector<char*>* args = new std::vector<char*>();
  args->clear();
  for (std::string& a : *normalized) args->push_back(a.data());
  return absl::ParseCommandLine(static_cast<int>(args->size()), args->data());
}

void ExitOnStartupError(absl::string_view service, const absl::Status& status) {
  base::LogError(
      "startup failed",
      {{"service", service}, {"code", absl::StatusCodeToString(status.code())}, {"reason", status.message()}});
  std::exit(2);
}

}  // namespace sfa::server

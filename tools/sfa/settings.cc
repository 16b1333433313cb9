#include "tools/sfa/settings.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sfa::tools::cli {
namespace {

constexpr double kMaxDeadlineSeconds = 3600;

std::string Upper(Service service) { return absl::AsciiStrToUpper(ServiceName(service)); }

// The value of `name` when set and not blank.
std::optional<std::string> NonEmpty(const Environment& env, const std::string& name) {
  std::optional<std::string> value = env(name);
  if (!value.has_value() || absl::StripAsciiWhitespace(*value).empty()) return std::nullopt;
  return std::string(absl::StripAsciiWhitespace(*value));
}

int Port(const Environment& env, Service service) {
  int port = 0;
  std::optional<std::string> text = NonEmpty(env, absl::StrCat("SFA_", Upper(service), "_GRPC_PORT"));
  if (text.has_value() && absl::SimpleAtoi(*text, &port) && port > 0 && port < 65536) return port;
  return DefaultPort(service);
}

// "[::1]" and "host" both take the port; a host that already names one keeps it.
std::string WithPort(const std::string& host, int port) {
  const size_t colon = host.rfind(':');
  const bool has_port = colon != std::string::npos && (host[0] != '[' || host.rfind(']') < colon);
  return has_port ? host : absl::StrCat(host, ":", port);
}

}  // namespace

absl::string_view ServiceName(Service service) {
  switch (service) {
    case Service::kLead:
      return "lead";
    case Service::kOpportunity:
      return "opportunity";
    case Service::kQuote:
      return "quote";
    case Service::kAnalytics:
      return "analytics";
  }
  return "?";
}

absl::string_view ServiceFullName(Service service) {
  switch (service) {
    case Service::kLead:
      return "sfa.lead.v1.LeadService";
    case Service::kOpportunity:
      return "sfa.opportunity.v1.OpportunityService";
    case Service::kQuote:
      return "sfa.quote.v1.QuoteService";
    case Service::kAnalytics:
      return "sfa.analytics.v1.AnalyticsService";
  }
  return "?";
}

int DefaultPort(Service service) { return 50051 + static_cast<int>(service); }

Environment ProcessEnvironment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string ResolveTarget(const GlobalFlags& flags, const Environment& env, Service service, bool is_command_service) {
  if (is_command_service && !flags.target.empty()) return flags.target;
  const std::string& specific = flags.service_targets[static_cast<size_t>(service)];
  if (!specific.empty()) return specific;
  const int port = Port(env, service);
  if (!flags.host.empty()) return WithPort(flags.host, port);
  if (auto target = NonEmpty(env, absl::StrCat("SFA_TARGET_", Upper(service)))) return *target;
  if (auto host = NonEmpty(env, "SFA_HOST")) return WithPort(*host, port);
  return WithPort("127.0.0.1", port);
}

absl::StatusOr<Settings> ResolveSettings(const GlobalFlags& flags, const Environment& env, Service command_service) {
  Settings settings;
  for (Service s : kServices) {
    settings.targets[static_cast<size_t>(s)] = ResolveTarget(flags, env, s, s == command_service);
  }
  auto pick = [&](const std::string& flag, std::initializer_list<const char*> vars) -> std::string {
    if (!flag.empty()) return flag;
    for (const char* var : vars) {
      if (auto value = NonEmpty(env, var)) return *value;
    }
    return "";
  };
  settings.identity.tenant = pick(flags.tenant, {"SFA_TENANT"});
  if (settings.identity.tenant.empty()) {
    return absl::InvalidArgumentError("no tenant: pass --tenant or set SFA_TENANT (the demo data is in \"demo\")");
  }
  settings.identity.user = pick(flags.user, {"SFA_USER", "USER"});
  if (settings.identity.user.empty()) return absl::InvalidArgumentError("no user: pass --user or set SFA_USER");
  settings.identity.roles = pick(flags.roles, {"SFA_ROLES"});
  settings.identity.team = pick(flags.team, {"SFA_TEAM"});

  double seconds = 10;
  if (flags.deadline_seconds.has_value()) {
    seconds = *flags.deadline_seconds;
  } else if (auto text = NonEmpty(env, "SFA_DEADLINE"); text.has_value() && !absl::SimpleAtod(*text, &seconds)) {
    return absl::InvalidArgumentError(absl::StrCat("SFA_DEADLINE \"", *text, "\" is not a number of seconds"));
  }
  if (!(seconds > 0 && seconds <= kMaxDeadlineSeconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--deadline must be above 0 and at most ", kMaxDeadlineSeconds, " seconds"));
  }
  settings.deadline = absl::Seconds(seconds);
  settings.json = flags.json;
  settings.request_id = flags.request_id;
  return settings;
}

}  // namespace sfa::tools::cli

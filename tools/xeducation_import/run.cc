#include "tools/xeducation_import/run.h"

#include <memory>
#include <optional>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "base/log.h"
#include "tools/xeducation_import/leads.h"
#include "tools/xeducation_import/report.h"

namespace sfa::tools::xeducation {
namespace {

constexpr int kMaxConcurrency = 1024;

absl::Status Invalid(absl::string_view flag, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", problem));
}

// The alphabets of x-sfa-tenant and x-sfa-user (libs/server/principal.h) and of record ids.
bool IsTenant(absl::string_view s) {
  return !s.empty() && s.size() <= 64 && absl::ascii_isalnum(s.front()) && absl::c_all_of(s, [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '.' || c == '_' || c == '-';
  });
}
bool IsUser(absl::string_view s) {
  return !s.empty() && s.size() <= 128 && absl::ascii_isalnum(s.front()) && absl::c_all_of(s, [](char c) {
    return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '@' || c == '+' || c == '-';
  });
}
bool IsId(absl::string_view s) {
  return !s.empty() && s.size() <= 64 && absl::ascii_isalnum(s.front()) && absl::c_all_of(s, [](char c) {
    return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
  });
}

}  // namespace

absl::Status ValidateConfig(const Config& config) {
  if (config.lead_target.empty()) return Invalid("lead_target", "is empty");
  if (config.opportunity_target.empty()) return Invalid("opportunity_target", "is empty");
  if (config.data.empty()) return Invalid("data", "is empty");
  if (!IsTenant(config.call.tenant)) return Invalid("tenant", "must be 1-64 of [a-z0-9._-], starting alphanumeric");
  if (!IsUser(config.call.user)) return Invalid("user", "must be 1-128 of [A-Za-z0-9._@+-], starting alphanumeric");
  if (!IsId(config.plan.owner_user_id)) {
    return Invalid("owner", "must be 1-64 of [A-Za-z0-9._:@-], starting alphanumeric");
  }
  if (config.plan.owner_user_id == kManagerUserId) return Invalid("owner", "is the team's manager, xedu.manager");
  if (config.call.concurrency < 1 || config.call.concurrency > kMaxConcurrency) {
    return Invalid("concurrency", absl::StrCat("must be 1 to ", kMaxConcurrency));
  }
  if (config.plan.holdout_percent < 0 || config.plan.holdout_percent > 100) {
    return Invalid("holdout_percent", "must be 0 to 100");
  }
  if (config.call.deadline <= absl::ZeroDuration()) return Invalid("deadline_seconds", "must be positive");
  if (config.connect_timeout <= absl::ZeroDuration()) return Invalid("connect_timeout_seconds", "must be positive");
  if (config.call.retry.max_attempts < 1) return Invalid("max_attempts", "must be at least 1");
  if (config.evaluation.timeout <= absl::ZeroDuration()) return Invalid("evaluate_timeout_seconds", "must be positive");
  if (config.plan.currency.size() != 3 || !absl::c_all_of(config.plan.currency, absl::ascii_isupper)) {
    return Invalid("currency", "must be an ISO 4217 code in upper case, e.g. INR");
  }
  if (config.plan.amount_minor_units < 0) return Invalid("course_price_minor_units", "must not be negative");
  if (config.expected_close_days < 0 || config.expected_close_days > 3650) {
    return Invalid("expected_close_days", "must be 0 to 3650");
  }
  return absl::OkStatus();
}

int RunImport(const Config& config, std::ostream& out) {
  absl::StatusOr<LeadData> data = LoadLeads(config.data);
  if (!data.ok()) {
    base::LogError("cannot read the data set", {{"error", data.status().ToString()}});
    return kExitBadInput;
  }
  PlanOptions plan_options = config.plan;
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
  plan_options.expected_close_date = absl::FromCivil(today + config.expected_close_days, absl::UTCTimeZone());
  const ImportPlan plan = BuildPlan(*data, plan_options);
  const RunInfo info{config.data,        config.lead_target,          config.opportunity_target,
                     config.call.tenant, config.plan.holdout_percent, config.plan.seed};
  std::unique_ptr<ImportResult> result;
  std::optional<Evaluation> evaluation;
  if (!config.dry_run) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> lead_channel =
        Connect("lead service", config.lead_target, config.connect_timeout);
    absl::StatusOr<std::shared_ptr<grpc::Channel>> opportunity_channel =
        Connect("opportunity service", config.opportunity_target, config.connect_timeout);
    for (const auto* channel : {&lead_channel, &opportunity_channel}) {
      if (channel->ok()) continue;
      base::LogError("cannot connect", {{"error", channel->status().ToString()}});
      return kExitUnreachable;
    }
    std::shared_ptr<lead::v1::LeadService::Stub> leads = lead::v1::LeadService::NewStub(*lead_channel);
    Importer importer(leads, opportunity::v1::OpportunityService::NewStub(*opportunity_channel), config.call);
    result = std::make_unique<ImportResult>(importer.Run(plan));
    base::LogInfo("import done", {{"leads", plan.leads.size()},
                                  {"commands", result->commands},
                                  {"seconds", absl::StrFormat("%.2f", absl::ToDoubleSeconds(result->elapsed))}});
    if (config.evaluate && result->stopped.empty()) {
      evaluation = Evaluate(*leads, config.call, plan, result->Outcomes(), config.evaluation);
      base::LogInfo("evaluation done", {{"seconds", absl::StrFormat("%.1f", evaluation->waited_seconds)},
                                        {"problem", evaluation->problem}});
    }
  }
  const report::ImportReport report =
      BuildReport(info, plan, result.get(), evaluation.has_value() ? &*evaluation : nullptr);
  out << (config.json ? FormatJson(report) : FormatText(report));
  out.flush();
  return ExitCodeOf(report);
}

}  // namespace sfa::tools::xeducation

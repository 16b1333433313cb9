#include "tools/maventech_import/run.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/log.h"
#include "tools/maventech_import/catalogue.h"
#include "tools/maventech_import/data_set.h"
#include "tools/maventech_import/plan.h"
#include "tools/maventech_import/report.h"

namespace sfa::tools::maventech {
namespace {

constexpr int kMaxConcurrency = 1024;

absl::Status Invalid(absl::string_view flag, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", problem));
}

// The alphabets of x-sfa-tenant and x-sfa-user (libs/server/principal.h).
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

void LogPhase(const Phase& phase, absl::Duration took) {
  base::LogInfo("phase done", {{"phase", phase.name},
                               {"sequences", phase.sequences.size()},
                               {"seconds", absl::StrFormat("%.2f", absl::ToDoubleSeconds(took))}});
}

// Connects to the services (the quote service only for a catalogue) and sends the plans; UNAVAILABLE
// when a service cannot be reached, before anything is sent.
absl::StatusOr<ImportResult> Send(const Config& config, const ImportPlan& plan, const CataloguePlan* catalogue) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = Connect(config.target, config.connect_timeout);
  if (!channel.ok()) return channel.status();
  std::shared_ptr<quote_v1::QuoteService::StubInterface> quote;
  if (catalogue != nullptr) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> quote_channel =
        Connect(config.quote_target, config.connect_timeout, "the quote service");
    if (!quote_channel.ok()) return quote_channel.status();
    quote = quote_v1::QuoteService::NewStub(*quote_channel);
  }
  Importer importer(opportunity::v1::OpportunityService::NewStub(*channel), config.import, std::move(quote));
  importer.OnPhaseDone(LogPhase);
  return importer.Run(plan, catalogue);
}

}  // namespace

absl::Status ValidateConfig(const Config& config) {
  if (config.target.empty()) return Invalid("target", "is empty");
  if (config.data_dir.empty()) return Invalid("data-dir", "is empty");
  if (!IsTenant(config.import.tenant)) return Invalid("tenant", "must be 1-64 of [a-z0-9._-], starting alphanumeric");
  if (!IsUser(config.import.user)) return Invalid("user", "must be 1-128 of [A-Za-z0-9._@+-], starting alphanumeric");
  if (config.import.concurrency < 1 || config.import.concurrency > kMaxConcurrency) {
    return Invalid("concurrency", absl::StrCat("must be 1 to ", kMaxConcurrency));
  }
  if (config.import.deadline <= absl::ZeroDuration()) return Invalid("deadline-seconds", "must be positive");
  if (config.connect_timeout <= absl::ZeroDuration()) return Invalid("connect-timeout-seconds", "must be positive");
  if (config.import.retry.max_attempts < 1) return Invalid("max-attempts", "must be at least 1");
  return absl::OkStatus();
}

int RunImport(const Config& config, std::ostream& out) {
  absl::StatusOr<DataSet> data = LoadDataSet(config.data_dir);
  if (!data.ok()) {
    base::LogError("cannot read the data set", {{"error", data.status().ToString()}});
    return kExitBadInput;
  }
  const ImportPlan plan = BuildPlan(*data);
  std::optional<CataloguePlan> catalogue;
  if (!config.quote_target.empty()) catalogue = BuildCataloguePlan(*data);
  const CataloguePlan* catalogue_plan = catalogue ? &*catalogue : nullptr;
  const RunInfo info{config.data_dir, config.target, config.import.tenant, config.quote_target};
  std::unique_ptr<ImportResult> result;
  if (!config.dry_run) {
    absl::StatusOr<ImportResult> sent = Send(config, plan, catalogue_plan);
    if (!sent.ok()) {
      base::LogError("cannot connect", {{"error", sent.status().ToString()}});
      return kExitUnreachable;
    }
    result = std::make_unique<ImportResult>(*std::move(sent));
  }
  const report::ImportReport report = BuildReport(info, plan, result.get(), catalogue_plan);
  out << (config.json ? FormatJson(report) : FormatText(report));
  out.flush();
  return ExitCodeOf(report);
}

}  // namespace sfa::tools::maventech

#include "tools/simulator/run.h"

#include <fstream>
#include <memory>
#include <optional>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/log.h"
#include "tools/maventech_import/importer.h"
#include "tools/simulator/truth.h"

namespace sfa::tools::simulator {
namespace {

constexpr int kMaxConcurrency = 1024;
constexpr size_t kFailuresShown = 20;

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

double PerSecond(int64_t count, absl::Duration took) {
  const double seconds = absl::ToDoubleSeconds(took);
  return seconds > 0 ? static_cast<double>(count) / seconds : 0;
}

std::string Header(const Simulation& sim, const TruthReport& truth) {
  std::string out =
      absl::StrFormat("sfa-simulate: seed %d, %d deals created %s..%s (horizon %s), configured probabilities %s\n",
                      sim.seed(), sim.deals(), truth.from, truth.to,
                      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(sim.horizon()), absl::UTCTimeZone()),
                      truth.configured);
  absl::StrAppend(&out, absl::StrFormat("plan: %d reps in %d teams, %d accounts; %d steps before the horizon (",
                                        sim.org().reps.size(), sim.org().teams.size(), sim.org().accounts.size(),
                                        truth.steps_before_horizon));
  for (int k = 0; k < kStepKinds; ++k) {
    absl::StrAppend(&out, k > 0 ? ", " : "", StepKindName(static_cast<StepKind>(k)), " ", truth.steps_by_kind[k]);
  }
  absl::StrAppend(&out, ")\n");
  return out + TruthText(truth);
}

std::string ApiText(const Config& config, const ApiSinkResult& r) {
  const absl::Duration total = r.setup_elapsed + r.deals_elapsed;
  std::string out =
      absl::StrFormat("api: %s, tenant %s, concurrency %d\n", config.target, config.api.tenant, config.api.concurrency);
  absl::StrAppend(&out, absl::StrFormat("  setup: %d ok, %d existed, %d failed in %.2f s\n", r.setup_ok,
                                        r.setup_existed, r.setup_failed, absl::ToDoubleSeconds(r.setup_elapsed)));
  absl::StrAppend(
      &out, absl::StrFormat("  deals: %d ok, %d existed, %d failed, %d not sent in %.2f s (%.0f deals/s)\n", r.deals_ok,
                            r.deals_existed, r.deals_failed, r.deals_not_sent, absl::ToDoubleSeconds(r.deals_elapsed),
                            PerSecond(r.deals_ok + r.deals_failed, r.deals_elapsed)));
  absl::StrAppend(&out, "  ok by command:");
  for (size_t i = 0; i < r.ok_by_command.size(); ++i) {
    if (r.ok_by_command[i] == 0) continue;
    absl::StrAppend(&out, " ", CommandNameAt(i), " ", r.ok_by_command[i]);
  }
  absl::StrAppend(&out, absl::StrFormat("\n  commands: %d answered, %d calls, %d retries in %.2f s: %.0f commands/s "
                                        "(deals phase %.0f commands/s)\n",
                                        r.commands, r.rpcs, r.retries, absl::ToDoubleSeconds(total),
                                        PerSecond(r.commands, total), PerSecond(r.commands, r.deals_elapsed)));
  if (!r.stopped.empty()) absl::StrAppend(&out, "  STOPPED: ", r.stopped, "\n");
  if (r.failure_count > 0) {
    absl::StrAppend(&out, absl::StrFormat("  failures: %d (first %d)\n", r.failure_count,
                                          std::min(kFailuresShown, r.failures.size())));
    for (size_t i = 0; i < r.failures.size() && i < kFailuresShown; ++i) {
      const ApiFailure& f = r.failures[i];
      absl::StrAppend(&out, absl::StrFormat("    %s %s: %s %s\n", f.command, f.request_id,
                                            maventech::StatusCodeName(f.code), f.message));
    }
  }
  return out;
}

absl::Status WriteFile(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

int SendToService(const Config& config, const Simulation& sim, std::ostream& out) {
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = maventech::Connect(config.target, config.connect_timeout);
  if (!channel.ok()) {
    base::LogError("cannot connect", {{"error", channel.status().ToString()}});
    return kExitUnreachable;
  }
  ApiSink sink(opportunity::v1::OpportunityService::NewStub(*channel), config.api);
  sink.OnPhaseDone([](absl::string_view phase, int64_t sequences, absl::Duration took) {
    base::LogInfo("phase done", {{"phase", phase},
                                 {"sequences", sequences},
                                 {"seconds", absl::StrFormat("%.2f", absl::ToDoubleSeconds(took))}});
  });
  const ApiSinkResult result = sink.Run(sim);
  out << ApiText(config, result);
  const bool complete = result.stopped.empty() && result.failure_count == 0 && result.deals_not_sent == 0;
  return complete ? kExitComplete : kExitIncomplete;
}

}  // namespace

absl::Status ValidateConfig(const Config& config, absl::Time now) {
  const SimulationOptions& s = config.simulation;
  if (s.deals < 1 || s.deals > 100'000'000) return Invalid("deals", "must be 1 to 100,000,000");
  if (s.to < s.from) return Invalid("to", "is before --from");
  if (!config.dry_run) {
    if (config.target.empty()) return Invalid("target", "is empty");
    if (absl::FromCivil(s.to + 1, absl::UTCTimeZone()) > now) {
      return Invalid("to",
                     "the horizon (the day after it) is in the future; the service refuses future "
                     "effective_time (use --dry_run for files only)");
    }
  }
  if (!IsTenant(config.api.tenant)) return Invalid("tenant", "must be 1-64 of [a-z0-9._-], starting alphanumeric");
  if (!IsUser(config.api.user)) return Invalid("user", "must be 1-128 of [A-Za-z0-9._@+-], starting alphanumeric");
  if (config.api.concurrency < 1 || config.api.concurrency > kMaxConcurrency) {
    return Invalid("concurrency", absl::StrCat("must be 1 to ", kMaxConcurrency));
  }
  if (config.api.deadline <= absl::ZeroDuration()) return Invalid("deadline_seconds", "must be positive");
  if (config.connect_timeout <= absl::ZeroDuration()) return Invalid("connect_timeout_seconds", "must be positive");
  if (config.api.retry.max_attempts < 1) return Invalid("max_attempts", "must be at least 1");
  return absl::OkStatus();
}

int RunSimulator(const Config& config, std::ostream& out) {
  absl::StatusOr<Simulation> sim = Simulation::Create(DefaultModel(config.configured), config.simulation);
  if (!sim.ok()) {
    base::LogError("bad simulation", {{"error", sim.status().ToString()}});
    return kExitBadInput;
  }
  const absl::Time truth_start = absl::Now();
  absl::StatusOr<TruthReport> truth = ComputeTruth(*sim);
  if (!truth.ok()) {
    base::LogError("cannot compute the truth", {{"error", truth.status().ToString()}});
    return kExitBadInput;
  }
  base::LogInfo("truth computed",
                {{"deals", sim->deals()},
                 {"seconds", absl::StrFormat("%.2f", absl::ToDoubleSeconds(absl::Now() - truth_start))}});
  out << Header(*sim, *truth);
  if (!config.truth_json.empty()) {
    if (absl::Status s = WriteFile(config.truth_json, TruthJson(*truth)); !s.ok()) {
      base::LogError("cannot write the truth", {{"error", s.ToString()}});
      return kExitBadInput;
    }
    out << "truth json: " << config.truth_json << "\n";
  }
  if (!config.emit_events.empty()) {
    const absl::Time start = absl::Now();
    EventSinkOptions options{config.api.tenant, config.api.user, config.event_order};
    absl::StatusOr<EventSinkStats> stats = WriteEventsFile(*sim, options, config.emit_events);
    if (!stats.ok()) {
      base::LogError("cannot write the events", {{"error", stats.status().ToString()}});
      return kExitBadInput;
    }
    const absl::Duration took = absl::Now() - start;
    out << absl::StrFormat(
        "events: %s (%s order): %d envelopes (%d setup, %d opportunity, %d activity), %.1f MB, %d commands "
        "decided in %.2f s (%.0f envelopes/s)\n",
        config.emit_events, config.event_order == EventOrder::kByTime ? "time" : "deal", stats->envelopes,
        stats->setup_envelopes, stats->opportunity_envelopes, stats->activity_envelopes, stats->bytes / 1e6,
        stats->commands, absl::ToDoubleSeconds(took), PerSecond(stats->envelopes, took));
  }
  if (config.dry_run) {
    out.flush();
    return kExitComplete;
  }
  const int code = SendToService(config, *sim, out);
  out.flush();
  return code;
}

}  // namespace sfa::tools::simulator

// sfa-simulate: a seeded sales simulation written through the opportunity service's gRPC API (and/or as
// event envelopes), with its ground truth. Wiring only: flags -> Config -> RunSimulator.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/simulator/run.h"

namespace {

namespace sim = ::sfa::tools::simulator;

int BadFlags(const std::string& reason) {
  std::fprintf(stderr, "sfa-simulate: %s (see --help)\n", reason.c_str());
  return sim::kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  sim::Config config;
  std::string from = absl::FormatCivilTime(config.simulation.from);
  std::string to = absl::FormatCivilTime(config.simulation.to);
  std::string configured = "true";
  std::string order = "deal";
  double deadline_seconds = absl::ToDoubleSeconds(config.api.deadline);
  double connect_seconds = absl::ToDoubleSeconds(config.connect_timeout);

  CLI::App app{
      "Simulates a sales organisation from known transition probabilities, stage durations and close-date\n"
      "slippage, and writes the deals through the opportunity service's gRPC API (back-dated), and/or as\n"
      "event envelopes (--emit_events), with the ground truth (--truth_json). Same seed, same deals.\n"
      "Exit: 0 complete, 1 commands refused or the run stopped, 2 bad flags or unwritable file, 3 unreachable."};
  app.add_option("--target", config.target, "Opportunity service, host:port")->capture_default_str();
  app.add_option("--tenant", config.api.tenant, "Tenant (x-sfa-tenant; the envelopes' tenant)")->capture_default_str();
  app.add_option("--user", config.api.user, "Acting user (x-sfa-user; the envelopes' actor)")->capture_default_str();
  app.add_option("--roles", config.api.roles, "x-sfa-roles; empty sends none")->capture_default_str();
  app.add_option("--seed", config.simulation.seed, "Random seed")->capture_default_str();
  app.add_option("--deals", config.simulation.deals, "Deals to simulate")->capture_default_str();
  app.add_option("--from", from, "First creation day (UTC), YYYY-MM-DD")->capture_default_str();
  app.add_option("--to", to, "Last creation day (UTC), inclusive; the day after it is the horizon")
      ->capture_default_str();
  app.add_option("--configured_probabilities", configured,
                 "Pipeline stage probabilities: true (the true P(win|stage)) or skewed (30/45/60/75/90)")
      ->capture_default_str();
  app.add_option("--concurrency", config.api.concurrency, "Deals in flight")->capture_default_str();
  app.add_option("--deadline_seconds", deadline_seconds, "Deadline of each call")->capture_default_str();
  app.add_option("--connect_timeout_seconds", connect_seconds, "How long to wait for the service")
      ->capture_default_str();
  app.add_option("--max_attempts", config.api.retry.max_attempts,
                 "Sends of one request on ABORTED / UNAVAILABLE / DEADLINE_EXCEEDED")
      ->capture_default_str();
  app.add_option("--truth_json", config.truth_json, "Write the ground truth as JSON to this file");
  app.add_option("--emit_events", config.emit_events, "Write length-delimited EventEnvelopes to this file");
  app.add_option("--event_order", order, "Envelope order in --emit_events: deal or time")->capture_default_str();
  app.add_flag("--dry_run", config.dry_run, "Send nothing: simulate, write the files, report");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return BadFlags(e.what());
  }
  if (!absl::ParseCivilTime(from, &config.simulation.from)) return BadFlags("--from: not a date YYYY-MM-DD");
  if (!absl::ParseCivilTime(to, &config.simulation.to)) return BadFlags("--to: not a date YYYY-MM-DD");
  if (!sim::ParseConfiguredProbabilities(configured, &config.configured)) {
    return BadFlags("--configured_probabilities: true or skewed");
  }
  if (order != "deal" && order != "time") return BadFlags("--event_order: deal or time");
  config.event_order = order == "time" ? sim::EventOrder::kByTime : sim::EventOrder::kByDeal;
  config.api.deadline = absl::Seconds(deadline_seconds);
  config.connect_timeout = absl::Seconds(connect_seconds);
  if (absl::Status s = sim::ValidateConfig(config, absl::Now()); !s.ok()) return BadFlags(std::string(s.message()));
  return sim::RunSimulator(config, std::cout);
}

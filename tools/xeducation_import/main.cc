// sfa-import-xeducation: loads the X Education leads (Leads.csv) into the lead service through its gRPC
// API, optionally holding some out and measuring the predictive score on them. Wiring only: flags ->
// Config -> RunImport.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "absl/time/time.h"
#include "tools/xeducation_import/run.h"

#ifndef SFA_XEDUCATION_DEFAULT_DATA
#error "SFA_XEDUCATION_DEFAULT_DATA must name Leads.csv"
#endif

namespace {

namespace xe = ::sfa::tools::xeducation;

int BadFlags(const std::string& reason) {
  std::fprintf(stderr, "sfa-import-xeducation: %s (see --help)\n", reason.c_str());
  return xe::kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  xe::Config config;
  config.data = std::filesystem::path(SFA_XEDUCATION_DEFAULT_DATA).lexically_normal().string();
  double deadline_seconds = absl::ToDoubleSeconds(config.call.deadline);
  double connect_seconds = absl::ToDoubleSeconds(config.connect_timeout);
  double evaluate_seconds = absl::ToDoubleSeconds(config.evaluation.timeout);

  CLI::App app{
      "Loads the X Education leads (9,240 rows of Leads.csv) into the lead service through its gRPC API:\n"
      "capture, engagement and — except for the held-out rows — the outcome. --evaluate then measures the\n"
      "AUC of the service's predictive score on the held-out leads. Safe to run again: request ids derive\n"
      "from the data. Exit: 0 complete, 1 rows rejected / refused or evaluation incomplete, 2 bad flags or\n"
      "unreadable data, 3 a service unreachable."};
  app.add_option("--lead_target", config.lead_target, "Lead service, host:port")->capture_default_str();
  app.add_option("--opportunity_target", config.opportunity_target, "Opportunity service (setup), host:port")
      ->capture_default_str();
  app.add_option("--data", config.data, "Leads.csv")->capture_default_str();
  app.add_option("--tenant", config.call.tenant, "Tenant to load into (x-sfa-tenant)")->capture_default_str();
  app.add_option("--user", config.call.user, "Acting user (x-sfa-user)")->capture_default_str();
  app.add_option("--roles", config.call.roles, "Roles sent as x-sfa-roles; empty sends none")->capture_default_str();
  app.add_option("--owner", config.plan.owner_user_id, "Sales user the leads are assigned to (created)")
      ->capture_default_str();
  app.add_option("--currency", config.plan.currency, "Currency of the converted leads' opportunity amounts")
      ->capture_default_str();
  app.add_option("--course_price_minor_units", config.plan.amount_minor_units,
                 "Opportunity amount of a converted lead, in minor units (the data set has no prices)")
      ->capture_default_str();
  app.add_option("--expected_close_days", config.expected_close_days,
                 "Opportunity expected close date, in days after today (UTC)")
      ->capture_default_str();
  app.add_option("--concurrency", config.call.concurrency, "Leads in flight")->capture_default_str();
  app.add_option("--holdout_percent", config.plan.holdout_percent, "Rows imported without their outcome (0-100)")
      ->capture_default_str();
  app.add_option("--seed", config.plan.seed, "Seed of the holdout shuffle")->capture_default_str();
  app.add_flag("--evaluate", config.evaluate,
               "After the import, measure the predictive score's AUC on the held-out rows");
  app.add_option("--evaluate_timeout_seconds", evaluate_seconds,
                 "How long to wait for the model to take in the outcomes")
      ->capture_default_str();
  app.add_option("--deadline_seconds", deadline_seconds, "Deadline of each call")->capture_default_str();
  app.add_option("--connect_timeout_seconds", connect_seconds, "How long to wait for the services")
      ->capture_default_str();
  app.add_option("--max_attempts", config.call.retry.max_attempts,
                 "Sends of one request on ABORTED / UNAVAILABLE / DEADLINE_EXCEEDED")
      ->capture_default_str();
  app.add_flag("--json", config.json, "Print the report as JSON");
  app.add_flag("--dry_run", config.dry_run, "Read and plan only; send nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return BadFlags(e.what());
  }
  config.call.deadline = absl::Seconds(deadline_seconds);
  config.connect_timeout = absl::Seconds(connect_seconds);
  config.evaluation.timeout = absl::Seconds(evaluate_seconds);
  if (absl::Status s = xe::ValidateConfig(config); !s.ok()) return BadFlags(std::string(s.message()));
  return xe::RunImport(config, std::cout);
}

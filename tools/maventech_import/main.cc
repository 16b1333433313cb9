// sfa-import-maventech: loads the MavenTech CRM data set into the opportunity service (and its catalogue into
// the quote service) through their gRPC APIs. Wiring only: flags -> Config -> RunImport.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>

#include "absl/time/time.h"
#include "tools/maventech_import/run.h"

#ifndef SFA_MAVENTECH_DEFAULT_DATA_DIR
#error "SFA_MAVENTECH_DEFAULT_DATA_DIR must name the data set's folder"
#endif

namespace {

namespace mt = ::sfa::tools::maventech;

int BadFlags(const std::string& reason) {
  std::fprintf(stderr, "sfa-import-maventech: %s (see --help)\n", reason.c_str());
  return mt::kExitBadInput;
}

}  // namespace

int main(int argc, char** argv) {
  mt::Config config;
  config.data_dir = std::filesystem::path(SFA_MAVENTECH_DEFAULT_DATA_DIR).lexically_normal().string();
  double deadline_seconds = absl::ToDoubleSeconds(config.import.deadline);
  double connect_seconds = absl::ToDoubleSeconds(config.connect_timeout);

  CLI::App app{
      "Loads the MavenTech CRM data set (users, teams, accounts, a pipeline, 8,800 opportunities) into the\n"
      "opportunity service through its gRPC API, and with --quote-target its products and list prices into\n"
      "the quote service. Safe to run again: request ids derive from the data.\n"
      "Exit: 0 every row imported, 1 rows rejected or refused, 2 bad flags or unreadable data, 3 unreachable."};
  app.add_option("--target", config.target, "Opportunity service, host:port")->capture_default_str();
  app.add_option("--quote-target,--quote_target", config.quote_target,
                 "Quote service, host:port: also load products.csv as its catalogue and price book "
                 "maventech-usd; empty loads none");
  app.add_option("--data-dir", config.data_dir, "Folder with the four CSV files")->capture_default_str();
  app.add_option("--tenant", config.import.tenant, "Tenant to load into (x-sfa-tenant)")->capture_default_str();
  app.add_option("--user", config.import.user, "Acting user (x-sfa-user)")->capture_default_str();
  app.add_option("--roles", config.import.roles, "Roles sent as x-sfa-roles; empty sends none")->capture_default_str();
  app.add_option("--concurrency", config.import.concurrency, "Requests in flight")->capture_default_str();
  app.add_option("--deadline-seconds", deadline_seconds, "Deadline of each call")->capture_default_str();
  app.add_option("--connect-timeout-seconds", connect_seconds, "How long to wait for the service")
      ->capture_default_str();
  app.add_option("--max-attempts", config.import.retry.max_attempts,
                 "Sends of one request on ABORTED / UNAVAILABLE / DEADLINE_EXCEEDED")
      ->capture_default_str();
  app.add_flag("--json", config.json, "Print the report as JSON");
  app.add_flag("--dry-run", config.dry_run, "Read and plan only; send nothing");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return BadFlags(e.what());
  }
  config.import.deadline = absl::Seconds(deadline_seconds);
  config.connect_timeout = absl::Seconds(connect_seconds);
  if (absl::Status s = mt::ValidateConfig(config); !s.ok()) return BadFlags(std::string(s.message()));
  return mt::RunImport(config, std::cout);
}

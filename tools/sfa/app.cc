#include "tools/sfa/app.h"

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/sfa/client.h"
#include "tools/sfa/command.h"
#include "tools/sfa/completion.h"
#include "tools/sfa/exit_codes.h"
#include "tools/sfa/table.h"

namespace sfa::tools::cli {
namespace {

constexpr char kDescription[] =
    "sfa: the operator CLI of the SFA backend. Talks to the lead, opportunity, quote and analytics services\n"
    "over their public gRPC APIs; prints tables, or the response as JSON with --json.";

constexpr char kFooter[] =
    "Targets: --target (the command's service), --<svc>-target, --host, or SFA_TARGET_<SVC>, SFA_HOST;\n"
    "default 127.0.0.1 and ports lead 50051, opportunity 50052, quote 50053, analytics 50054\n"
    "(SFA_<SVC>_GRPC_PORT moves a port, as for tools/stack). Identity: --tenant/SFA_TENANT (required),\n"
    "--user/SFA_USER (default $USER), --roles/SFA_ROLES, --team/SFA_TEAM. Exit codes: `sfa exit-codes`.";

std::string ExitCodeText() {
  Table t({{"EXIT", Align::kRight}, {"STATUS"}, {"MEANING"}});
  for (const ExitCodeRow& row : ExitCodeTable()) t.AddRow({absl::StrCat(row.exit_code), row.statuses, row.meaning});
  return t.Render();
}

void AddGlobalFlags(CLI::App& app, GlobalFlags* g) {
  const std::string group = "Global (any position)";
  app.add_option("--host", g->host, "Host of every service, with its default port (env SFA_HOST)")->group(group);
  app.add_option("--target", g->target, "host:port of the service this command calls")->group(group);
  for (Service s : kServices) {
    const std::string name = absl::StrCat("--", ServiceName(s), "-target");
    app.add_option(name, g->service_targets[static_cast<size_t>(s)],
                   absl::StrCat("host:port of the ", ServiceName(s), " service (env SFA_TARGET_",
                                absl::AsciiStrToUpper(ServiceName(s)), ")"))
        ->group(group);
  }
  app.add_option("--tenant", g->tenant, "Tenant, sent as x-sfa-tenant (env SFA_TENANT)")->group(group);
  app.add_option("--user", g->user, "User, sent as x-sfa-user (env SFA_USER, else USER)")->group(group);
  app.add_option("--roles", g->roles, "Comma-separated roles, sent as x-sfa-roles (env SFA_ROLES)")->group(group);
  app.add_option("--team", g->team, "Team, sent as x-sfa-team (env SFA_TEAM)")->group(group);
  app.add_option("--deadline", g->deadline_seconds, "Seconds each call may take (env SFA_DEADLINE; default 10)")
      ->group(group);
  app.add_option("--request-id", g->request_id,
                 "Idempotency key of a command; pass the same one to retry safely (default: a new one)")
      ->group(group);
  app.add_flag("--json", g->json, "Print the response as JSON (proto field names, every field)")->group(group);
}

}  // namespace

int RunCli(int argc, const char* const* argv, const Environment& env, std::ostream& out, std::ostream& err) {
  CLI::App app(kDescription, "sfa");
  app.fallthrough();  // global flags anywhere, also after the subcommand
  app.require_subcommand(1);
  GlobalFlags globals;
  AddGlobalFlags(app, &globals);

  CommandSlot slot;
  AddLeadCommands(app, &slot);
  AddAccountCommands(app, &slot);
  AddOpportunityCommands(app, &slot);
  AddQuoteCommands(app, &slot);
  AddCatalogueCommands(app, &slot);
  AddAnalyticsCommands(app, &slot);

  app.footer(kFooter);  // after the subcommands, which would otherwise inherit it

  // Commands that need no service.
  std::function<int()> local;
  CLI::App* completion = app.add_subcommand("completion", "Print a shell completion script");
  completion->require_subcommand(1);
  CLI::App* bash = completion->add_subcommand("bash", "bash: source <(sfa completion bash)");
  bash->callback([&] { local = [&] { return out << BashCompletion(app, "sfa"), kExitOk; }; });
  CLI::App* exit_codes = app.add_subcommand("exit-codes", "The exit codes and the gRPC statuses they stand for");
  exit_codes->callback([&] { local = [&] { return out << ExitCodeText(), kExitOk; }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::ParseError& e) {
    err << UsageLine(e.what()) << "\n"
        << "Run with --help for more information.\n";
    return kExitUsage;
  }
  if (local) return local();
  if (!slot.has_value()) {  // a parent command without its subcommand is refused by require_subcommand
    err << UsageLine("no command") << "\n";
    return kExitUsage;
  }
  absl::StatusOr<Settings> settings = ResolveSettings(globals, env, slot->service);
  if (!settings.ok()) {
    err << UsageLine(settings.status().message()) << "\n";
    return kExitUsage;
  }
  Client client(*std::move(settings));
  Invocation inv{client, out, err, client.settings().json};
  return slot->run(inv);
}

}  // namespace sfa::tools::cli

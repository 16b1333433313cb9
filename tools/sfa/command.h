#ifndef SFA_TOOLS_SFA_COMMAND_H_
#define SFA_TOOLS_SFA_COMMAND_H_

// How a subcommand is declared and run. Its CLI11 options bind into a struct the command owns; parsing
// selects one Command; RunCli resolves the settings and runs it. Every command ends the same way: one call
// (or a run of list pages), then the response as a table or --json, or the status as `sfa: CODE: message`.

#include <grpcpp/grpcpp.h>

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "tools/sfa/client.h"
#include "tools/sfa/money.h"
#include "tools/sfa/settings.h"
#include "tools/sfa/values.h"

namespace sfa::tools::cli {

struct Invocation {
  Client& client;
  std::ostream& out;
  std::ostream& err;
  bool json = false;
};

struct Command {
  Service service;  // the one it calls: --target applies to it
  std::function<int(Invocation&)> run;
};

// Where parsing leaves the selected subcommand's Command.
using CommandSlot = std::optional<Command>;

// Makes `run` the command of `sub` (selected when `sub` is the last subcommand parsed).
void OnRun(CLI::App* sub, CommandSlot* slot, Service service, std::function<int(Invocation&)> run);

// "sfa: USAGE: <message>" on stderr; kExitUsage.
int UsageError(Invocation& inv, const absl::Status& status);

// The stderr line and exit code of a failed call, with the service and target where they help (UNAVAILABLE,
// DEADLINE_EXCEEDED, UNIMPLEMENTED).
int ReportError(Invocation& inv, Service service, absl::string_view method, const grpc::Status& status);

// --json or the rendering of `response` on stdout; kExitOk, or kExitFailure when JSON printing fails.
int PrintResponse(Invocation& inv, const google::protobuf::Message& response,
                  const std::function<std::string()>& render);

// "GetFunnel" for GetFunnelRequest.
std::string MethodOf(const google::protobuf::Message& request);

// One unary call, then its response or its error.
template <typename Stub, typename Request, typename Response, typename Render>
int CallAndPrint(Invocation& inv, Service service, Stub& stub,
                 grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*), const Request& request,
                 Render render) {
  Response response;
  const grpc::Status status = inv.client.Call(stub, rpc, request, &response);
  if (!status.ok()) return ReportError(inv, service, MethodOf(request), status);
  return PrintResponse(inv, response, [&] { return render(response); });
}

// --limit and --page-token of every list command.
struct ListFlags {
  int limit = 20;
  std::string page_token;
};
void AddListFlags(CLI::App* sub, ListFlags* flags);

// A list call over as many pages as --limit asks for, merged into one response.
template <typename Stub, typename Request, typename Response, typename Render>
int ListAndPrint(Invocation& inv, Service service, Stub& stub,
                 grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*), Request request,
                 const ListFlags& list, Render render) {
  Response merged;
  const grpc::Status status = CollectPages(
      list.limit, list.page_token,
      [&](int page_size, const std::string& token, google::protobuf::Message* page) {
        request.set_page_size(page_size);
        request.set_page_token(token);
        return inv.client.Call(stub, rpc, request, static_cast<Response*>(page));
      },
      &merged);
  if (!status.ok()) return ReportError(inv, service, MethodOf(request), status);
  return PrintResponse(inv, merged, [&] { return render(merged); });
}

// Parses a flag value with `parse` (a StatusOr-returning function) when the flag was given.
// Returns false after reporting a usage error.
template <typename T, typename Parse>
bool ParseIfGiven(Invocation& inv, const std::string& text, Parse parse, T* out, int* exit_code) {
  if (text.empty()) return true;
  auto parsed = parse(text);
  if (!parsed.ok()) {
    *exit_code = UsageError(inv, parsed.status());
    return false;
  }
  *out = *std::move(parsed);
  return true;
}

// Sets the field `mutable_field()` returns from a date/time flag when the flag was given (an unset
// Timestamp means "now" or "no bound" to the services); false after a usage error.
template <typename MutableField>
bool SetTime(Invocation& inv, const std::string& text, const char* flag, MutableField mutable_field, int* code) {
  absl::Time t;
  if (!ParseIfGiven(
          inv, text, [flag](const std::string& s) { return ParseTime(s, flag); }, &t, code))
    return false;
  if (!text.empty()) *mutable_field() = ToTimestamp(t);
  return true;
}

// The same for money; `currency` is the code of an amount typed without one.
template <typename MutableField>
bool SetMoney(Invocation& inv, const std::string& text, const std::string& currency, const char* flag,
              MutableField mutable_field, int* code) {
  auto parse = [&](const std::string& s) -> absl::StatusOr<common::v1::Money> {
    absl::StatusOr<common::v1::Money> parsed = ParseMoney(s, currency);
    if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(flag, ": ", parsed.status().message()));
    return parsed;
  };
  common::v1::Money m;
  if (!ParseIfGiven(inv, text, parse, &m, code)) return false;
  if (!text.empty()) *mutable_field() = m;
  return true;
}

// Subcommand registration, one per area (commands_*.cc).
void AddLeadCommands(CLI::App& app, CommandSlot* slot);
void AddAccountCommands(CLI::App& app, CommandSlot* slot);
void AddOpportunityCommands(CLI::App& app, CommandSlot* slot);
void AddQuoteCommands(CLI::App& app, CommandSlot* slot);
void AddCatalogueCommands(CLI::App& app, CommandSlot* slot);
void AddAnalyticsCommands(CLI::App& app, CommandSlot* slot);

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_COMMAND_H_

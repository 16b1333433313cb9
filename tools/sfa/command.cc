#include "tools/sfa/command.h"

#include <google/protobuf/descriptor.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "tools/sfa/exit_codes.h"
#include "tools/sfa/render.h"

namespace sfa::tools::cli {

void OnRun(CLI::App* sub, CommandSlot* slot, Service service, std::function<int(Invocation&)> run) {
  sub->callback([slot, service, run = std::move(run)] { *slot = Command{service, run}; });
}

int UsageError(Invocation& inv, const absl::Status& status) {
  inv.err << UsageLine(status.message()) << "\n";
  return kExitUsage;
}

int ReportError(Invocation& inv, Service service, absl::string_view method, const grpc::Status& status) {
  const std::string where = absl::StrCat(ServiceName(service), " service at ", inv.client.target(service));
  const std::string rpc = absl::StrCat(ServiceFullName(service), "/", method);
  std::string message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      absl::StrAppend(&message, " (", where, ")");
      break;
    case grpc::StatusCode::UNIMPLEMENTED:
      message = message.empty() ? absl::StrCat(rpc, " is not implemented by the ", where)
                                : absl::StrCat(message, " (", rpc, ")");
      break;
    default:
      break;
  }
  inv.err << ErrorLine(status.error_code(), message, absl::StrCat(rpc, " failed")) << "\n";
  return ExitCodeFor(status.error_code());
}

int PrintResponse(Invocation& inv, const google::protobuf::Message& response,
                  const std::function<std::string()>& render) {
  if (!inv.json) {
    inv.out << render();
    return kExitOk;
  }
  absl::StatusOr<std::string> json = ToJson(response);
  if (!json.ok()) {
    inv.err << "sfa: " << json.status().message() << "\n";
    return kExitFailure;
  }
  inv.out << *json;
  return kExitOk;
}

std::string MethodOf(const google::protobuf::Message& request) {
  std::string name = request.GetDescriptor()->name();
  if (absl::EndsWith(name, "Request")) name.resize(name.size() - std::string("Request").size());
  return name;
}

void AddListFlags(CLI::App* sub, ListFlags* flags) {
  sub->add_option("--limit", flags->limit, "Rows to fetch, over as many pages as needed; 0 = all")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& text) -> std::string {
            int n = 0;
            return absl::SimpleAtoi(text, &n) && n >= 0 ? "" : "must be a whole number, 0 or more";
          },
          "N"));
  sub->add_option("--page-token", flags->page_token, "Continue a previous list where it stopped");
}

}  // namespace sfa::tools::cli

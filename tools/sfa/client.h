#ifndef SFA_TOOLS_SFA_CLIENT_H_
#define SFA_TOOLS_SFA_CLIENT_H_

// The CLI's side of the wire: one plaintext channel per service (made on first use), the x-sfa-* metadata
// and deadline on every call, one request id per invocation, and list calls that follow page tokens.

#include <grpcpp/grpcpp.h>

#include <array>
#include <functional>
#include <memory>
#include <string>

#include "google/protobuf/message.h"
#include "sfa/analytics/v1/analytics_service.grpc.pb.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"
#include "tools/sfa/settings.h"

namespace sfa::tools::cli {

// Header names as libs/server/principal.h reads them (the wire contract; a client does not link the server).
inline constexpr char kTenantHeader[] = "x-sfa-tenant";
inline constexpr char kUserHeader[] = "x-sfa-user";
inline constexpr char kRolesHeader[] = "x-sfa-roles";
inline constexpr char kTeamHeader[] = "x-sfa-team";

// "sfa-cli-" and 32 random hex digits: unique per invocation, well inside the 128-character limit.
std::string NewRequestId();

class Client {
 public:
  explicit Client(Settings settings);

  const Settings& settings() const { return settings_; }
  const std::string& target(Service service) const { return settings_.targets[static_cast<size_t>(service)]; }

  lead::v1::LeadService::Stub& lead();
  opportunity::v1::OpportunityService::Stub& opportunity();
  quote::v1::QuoteService::Stub& quote();
  analytics::v1::AnalyticsService::Stub& analytics();

  // A context with the identity metadata and the deadline from now.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  // --request-id when given, else one generated for this invocation (the same for every command it sends).
  const std::string& request_id();

  // Unary call with a fresh context.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    std::unique_ptr<grpc::ClientContext> context = NewContext();
    return (stub.*rpc)(context.get(), request, response);
  }

 private:
  std::shared_ptr<grpc::Channel> Channel(Service service);

  Settings settings_;
  std::string request_id_;
  std::array<std::shared_ptr<grpc::Channel>, 4> channels_;
  std::unique_ptr<lead::v1::LeadService::Stub> lead_;
  std::unique_ptr<opportunity::v1::OpportunityService::Stub> opportunity_;
  std::unique_ptr<quote::v1::QuoteService::Stub> quote_;
  std::unique_ptr<analytics::v1::AnalyticsService::Stub> analytics_;
};

// The largest page the services serve (their page_size limit).
inline constexpr int kMaxPageSize = 500;

// Fetches pages into `merged` (the list messages' one repeated field concatenated) until `limit` items
// (0 = every page) or the last page. `fetch(page_size, page_token, page)` sends one list call; `merged`
// ends with the next_page_token that continues after the last item taken ("" when none is left).
grpc::Status CollectPages(int limit, const std::string& first_page_token,
                          const std::function<grpc::Status(int page_size, const std::string& page_token,
                                                           google::protobuf::Message* page)>& fetch,
                          google::protobuf::Message* merged);

// Items in a list response: the size of its one repeated field.
int ListSize(const google::protobuf::Message& list);

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_CLIENT_H_

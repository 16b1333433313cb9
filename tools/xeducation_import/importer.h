#ifndef SFA_TOOLS_XEDUCATION_IMPORT_IMPORTER_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_IMPORTER_H_

// Sends an ImportPlan through the public gRPC APIs: the setup to the opportunity service one request
// after the other, then the leads to the lead service on `concurrency` threads with blocking stubs (so at
// most that many leads, and requests, in flight), each lead's requests in order. Transient errors are
// resent with backoff under the same request id; any other error ends that lead and is reported with its
// row.

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tools/maventech_import/retry.h"
#include "tools/xeducation_import/plan.h"

namespace sfa::tools::xeducation {

using maventech::RetryPolicy;

// Who calls and how patiently; shared by the import and the evaluation.
struct CallOptions {
  std::string tenant = "demo";                  // x-sfa-tenant
  std::string user = "importer";                // x-sfa-user: the actor of every event
  std::string roles = "admin";                  // x-sfa-roles; empty = not sent
  int concurrency = 32;                         // leads (and so requests) in flight
  absl::Duration deadline = absl::Seconds(30);  // per attempt
  RetryPolicy retry;
};

// Deadline and the x-sfa-* metadata of one call.
void PrepareContext(const CallOptions& options, grpc::ClientContext* context);

// A request the service refused; the rest of that lead (or the setup) was not sent.
struct Failure {
  std::string lead_number;  // empty for the setup
  int line = 0;
  std::string command;  // "ConvertLead"
  std::string request_id;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
};

struct ImportResult {
  bool setup_ok = false;
  // Leads by how their sequence ended.
  int captured = 0;  // every request answered OK (a replayed request id included)
  int found = 0;     // the lead existed (ALREADY_EXISTS on capture); what it had not had yet was sent
  int failed = 0;    // see failures
  int not_sent = 0;  // the import stopped before it
  // Requests answered OK, by what they recorded.
  int engagements = 0;
  int converted = 0;     // the lead is CONVERTED (ConvertLead answered, or found converted)
  int disqualified = 0;  // the lead is DISQUALIFIED
  int held_out = 0;      // held-out leads captured with their engagements
  std::vector<Failure> failures;
  std::string stopped;  // why the import stopped early; empty when it ran to the end
  int commands = 0;     // commands answered, OK or not
  int rpcs = 0;         // calls made: retries and look-ups included
  int retries = 0;
  absl::Duration elapsed;

  int Outcomes() const { return converted + disqualified; }
};

class Importer {
 public:
  Importer(std::shared_ptr<lead::v1::LeadService::StubInterface> leads,
           std::shared_ptr<opportunity::v1::OpportunityService::StubInterface> opportunities, CallOptions options);

  // Sends the whole plan; call once.
  ImportResult Run(const ImportPlan& plan);

 private:
  void RunSetup(const std::vector<SetupCommand>& setup);
  void RunLeads(const std::vector<LeadPlan>& leads);
  void RunLead(const LeadPlan& lead);
  // Where to go on after the capture met ALREADY_EXISTS: reads the lead and asks FirstPendingCommand.
  absl::StatusOr<size_t> ResumePoint(const LeadPlan& lead);
  template <typename Send>
  grpc::Status SendWithRetry(const Send& send);
  grpc::Status SendOnce(const LeadCommand& command);
  grpc::Status SendOnce(const SetupCommand& command);
  void Record(Failure failure);
  void Stop(const std::string& reason);

  std::shared_ptr<lead::v1::LeadService::StubInterface> leads_;
  std::shared_ptr<opportunity::v1::OpportunityService::StubInterface> opportunities_;
  const CallOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> commands_{0};
  std::atomic<int> rpcs_{0};
  std::atomic<int> retries_{0};
  std::atomic<int> engagements_{0};
  absl::Mutex mu_;
  ImportResult result_ ABSL_GUARDED_BY(mu_);
};

// For a lead whose capture met ALREADY_EXISTS (imported before, and the service no longer remembers the
// request id): the index of the first of its commands the stored lead has not had yet (the size when it
// has had them all). Engagements are not sent again once the stored lead has any, since they add up.
// FAILED_PRECONDITION when the stored lead contradicts the plan: the other outcome, an outcome for a
// held-out lead (it would be scored on what the model learned from), or merged into another lead.
absl::StatusOr<size_t> FirstPendingCommand(const lead::v1::Lead& stored, const LeadPlan& lead);

// A channel to `target` ("host:port"), once connected; UNAVAILABLE naming `what` and the target when it
// cannot be reached within `timeout`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const std::string& what, const std::string& target,
                                                       absl::Duration timeout);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_IMPORTER_H_

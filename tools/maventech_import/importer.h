#ifndef SFA_TOOLS_MAVENTECH_IMPORT_IMPORTER_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_IMPORTER_H_

// Sends an ImportPlan to the opportunity service, and a CataloguePlan to the quote service, through their
// public gRPC APIs: phases one after another, the sequences of a phase on `concurrency` threads with
// blocking stubs (so at most that many requests in flight), each sequence's commands in order. Transient
// errors are resent with backoff; any other error ends that sequence and is reported with the row it came
// from.

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"
#include "tools/maventech_import/catalogue.h"
#include "tools/maventech_import/plan.h"
#include "tools/maventech_import/retry.h"

namespace sfa::tools::maventech {

struct ImportOptions {
  std::string tenant = "demo";                  // x-sfa-tenant, to both services
  std::string user = "importer";                // x-sfa-user: the actor of every event
  std::string roles = "admin";                  // x-sfa-roles; empty = not sent
  int concurrency = 32;                         // requests in flight
  absl::Duration deadline = absl::Seconds(30);  // per attempt
  RetryPolicy retry;
};

// A sequence the service refused; the rest of that sequence was not sent.
struct Failure {
  Entity entity = Entity::kUser;
  std::string key;
  SourceRef source;
  std::string command;  // "CloseWon"
  std::string request_id;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
};

// Sequences of one entity by outcome.
struct EntityTally {
  int ok = 0;        // every command answered OK (a replayed request id included)
  int existed = 0;   // the record existed already (ALREADY_EXISTS on its create); the rest was sent
  int failed = 0;    // refused: see failures
  int not_sent = 0;  // the import stopped before it
};

struct ImportResult {
  std::array<EntityTally, kEntityCount> tally{};
  std::vector<Failure> failures;
  std::string stopped;  // why the import stopped early; empty when it ran to the end
  int commands = 0;     // commands answered, OK or not
  int rpcs = 0;         // calls made: retries and look-ups included
  int retries = 0;
  absl::Duration elapsed;

  const EntityTally& Of(Entity entity) const { return tally[static_cast<int>(entity)]; }
};

class Importer {
 public:
  // Called after each phase with the phase and the time it took.
  using PhaseDone = std::function<void(const Phase& phase, absl::Duration took)>;

  // `quote` may be null when no catalogue is sent.
  Importer(std::shared_ptr<opportunity::v1::OpportunityService::StubInterface> stub, ImportOptions options,
           std::shared_ptr<quote_v1::QuoteService::StubInterface> quote = nullptr);

  void OnPhaseDone(PhaseDone callback) { phase_done_ = std::move(callback); }

  // Sends the whole plan, then the catalogue when one is given (an import that stopped sends none of it);
  // call once.
  ImportResult Run(const ImportPlan& plan, const CataloguePlan* catalogue = nullptr);

 private:
  void RunPhase(const Phase& phase);
  void RunSequence(const Sequence& sequence);
  // The index of the first command still to send after the create found the deal existing.
  absl::StatusOr<size_t> ResumePoint(const Sequence& sequence);
  grpc::Status SendWithRetry(const Command& command);
  grpc::Status SendOnce(const Command& command);
  void PrepareContext(grpc::ClientContext* context) const;
  void Record(const Sequence& sequence, size_t failed_command, const grpc::Status& status);
  void Stop(const std::string& reason);

  std::shared_ptr<opportunity::v1::OpportunityService::StubInterface> stub_;
  std::shared_ptr<quote_v1::QuoteService::StubInterface> quote_;
  const ImportOptions options_;
  PhaseDone phase_done_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> commands_{0};
  std::atomic<int> rpcs_{0};
  std::atomic<int> retries_{0};
  absl::Mutex mu_;
  ImportResult result_ ABSL_GUARDED_BY(mu_);
};

// A channel to `target` ("host:port"), once connected; UNAVAILABLE naming `service` and the target when it
// cannot be reached within `timeout`.
absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const std::string& target, absl::Duration timeout,
                                                       absl::string_view service = "the opportunity service");

// For a deal whose create met ALREADY_EXISTS (imported before, and the service no longer remembers the
// request id): the index of the first of the sequence's commands the stored deal has not yet had, or
// FAILED_PRECONDITION when the stored deal contradicts the data (lost in the service, won in the file).
absl::StatusOr<size_t> FirstPendingCommand(const opportunity::v1::Opportunity& current, const Sequence& sequence);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_IMPORTER_H_

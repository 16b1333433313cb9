#ifndef SFA_TOOLS_SIMULATOR_API_SINK_H_
#define SFA_TOOLS_SIMULATOR_API_SINK_H_

// Sink A: writes a simulation through the public OpportunityService gRPC API, back-dated with
// effective_time so business times are the simulated ones. The setup phases first (each phase's commands
// on `concurrency` threads), then the deals: `concurrency` deals in flight, each deal's steps in order, a
// step sent after the previous one was answered. Blocking stubs, as the MavenTech importer; its retry
// policy (tools/maventech_import/retry.h) resends ABORTED / UNAVAILABLE / DEADLINE_EXCEEDED with the same
// request id.

#include <grpcpp/support/status.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "tools/maventech_import/retry.h"
#include "tools/simulator/plan.h"
#include "tools/simulator/simulation.h"

namespace sfa::tools::simulator {

struct ApiSinkOptions {
  std::string tenant = "sim";                   // x-sfa-tenant
  std::string user = "simulator";               // x-sfa-user: the actor of every event
  std::string roles = "admin";                  // x-sfa-roles; empty = not sent
  int concurrency = 64;                         // deals (and setup requests) in flight
  absl::Duration deadline = absl::Seconds(30);  // per attempt
  maventech::RetryPolicy retry;
};

// A command the service refused; the rest of its deal was not sent.
struct ApiFailure {
  int64_t deal = -1;  // -1 for a setup command
  std::string command;
  std::string request_id;
  grpc::StatusCode code = grpc::StatusCode::OK;
  std::string message;
};

struct ApiSinkResult {
  static constexpr size_t kMaxFailures = 100;

  int64_t setup_ok = 0;
  int64_t setup_existed = 0;  // ALREADY_EXISTS: an account a run with another seed created
  int64_t setup_failed = 0;
  int64_t deals_ok = 0;
  int64_t deals_existed = 0;  // CreateOpportunity met ALREADY_EXISTS (the request id expired): skipped
  int64_t deals_failed = 0;
  int64_t deals_not_sent = 0;
  // Commands answered OK, by Command alternative (plan.h).
  std::array<int64_t, std::variant_size_v<Command>> ok_by_command{};
  int64_t commands = 0;  // answered, OK or not
  int64_t rpcs = 0;      // calls made, retries included
  int64_t retries = 0;
  int64_t failure_count = 0;
  std::vector<ApiFailure> failures;  // the first kMaxFailures
  std::string stopped;               // why the run stopped early; empty when it ran to the end
  absl::Duration setup_elapsed;
  absl::Duration deals_elapsed;
};

class ApiSink {
 public:
  using Stub = opportunity::v1::OpportunityService::StubInterface;
  // Called after each setup phase and after the deals, with a name and the time it took.
  using PhaseDone = std::function<void(absl::string_view phase, int64_t sequences, absl::Duration took)>;

  ApiSink(std::shared_ptr<Stub> stub, ApiSinkOptions options);

  void OnPhaseDone(PhaseDone callback) { phase_done_ = std::move(callback); }

  // Sends the setup, then every deal's steps before the horizon; call once.
  ApiSinkResult Run(const Simulation& simulation);

 private:
  void RunSetupPhase(const SetupPhase& phase);
  void RunDeals(const Simulation& simulation);
  void RunDeal(const Simulation& simulation, int64_t index);
  grpc::Status SendWithRetry(const Command& command);
  grpc::Status SendOnce(const Command& command);
  void Fail(int64_t deal, const Command& command, const grpc::Status& status);
  // Runs `work` on min(concurrency, count) threads, each taking the next index until `count`.
  void Parallel(int64_t count, const std::function<void(int64_t)>& work);

  std::shared_ptr<Stub> stub_;
  const ApiSinkOptions options_;
  PhaseDone phase_done_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> commands_{0};
  std::atomic<int64_t> rpcs_{0};
  std::atomic<int64_t> retries_{0};
  absl::Mutex mu_;
  ApiSinkResult result_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_API_SINK_H_

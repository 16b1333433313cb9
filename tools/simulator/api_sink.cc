#include "tools/simulator/api_sink.h"

#include <grpcpp/client_context.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sfa::tools::simulator {
namespace {

using Stub = ApiSink::Stub;

// One overload per command type: the blocking call of the matching RPC. Responses are not needed.
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::UpsertUserRequest& r) {
  v1::UpsertUserResponse response;
  return stub.UpsertUser(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::UpsertSalesTeamRequest& r) {
  v1::UpsertSalesTeamResponse response;
  return stub.UpsertSalesTeam(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::DefinePipelineRequest& r) {
  v1::DefinePipelineResponse response;
  return stub.DefinePipeline(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::CreateAccountRequest& r) {
  v1::CreateAccountResponse response;
  return stub.CreateAccount(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::CreateOpportunityRequest& r) {
  v1::CreateOpportunityResponse response;
  return stub.CreateOpportunity(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::MoveStageRequest& r) {
  v1::MoveStageResponse response;
  return stub.MoveStage(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::UpdateOpportunityRequest& r) {
  v1::UpdateOpportunityResponse response;
  return stub.UpdateOpportunity(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::CloseWonRequest& r) {
  v1::CloseWonResponse response;
  return stub.CloseWon(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::CloseLostRequest& r) {
  v1::CloseLostResponse response;
  return stub.CloseLost(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::LogActivityRequest& r) {
  v1::LogActivityResponse response;
  return stub.LogActivity(c, r, &response);
}

}  // namespace

ApiSink::ApiSink(std::shared_ptr<Stub> stub, ApiSinkOptions options)
    : stub_(std::move(stub)), options_(std::move(options)) {}

ApiSinkResult ApiSink::Run(const Simulation& simulation) {
  const absl::Time start = absl::Now();
  for (const SetupPhase& phase : SetupPlan(simulation)) {
    const absl::Time phase_start = absl::Now();
    RunSetupPhase(phase);
    if (phase_done_) phase_done_(phase.name, static_cast<int64_t>(phase.commands.size()), absl::Now() - phase_start);
  }
  const absl::Time deals_start = absl::Now();
  bool setup_failed = false;
  {
    absl::MutexLock lock(&mu_);
    setup_failed = result_.setup_failed > 0;
    if (setup_failed && result_.stopped.empty()) result_.stopped = "the setup failed; no deal was sent";
  }
  if (setup_failed) {
    stopping_ = true;
    absl::MutexLock lock(&mu_);
    result_.deals_not_sent = simulation.deals();
  } else {
    RunDeals(simulation);
  }
  const absl::Time end = absl::Now();
  if (phase_done_) phase_done_("deals", simulation.deals(), end - deals_start);
  absl::MutexLock lock(&mu_);
  result_.setup_elapsed = deals_start - start;
  result_.deals_elapsed = end - deals_start;
  result_.commands = commands_.load();
  result_.rpcs = rpcs_.load();
  result_.retries = retries_.load();
  return result_;
}

void ApiSink::Parallel(int64_t count, const std::function<void(int64_t)>& work) {
  std::atomic<int64_t> next{0};
  auto loop = [&] {
    for (int64_t i = next++; i < count; i = next++) work(i);
  };
  const int64_t threads = std::min<int64_t>(std::max(options_.concurrency, 1), count);
  std::vector<std::thread> workers;
  workers.reserve(static_cast<size_t>(threads));
  for (int64_t i = 0; i < threads; ++i) workers.emplace_back(loop);
  for (std::thread& worker : workers) worker.join();
}

void ApiSink::RunSetupPhase(const SetupPhase& phase) {
  Parallel(static_cast<int64_t>(phase.commands.size()), [&](int64_t i) {
    const Command& command = phase.commands[i];
    if (stopping_) {
      absl::MutexLock lock(&mu_);
      ++result_.setup_failed;
      return;
    }
    const grpc::Status status = SendWithRetry(command);
    if (!status.ok() && status.error_code() != grpc::StatusCode::ALREADY_EXISTS) return Fail(-1, command, status);
    absl::MutexLock lock(&mu_);
    ++(status.ok() ? result_.setup_ok : result_.setup_existed);
    if (status.ok()) ++result_.ok_by_command[command.index()];
  });
}

void ApiSink::RunDeals(const Simulation& simulation) {
  Parallel(simulation.deals(), [&](int64_t index) { RunDeal(simulation, index); });
}

void ApiSink::RunDeal(const Simulation& simulation, int64_t index) {
  const DealHistory deal = simulation.Deal(index);
  const size_t steps = deal.StepsBefore(simulation.horizon());
  std::array<int64_t, std::variant_size_v<Command>> ok{};
  for (size_t k = 0; k < steps; ++k) {
    if (stopping_) {
      absl::MutexLock lock(&mu_);
      ++result_.deals_not_sent;
      return;
    }
    const Command command = StepCommand(simulation, deal, k);
    const grpc::Status status = SendWithRetry(command);
    if (status.ok()) {
      ++ok[command.index()];
      continue;
    }
    if (status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      if (k == 0) {
        absl::MutexLock lock(&mu_);
        ++result_.deals_existed;
        return;
      }
      if (std::holds_alternative<v1::LogActivityRequest>(command)) continue;  // logged by an earlier run
    }
    Fail(index, command, status);
    return;
  }
  absl::MutexLock lock(&mu_);
  ++result_.deals_ok;
  for (size_t i = 0; i < ok.size(); ++i) result_.ok_by_command[i] += ok[i];
}

grpc::Status ApiSink::SendWithRetry(const Command& command) {
  thread_local absl::BitGen random;
  for (int attempt = 1;; ++attempt) {
    const grpc::Status status = SendOnce(command);
    const bool again =
        !status.ok() && maventech::IsRetryable(status.error_code()) && attempt < options_.retry.max_attempts;
    if (!again || stopping_) {
      ++commands_;
      return status;
    }
    ++retries_;
    absl::SleepFor(maventech::Backoff(options_.retry, attempt, absl::Uniform(random, 0.5, 1.0)));
  }
}

grpc::Status ApiSink::SendOnce(const Command& command) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  context.AddMetadata("x-sfa-tenant", options_.tenant);
  context.AddMetadata("x-sfa-user", options_.user);
  if (!options_.roles.empty()) context.AddMetadata("x-sfa-roles", options_.roles);
  ++rpcs_;
  return std::visit([&](const auto& request) { return Call(*stub_, &context, request); }, command);
}

void ApiSink::Fail(int64_t deal, const Command& command, const grpc::Status& status) {
  absl::MutexLock lock(&mu_);
  ++(deal < 0 ? result_.setup_failed : result_.deals_failed);
  ++result_.failure_count;
  if (result_.failures.size() < ApiSinkResult::kMaxFailures) {
    result_.failures.push_back(ApiFailure{deal, std::string(CommandName(command)), RequestIdOf(command),
                                          status.error_code(), status.error_message()});
  }
  if (maventech::StopsImport(status.error_code()) && !stopping_.exchange(true)) {
    result_.stopped = absl::StrCat(maventech::StatusCodeName(status.error_code()), " from ", CommandName(command), ": ",
                                   status.error_message());
  }
}

}  // namespace sfa::tools::simulator

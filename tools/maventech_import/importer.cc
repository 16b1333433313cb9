#include "tools/maventech_import/importer.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sfa::tools::maventech {
namespace {

using Stub = v1::OpportunityService::StubInterface;
using QuoteStub = quote_v1::QuoteService::StubInterface;

// The catalogue's requests go to the quote service, all others to the opportunity service.
template <typename Request>
constexpr bool kQuoteRequest = std::is_same_v<Request, quote_v1::UpsertProductRequest> ||
                               std::is_same_v<Request, quote_v1::UpsertPriceBookRequest>;

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
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::CloseWonRequest& r) {
  v1::CloseWonResponse response;
  return stub.CloseWon(c, r, &response);
}
grpc::Status Call(Stub& stub, grpc::ClientContext* c, const v1::CloseLostRequest& r) {
  v1::CloseLostResponse response;
  return stub.CloseLost(c, r, &response);
}
grpc::Status Call(QuoteStub& stub, grpc::ClientContext* c, const quote_v1::UpsertProductRequest& r) {
  quote_v1::UpsertProductResponse response;
  return stub.UpsertProduct(c, r, &response);
}
grpc::Status Call(QuoteStub& stub, grpc::ClientContext* c, const quote_v1::UpsertPriceBookRequest& r) {
  quote_v1::UpsertPriceBookResponse response;
  return stub.UpsertPriceBook(c, r, &response);
}

// The stage a command leads to; empty for a create (the pipeline's first stage).
std::string TargetStage(const Command& command) {
  if (const auto* move = std::get_if<v1::MoveStageRequest>(&command)) return move->to_stage_id();
  if (std::holds_alternative<v1::CloseWonRequest>(command)) return kWonStage;
  if (const auto* lost = std::get_if<v1::CloseLostRequest>(&command)) return lost->lost_stage_id();
  return "";
}

}  // namespace

absl::StatusOr<size_t> FirstPendingCommand(const v1::Opportunity& current, const Sequence& sequence) {
  const size_t size = sequence.commands.size();
  const bool closed = current.status() == v1::OPPORTUNITY_STATUS_WON || current.status() == v1::OPPORTUNITY_STATUS_LOST;
  if (closed) {
    const std::string wanted = size > 1 ? TargetStage(sequence.commands.back()) : "";
    if (current.stage_id() == wanted) return size;
    return absl::FailedPreconditionError(absl::StrCat("the opportunity exists already in stage ", current.stage_id(),
                                                      ", the data says ", wanted.empty() ? "open" : wanted));
  }
  for (size_t i = size; i-- > 1;) {
    if (TargetStage(sequence.commands[i]) == current.stage_id()) return i + 1;
  }
  return 1;
}

Importer::Importer(std::shared_ptr<Stub> stub, ImportOptions options, std::shared_ptr<QuoteStub> quote)
    : stub_(std::move(stub)), quote_(std::move(quote)), options_(std::move(options)) {}

ImportResult Importer::Run(const ImportPlan& plan, const CataloguePlan* catalogue) {
  const absl::Time start = absl::Now();
  std::vector<const Phase*> phases;
  for (const Phase& phase : plan.phases) phases.push_back(&phase);
  if (catalogue != nullptr) {
    for (const Phase& phase : catalogue->phases) phases.push_back(&phase);
  }
  for (const Phase* phase : phases) {
    const absl::Time phase_start = absl::Now();
    RunPhase(*phase);
    if (phase_done_) phase_done_(*phase, absl::Now() - phase_start);
  }
  absl::MutexLock lock(&mu_);
  result_.elapsed = absl::Now() - start;
  result_.commands = commands_.load();
  result_.rpcs = rpcs_.load();
  result_.retries = retries_.load();
  return result_;
}

void Importer::RunPhase(const Phase& phase) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < phase.sequences.size(); i = next++) RunSequence(phase.sequences[i]);
  };
  const size_t threads = std::min<size_t>(std::max(options_.concurrency, 1), phase.sequences.size());
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
}

void Importer::RunSequence(const Sequence& sequence) {
  bool existed = false;
  for (size_t i = 0; i < sequence.commands.size(); ++i) {
    if (stopping_) {
      absl::MutexLock lock(&mu_);
      ++result_.tally[static_cast<int>(sequence.entity)].not_sent;
      return;
    }
    const grpc::Status status = SendWithRetry(sequence.commands[i]);
    if (status.ok()) continue;
    if (i == 0 && status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      existed = true;
      absl::StatusOr<size_t> resume = ResumePoint(sequence);
      if (resume.ok()) {
        i = *resume - 1;
        continue;
      }
      Record(
          sequence, i,
          grpc::Status(static_cast<grpc::StatusCode>(resume.status().code()), std::string(resume.status().message())));
      return;
    }
    Record(sequence, i, status);
    return;
  }
  absl::MutexLock lock(&mu_);
  EntityTally& tally = result_.tally[static_cast<int>(sequence.entity)];
  ++(existed ? tally.existed : tally.ok);
}

absl::StatusOr<size_t> Importer::ResumePoint(const Sequence& sequence) {
  if (sequence.entity != Entity::kOpportunity) return sequence.commands.size();
  v1::GetOpportunityRequest request;
  request.set_opportunity_id(sequence.key);
  v1::GetOpportunityResponse response;
  grpc::ClientContext context;
  PrepareContext(&context);
  ++rpcs_;
  const grpc::Status status = stub_->GetOpportunity(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("exists already, and reading it failed: ", status.error_message()));
  }
  return FirstPendingCommand(response.opportunity(), sequence);
}

grpc::Status Importer::SendWithRetry(const Command& command) {
  thread_local absl::BitGen random;
  for (int attempt = 1;; ++attempt) {
    const grpc::Status status = SendOnce(command);
    const bool again = !status.ok() && IsRetryable(status.error_code()) && attempt < options_.retry.max_attempts;
    if (!again || stopping_) {
      ++commands_;
      return status;
    }
    ++retries_;
    absl::SleepFor(Backoff(options_.retry, attempt, absl::Uniform(random, 0.5, 1.0)));
  }
}

grpc::Status Importer::SendOnce(const Command& command) {
  grpc::ClientContext context;
  PrepareContext(&context);
  ++rpcs_;
  return std::visit(
      [&](const auto& request) {
        if constexpr (kQuoteRequest<std::decay_t<decltype(request)>>) {
          if (quote_ == nullptr) {
            return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "no quote service to send the catalogue to");
          }
          return Call(*quote_, &context, request);
        } else {
          return Call(*stub_, &context, request);
        }
      },
      command);
}

void Importer::PrepareContext(grpc::ClientContext* context) const {
  context->set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  context->AddMetadata("x-sfa-tenant", options_.tenant);
  context->AddMetadata("x-sfa-user", options_.user);
  if (!options_.roles.empty()) context->AddMetadata("x-sfa-roles", options_.roles);
}

void Importer::Record(const Sequence& sequence, size_t failed_command, const grpc::Status& status) {
  const Command& command = sequence.commands[failed_command];
  {
    absl::MutexLock lock(&mu_);
    ++result_.tally[static_cast<int>(sequence.entity)].failed;
    result_.failures.push_back(Failure{sequence.entity, sequence.key, sequence.source, CommandName(command),
                                       RequestIdOf(command), status.error_code(), status.error_message()});
  }
  if (StopsImport(status.error_code())) {
    Stop(absl::StrCat(StatusCodeName(status.error_code()), " from ", CommandName(command), ": ",
                      status.error_message()));
  }
}

void Importer::Stop(const std::string& reason) {
  absl::MutexLock lock(&mu_);
  if (stopping_.exchange(true)) return;
  result_.stopped = reason;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const std::string& target, absl::Duration timeout,
                                                       absl::string_view service) {
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + timeout))) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach ", service, " at ", target, " within ", absl::FormatDuration(timeout)));
  }
  return channel;
}

}  // namespace sfa::tools::maventech

#include "tools/xeducation_import/importer.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace sfa::tools::xeducation {
namespace {

using LeadStub = lv1::LeadService::StubInterface;
using OpportunityStub = ov1::OpportunityService::StubInterface;

// One overload per command type: the blocking call of the matching RPC. Responses are not needed.
grpc::Status Call(LeadStub& stub, grpc::ClientContext* c, const lv1::CaptureLeadRequest& r) {
  lv1::CaptureLeadResponse response;
  return stub.CaptureLead(c, r, &response);
}
grpc::Status Call(LeadStub& stub, grpc::ClientContext* c, const lv1::RecordEngagementRequest& r) {
  lv1::RecordEngagementResponse response;
  return stub.RecordEngagement(c, r, &response);
}
grpc::Status Call(LeadStub& stub, grpc::ClientContext* c, const lv1::ChangeLeadStatusRequest& r) {
  lv1::ChangeLeadStatusResponse response;
  return stub.ChangeLeadStatus(c, r, &response);
}
grpc::Status Call(LeadStub& stub, grpc::ClientContext* c, const lv1::AssignLeadRequest& r) {
  lv1::AssignLeadResponse response;
  return stub.AssignLead(c, r, &response);
}
grpc::Status Call(LeadStub& stub, grpc::ClientContext* c, const lv1::QualifyLeadRequest& r) {
  lv1::QualifyLeadResponse response;
  return stub.QualifyLead(c, r, &response);
}
grpc::Status Call(LeadStub& stub, grpc::ClientContext* c, const lv1::ConvertLeadRequest& r) {
  lv1::ConvertLeadResponse response;
  return stub.ConvertLead(c, r, &response);
}
grpc::Status Call(LeadStub& stub, grpc::ClientContext* c, const lv1::DisqualifyLeadRequest& r) {
  lv1::DisqualifyLeadResponse response;
  return stub.DisqualifyLead(c, r, &response);
}
grpc::Status Call(OpportunityStub& stub, grpc::ClientContext* c, const ov1::UpsertUserRequest& r) {
  ov1::UpsertUserResponse response;
  return stub.UpsertUser(c, r, &response);
}
grpc::Status Call(OpportunityStub& stub, grpc::ClientContext* c, const ov1::UpsertSalesTeamRequest& r) {
  ov1::UpsertSalesTeamResponse response;
  return stub.UpsertSalesTeam(c, r, &response);
}
grpc::Status Call(OpportunityStub& stub, grpc::ClientContext* c, const ov1::DefinePipelineRequest& r) {
  ov1::DefinePipelineResponse response;
  return stub.DefinePipeline(c, r, &response);
}

// The index of the lead's first command of type T; the size when it has none.
template <typename T>
size_t IndexOf(const LeadPlan& lead) {
  for (size_t i = 0; i < lead.commands.size(); ++i) {
    if (std::holds_alternative<T>(lead.commands[i])) return i;
  }
  return lead.commands.size();
}

bool HasEngagement(const lv1::Lead& lead) {
  return std::any_of(lead.scores().behaviour_kinds().begin(), lead.scores().behaviour_kinds().end(),
                     [](const lv1::BehaviourKindResult& kind) { return kind.count() > 0; });
}

absl::Status Contradiction(const lv1::Lead& stored, absl::string_view planned) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the lead exists already with status ", lv1::LeadStatus_Name(stored.status()), ", the import plans ", planned));
}

absl::string_view PlannedName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kHeldOut:
      return "no outcome (held out)";
    case Outcome::kConverted:
      return "CONVERTED";
    case Outcome::kDisqualified:
      return "DISQUALIFIED";
  }
  return "";
}

}  // namespace

void PrepareContext(const CallOptions& options, grpc::ClientContext* context) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
  context->AddMetadata("x-sfa-tenant", options.tenant);
  context->AddMetadata("x-sfa-user", options.user);
  if (!options.roles.empty()) context->AddMetadata("x-sfa-roles", options.roles);
}

absl::StatusOr<size_t> FirstPendingCommand(const lv1::Lead& stored, const LeadPlan& lead) {
  const size_t done = lead.commands.size();
  const size_t after_engagements = 1 + static_cast<size_t>(lead.engagements);
  switch (stored.status()) {
    case lv1::LEAD_STATUS_NEW:
      return HasEngagement(stored) ? after_engagements : 1;
    case lv1::LEAD_STATUS_WORKING:
    case lv1::LEAD_STATUS_NURTURE: {
      if (lead.outcome == Outcome::kHeldOut) return done;
      const size_t assign = IndexOf<lv1::AssignLeadRequest>(lead);
      const bool assigned =
          assign < done && stored.owner_user_id() == std::get<lv1::AssignLeadRequest>(lead.commands[assign]).user_id();
      return assigned ? assign + 1 : assign;
    }
    case lv1::LEAD_STATUS_QUALIFIED:
      if (lead.outcome == Outcome::kConverted) return IndexOf<lv1::ConvertLeadRequest>(lead);
      if (lead.outcome == Outcome::kDisqualified) return IndexOf<lv1::DisqualifyLeadRequest>(lead);
      return done;
    case lv1::LEAD_STATUS_CONVERTED:
      if (lead.outcome == Outcome::kConverted) return done;
      return Contradiction(stored, PlannedName(lead.outcome));
    case lv1::LEAD_STATUS_DISQUALIFIED:
      if (lead.outcome == Outcome::kDisqualified) return done;
      return Contradiction(stored, PlannedName(lead.outcome));
    case lv1::LEAD_STATUS_MERGED:
      return absl::FailedPreconditionError(
          absl::StrCat("the lead exists already and was merged into ", stored.merged_into_lead_id()));
    default:
      return Contradiction(stored, PlannedName(lead.outcome));
  }
}

Importer::Importer(std::shared_ptr<LeadStub> leads, std::shared_ptr<OpportunityStub> opportunities, CallOptions options)
    : leads_(std::move(leads)), opportunities_(std::move(opportunities)), options_(std::move(options)) {}

ImportResult Importer::Run(const ImportPlan& plan) {
  const absl::Time start = absl::Now();
  RunSetup(plan.setup);
  RunLeads(plan.leads);
  absl::MutexLock lock(&mu_);
  result_.elapsed = absl::Now() - start;
  result_.commands = commands_.load();
  result_.rpcs = rpcs_.load();
  result_.retries = retries_.load();
  result_.engagements = engagements_.load();
  return result_;
}

void Importer::RunSetup(const std::vector<SetupCommand>& setup) {
  for (const SetupCommand& command : setup) {
    const grpc::Status status = SendWithRetry([&] { return SendOnce(command); });
    ++commands_;
    if (status.ok()) continue;
    Record(Failure{"", 0, SetupCommandName(command), SetupRequestIdOf(command), status.error_code(),
                   status.error_message()});
    // Without the owner, its team or the pipeline no lead could be assigned or converted.
    Stop(absl::StrCat("the setup failed: ", maventech::StatusCodeName(status.error_code()), " from ",
                      SetupCommandName(command), ": ", status.error_message()));
    return;
  }
  absl::MutexLock lock(&mu_);
  result_.setup_ok = true;
}

void Importer::RunLeads(const std::vector<LeadPlan>& leads) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < leads.size(); i = next++) RunLead(leads[i]);
  };
  const size_t threads = std::min<size_t>(std::max(options_.concurrency, 1), leads.size());
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();
}

void Importer::RunLead(const LeadPlan& lead) {
  bool found = false;
  for (size_t i = 0; i < lead.commands.size(); ++i) {
    if (stopping_) {
      absl::MutexLock lock(&mu_);
      ++result_.not_sent;
      return;
    }
    const LeadCommand& command = lead.commands[i];
    grpc::Status status = SendWithRetry([&] { return SendOnce(command); });
    ++commands_;
    if (status.ok()) {
      if (std::holds_alternative<lv1::RecordEngagementRequest>(command)) ++engagements_;
      continue;
    }
    if (i == 0 && status.error_code() == grpc::StatusCode::ALREADY_EXISTS) {
      absl::StatusOr<size_t> resume = ResumePoint(lead);
      if (resume.ok()) {
        found = true;
        i = *resume - 1;
        continue;
      }
      status =
          grpc::Status(static_cast<grpc::StatusCode>(resume.status().code()), std::string(resume.status().message()));
    }
    Record(Failure{lead.lead_number, lead.line, CommandName(command), RequestIdOf(command), status.error_code(),
                   status.error_message()});
    return;
  }
  absl::MutexLock lock(&mu_);
  ++(found ? result_.found : result_.captured);
  switch (lead.outcome) {
    case Outcome::kHeldOut:
      ++result_.held_out;
      break;
    case Outcome::kConverted:
      ++result_.converted;
      break;
    case Outcome::kDisqualified:
      ++result_.disqualified;
      break;
  }
}

absl::StatusOr<size_t> Importer::ResumePoint(const LeadPlan& lead) {
  lv1::GetLeadRequest request;
  request.set_lead_id(lead.lead_id);
  lv1::GetLeadResponse response;
  const grpc::Status status = SendWithRetry([&] {
    grpc::ClientContext context;
    PrepareContext(options_, &context);
    ++rpcs_;
    return leads_->GetLead(&context, request, &response);
  });
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("exists already, and reading it failed: ", status.error_message()));
  }
  return FirstPendingCommand(response.lead(), lead);
}

template <typename Send>
grpc::Status Importer::SendWithRetry(const Send& send) {
  thread_local absl::BitGen random;
  for (int attempt = 1;; ++attempt) {
    const grpc::Status status = send();
    const bool again =
        !status.ok() && maventech::IsRetryable(status.error_code()) && attempt < options_.retry.max_attempts;
    if (!again || stopping_) return status;
    ++retries_;
    absl::SleepFor(maventech::Backoff(options_.retry, attempt, absl::Uniform(random, 0.5, 1.0)));
  }
}

grpc::Status Importer::SendOnce(const LeadCommand& command) {
  grpc::ClientContext context;
  PrepareContext(options_, &context);
  ++rpcs_;
  return std::visit([&](const auto& request) { return Call(*leads_, &context, request); }, command);
}

grpc::Status Importer::SendOnce(const SetupCommand& command) {
  grpc::ClientContext context;
  PrepareContext(options_, &context);
  ++rpcs_;
  return std::visit([&](const auto& request) { return Call(*opportunities_, &context, request); }, command);
}

void Importer::Record(Failure failure) {
  const grpc::StatusCode code = failure.code;
  const std::string reason =
      absl::StrCat(maventech::StatusCodeName(code), " from ", failure.command, ": ", failure.message);
  {
    absl::MutexLock lock(&mu_);
    if (!failure.lead_number.empty()) ++result_.failed;
    result_.failures.push_back(std::move(failure));
  }
  if (maventech::StopsImport(code)) Stop(reason);
}

void Importer::Stop(const std::string& reason) {
  absl::MutexLock lock(&mu_);
  if (stopping_.exchange(true)) return;
  result_.stopped = reason;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> Connect(const std::string& what, const std::string& target,
                                                       absl::Duration timeout) {
  std::shared_ptr<grpc::Channel> channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + timeout))) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach the ", what, " at ", target, " within ", absl::FormatDuration(timeout)));
  }
  return channel;
}

}  // namespace sfa::tools::xeducation

#ifndef SFA_SERVICES_OPPORTUNITY_COMMANDS_H_
#define SFA_SERVICES_OPPORTUNITY_COMMANDS_H_

// The write side of the opportunity service: every command RPC as "look up the facts, decide, append"
// through the one shared eventstore::CommandRunner, answered with the record as the read model holds it
// right after the commit. Requests are validated before they get here; replies arrive asynchronously
// on an Executor thread, never on the event store's sequencer.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/id_generator.h"
#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "opportunity/aggregates.h"
#include "opportunity/domain/lead_conversion.h"
#include "base/executor.h"
#include "opportunity/lookups.h"
#include "opportunity/queries.h"
#include "server/principal.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity {

template <typename T>
using Reply = std::function<void(absl::StatusOr<T>)>;

class Commands {
 public:
  struct Deps {
    eventstore::EventStore* store;
    eventstore::CommandRunner* runner;
    const Queries* queries;
    base::Executor* executor;
    const base::Clock* clock;
    base::IdGenerator* ids;
  };
  explicit Commands(Deps deps) : deps_(deps), lookups_(deps.store) {}

  using Principal = server::Principal;
  void UpsertUser(const Principal& p, const v1::UpsertUserRequest& r, Reply<v1::UpsertUserResponse> reply);
  void UpsertSalesTeam(const Principal& p, const v1::UpsertSalesTeamRequest& r,
                       Reply<v1::UpsertSalesTeamResponse> reply);
  void DefinePipeline(const Principal& p, const v1::DefinePipelineRequest& r, Reply<v1::DefinePipelineResponse> reply);
  void CreateAccount(const Principal& p, const v1::CreateAccountRequest& r, Reply<v1::CreateAccountResponse> reply);
  void UpdateAccount(const Principal& p, const v1::UpdateAccountRequest& r, Reply<v1::UpdateAccountResponse> reply);
  void CreateContact(const Principal& p, const v1::CreateContactRequest& r, Reply<v1::CreateContactResponse> reply);
  void UpdateContact(const Principal& p, const v1::UpdateContactRequest& r, Reply<v1::UpdateContactResponse> reply);
  void AddContactToOpportunity(const Principal& p, const v1::AddContactToOpportunityRequest& r,
                               Reply<v1::AddContactToOpportunityResponse> reply);
  void RemoveContactFromOpportunity(const Principal& p, const v1::RemoveContactFromOpportunityRequest& r,
                                    Reply<v1::RemoveContactFromOpportunityResponse> reply);
  void CreateOpportunity(const Principal& p, const v1::CreateOpportunityRequest& r,
                         Reply<v1::CreateOpportunityResponse> reply);
  void MoveStage(const Principal& p, const v1::MoveStageRequest& r, Reply<v1::MoveStageResponse> reply);
  void CompleteCriterion(const Principal& p, const v1::CompleteCriterionRequest& r,
                         Reply<v1::CompleteCriterionResponse> reply);
  void UpdateOpportunity(const Principal& p, const v1::UpdateOpportunityRequest& r,
                         Reply<v1::UpdateOpportunityResponse> reply);
  void CloseWon(const Principal& p, const v1::CloseWonRequest& r, Reply<v1::CloseWonResponse> reply);
  void CloseLost(const Principal& p, const v1::CloseLostRequest& r, Reply<v1::CloseLostResponse> reply);
  void Reopen(const Principal& p, const v1::ReopenRequest& r, Reply<v1::ReopenResponse> reply);
  void CreateFromLead(const Principal& p, const v1::CreateFromLeadRequest& r, Reply<v1::CreateFromLeadResponse> reply);
  void LogActivity(const Principal& p, const v1::LogActivityRequest& r, Reply<v1::LogActivityResponse> reply);
  void Comment(const Principal& p, const v1::CommentRequest& r, Reply<v1::CommentResponse> reply);

  // The reaction to the quote service's QuoteAccepted (from the inbox): the quote's net total becomes the
  // opportunity's amount, as actor "system:quote" with request id "quote-accepted:<quote>:<version>", so
  // a second delivery changes nothing.
  void RecordAcceptedQuote(const sfa::common::v1::EventEnvelope& event, std::function<void(absl::Status)> done);

 private:
  // The id of the aggregate a command changed (for a retried request id: the first call's), or why
  // it failed. Called on an Executor thread.
  using IdReply = std::function<void(absl::StatusOr<std::string>)>;
  struct Conversion;

  // Runs `decide` (State -> StatusOr<vector<Event>>) on the aggregate `id` of the caller's tenant.
  template <typename State, typename DecideFn>
  void Execute(const Principal& p, const std::string& id, const std::string& request_id, uint64_t expected_version,
               DecideFn decide, IdReply done);

  // Opportunity commands that need the pipeline version the opportunity is on.
  template <typename DomainCommand, typename Request>
  void RunOnPipeline(const Principal& p, const Request& r, IdReply done);

  // The creates, also run by lead conversion (which records its lead on what it creates).
  void RunCreateAccount(const Principal& p, v1::CreateAccountRequest r, const std::string& lead_id, IdReply done);
  void RunCreateContact(const Principal& p, v1::CreateContactRequest r, const std::string& lead_id, IdReply done);
  void RunCreateOpportunity(const Principal& p, v1::CreateOpportunityRequest r, IdReply done);

  absl::StatusOr<domain::ConversionPlan> PlanConversion(const std::string& tenant,
                                                        const v1::CreateFromLeadRequest& r) const;
  void ConversionStep(std::shared_ptr<Conversion> conversion, int step);
  absl::StatusOr<v1::CreateFromLeadResponse> ConversionResult(const Conversion& conversion) const;

  // Replies with the opportunity view as the response message's `opportunity`.
  template <typename Response>
  IdReply OpportunityReply(const std::string& tenant, Reply<Response> reply) const;

  std::string NewIdUnless(const std::string& given) const { return given.empty() ? deps_.ids->NewId() : given; }
  absl::Time Now() const { return deps_.clock->Now(); }

  Deps deps_;
  Lookups lookups_;
};

}  // namespace sfa::opportunity

#endif  // SFA_SERVICES_OPPORTUNITY_COMMANDS_H_

#ifndef SFA_SERVICES_OPPORTUNITY_OPPORTUNITY_SERVICE_H_
#define SFA_SERVICES_OPPORTUNITY_OPPORTUNITY_SERVICE_H_

// The gRPC adapter of sfa.opportunity.v1.OpportunityService: for every call the principal from the call
// metadata, the request's shape check (domain/validation.h), then a command through the one shared
// CommandRunner (commands.h) or a read of the read models (queries.h), mapped to a grpc::Status.

#include <grpcpp/grpcpp.h>

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/id_generator.h"
#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "opportunity/commands.h"
#include "base/executor.h"
#include "opportunity/queries.h"
#include "server/unary_call.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"

namespace sfa::opportunity {

struct OpportunityServiceOptions {
  // Time of decisions and of "time in stage" in reads; ids of records created without one.
  const base::Clock* clock = &base::SystemClock::Instance();
  base::IdGenerator* ids = &base::RandomIdGenerator::Instance();
  // Threads that finish commands (read the response view) off the event store's sequencer.
  int completion_threads = 2;
};

class OpportunityServiceImpl final : public v1::OpportunityService::CallbackService {
 public:
  // `store` must have the read models of projections/ReadModels and outlive this object.
  explicit OpportunityServiceImpl(eventstore::EventStore* store, OpportunityServiceOptions options = {});
  // Waits until every call it accepted has been answered.
  ~OpportunityServiceImpl() override;

  // The inbox's reaction to a quote event (QuoteAccepted records the amount; others change nothing).
  // Blocks until the command completed; call it from the inbox worker, never from a gRPC thread.
  absl::Status ReactToQuoteEvent(const sfa::common::v1::EventEnvelope& event);

  grpc::ServerUnaryReactor* UpsertUser(grpc::CallbackServerContext* context, const v1::UpsertUserRequest* request,
                                       v1::UpsertUserResponse* response) override;
  grpc::ServerUnaryReactor* GetUser(grpc::CallbackServerContext* context, const v1::GetUserRequest* request,
                                    v1::GetUserResponse* response) override;
  grpc::ServerUnaryReactor* ListUsers(grpc::CallbackServerContext* context, const v1::ListUsersRequest* request,
                                      v1::ListUsersResponse* response) override;
  grpc::ServerUnaryReactor* UpsertSalesTeam(grpc::CallbackServerContext* context,
                                            const v1::UpsertSalesTeamRequest* request,
                                            v1::UpsertSalesTeamResponse* response) override;
  grpc::ServerUnaryReactor* GetSalesTeam(grpc::CallbackServerContext* context, const v1::GetSalesTeamRequest* request,
                                         v1::GetSalesTeamResponse* response) override;
  grpc::ServerUnaryReactor* ListSalesTeams(grpc::CallbackServerContext* context,
                                           const v1::ListSalesTeamsRequest* request,
                                           v1::ListSalesTeamsResponse* response) override;
  grpc::ServerUnaryReactor* DefinePipeline(grpc::CallbackServerContext* context,
                                           const v1::DefinePipelineRequest* request,
                                           v1::DefinePipelineResponse* response) override;
  grpc::ServerUnaryReactor* GetPipeline(grpc::CallbackServerContext* context, const v1::GetPipelineRequest* request,
                                        v1::GetPipelineResponse* response) override;
  grpc::ServerUnaryReactor* ListPipelines(grpc::CallbackServerContext* context, const v1::ListPipelinesRequest* request,
                                          v1::ListPipelinesResponse* response) override;
  grpc::ServerUnaryReactor* CreateAccount(grpc::CallbackServerContext* context, const v1::CreateAccountRequest* request,
                                          v1::CreateAccountResponse* response) override;
  grpc::ServerUnaryReactor* UpdateAccount(grpc::CallbackServerContext* context, const v1::UpdateAccountRequest* request,
                                          v1::UpdateAccountResponse* response) override;
  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* context, const v1::GetAccountRequest* request,
                                       v1::GetAccountResponse* response) override;
  grpc::ServerUnaryReactor* GetAccountTree(grpc::CallbackServerContext* context,
                                           const v1::GetAccountTreeRequest* request,
                                           v1::GetAccountTreeResponse* response) override;
  grpc::ServerUnaryReactor* ListAccounts(grpc::CallbackServerContext* context, const v1::ListAccountsRequest* request,
                                         v1::ListAccountsResponse* response) override;
  grpc::ServerUnaryReactor* CreateContact(grpc::CallbackServerContext* context, const v1::CreateContactRequest* request,
                                          v1::CreateContactResponse* response) override;
  grpc::ServerUnaryReactor* UpdateContact(grpc::CallbackServerContext* context, const v1::UpdateContactRequest* request,
                                          v1::UpdateContactResponse* response) override;
  grpc::ServerUnaryReactor* GetContact(grpc::CallbackServerContext* context, const v1::GetContactRequest* request,
                                       v1::GetContactResponse* response) override;
  grpc::ServerUnaryReactor* ListContacts(grpc::CallbackServerContext* context, const v1::ListContactsRequest* request,
                                         v1::ListContactsResponse* response) override;
  grpc::ServerUnaryReactor* AddContactToOpportunity(grpc::CallbackServerContext* context,
                                                    const v1::AddContactToOpportunityRequest* request,
                                                    v1::AddContactToOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* RemoveContactFromOpportunity(grpc::CallbackServerContext* context,
                                                         const v1::RemoveContactFromOpportunityRequest* request,
                                                         v1::RemoveContactFromOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* GetPowerMap(grpc::CallbackServerContext* context, const v1::GetPowerMapRequest* request,
                                        v1::GetPowerMapResponse* response) override;
  grpc::ServerUnaryReactor* CreateOpportunity(grpc::CallbackServerContext* context,
                                              const v1::CreateOpportunityRequest* request,
                                              v1::CreateOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* MoveStage(grpc::CallbackServerContext* context, const v1::MoveStageRequest* request,
                                      v1::MoveStageResponse* response) override;
  grpc::ServerUnaryReactor* CompleteCriterion(grpc::CallbackServerContext* context,
                                              const v1::CompleteCriterionRequest* request,
                                              v1::CompleteCriterionResponse* response) override;
  grpc::ServerUnaryReactor* UpdateOpportunity(grpc::CallbackServerContext* context,
                                              const v1::UpdateOpportunityRequest* request,
                                              v1::UpdateOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* CloseWon(grpc::CallbackServerContext* context, const v1::CloseWonRequest* request,
                                     v1::CloseWonResponse* response) override;
  grpc::ServerUnaryReactor* CloseLost(grpc::CallbackServerContext* context, const v1::CloseLostRequest* request,
                                      v1::CloseLostResponse* response) override;
  grpc::ServerUnaryReactor* Reopen(grpc::CallbackServerContext* context, const v1::ReopenRequest* request,
                                   v1::ReopenResponse* response) override;
  grpc::ServerUnaryReactor* GetOpportunity(grpc::CallbackServerContext* context,
                                           const v1::GetOpportunityRequest* request,
                                           v1::GetOpportunityResponse* response) override;
  grpc::ServerUnaryReactor* ListOpportunities(grpc::CallbackServerContext* context,
                                              const v1::ListOpportunitiesRequest* request,
                                              v1::ListOpportunitiesResponse* response) override;
  grpc::ServerUnaryReactor* CreateFromLead(grpc::CallbackServerContext* context,
                                           const v1::CreateFromLeadRequest* request,
                                           v1::CreateFromLeadResponse* response) override;
  grpc::ServerUnaryReactor* LogActivity(grpc::CallbackServerContext* context, const v1::LogActivityRequest* request,
                                        v1::LogActivityResponse* response) override;
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* context, const v1::GetActivityRequest* request,
                                        v1::GetActivityResponse* response) override;
  grpc::ServerUnaryReactor* ListActivities(grpc::CallbackServerContext* context,
                                           const v1::ListActivitiesRequest* request,
                                           v1::ListActivitiesResponse* response) override;
  grpc::ServerUnaryReactor* Comment(grpc::CallbackServerContext* context, const v1::CommentRequest* request,
                                    v1::CommentResponse* response) override;
  grpc::ServerUnaryReactor* ListComments(grpc::CallbackServerContext* context, const v1::ListCommentsRequest* request,
                                         v1::ListCommentsResponse* response) override;

 private:
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Request* request, Response* response,
                                  Handler handler);
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* RunCommand(grpc::CallbackServerContext* context, const Request* request, Response* response,
                                       void (Commands::*method)(const server::Principal&, const Request&,
                                                                Reply<Response>));
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* RunQuery(grpc::CallbackServerContext* context, const Request* request, Response* response,
                                     absl::StatusOr<Response> (Queries::*method)(const std::string&, const Request&)
                                         const);

  Queries queries_;
  // Declared before the runner: the runner's completions post here until the runner is gone.
  base::Executor executor_;
  eventstore::CommandRunner runner_;
  Commands commands_;

  server::CallTracker calls_;
};

}  // namespace sfa::opportunity

#endif  // SFA_SERVICES_OPPORTUNITY_OPPORTUNITY_SERVICE_H_

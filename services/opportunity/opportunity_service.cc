#include "opportunity/opportunity_service.h"

#include <utility>

#include "absl/synchronization/notification.h"
#include "opportunity/domain/validation.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "server/grpc_status.h"
#include "server/principal.h"

namespace sfa::opportunity {
namespace {

// A response holding one view, or the view's error.
template <typename Response, typename Row>
absl::StatusOr<Response> Wrapped(absl::StatusOr<Row> row, Row* (Response::*field)()) {
  if (!row.ok()) return row.status();
  Response response;
  *(response.*field)() = *std::move(row);
  return response;
}

}  // namespace

OpportunityServiceImpl::OpportunityServiceImpl(eventstore::EventStore* store, OpportunityServiceOptions options)
    : queries_(store, options.clock),
      executor_(options.completion_threads),
      runner_(store),
      commands_({store, &runner_, &queries_, &executor_, options.clock, options.ids}) {}

OpportunityServiceImpl::~OpportunityServiceImpl() { calls_.WaitIdle(); }

absl::Status OpportunityServiceImpl::ReactToQuoteEvent(const sfa::common::v1::EventEnvelope& event) {
  if (event.payload_type() != sfa::quote::v1::QuoteAccepted::descriptor()->full_name()) return absl::OkStatus();
  absl::Notification finished;
  absl::Status result;
  commands_.RecordAcceptedQuote(event, [&](absl::Status status) {
    result = std::move(status);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* OpportunityServiceImpl::Serve(grpc::CallbackServerContext* context, const Request* request,
                                                        Response* response, Handler handler) {
  return server::ServeUnary(
      context, request, response, calls_, [](const Request& r) { return domain::Validate(r); }, std::move(handler));
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* OpportunityServiceImpl::RunCommand(
    grpc::CallbackServerContext* context, const Request* request, Response* response,
    void (Commands::*method)(const server::Principal&, const Request&, Reply<Response>)) {
  return Serve(context, request, response,
               [this, method](const server::Principal& p, const Request& r, Reply<Response> reply) {
                 (commands_.*method)(p, r, std::move(reply));
               });
}

template <typename Request, typename Response>
grpc::ServerUnaryReactor* OpportunityServiceImpl::RunQuery(
    grpc::CallbackServerContext* context, const Request* request, Response* response,
    absl::StatusOr<Response> (Queries::*method)(const std::string&, const Request&) const) {
  return Serve(context, request, response,
               [this, method](const server::Principal& p, const Request& r, Reply<Response> reply) {
                 reply((queries_.*method)(p.tenant, r));
               });
}

// ---------------------------------------------------------------------------------------------------
// The RPCs, in the order of opportunity_service.proto.

grpc::ServerUnaryReactor* OpportunityServiceImpl::UpsertUser(grpc::CallbackServerContext* context,
                                                             const v1::UpsertUserRequest* request,
                                                             v1::UpsertUserResponse* response) {
  return RunCommand(context, request, response, &Commands::UpsertUser);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetUser(grpc::CallbackServerContext* context,
                                                          const v1::GetUserRequest* request,
                                                          v1::GetUserResponse* response) {
  return Serve(
      context, request, response,
      [this](const server::Principal& p, const v1::GetUserRequest& r, Reply<v1::GetUserResponse> reply) {
        reply(Wrapped<v1::GetUserResponse>(queries_.User(p.tenant, r.user_id()), &v1::GetUserResponse::mutable_user));
      });
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListUsers(grpc::CallbackServerContext* context,
                                                            const v1::ListUsersRequest* request,
                                                            v1::ListUsersResponse* response) {
  return RunQuery(context, request, response, &Queries::ListUsers);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::UpsertSalesTeam(grpc::CallbackServerContext* context,
                                                                  const v1::UpsertSalesTeamRequest* request,
                                                                  v1::UpsertSalesTeamResponse* response) {
  return RunCommand(context, request, response, &Commands::UpsertSalesTeam);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetSalesTeam(grpc::CallbackServerContext* context,
                                                               const v1::GetSalesTeamRequest* request,
                                                               v1::GetSalesTeamResponse* response) {
  return Serve(
      context, request, response,
      [this](const server::Principal& p, const v1::GetSalesTeamRequest& r, Reply<v1::GetSalesTeamResponse> reply) {
        reply(Wrapped<v1::GetSalesTeamResponse>(queries_.Team(p.tenant, r.team_id()),
                                                &v1::GetSalesTeamResponse::mutable_sales_team));
      });
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListSalesTeams(grpc::CallbackServerContext* context,
                                                                 const v1::ListSalesTeamsRequest* request,
                                                                 v1::ListSalesTeamsResponse* response) {
  return RunQuery(context, request, response, &Queries::ListSalesTeams);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::DefinePipeline(grpc::CallbackServerContext* context,
                                                                 const v1::DefinePipelineRequest* request,
                                                                 v1::DefinePipelineResponse* response) {
  return RunCommand(context, request, response, &Commands::DefinePipeline);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetPipeline(grpc::CallbackServerContext* context,
                                                              const v1::GetPipelineRequest* request,
                                                              v1::GetPipelineResponse* response) {
  return Serve(
      context, request, response,
      [this](const server::Principal& p, const v1::GetPipelineRequest& r, Reply<v1::GetPipelineResponse> reply) {
        reply(Wrapped<v1::GetPipelineResponse>(queries_.Pipeline(p.tenant, r.pipeline_id(), r.pipeline_version()),
                                               &v1::GetPipelineResponse::mutable_pipeline));
      });
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListPipelines(grpc::CallbackServerContext* context,
                                                                const v1::ListPipelinesRequest* request,
                                                                v1::ListPipelinesResponse* response) {
  return RunQuery(context, request, response, &Queries::ListPipelines);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::CreateAccount(grpc::CallbackServerContext* context,
                                                                const v1::CreateAccountRequest* request,
                                                                v1::CreateAccountResponse* response) {
  return RunCommand(context, request, response, &Commands::CreateAccount);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::UpdateAccount(grpc::CallbackServerContext* context,
                                                                const v1::UpdateAccountRequest* request,
                                                                v1::UpdateAccountResponse* response) {
  return RunCommand(context, request, response, &Commands::UpdateAccount);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetAccount(grpc::CallbackServerContext* context,
                                                             const v1::GetAccountRequest* request,
                                                             v1::GetAccountResponse* response) {
  return RunQuery(context, request, response, &Queries::GetAccount);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetAccountTree(grpc::CallbackServerContext* context,
                                                                 const v1::GetAccountTreeRequest* request,
                                                                 v1::GetAccountTreeResponse* response) {
  return RunQuery(context, request, response, &Queries::GetAccountTree);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListAccounts(grpc::CallbackServerContext* context,
                                                               const v1::ListAccountsRequest* request,
                                                               v1::ListAccountsResponse* response) {
  return RunQuery(context, request, response, &Queries::ListAccounts);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::CreateContact(grpc::CallbackServerContext* context,
                                                                const v1::CreateContactRequest* request,
                                                                v1::CreateContactResponse* response) {
  return RunCommand(context, request, response, &Commands::CreateContact);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::UpdateContact(grpc::CallbackServerContext* context,
                                                                const v1::UpdateContactRequest* request,
                                                                v1::UpdateContactResponse* response) {
  return RunCommand(context, request, response, &Commands::UpdateContact);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetContact(grpc::CallbackServerContext* context,
                                                             const v1::GetContactRequest* request,
                                                             v1::GetContactResponse* response) {
  return Serve(context, request, response,
               [this](const server::Principal& p, const v1::GetContactRequest& r, Reply<v1::GetContactResponse> reply) {
                 reply(Wrapped<v1::GetContactResponse>(queries_.Contact(p.tenant, r.contact_id()),
                                                       &v1::GetContactResponse::mutable_contact));
               });
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListContacts(grpc::CallbackServerContext* context,
                                                               const v1::ListContactsRequest* request,
                                                               v1::ListContactsResponse* response) {
  return RunQuery(context, request, response, &Queries::ListContacts);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::AddContactToOpportunity(
    grpc::CallbackServerContext* context, const v1::AddContactToOpportunityRequest* request,
    v1::AddContactToOpportunityResponse* response) {
  return RunCommand(context, request, response, &Commands::AddContactToOpportunity);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::RemoveContactFromOpportunity(
    grpc::CallbackServerContext* context, const v1::RemoveContactFromOpportunityRequest* request,
    v1::RemoveContactFromOpportunityResponse* response) {
  return RunCommand(context, request, response, &Commands::RemoveContactFromOpportunity);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetPowerMap(grpc::CallbackServerContext* context,
                                                              const v1::GetPowerMapRequest* request,
                                                              v1::GetPowerMapResponse* response) {
  return RunQuery(context, request, response, &Queries::GetPowerMap);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::CreateOpportunity(grpc::CallbackServerContext* context,
                                                                    const v1::CreateOpportunityRequest* request,
                                                                    v1::CreateOpportunityResponse* response) {
  return RunCommand(context, request, response, &Commands::CreateOpportunity);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::MoveStage(grpc::CallbackServerContext* context,
                                                            const v1::MoveStageRequest* request,
                                                            v1::MoveStageResponse* response) {
  return RunCommand(context, request, response, &Commands::MoveStage);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::CompleteCriterion(grpc::CallbackServerContext* context,
                                                                    const v1::CompleteCriterionRequest* request,
                                                                    v1::CompleteCriterionResponse* response) {
  return RunCommand(context, request, response, &Commands::CompleteCriterion);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::UpdateOpportunity(grpc::CallbackServerContext* context,
                                                                    const v1::UpdateOpportunityRequest* request,
                                                                    v1::UpdateOpportunityResponse* response) {
  return RunCommand(context, request, response, &Commands::UpdateOpportunity);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::CloseWon(grpc::CallbackServerContext* context,
                                                           const v1::CloseWonRequest* request,
                                                           v1::CloseWonResponse* response) {
  return RunCommand(context, request, response, &Commands::CloseWon);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::CloseLost(grpc::CallbackServerContext* context,
                                                            const v1::CloseLostRequest* request,
                                                            v1::CloseLostResponse* response) {
  return RunCommand(context, request, response, &Commands::CloseLost);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::Reopen(grpc::CallbackServerContext* context,
                                                         const v1::ReopenRequest* request,
                                                         v1::ReopenResponse* response) {
  return RunCommand(context, request, response, &Commands::Reopen);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetOpportunity(grpc::CallbackServerContext* context,
                                                                 const v1::GetOpportunityRequest* request,
                                                                 v1::GetOpportunityResponse* response) {
  return Serve(
      context, request, response,
      [this](const server::Principal& p, const v1::GetOpportunityRequest& r, Reply<v1::GetOpportunityResponse> reply) {
        reply(Wrapped<v1::GetOpportunityResponse>(queries_.Opportunity(p.tenant, r.opportunity_id()),
                                                  &v1::GetOpportunityResponse::mutable_opportunity));
      });
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListOpportunities(grpc::CallbackServerContext* context,
                                                                    const v1::ListOpportunitiesRequest* request,
                                                                    v1::ListOpportunitiesResponse* response) {
  return RunQuery(context, request, response, &Queries::ListOpportunities);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::CreateFromLead(grpc::CallbackServerContext* context,
                                                                 const v1::CreateFromLeadRequest* request,
                                                                 v1::CreateFromLeadResponse* response) {
  return RunCommand(context, request, response, &Commands::CreateFromLead);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::LogActivity(grpc::CallbackServerContext* context,
                                                              const v1::LogActivityRequest* request,
                                                              v1::LogActivityResponse* response) {
  return RunCommand(context, request, response, &Commands::LogActivity);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::GetActivity(grpc::CallbackServerContext* context,
                                                              const v1::GetActivityRequest* request,
                                                              v1::GetActivityResponse* response) {
  return Serve(
      context, request, response,
      [this](const server::Principal& p, const v1::GetActivityRequest& r, Reply<v1::GetActivityResponse> reply) {
        reply(Wrapped<v1::GetActivityResponse>(queries_.Activity(p.tenant, r.activity_id()),
                                               &v1::GetActivityResponse::mutable_activity));
      });
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListActivities(grpc::CallbackServerContext* context,
                                                                 const v1::ListActivitiesRequest* request,
                                                                 v1::ListActivitiesResponse* response) {
  return RunQuery(context, request, response, &Queries::ListActivities);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::Comment(grpc::CallbackServerContext* context,
                                                          const v1::CommentRequest* request,
                                                          v1::CommentResponse* response) {
  return RunCommand(context, request, response, &Commands::Comment);
}

grpc::ServerUnaryReactor* OpportunityServiceImpl::ListComments(grpc::CallbackServerContext* context,
                                                               const v1::ListCommentsRequest* request,
                                                               v1::ListCommentsResponse* response) {
  return RunQuery(context, request, response, &Queries::ListComments);
}

}  // namespace sfa::opportunity

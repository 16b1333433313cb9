#include "lead/lead_service.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "lead/aggregates.h"
#include "lead/domain/validation.h"
#include "server/grpc_status.h"

namespace sfa::lead {
namespace {

using server::Principal;

eventstore::StreamId StreamOf(const Principal& p, const char* type, const std::string& id) {
  return {p.tenant, type, id};
}

}  // namespace

LeadServiceImpl::LeadServiceImpl(eventstore::EventStore* store, LeadServiceOptions options)
    : store_(store),
      options_(std::move(options)),
      queries_(store, &runner_, options_.clock),
      executor_(options_.completion_threads),
      runner_(store) {
  absl::StatusOr<std::vector<std::string>> tenants = queries_.TenantsWithOutcomes();
  trainer_ = std::make_unique<ModelTrainer>(
      [this](const std::string& tenant) { return queries_.Outcomes(tenant); },
      tenants.ok() ? *std::move(tenants) : std::vector<std::string>(), options_.trainer);
  queries_.set_trainer(trainer_.get());
}

LeadServiceImpl::~LeadServiceImpl() { calls_.WaitIdle(); }

void LeadServiceImpl::Serialized(const std::string& key, std::function<void(std::function<void()>)> work) {
  auto start = std::make_shared<std::function<void()>>();
  std::function<void()> release = [this, key] {
    std::function<void()> next;
    {
      absl::MutexLock lock(&mu_);
      auto it = serialized_.find(key);
      it->second.pop_front();
      if (it->second.empty()) {
        serialized_.erase(it);
        return;
      }
      next = it->second.front();
    }
    executor_.Post(std::move(next));
  };
  std::function<void()> run = [work = std::move(work), release = std::move(release)] { work(release); };
  {
    absl::MutexLock lock(&mu_);
    std::deque<std::function<void()>>& queue = serialized_[key];
    queue.push_back(run);
    if (queue.size() > 1) return;  // starts when the one before releases
  }
  run();
}

template <typename Request, typename Response, typename Handler>
grpc::ServerUnaryReactor* LeadServiceImpl::Serve(grpc::CallbackServerContext* context, const Request* request,
                                                 Response* response, Handler handler) {
  return server::ServeUnary(
      context, request, response, calls_,
      [](const Request& r) -> absl::Status {
        if constexpr (requires { domain::Validate(r); }) {
          return domain::Validate(r);
        } else {
          return absl::OkStatus();  // nothing to check: the request has no fields
        }
      },
      std::move(handler));
}

template <typename State, typename Decide>
void LeadServiceImpl::Execute(const Principal& p, const std::string& id, const std::string& request_id,
                              uint64_t expected_version, Decide decide, Done<State> done) {
  eventstore::Command<State> command;
  command.stream = StreamOf(p, Aggregate<State>::kType, id);
  command.context.request_id = request_id;
  command.context.actor = p.user;
  command.context.correlation_id = request_id;
  command.expected_version = expected_version == 0 ? eventstore::kAnyVersion : static_cast<int64_t>(expected_version);
  command.evolve = EvolveEnvelope<State>;
  command.decide = [decide = std::move(decide)](const State& state,
                                                uint64_t) -> absl::StatusOr<std::vector<eventstore::NewEvent>> {
    auto events = decide(state);
    if (!events.ok()) return events.status();
    return ToNewEvents(*events);
  };
  runner_.Run<State>(std::move(command),
                     [this, type = std::string(Aggregate<State>::kType), request_id,
                      done = std::move(done)](absl::StatusOr<eventstore::CommandResult<State>> result) mutable {
                       // A request id first used for another kind of record is not this command's answer.
                       if (result.ok() && result->append.stream.type != type) {
                         result = absl::AlreadyExistsError(absl::StrCat("request_id ", request_id,
                                                                        " was already used for a ",
                                                                        result->append.stream.type, " command"));
                       }
                       executor_.Post([done = std::move(done), result = std::move(result)]() mutable {
                         done(std::move(result));
                       });
                     });
}

template <typename Response, typename Decide>
void LeadServiceImpl::ExecuteOnLead(const Principal& p, const std::string& lead_id, const std::string& request_id,
                                    uint64_t expected_version, Decide decide, Reply<Response> reply) {
  Execute<domain::LeadState>(
      p, lead_id, request_id, expected_version, std::move(decide),
      [this, tenant = p.tenant, reply = std::move(reply)](
          absl::StatusOr<eventstore::CommandResult<domain::LeadState>> result) {
        if (!result.ok()) return reply(result.status());
        absl::StatusOr<v1::Lead> lead = queries_.Lead(tenant, result->append.stream.id);
        if (!lead.ok()) return reply(lead.status());
        Response response;
        *response.mutable_lead() = *std::move(lead);
        reply(std::move(response));
      });
}

// ---------------------------------------------------------------------------------------------------
// Capture and de-duplication

grpc::ServerUnaryReactor* LeadServiceImpl::CaptureLead(grpc::CallbackServerContext* context,
                                                       const v1::CaptureLeadRequest* request,
                                                       v1::CaptureLeadResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::CaptureLeadRequest& r, Reply<v1::CaptureLeadResponse> reply) {
                 domain::CaptureLead command{r};
                 if (command.request.lead_id().empty()) command.request.set_lead_id(options_.ids->NewId());
                 const std::string& campaign_id = r.source().campaign_id();
                 if (!campaign_id.empty()) {
                   auto campaign = runner_.Load<domain::CampaignState>(
                       StreamOf(p, domain::kCampaignAggregate, campaign_id), EvolveEnvelope<domain::CampaignState>);
                   if (!campaign.ok()) return reply(campaign.status());
                   command.campaign_exists = campaign->first.exists;
                 }
                 absl::StatusOr<domain::DuplicateCandidate> duplicate =
                     queries_.FindDuplicate(p.tenant, command.request.lead_id(), r.person(), r.company());
                 if (!duplicate.ok()) return reply(duplicate.status());
                 command.duplicate = *std::move(duplicate);
                 command.now = options_.clock->Now();
                 const std::string lead_id = command.request.lead_id();
                 Execute<domain::LeadState>(
                     p, lead_id, r.request_id(), 0,
                     [command = std::move(command)](const domain::LeadState& state) {
                       return domain::Decide(state, command);
                     },
                     [this, tenant = p.tenant, reply = std::move(reply)](
                         absl::StatusOr<eventstore::CommandResult<domain::LeadState>> result) {
                       if (!result.ok()) return reply(result.status());
                       absl::StatusOr<v1::Lead> lead = queries_.Lead(tenant, result->append.stream.id);
                       if (!lead.ok()) return reply(lead.status());
                       v1::CaptureLeadResponse response;
                       response.set_duplicate_of(lead->duplicate_of());
                       response.set_duplicate_match(lead->duplicate_match());
                       *response.mutable_lead() = *std::move(lead);
                       reply(std::move(response));
                     });
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::MergeLeads(grpc::CallbackServerContext* context,
                                                      const v1::MergeLeadsRequest* request,
                                                      v1::MergeLeadsResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::MergeLeadsRequest& r, Reply<v1::MergeLeadsResponse> reply) {
                 Merge(p, r, std::move(reply));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::RecordEngagement(grpc::CallbackServerContext* context,
                                                            const v1::RecordEngagementRequest* request,
                                                            v1::RecordEngagementResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::RecordEngagementRequest& r,
                      Reply<v1::RecordEngagementResponse> reply) {
                 domain::RecordEngagement command{r, options_.clock->Now()};
                 if (command.request.count() == 0) command.request.set_count(1);
                 ExecuteOnLead<v1::RecordEngagementResponse>(
                     p, r.lead_id(), r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::LeadState& s) { return domain::Decide(s, command); },
                     std::move(reply));
               });
}

// ---------------------------------------------------------------------------------------------------
// Campaigns

namespace {

template <typename Response>
LeadServiceImpl::Done<domain::CampaignState> CampaignReply(const Queries* queries, std::string tenant,
                                                           LeadServiceImpl::Reply<Response> reply) {
  return [queries, tenant = std::move(tenant),
          reply = std::move(reply)](absl::StatusOr<eventstore::CommandResult<domain::CampaignState>> result) {
    if (!result.ok()) return reply(result.status());
    absl::StatusOr<v1::Campaign> campaign = queries->Campaign(tenant, result->append.stream.id);
    if (!campaign.ok()) return reply(campaign.status());
    Response response;
    *response.mutable_campaign() = *std::move(campaign);
    reply(std::move(response));
  };
}

}  // namespace

grpc::ServerUnaryReactor* LeadServiceImpl::UpsertCampaign(grpc::CallbackServerContext* context,
                                                          const v1::UpsertCampaignRequest* request,
                                                          v1::UpsertCampaignResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::UpsertCampaignRequest& r,
                      Reply<v1::UpsertCampaignResponse> reply) {
                 domain::UpsertCampaign command{r, options_.clock->Now()};
                 if (command.request.campaign_id().empty()) command.request.set_campaign_id(options_.ids->NewId());
                 const std::string id = command.request.campaign_id();
                 Execute<domain::CampaignState>(
                     p, id, r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::CampaignState& s) {
                       return domain::Decide(s, command);
                     },
                     CampaignReply<v1::UpsertCampaignResponse>(&queries_, p.tenant, std::move(reply)));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::RecordCampaignCost(grpc::CallbackServerContext* context,
                                                              const v1::RecordCampaignCostRequest* request,
                                                              v1::RecordCampaignCostResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::RecordCampaignCostRequest& r,
                      Reply<v1::RecordCampaignCostResponse> reply) {
                 domain::RecordCampaignCost command{r, options_.clock->Now()};
                 Execute<domain::CampaignState>(
                     p, r.campaign_id(), r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::CampaignState& s) {
                       return domain::Decide(s, command);
                     },
                     CampaignReply<v1::RecordCampaignCostResponse>(&queries_, p.tenant, std::move(reply)));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetCampaign(grpc::CallbackServerContext* context,
                                                       const v1::GetCampaignRequest* request,
                                                       v1::GetCampaignResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::GetCampaignRequest& r, Reply<v1::GetCampaignResponse> reply) {
                 absl::StatusOr<v1::Campaign> campaign = queries_.Campaign(p.tenant, r.campaign_id());
                 if (!campaign.ok()) return reply(campaign.status());
                 v1::GetCampaignResponse out;
                 *out.mutable_campaign() = *std::move(campaign);
                 reply(std::move(out));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListCampaigns(grpc::CallbackServerContext* context,
                                                         const v1::ListCampaignsRequest* request,
                                                         v1::ListCampaignsResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::ListCampaignsRequest& r, Reply<v1::ListCampaignsResponse> reply) {
                 reply(queries_.ListCampaigns(p.tenant, r));
               });
}

// ---------------------------------------------------------------------------------------------------
// Scoring

grpc::ServerUnaryReactor* LeadServiceImpl::DefineScoringModel(grpc::CallbackServerContext* context,
                                                              const v1::DefineScoringModelRequest* request,
                                                              v1::DefineScoringModelResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::DefineScoringModelRequest& r,
                      Reply<v1::DefineScoringModelResponse> reply) {
                 domain::DefineScoringModel command{r, options_.clock->Now()};
                 Execute<domain::ScoringModelState>(
                     p, domain::kSingletonId, r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::ScoringModelState& s) {
                       return domain::Decide(s, command);
                     },
                     [reply = std::move(reply)](
                         absl::StatusOr<eventstore::CommandResult<domain::ScoringModelState>> result) {
                       if (!result.ok()) return reply(result.status());
                       v1::DefineScoringModelResponse out;
                       out.set_model_version(result->state.model_version);
                       *out.mutable_model() = result->state.model;
                       reply(std::move(out));
                     });
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetScoringModel(grpc::CallbackServerContext* context,
                                                           const v1::GetScoringModelRequest* request,
                                                           v1::GetScoringModelResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::GetScoringModelRequest&,
                      Reply<v1::GetScoringModelResponse> reply) { reply(queries_.ScoringModel(p.tenant)); });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetScoringModelStats(grpc::CallbackServerContext* context,
                                                                const v1::GetScoringModelStatsRequest* request,
                                                                v1::GetScoringModelStatsResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::GetScoringModelStatsRequest&,
                      Reply<v1::GetScoringModelStatsResponse> reply) { reply(queries_.ModelStats(p.tenant)); });
}

// ---------------------------------------------------------------------------------------------------
// Assignment

grpc::ServerUnaryReactor* LeadServiceImpl::DefineAssignmentRules(grpc::CallbackServerContext* context,
                                                                 const v1::DefineAssignmentRulesRequest* request,
                                                                 v1::DefineAssignmentRulesResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::DefineAssignmentRulesRequest& r,
                      Reply<v1::DefineAssignmentRulesResponse> reply) {
                 domain::DefineAssignmentRules command{r, options_.clock->Now()};
                 Execute<domain::AssignmentRulesState>(
                     p, domain::kSingletonId, r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::AssignmentRulesState& s) {
                       return domain::Decide(s, command);
                     },
                     [reply = std::move(reply)](
                         absl::StatusOr<eventstore::CommandResult<domain::AssignmentRulesState>> result) {
                       if (!result.ok()) return reply(result.status());
                       v1::DefineAssignmentRulesResponse out;
                       out.set_rules_version(result->state.rules.rules_version());
                       reply(std::move(out));
                     });
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetAssignmentRules(grpc::CallbackServerContext* context,
                                                              const v1::GetAssignmentRulesRequest* request,
                                                              v1::GetAssignmentRulesResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::GetAssignmentRulesRequest&,
                      Reply<v1::GetAssignmentRulesResponse> reply) { reply(queries_.AssignmentRules(p.tenant)); });
}

grpc::ServerUnaryReactor* LeadServiceImpl::AssignLead(grpc::CallbackServerContext* context,
                                                      const v1::AssignLeadRequest* request,
                                                      v1::AssignLeadResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::AssignLeadRequest& r, Reply<v1::AssignLeadResponse> reply) {
                 if (r.user_id().empty()) return AssignByRules(p, r, std::move(reply));
                 // By hand: a manager's override, outside the rules and the capacities.
                 domain::AssignLead command{r, r.user_id(), p.team, v1::ASSIGNMENT_METHOD_MANUAL};
                 command.now = options_.clock->Now();
                 Assign(p, r, std::move(command), std::move(reply), [] {});
               });
}

// ---------------------------------------------------------------------------------------------------
// Status and conversion

grpc::ServerUnaryReactor* LeadServiceImpl::ChangeLeadStatus(grpc::CallbackServerContext* context,
                                                            const v1::ChangeLeadStatusRequest* request,
                                                            v1::ChangeLeadStatusResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::ChangeLeadStatusRequest& r,
                      Reply<v1::ChangeLeadStatusResponse> reply) {
                 domain::ChangeLeadStatus command{r, options_.clock->Now()};
                 ExecuteOnLead<v1::ChangeLeadStatusResponse>(
                     p, r.lead_id(), r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::LeadState& s) { return domain::Decide(s, command); },
                     std::move(reply));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::QualifyLead(grpc::CallbackServerContext* context,
                                                       const v1::QualifyLeadRequest* request,
                                                       v1::QualifyLeadResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::QualifyLeadRequest& r, Reply<v1::QualifyLeadResponse> reply) {
                 domain::QualifyLead command{r, options_.clock->Now()};
                 ExecuteOnLead<v1::QualifyLeadResponse>(
                     p, r.lead_id(), r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::LeadState& s) { return domain::Decide(s, command); },
                     std::move(reply));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::DisqualifyLead(grpc::CallbackServerContext* context,
                                                          const v1::DisqualifyLeadRequest* request,
                                                          v1::DisqualifyLeadResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::DisqualifyLeadRequest& r,
                      Reply<v1::DisqualifyLeadResponse> reply) {
                 domain::DisqualifyLead command{r, options_.clock->Now()};
                 ExecuteOnLead<v1::DisqualifyLeadResponse>(
                     p, r.lead_id(), r.request_id(), r.expected_version(),
                     [command = std::move(command)](const domain::LeadState& s) { return domain::Decide(s, command); },
                     [this, tenant = p.tenant, reply = std::move(reply)](absl::StatusOr<v1::DisqualifyLeadResponse> out) {
                       if (out.ok()) trainer_->Notify(tenant);
                       reply(std::move(out));
                     });
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ConvertLead(grpc::CallbackServerContext* context,
                                                       const v1::ConvertLeadRequest* request,
                                                       v1::ConvertLeadResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::ConvertLeadRequest& r, Reply<v1::ConvertLeadResponse> reply) {
                 Convert(p, r, std::move(reply));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::GetLead(grpc::CallbackServerContext* context,
                                                   const v1::GetLeadRequest* request, v1::GetLeadResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::GetLeadRequest& r, Reply<v1::GetLeadResponse> reply) {
                 absl::StatusOr<v1::Lead> lead = queries_.Lead(p.tenant, r.lead_id());
                 if (!lead.ok()) return reply(lead.status());
                 v1::GetLeadResponse out;
                 *out.mutable_lead() = *std::move(lead);
                 reply(std::move(out));
               });
}

grpc::ServerUnaryReactor* LeadServiceImpl::ListLeads(grpc::CallbackServerContext* context,
                                                     const v1::ListLeadsRequest* request,
                                                     v1::ListLeadsResponse* response) {
  return Serve(context, request, response,
               [this](const Principal& p, const v1::ListLeadsRequest& r, Reply<v1::ListLeadsResponse> reply) {
                 reply(queries_.ListLeads(p.tenant, r));
               });
}

// ---------------------------------------------------------------------------------------------------
// The commands of more than one step: rule assignment, conversion, merge.

void LeadServiceImpl::AssignByRules(const Principal& p, const v1::AssignLeadRequest& r,
                                    Reply<v1::AssignLeadResponse> reply) {
  auto lead = runner_.Load<domain::LeadState>(StreamOf(p, domain::kLeadAggregate, r.lead_id()),
                                              EvolveEnvelope<domain::LeadState>);
  if (!lead.ok()) return reply(lead.status());
  const domain::LeadState& state = lead->first;
  // The lead's own refusals (not found, merged, closed) come before anything the rules would say.
  const absl::Time now = options_.clock->Now();
  if (auto writable = domain::Decide(state, domain::AssignLead{r, "", "", v1::ASSIGNMENT_METHOD_RULE, "", 0, 0, now});
      !writable.ok()) {
    return reply(writable.status());
  }
  absl::StatusOr<domain::AssignmentRulesState> rules = queries_.AssignmentRulesState(p.tenant);
  if (!rules.ok()) return reply(rules.status());
  if (rules->rules.rules_version() == 0) {
    return reply(absl::FailedPreconditionError(
        "no_assignment_rules: the tenant has no assignment rules; define them or assign with user_id"));
  }
  domain::LeadFacts facts = domain::FactsOf(state);
  absl::StatusOr<v1::LeadScores> scores = queries_.Scores(p.tenant, state);
  if (!scores.ok()) return reply(scores.status());
  facts.fit = scores->fit();
  facts.behaviour = static_cast<int64_t>(std::floor(scores->behaviour()));
  if (scores->has_predictive_probability()) {
    facts.predictive_percent = static_cast<int64_t>(std::floor(scores->predictive_probability() * 100));
  }
  const v1::AssignmentRule* rule = domain::MatchRule(*rules, facts);
  if (rule == nullptr) {
    return reply(absl::FailedPreconditionError(
        absl::StrCat("no_matching_rule: no assignment rule of version ", rules->rules.rules_version(),
                     " matches lead ", r.lead_id())));
  }
  domain::AssignLead command{r, "", rule->team_id(), v1::ASSIGNMENT_METHOD_RULE, rule->rule_id(),
                             rules->rules.rules_version(), 0, now};
  // One pick at a time per team: the next pick sees this one's rotation position and open-lead counts.
  Serialized(absl::StrCat(p.tenant, "/", rule->team_id()),
             [this, p, r, rules = *std::move(rules), command = std::move(command),
              reply = std::move(reply)](std::function<void()> release) mutable {
               absl::StatusOr<std::vector<std::string>> members = queries_.ActiveTeamMembers(p.tenant, command.team_id);
               if (!members.ok()) {
                 release();
                 return reply(members.status());
               }
               std::vector<int32_t> open;
               for (const std::string& user : *members) {
                 absl::StatusOr<int32_t> n = queries_.OpenLeads(p.tenant, user);
                 if (!n.ok()) {
                   release();
                   return reply(n.status());
                 }
                 open.push_back(*n);
               }
               absl::StatusOr<uint64_t> position = queries_.Rotation(p.tenant, command.team_id);
               std::vector<domain::TeamMember> roster = domain::Roster(rules, *members, open);
               absl::StatusOr<domain::RoundRobinPick> pick =
                   position.ok() ? domain::PickMember(command.team_id, roster, *position)
                                 : absl::StatusOr<domain::RoundRobinPick>(position.status());
               if (!pick.ok()) {
                 release();
                 return reply(pick.status());
               }
               command.owner_user_id = roster[pick->member].user_id;
               command.rotation_position = pick->next_position;
               Assign(p, r, std::move(command), std::move(reply), std::move(release));
             });
}

void LeadServiceImpl::Assign(const Principal& p, const v1::AssignLeadRequest& r, domain::AssignLead command,
                             Reply<v1::AssignLeadResponse> reply, std::function<void()> after) {
  const v1::AssignmentMethod method = command.method;
  const std::string rule_id = command.rule_id;
  Execute<domain::LeadState>(
      p, r.lead_id(), r.request_id(), r.expected_version(),
      [command = std::move(command)](const domain::LeadState& s) { return domain::Decide(s, command); },
      [this, tenant = p.tenant, method, rule_id, reply = std::move(reply), after = std::move(after)](
          absl::StatusOr<eventstore::CommandResult<domain::LeadState>> result) {
        after();
        if (!result.ok()) return reply(result.status());
        absl::StatusOr<v1::Lead> lead = queries_.Lead(tenant, result->append.stream.id);
        if (!lead.ok()) return reply(lead.status());
        v1::AssignLeadResponse out;
        *out.mutable_lead() = *std::move(lead);
        out.set_method(method);
        out.set_rule_id(rule_id);
        reply(std::move(out));
      });
}

namespace {

// What the opportunity service is asked to create for a converted lead. A lead without a company is a
// person buying for themselves: the account is named after the person (B2C).
opportunity::v1::CreateFromLeadRequest CreateFromLeadRequestOf(const domain::LeadState& lead,
                                                               const v1::ConvertLeadRequest& r) {
  const v1::LeadCaptured& c = lead.captured;
  opportunity::v1::CreateFromLeadRequest out;
  // Idempotent by lead on the other side as well: a retry with a new request id finds the records.
  out.set_request_id(absl::StrCat("lead-conversion:", r.lead_id()));
  out.set_lead_id(r.lead_id());
  if (!r.account_id().empty()) {
    out.set_account_id(r.account_id());
  } else {
    opportunity::v1::NewAccount* account = out.mutable_account();
    account->set_name(!c.company().name().empty() ? c.company().name() : c.person().name());
    account->set_industry(c.company().industry());
    account->set_employees(c.company().employees());
    account->set_region(c.company().country());
  }
  if (!c.person().name().empty()) {
    opportunity::v1::NewContact* contact = out.mutable_contact();
    contact->set_name(c.person().name());
    contact->set_email(c.person().email());
    contact->set_phone(c.person().phone());
  }
  opportunity::v1::NewOpportunity* deal = out.mutable_opportunity();
  deal->set_pipeline_id(r.opportunity().pipeline_id());
  deal->set_name(r.opportunity().name());
  deal->set_owner_user_id(lead.owner_user_id);
  if (r.opportunity().has_amount()) *deal->mutable_amount() = r.opportunity().amount();
  if (r.opportunity().has_expected_close_date()) {
    *deal->mutable_expected_close_date() = r.opportunity().expected_close_date();
  }
  deal->set_lead_source(c.source().channel());
  if (r.has_effective_time()) *out.mutable_effective_time() = r.effective_time();
  return out;
}

// The opportunity service's answer as this call's: its unavailability is UNAVAILABLE (retry), anything
// else keeps its code and says where it came from.
absl::Status FromOpportunityService(const grpc::Status& status) {
  const std::string message = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return absl::UnavailableError(absl::StrCat(
          "opportunity service unavailable (", message, "); the lead was not converted, retry the call"));
    default:
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("opportunity service: ", message));
  }
}

}  // namespace

void LeadServiceImpl::Convert(const Principal& p, const v1::ConvertLeadRequest& r,
                              Reply<v1::ConvertLeadResponse> reply) {
  auto finish = [this, tenant = p.tenant, reply](absl::StatusOr<eventstore::CommandResult<domain::LeadState>> result) {
    if (!result.ok()) return reply(result.status());
    absl::StatusOr<v1::Lead> lead = queries_.Lead(tenant, result->append.stream.id);
    if (!lead.ok()) return reply(lead.status());
    if (!result->append.deduplicated) trainer_->Notify(tenant);
    v1::ConvertLeadResponse out;
    out.set_account_id(lead->account_id());
    out.set_contact_id(lead->contact_id());
    out.set_opportunity_id(lead->opportunity_id());
    *out.mutable_lead() = *std::move(lead);
    reply(std::move(out));
  };
  // A retried request id is answered from what its first call recorded, without calling out again.
  absl::StatusOr<std::optional<eventstore::AppendResult>> seen = store_->FindRequest(p.tenant, r.request_id());
  if (!seen.ok()) return reply(seen.status());
  if (seen->has_value()) {
    return Execute<domain::LeadState>(
        p, r.lead_id(), r.request_id(), 0,
        [](const domain::LeadState&) -> absl::StatusOr<std::vector<domain::LeadEvent>> {
          return absl::InternalError("a recorded conversion was decided again");
        },
        std::move(finish));
  }
  auto lead = runner_.Load<domain::LeadState>(StreamOf(p, domain::kLeadAggregate, r.lead_id()),
                                              EvolveEnvelope<domain::LeadState>);
  if (!lead.ok()) return reply(lead.status());
  if (absl::Status convertible = domain::CheckConvertible(lead->first, r.lead_id()); !convertible.ok()) {
    return reply(convertible);
  }
  if (r.expected_version() != 0 && r.expected_version() != lead->second) {
    return reply(absl::AbortedError(absl::StrCat("expected_version ", r.expected_version(), " but lead ", r.lead_id(),
                                                 " is at version ", lead->second)));
  }
  if (options_.opportunity == nullptr) {
    return reply(absl::UnavailableError("opportunity service not configured; the lead was not converted"));
  }
  struct Call {
    grpc::ClientContext context;
    opportunity::v1::CreateFromLeadRequest request;
    opportunity::v1::CreateFromLeadResponse response;
  };
  auto call = std::make_shared<Call>();
  call->request = CreateFromLeadRequestOf(lead->first, r);
  call->context.AddMetadata(server::kTenantHeader, p.tenant);
  call->context.AddMetadata(server::kUserHeader, p.user);
  if (!p.roles.empty()) call->context.AddMetadata(server::kRolesHeader, absl::StrJoin(p.roles, ","));
  if (!p.team.empty()) call->context.AddMetadata(server::kTeamHeader, p.team);
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.opportunity_deadline));
  options_.opportunity->async()->CreateFromLead(
      &call->context, &call->request, &call->response,
      [this, p, r, call, finish = std::move(finish), reply = std::move(reply)](grpc::Status status) {
        executor_.Post([this, p, r, call, status, finish = std::move(finish), reply = std::move(reply)] {
          if (!status.ok()) return reply(FromOpportunityService(status));
          domain::ConvertLead command{r, call->response.account().account_id(),
                                      call->response.has_contact() ? call->response.contact().contact_id() : "",
                                      call->response.opportunity().opportunity_id(), options_.clock->Now()};
          Execute<domain::LeadState>(
              p, r.lead_id(), r.request_id(), r.expected_version(),
              [command = std::move(command)](const domain::LeadState& s) { return domain::Decide(s, command); },
              std::move(finish));
        });
      });
}

void LeadServiceImpl::Merge(const Principal& p, const v1::MergeLeadsRequest& r, Reply<v1::MergeLeadsResponse> reply) {
  domain::MergeLeads command{r, {}, options_.clock->Now()};
  for (const std::string& id : r.duplicate_ids()) {
    auto duplicate =
        runner_.Load<domain::LeadState>(StreamOf(p, domain::kLeadAggregate, id), EvolveEnvelope<domain::LeadState>);
    if (!duplicate.ok()) return reply(duplicate.status());
    command.duplicates.push_back(std::move(duplicate->first));
  }
  // The survivor first (it checks every duplicate), then each duplicate is marked merged, each with its
  // own request id derived from this one: a retry after a crash completes exactly what is missing.
  Execute<domain::LeadState>(
      p, r.survivor_id(), r.request_id(), r.expected_version(),
      [command = std::move(command)](const domain::LeadState& s) { return domain::Decide(s, command); },
      [this, p, r, reply = std::move(reply)](absl::StatusOr<eventstore::CommandResult<domain::LeadState>> result) {
        if (!result.ok()) return reply(result.status());
        MarkMerged(p, r, 0, result->state.last_changed_at, std::move(reply));
      });
}

void LeadServiceImpl::MarkMerged(const Principal& p, const v1::MergeLeadsRequest& r, int i, absl::Time at,
                                 Reply<v1::MergeLeadsResponse> reply) {
  if (i == r.duplicate_ids_size()) {
    absl::StatusOr<v1::Lead> survivor = queries_.Lead(p.tenant, r.survivor_id());
    if (!survivor.ok()) return reply(survivor.status());
    v1::MergeLeadsResponse out;
    *out.mutable_survivor() = *std::move(survivor);
    return reply(std::move(out));
  }
  const std::string& id = r.duplicate_ids(i);
  for (int j = 0; j < i; ++j) {
    if (r.duplicate_ids(j) == id) return MarkMerged(p, r, i + 1, at, std::move(reply));  // named twice
  }
  domain::MergeIntoSurvivor step{id, r.survivor_id(), at};
  Execute<domain::LeadState>(
      p, id, absl::StrCat(r.request_id(), "/merge/", id), 0,
      [step](const domain::LeadState& s) { return domain::Decide(s, step); },
      [this, p, r, i, at, reply = std::move(reply)](absl::StatusOr<eventstore::CommandResult<domain::LeadState>> result) {
        if (!result.ok()) return reply(result.status());
        MarkMerged(p, r, i + 1, at, std::move(reply));
      });
}

}  // namespace sfa::lead

#ifndef SFA_SERVICES_LEAD_LEAD_SERVICE_H_
#define SFA_SERVICES_LEAD_LEAD_SERVICE_H_

// The gRPC adapter of sfa.lead.v1.LeadService: for every call the principal from the call metadata, the
// request's shape check (domain/validation.h), then a command through the shared CommandRunner or a read
// of the read models (queries.h), mapped to a grpc::Status. ConvertLead calls the opportunity service.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <deque>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/executor.h"
#include "base/id_generator.h"
#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "lead/model_trainer.h"
#include "lead/queries.h"
#include "server/principal.h"
#include "server/unary_call.h"
#include "sfa/lead/v1/lead_service.grpc.pb.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"

namespace sfa::lead {

struct LeadServiceOptions {
  // Time of decisions and of behaviour decay in reads; ids of records created without one.
  const base::Clock* clock = &base::SystemClock::Instance();
  base::IdGenerator* ids = &base::RandomIdGenerator::Instance();
  // The opportunity service ConvertLead calls (CreateFromLead); null = conversions answer UNAVAILABLE.
  std::shared_ptr<opportunity::v1::OpportunityService::StubInterface> opportunity;
  absl::Duration opportunity_deadline = absl::Seconds(10);
  // Threads that finish commands (read the response view) off the event store's sequencer.
  int completion_threads = 2;
  ModelTrainerOptions trainer;
};

class LeadServiceImpl final : public v1::LeadService::CallbackService {
 public:
  // `store` must have the read models of projections::LeadProjection and outlive this object.
  explicit LeadServiceImpl(eventstore::EventStore* store, LeadServiceOptions options = {});
  // Waits until every call it accepted has been answered.
  ~LeadServiceImpl() override;

  const Queries& queries() const { return queries_; }
  const ModelTrainer& trainer() const { return *trainer_; }

  grpc::ServerUnaryReactor* CaptureLead(grpc::CallbackServerContext* context, const v1::CaptureLeadRequest* request,
                                        v1::CaptureLeadResponse* response) override;
  grpc::ServerUnaryReactor* MergeLeads(grpc::CallbackServerContext* context, const v1::MergeLeadsRequest* request,
                                       v1::MergeLeadsResponse* response) override;
  grpc::ServerUnaryReactor* RecordEngagement(grpc::CallbackServerContext* context,
                                             const v1::RecordEngagementRequest* request,
                                             v1::RecordEngagementResponse* response) override;
  grpc::ServerUnaryReactor* UpsertCampaign(grpc::CallbackServerContext* context,
                                           const v1::UpsertCampaignRequest* request,
                                           v1::UpsertCampaignResponse* response) override;
  grpc::ServerUnaryReactor* RecordCampaignCost(grpc::CallbackServerContext* context,
                                               const v1::RecordCampaignCostRequest* request,
                                               v1::RecordCampaignCostResponse* response) override;
  grpc::ServerUnaryReactor* GetCampaign(grpc::CallbackServerContext* context, const v1::GetCampaignRequest* request,
                                        v1::GetCampaignResponse* response) override;
  grpc::ServerUnaryReactor* ListCampaigns(grpc::CallbackServerContext* context,
                                          const v1::ListCampaignsRequest* request,
                                          v1::ListCampaignsResponse* response) override;
  grpc::ServerUnaryReactor* DefineScoringModel(grpc::CallbackServerContext* context,
                                               const v1::DefineScoringModelRequest* request,
                                               v1::DefineScoringModelResponse* response) override;
  grpc::ServerUnaryReactor* GetScoringModel(grpc::CallbackServerContext* context,
                                            const v1::GetScoringModelRequest* request,
                                            v1::GetScoringModelResponse* response) override;
  grpc::ServerUnaryReactor* GetScoringModelStats(grpc::CallbackServerContext* context,
                                                 const v1::GetScoringModelStatsRequest* request,
                                                 v1::GetScoringModelStatsResponse* response) override;
  grpc::ServerUnaryReactor* DefineAssignmentRules(grpc::CallbackServerContext* context,
                                                  const v1::DefineAssignmentRulesRequest* request,
                                                  v1::DefineAssignmentRulesResponse* response) override;
  grpc::ServerUnaryReactor* GetAssignmentRules(grpc::CallbackServerContext* context,
                                               const v1::GetAssignmentRulesRequest* request,
                                               v1::GetAssignmentRulesResponse* response) override;
  grpc::ServerUnaryReactor* AssignLead(grpc::CallbackServerContext* context, const v1::AssignLeadRequest* request,
                                       v1::AssignLeadResponse* response) override;
  grpc::ServerUnaryReactor* ChangeLeadStatus(grpc::CallbackServerContext* context,
                                             const v1::ChangeLeadStatusRequest* request,
                                             v1::ChangeLeadStatusResponse* response) override;
  grpc::ServerUnaryReactor* QualifyLead(grpc::CallbackServerContext* context, const v1::QualifyLeadRequest* request,
                                        v1::QualifyLeadResponse* response) override;
  grpc::ServerUnaryReactor* DisqualifyLead(grpc::CallbackServerContext* context,
                                           const v1::DisqualifyLeadRequest* request,
                                           v1::DisqualifyLeadResponse* response) override;
  grpc::ServerUnaryReactor* ConvertLead(grpc::CallbackServerContext* context, const v1::ConvertLeadRequest* request,
                                        v1::ConvertLeadResponse* response) override;
  grpc::ServerUnaryReactor* GetLead(grpc::CallbackServerContext* context, const v1::GetLeadRequest* request,
                                    v1::GetLeadResponse* response) override;
  grpc::ServerUnaryReactor* ListLeads(grpc::CallbackServerContext* context, const v1::ListLeadsRequest* request,
                                      v1::ListLeadsResponse* response) override;

  template <typename Response>
  using Reply = server::Reply<Response>;
  template <typename State>
  using Done = std::function<void(absl::StatusOr<eventstore::CommandResult<State>>)>;

 private:
  template <typename Request, typename Response, typename Handler>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, const Request* request, Response* response,
                                  Handler handler);

  // Runs `decide(state)` on the aggregate `id` of the caller's tenant; `done` runs on the executor.
  template <typename State, typename Decide>
  void Execute(const server::Principal& p, const std::string& id, const std::string& request_id,
               uint64_t expected_version, Decide decide, Done<State> done);
  // Execute on a lead, answering with its view.
  template <typename Response, typename Decide>
  void ExecuteOnLead(const server::Principal& p, const std::string& lead_id, const std::string& request_id,
                     uint64_t expected_version, Decide decide, Reply<Response> reply);

  void AssignByRules(const server::Principal& p, const v1::AssignLeadRequest& r, Reply<v1::AssignLeadResponse> reply);
  void Assign(const server::Principal& p, const v1::AssignLeadRequest& r, domain::AssignLead command,
              Reply<v1::AssignLeadResponse> reply, std::function<void()> after);
  void Convert(const server::Principal& p, const v1::ConvertLeadRequest& r, Reply<v1::ConvertLeadResponse> reply);
  void Merge(const server::Principal& p, const v1::MergeLeadsRequest& r, Reply<v1::MergeLeadsResponse> reply);
  // Appends LeadMerged to duplicate i and the ones after it, then answers with the survivor.
  void MarkMerged(const server::Principal& p, const v1::MergeLeadsRequest& r, int i, absl::Time at,
                  Reply<v1::MergeLeadsResponse> reply);

  // Runs `work(release)` once no other work of `key` runs; the next starts when release() is called.
  // Rule assignments in one team go one at a time, so two picks never see the same rotation and counts.
  void Serialized(const std::string& key, std::function<void(std::function<void()>)> work);

  eventstore::EventStore* store_;
  LeadServiceOptions options_;
  Queries queries_;
  // Declared before the runner: the runner's completions post here until the runner is gone.
  base::Executor executor_;
  eventstore::CommandRunner runner_;
  std::unique_ptr<ModelTrainer> trainer_;

  server::CallTracker calls_;
  absl::Mutex mu_;
  std::map<std::string, std::deque<std::function<void()>>> serialized_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sfa::lead

#endif  // SFA_SERVICES_LEAD_LEAD_SERVICE_H_

#ifndef SFA_SERVICES_LEAD_QUERIES_H_
#define SFA_SERVICES_LEAD_QUERIES_H_

// The read side of the lead service: lead and campaign views from the read models, the three scores
// with their explanations (computed when read: behaviour decays with time, fit follows the model in
// force), lists, and the look-ups commands need (duplicate keys, team rosters, open leads, rotation).

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "eventstore/command_runner.h"
#include "eventstore/event_store.h"
#include "lead/domain/assignment_rules.h"
#include "lead/domain/lead.h"
#include "lead/domain/scoring_model.h"
#include "lead/model_trainer.h"
#include "lead/predictive/model.h"
#include "sfa/lead/v1/lead_service.pb.h"

namespace sfa::lead {

class Queries {
 public:
  // `trainer` may be null until the service has one (then no lead shows a probability).
  Queries(const eventstore::EventStore* store, const eventstore::CommandRunner* runner, const base::Clock* clock)
      : store_(store), runner_(runner), clock_(clock) {}
  void set_trainer(const ModelTrainer* trainer) { trainer_ = trainer; }

  // NOT_FOUND for a lead the tenant does not have.
  absl::StatusOr<v1::Lead> Lead(const std::string& tenant, const std::string& lead_id) const;
  absl::StatusOr<v1::ListLeadsResponse> ListLeads(const std::string& tenant, const v1::ListLeadsRequest& request) const;
  absl::StatusOr<v1::Campaign> Campaign(const std::string& tenant, const std::string& campaign_id) const;
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const std::string& tenant,
                                                          const v1::ListCampaignsRequest& request) const;
  absl::StatusOr<v1::GetScoringModelResponse> ScoringModel(const std::string& tenant) const;
  absl::StatusOr<v1::GetAssignmentRulesResponse> AssignmentRules(const std::string& tenant) const;
  v1::GetScoringModelStatsResponse ModelStats(const std::string& tenant) const;

  // The tenant's configuration aggregates as deciders see them.
  absl::StatusOr<domain::ScoringModelState> ScoringModelState(const std::string& tenant) const;
  absl::StatusOr<domain::AssignmentRulesState> AssignmentRulesState(const std::string& tenant) const;

  // The scores of a lead (its engagements plus those of `extra_engagements`, e.g. merged leads').
  absl::StatusOr<v1::LeadScores> Scores(const std::string& tenant, const domain::LeadState& state) const;

  // The earliest other lead sharing a normalised key with this person and company (email, then phone,
  // then company + name); an empty lead_id when none.
  absl::StatusOr<domain::DuplicateCandidate> FindDuplicate(const std::string& tenant, const std::string& lead_id,
                                                           const v1::Person& person,
                                                           const v1::Company& company) const;
  // The active members of a sales team, as the opportunity service's events last said; FAILED_PRECONDITION
  // team_unknown when the lead service has not heard of the team.
  absl::StatusOr<std::vector<std::string>> ActiveTeamMembers(const std::string& tenant,
                                                             const std::string& team_id) const;
  absl::StatusOr<int32_t> OpenLeads(const std::string& tenant, const std::string& user_id) const;
  absl::StatusOr<uint64_t> Rotation(const std::string& tenant, const std::string& team_id) const;

  // Every recorded outcome of a tenant, for training; and the tenants that have any.
  absl::StatusOr<std::vector<predictive::Example>> Outcomes(const std::string& tenant) const;
  absl::StatusOr<std::vector<std::string>> TenantsWithOutcomes() const;

 private:
  // The lead's state as scoring needs it, rebuilt from its row and engagement rows.
  absl::StatusOr<domain::LeadState> ScoringState(const std::string& tenant, const v1::Lead& row) const;
  absl::StatusOr<v1::Lead> View(const std::string& tenant, v1::Lead row) const;
  absl::StatusOr<double> ListScore(const std::string& tenant, const v1::Lead& row,
                                   const domain::ScoringModelState& model) const;

  const eventstore::EventStore* store_;
  const eventstore::CommandRunner* runner_;
  const base::Clock* clock_;
  const ModelTrainer* trainer_ = nullptr;
};

}  // namespace sfa::lead

#endif  // SFA_SERVICES_LEAD_QUERIES_H_

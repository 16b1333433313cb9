#include "lead/queries.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/key_codec.h"
#include "eventstore/read_model_scan.h"
#include "lead/aggregates.h"
#include "lead/domain/dedup_keys.h"
#include "lead/domain/support.h"
#include "lead/domain/validation.h"
#include "lead/projections/keys.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::lead {
namespace {

namespace p = projections;

// Leads ordered by score are scored in memory; a tenant-wide list beyond this asks for a filter.
constexpr size_t kMaxScoredLeads = 200'000;
constexpr int kTopFactors = 5;

template <typename Message>
absl::StatusOr<std::optional<Message>> Row(const eventstore::EventStore& store, absl::string_view cf,
                                           const std::string& key) {
  return eventstore::GetRow<Message>(store, cf, key);
}

// The lead id at the end of an index key t|dimension|value|C|lead.
absl::StatusOr<std::string> LeadIdOfIndexKey(absl::string_view key) {
  base::KeyReader reader(key);
  for (int i = 0; i < 3; ++i) {
    if (absl::StatusOr<std::string> part = reader.String(); !part.ok()) return part.status();
  }
  if (absl::StatusOr<int64_t> created = reader.Int64(); !created.ok()) return created.status();
  return reader.String();
}

bool Matches(const v1::Lead& lead, const v1::ListLeadsRequest& r) {
  if (r.status() != v1::LEAD_STATUS_UNSPECIFIED && lead.status() != r.status()) return false;
  if (!r.owner_user_id().empty() && lead.owner_user_id() != r.owner_user_id()) return false;
  if (!r.team_id().empty() && lead.team_id() != r.team_id()) return false;
  if (!r.channel().empty() && lead.source().channel() != r.channel()) return false;
  if (!r.campaign_id().empty() && lead.source().campaign_id() != r.campaign_id()) return false;
  return true;
}

// The index to walk for a list: the most selective filter given.
std::string ListIndexPrefix(const std::string& tenant, const v1::ListLeadsRequest& r) {
  if (!r.owner_user_id().empty()) return p::IndexPrefix(tenant, p::kByOwner, r.owner_user_id());
  if (!r.campaign_id().empty()) return p::IndexPrefix(tenant, p::kByCampaign, r.campaign_id());
  if (!r.team_id().empty()) return p::IndexPrefix(tenant, p::kByTeam, r.team_id());
  if (r.status() != v1::LEAD_STATUS_UNSPECIFIED) {
    return p::IndexPrefix(tenant, p::kByStatus, v1::LeadStatus_Name(r.status()));
  }
  if (!r.channel().empty()) return p::IndexPrefix(tenant, p::kByChannel, r.channel());
  return p::IndexPrefix(tenant, p::kAll, "");
}

// Score-ordered pages: the token names the last lead served by its score (in thousandths) and id.
std::string ScoreToken(int64_t milli, const std::string& lead_id) {
  return absl::WebSafeBase64Escape(base::KeyBuilder().Int64(milli).String(lead_id).Release());
}

absl::Status DecodeScoreToken(const std::string& token, int64_t* milli, std::string* lead_id) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return absl::InvalidArgumentError("page_token is not valid");
  base::KeyReader reader(raw);
  absl::StatusOr<int64_t> score = reader.Int64();
  absl::StatusOr<std::string> id = score.ok() ? reader.String() : score.status();
  if (!id.ok() || !reader.done()) return absl::InvalidArgumentError("page_token is not valid for this order");
  *milli = *score;
  *lead_id = *std::move(id);
  return absl::OkStatus();
}

common::v1::Money Divided(const common::v1::Money& total, int64_t by) {
  common::v1::Money out;
  out.set_currency(total.currency());
  out.set_minor_units(total.minor_units() / by);
  return out;
}

v1::Campaign CampaignView(v1::Campaign row) {
  if (row.has_total_cost() && row.leads() > 0) *row.mutable_cost_per_lead() = Divided(row.total_cost(), row.leads());
  if (row.has_total_cost() && row.converted_leads() > 0) {
    *row.mutable_cost_per_customer() = Divided(row.total_cost(), row.converted_leads());
  }
  return row;
}

}  // namespace

absl::StatusOr<domain::ScoringModelState> Queries::ScoringModelState(const std::string& tenant) const {
  auto loaded = runner_->Load<domain::ScoringModelState>(
      {tenant, domain::kScoringModelAggregate, domain::kSingletonId}, EvolveEnvelope<domain::ScoringModelState>);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->first);
}

absl::StatusOr<domain::AssignmentRulesState> Queries::AssignmentRulesState(const std::string& tenant) const {
  auto loaded = runner_->Load<domain::AssignmentRulesState>(
      {tenant, domain::kAssignmentRulesAggregate, domain::kSingletonId},
      EvolveEnvelope<domain::AssignmentRulesState>);
  if (!loaded.ok()) return loaded.status();
  return std::move(loaded->first);
}

absl::StatusOr<domain::LeadState> Queries::ScoringState(const std::string& tenant, const v1::Lead& row) const {
  domain::LeadState state;
  state.exists = true;
  state.captured.set_lead_id(row.lead_id());
  *state.captured.mutable_source() = row.source();
  *state.captured.mutable_person() = row.person();
  *state.captured.mutable_company() = row.company();
  *state.captured.mutable_attributes() = row.attributes();
  state.status = row.status();
  state.captured_at = domain::ToTime(row.created_at());
  std::vector<std::string> streams = {row.lead_id()};
  streams.insert(streams.end(), row.merged_lead_ids().begin(), row.merged_lead_ids().end());
  for (const std::string& id : streams) {
    absl::Status status = eventstore::ForEachInPrefix(
        *store_, p::kLeadEngagementCf, p::Key(tenant, id), [&](absl::string_view, absl::string_view value) {
          p::EngagementValue decoded;
          v1::EngagementRecorded e;
          if (!p::DecodeEngagement(value, &decoded) || !e.ParseFromArray(decoded.payload.data(),
                                                                          static_cast<int>(decoded.payload.size()))) {
            return absl::DataLossError(absl::StrCat("unreadable engagement of lead ", id));
          }
          state.engagements.push_back({e.kind(), e.count(), e.duration_seconds(), decoded.occurred_at});
          return absl::OkStatus();
        });
    if (!status.ok()) return status;
  }
  return state;
}

absl::StatusOr<v1::LeadScores> Queries::Scores(const std::string& tenant, const domain::LeadState& state) const {
  absl::StatusOr<domain::ScoringModelState> model = ScoringModelState(tenant);
  if (!model.ok()) return model.status();
  const absl::Time now = clock_->Now();
  v1::LeadScores scores;
  domain::FitScore fit = domain::ScoreFit(model->model, domain::FactsOf(state));
  scores.set_fit(fit.points);
  for (v1::FitRuleResult& rule : fit.rules) *scores.add_fit_rules() = std::move(rule);
  domain::BehaviourScore behaviour = domain::ScoreBehaviour(model->model, state.engagements, now);
  scores.set_behaviour(behaviour.points);
  for (v1::BehaviourKindResult& kind : behaviour.kinds) *scores.add_behaviour_kinds() = std::move(kind);
  scores.set_model_version(model->model_version);
  *scores.mutable_scored_at() = domain::ToTimestamp(now);
  if (trainer_ != nullptr) {
    TrainedModel trained = trainer_->Current(tenant);
    if (trained.model != nullptr) {
      absl::StatusOr<predictive::Prediction> prediction =
          trained.model->Predict(domain::OutcomeFeaturesOf(state, now), kTopFactors);
      if (!prediction.ok()) return prediction.status();
      scores.set_predictive_probability(prediction->probability);
      for (const predictive::Factor& f : prediction->top_factors) {
        v1::PredictiveFactor* factor = scores.add_predictive_factors();
        factor->set_feature(f.feature);
        factor->set_contribution(f.contribution);
      }
    }
  }
  return scores;
}

absl::StatusOr<v1::Lead> Queries::View(const std::string& tenant, v1::Lead row) const {
  absl::StatusOr<domain::LeadState> state = ScoringState(tenant, row);
  if (!state.ok()) return state.status();
  absl::StatusOr<v1::LeadScores> scores = Scores(tenant, *state);
  if (!scores.ok()) return scores.status();
  *row.mutable_scores() = *std::move(scores);
  return row;
}

absl::StatusOr<v1::Lead> Queries::Lead(const std::string& tenant, const std::string& lead_id) const {
  absl::StatusOr<std::optional<v1::Lead>> row = Row<v1::Lead>(*store_, p::kLeadsCf, p::Key(tenant, lead_id));
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(absl::StrCat("lead ", lead_id, " not found"));
  return View(tenant, **std::move(row));
}

absl::StatusOr<double> Queries::ListScore(const std::string& tenant, const v1::Lead& row,
                                          const domain::ScoringModelState& model) const {
  absl::StatusOr<domain::LeadState> state = ScoringState(tenant, row);
  if (!state.ok()) return state.status();
  return domain::ScoreFit(model.model, domain::FactsOf(*state)).points +
         domain::ScoreBehaviour(model.model, state->engagements, clock_->Now()).points;
}

absl::StatusOr<v1::ListLeadsResponse> Queries::ListLeads(const std::string& tenant,
                                                         const v1::ListLeadsRequest& r) const {
  const std::string prefix = ListIndexPrefix(tenant, r);
  const int page_size = domain::PageSize(r.page_size());
  absl::StatusOr<domain::ScoringModelState> model = ScoringModelState(tenant);
  if (!model.ok()) return model.status();
  v1::ListLeadsResponse response;

  auto read_row = [&](absl::string_view key) -> absl::StatusOr<std::optional<v1::Lead>> {
    absl::StatusOr<std::string> id = LeadIdOfIndexKey(key);
    if (!id.ok()) return id.status();
    absl::StatusOr<std::optional<v1::Lead>> row = Row<v1::Lead>(*store_, p::kLeadsCf, p::Key(tenant, *id));
    if (!row.ok() || !row->has_value() || !Matches(**row, r)) return row.ok() ? std::optional<v1::Lead>() : row;
    return row;
  };

  if (r.order() != v1::LEAD_ORDER_SCORE) {
    eventstore::PageSpec spec{{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), page_size};
    absl::StatusOr<std::string> next = eventstore::ScanPage(
        *store_, p::kLeadIndexCf, spec, [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
          absl::StatusOr<std::optional<v1::Lead>> row = read_row(key);
          if (!row.ok()) return row.status();
          if (!row->has_value()) return false;
          if (r.has_min_score()) {
            absl::StatusOr<double> score = ListScore(tenant, **row, *model);
            if (!score.ok()) return score.status();
            if (*score < static_cast<double>(r.min_score())) return false;
          }
          absl::StatusOr<v1::Lead> view = View(tenant, **std::move(row));
          if (!view.ok()) return view.status();
          *response.add_leads() = *std::move(view);
          return true;
        });
    if (!next.ok()) return next.status();
    response.set_next_page_token(*next);
    return response;
  }

  // By score: every matching lead is scored now (behaviour decays, so no stored order is right for long).
  int64_t after_milli = 0;
  std::string after_id;
  const bool resume = !r.page_token().empty();
  if (resume) SFA_RETURN_IF_ERROR(DecodeScoreToken(r.page_token(), &after_milli, &after_id));
  struct Scored {
    int64_t milli;
    v1::Lead row;
  };
  std::vector<Scored> scored;
  absl::Status failure;
  size_t visited = 0;
  absl::Status walked = eventstore::ScanRange(
      *store_, p::kLeadIndexCf, eventstore::PrefixRange(prefix), kMaxScoredLeads + 1,
      [&](absl::string_view key, absl::string_view) {
        ++visited;
        absl::StatusOr<std::optional<v1::Lead>> row = read_row(key);
        absl::StatusOr<double> score = row.ok() && row->has_value() ? ListScore(tenant, **row, *model)
                                                                    : absl::StatusOr<double>(0.0);
        if (!row.ok() || !score.ok()) {
          failure = row.ok() ? score.status() : row.status();
          return false;
        }
        if (!row->has_value()) return true;
        if (r.has_min_score() && *score < static_cast<double>(r.min_score())) return true;
        const int64_t milli = static_cast<int64_t>(std::llround(*score * 1000));
        // Descending score, then ascending id; a resumed list keeps what sorts after the token.
        if (resume && (milli > after_milli || (milli == after_milli && (*row)->lead_id() <= after_id))) return true;
        scored.push_back({milli, **std::move(row)});
        return true;
      });
  SFA_RETURN_IF_ERROR(walked);
  SFA_RETURN_IF_ERROR(failure);
  if (visited > kMaxScoredLeads) {
    return absl::FailedPreconditionError(absl::StrCat(
        "too_many_leads_to_score: more than ", kMaxScoredLeads,
        " leads match; narrow the list with status, owner_user_id, team_id, channel or campaign_id"));
  }
  const size_t n = std::min(scored.size(), static_cast<size_t>(page_size));
  std::partial_sort(scored.begin(), scored.begin() + n, scored.end(), [](const Scored& a, const Scored& b) {
    return a.milli != b.milli ? a.milli > b.milli : a.row.lead_id() < b.row.lead_id();
  });
  for (size_t i = 0; i < n; ++i) {
    absl::StatusOr<v1::Lead> view = View(tenant, scored[i].row);
    if (!view.ok()) return view.status();
    *response.add_leads() = *std::move(view);
  }
  if (scored.size() > n) response.set_next_page_token(ScoreToken(scored[n - 1].milli, scored[n - 1].row.lead_id()));
  return response;
}

absl::StatusOr<v1::Campaign> Queries::Campaign(const std::string& tenant, const std::string& campaign_id) const {
  absl::StatusOr<std::optional<v1::Campaign>> row =
      Row<v1::Campaign>(*store_, p::kCampaignsCf, p::Key(tenant, campaign_id));
  if (!row.ok()) return row.status();
  // A row with no version only counts leads of a campaign that does not exist (it cannot: capture checks).
  if (!row->has_value() || (*row)->version() == 0) {
    return absl::NotFoundError(absl::StrCat("campaign ", campaign_id, " not found"));
  }
  return CampaignView(**std::move(row));
}

absl::StatusOr<v1::ListCampaignsResponse> Queries::ListCampaigns(const std::string& tenant,
                                                                 const v1::ListCampaignsRequest& r) const {
  const std::string prefix = p::TenantPrefix(tenant);
  eventstore::PageSpec spec{{eventstore::PrefixRange(prefix)}, prefix, r.page_token(), domain::PageSize(r.page_size())};
  v1::ListCampaignsResponse response;
  absl::StatusOr<std::string> next = eventstore::ScanPage(
      *store_, p::kCampaignsCf, spec, [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
        v1::Campaign row;
        if (!row.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          return absl::DataLossError("unreadable campaign row");
        }
        if (row.version() == 0 || (!r.channel().empty() && row.channel() != r.channel())) return false;
        *response.add_campaigns() = CampaignView(std::move(row));
        return true;
      });
  if (!next.ok()) return next.status();
  response.set_next_page_token(*next);
  return response;
}

absl::StatusOr<v1::GetScoringModelResponse> Queries::ScoringModel(const std::string& tenant) const {
  absl::StatusOr<domain::ScoringModelState> state = ScoringModelState(tenant);
  if (!state.ok()) return state.status();
  v1::GetScoringModelResponse response;
  response.set_model_version(state->model_version);
  *response.mutable_model() = state->model;
  return response;
}

absl::StatusOr<v1::GetAssignmentRulesResponse> Queries::AssignmentRules(const std::string& tenant) const {
  absl::StatusOr<domain::AssignmentRulesState> state = AssignmentRulesState(tenant);
  if (!state.ok()) return state.status();
  v1::GetAssignmentRulesResponse response;
  response.set_rules_version(state->rules.rules_version());
  *response.mutable_rules() = state->rules.rules();
  *response.mutable_capacities() = state->rules.capacities();
  response.set_default_max_open_leads(state->rules.default_max_open_leads());
  return response;
}

v1::GetScoringModelStatsResponse Queries::ModelStats(const std::string& tenant) const {
  v1::GetScoringModelStatsResponse response;
  if (trainer_ == nullptr) return response;
  TrainedModel trained = trainer_->Current(tenant);
  if (trained.model == nullptr) return response;
  const predictive::TrainingStats& stats = trained.model->stats();
  response.set_training_size(stats.training_size);
  response.set_holdout_size(stats.holdout_size);
  if (stats.holdout_auc.has_value()) response.set_holdout_auc(*stats.holdout_auc);
  *response.mutable_trained_at() = domain::ToTimestamp(trained.trained_at);
  return response;
}

absl::StatusOr<domain::DuplicateCandidate> Queries::FindDuplicate(const std::string& tenant,
                                                                  const std::string& lead_id,
                                                                  const v1::Person& person,
                                                                  const v1::Company& company) const {
  for (const auto& [match, key] : domain::DuplicateKeys(person, company, "")) {
    absl::StatusOr<std::optional<std::string>> holder =
        eventstore::GetValue(*store_, p::kLeadDedupCf, p::Key(tenant, v1::DuplicateMatch_Name(match), key));
    if (!holder.ok()) return holder.status();
    if (holder->has_value() && **holder != lead_id) return domain::DuplicateCandidate{**holder, match};
  }
  return domain::DuplicateCandidate{};
}

absl::StatusOr<std::vector<std::string>> Queries::ActiveTeamMembers(const std::string& tenant,
                                                                    const std::string& team_id) const {
  absl::StatusOr<std::optional<opportunity::v1::SalesTeamUpserted>> team =
      Row<opportunity::v1::SalesTeamUpserted>(*store_, p::kRosterTeamsCf, p::Key(tenant, team_id));
  if (!team.ok()) return team.status();
  if (!team->has_value()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "team_unknown: sales team ", team_id, " is not known here yet (teams come from the opportunity service)"));
  }
  std::vector<std::string> members;
  for (const std::string& user : (*team)->member_user_ids()) {
    absl::StatusOr<std::optional<std::string>> deactivated =
        eventstore::GetValue(*store_, p::kRosterUsersCf, p::Key(tenant, user));
    if (!deactivated.ok()) return deactivated.status();
    if (deactivated->has_value() && **deactivated == "1") continue;
    members.push_back(user);
  }
  return members;
}

absl::StatusOr<int32_t> Queries::OpenLeads(const std::string& tenant, const std::string& user_id) const {
  absl::StatusOr<std::optional<std::string>> value =
      eventstore::GetValue(*store_, p::kOwnerOpenLeadsCf, p::Key(tenant, user_id));
  if (!value.ok()) return value.status();
  return value->has_value() ? static_cast<int32_t>(p::DecodeCount(**value)) : 0;
}

absl::StatusOr<uint64_t> Queries::Rotation(const std::string& tenant, const std::string& team_id) const {
  absl::StatusOr<std::optional<std::string>> value =
      eventstore::GetValue(*store_, p::kTeamRotationCf, p::Key(tenant, team_id));
  if (!value.ok()) return value.status();
  return value->has_value() ? p::DecodeCount(**value) : 0;
}

absl::StatusOr<std::vector<predictive::Example>> Queries::Outcomes(const std::string& tenant) const {
  std::vector<predictive::Example> examples;
  absl::Status status = eventstore::ForEachInPrefix(
      *store_, p::kOutcomesCf, p::TenantPrefix(tenant), [&](absl::string_view key, absl::string_view value) {
        base::KeyReader reader(key);
        absl::StatusOr<std::string> t = reader.String();
        absl::StatusOr<std::string> id = t.ok() ? reader.String() : t.status();
        predictive::Example example;
        if (!id.ok() || value.empty() ||
            !example.features.ParseFromArray(value.data() + 1, static_cast<int>(value.size() - 1))) {
          return absl::DataLossError("unreadable outcome row");
        }
        example.lead_id = *std::move(id);
        example.converted = value[0] == '1';
        examples.push_back(std::move(example));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return examples;
}

absl::StatusOr<std::vector<std::string>> Queries::TenantsWithOutcomes() const {
  std::vector<std::string> tenants;
  std::string lower;
  // One seek per tenant: jump past every key of the tenant just found.
  for (;;) {
    std::optional<std::string> found;
    absl::Status status = eventstore::ScanRange(*store_, p::kOutcomesCf, {lower, ""}, 1,
                                                [&](absl::string_view key, absl::string_view) {
                                                  base::KeyReader reader(key);
                                                  absl::StatusOr<std::string> t = reader.String();
                                                  if (t.ok()) found = *t;
                                                  return false;
                                                });
    if (!status.ok()) return status;
    if (!found) return tenants;
    tenants.push_back(*found);
    lower = base::PrefixSuccessor(p::TenantPrefix(*found));
  }
}

}  // namespace sfa::lead

// Opportunities: the row GetOpportunity returns (with the open stage visit and completed criteria; the
// closed visits in their own family), the
// ListOpportunities indexes, the account view's "recently changed" index, and per-account deal totals.
// Every event compares the row before and after it: index entries and totals move by the difference.

#include <string>
#include <utility>
#include <vector>

#include "opportunity/domain/opportunity.h"
#include "opportunity/domain/pipeline.h"
#include "opportunity/projections/keys.h"
#include "opportunity/projections/projections.h"
#include "opportunity/projections/rows.h"

namespace sfa::opportunity::projections {
namespace {

using Row = v1::Opportunity;
using Totals = v1::GetAccountResponse;  // only its totals fields are used

// ---------------------------------------------------------------------------------------------------
// Pipelines, kept here for stage names (a projection reads only its own families).

std::string PipelineKey(absl::string_view tenant, absl::string_view pipeline_id, uint32_t version) {
  return base::KeyBuilder().String(tenant).String(pipeline_id).Uint64(version).Release();
}

absl::Status ApplyPipeline(const EventEnvelope& event, ReadModelTxn& txn) {
  absl::StatusOr<domain::PipelinePayload> payload = Decode<domain::PipelinePayload>(event);
  if (!payload.ok()) return payload.status();
  const v1::PipelineDefined& e = std::get<v1::PipelineDefined>(*payload);
  return WriteRow(txn, kOppPipelinesCf, PipelineKey(event.tenant(), e.pipeline_id(), e.pipeline_version()), e);
}

std::string StageName(const v1::PipelineDefined& pipeline, absl::string_view stage_id) {
  const int index = domain::StageIndex(pipeline, stage_id);
  return index < 0 ? std::string() : pipeline.stages(index).name();
}

// ---------------------------------------------------------------------------------------------------
// Folding one event into the row.

class RowUpdate {
 public:
  RowUpdate(Row& row, const v1::PipelineDefined& pipeline, const google::protobuf::Timestamp& at)
      : row_(row), pipeline_(pipeline), at_(at) {}

  void operator()(const v1::OpportunityCreated& e) {
    row_.set_opportunity_id(e.opportunity_id());
    row_.set_pipeline_id(e.pipeline_id());
    row_.set_pipeline_version(e.pipeline_version());
    row_.set_name(e.name());
    if (e.has_amount()) *row_.mutable_amount() = e.amount();
    if (e.has_expected_close_date()) *row_.mutable_expected_close_date() = e.expected_close_date();
    row_.set_lead_source(e.lead_source());
    row_.set_lead_id(e.lead_id());
    *row_.mutable_product_ids() = e.product_ids();
    row_.set_status(v1::OPPORTUNITY_STATUS_OPEN);
    EnterStage(e.stage_id(), e.probability_percent(), e.forecast_category(), v1::STAGE_CHANGE_KIND_UNSPECIFIED);
    *row_.mutable_created_at() = at_;
  }
  void operator()(const v1::OpportunityStageChanged& e) {
    LeaveStage();
    EnterStage(e.to_stage_id(), e.probability_percent(), e.forecast_category(), e.kind());
  }
  void operator()(const v1::CriterionCompleted& e) {
    v1::CompletedCriterion* c = row_.add_completed_criteria();
    c->set_stage_id(e.stage_id());
    c->set_criterion_id(e.criterion_id());
    c->set_note(e.note());
    *c->mutable_completed_at() = at_;
  }
  void operator()(const v1::OpportunityRenamed& e) { row_.set_name(e.to_name()); }
  void operator()(const v1::OpportunityAmountChanged& e) { *row_.mutable_amount() = e.to_amount(); }
  void operator()(const v1::OpportunityCloseDateChanged& e) {
    if (e.has_to_expected_close_date()) {
      *row_.mutable_expected_close_date() = e.to_expected_close_date();
    } else {
      row_.clear_expected_close_date();
    }
  }
  void operator()(const v1::OpportunityOwnerChanged&) {}  // owner_user_id is set for every event
  void operator()(const v1::OpportunityWon& e) {
    row_.set_status(v1::OPPORTUNITY_STATUS_WON);
    if (e.has_amount()) *row_.mutable_amount() = e.amount();
    *row_.mutable_closed_at() = at_;
  }
  void operator()(const v1::OpportunityLost& e) {
    row_.set_status(v1::OPPORTUNITY_STATUS_LOST);
    row_.set_lost_reason(e.reason());
    row_.set_competitor(e.competitor());
    *row_.mutable_closed_at() = at_;
  }
  void operator()(const v1::OpportunityReopened&) {
    row_.set_status(v1::OPPORTUNITY_STATUS_OPEN);
    row_.clear_lost_reason();
    row_.clear_competitor();
    row_.clear_closed_at();
  }
  void operator()(const v1::ContactAddedToOpportunity& e) {
    v1::OpportunityContact* member = row_.add_contacts();
    member->set_contact_id(e.contact_id());
    member->set_role(e.role());
  }
  void operator()(const v1::OpportunityContactRoleChanged& e) {
    for (v1::OpportunityContact& member : *row_.mutable_contacts()) {
      if (member.contact_id() == e.contact_id()) member.set_role(e.to_role());
    }
  }
  void operator()(const v1::ContactRemovedFromOpportunity& e) {
    auto* members = row_.mutable_contacts();
    for (int i = 0; i < members->size(); ++i) {
      if (members->Get(i).contact_id() != e.contact_id()) continue;
      members->DeleteSubrange(i, 1);
      break;
    }
  }

 private:
  void LeaveStage() {
    if (row_.stage_history().empty()) return;
    v1::StageVisit* visit = row_.mutable_stage_history(row_.stage_history_size() - 1);
    *visit->mutable_left_at() = at_;
    *visit->mutable_time_in_stage() =
        domain::ToDurationProto(domain::ToTime(at_) - domain::ToTime(visit->entered_at()));
  }
  void EnterStage(const std::string& stage_id, int32_t probability, v1::ForecastCategory forecast,
                  v1::StageChangeKind kind) {
    row_.set_stage_id(stage_id);
    row_.set_stage_name(StageName(pipeline_, stage_id));
    row_.set_probability_percent(probability);
    row_.set_forecast_category(forecast);
    v1::StageVisit* visit = row_.add_stage_history();
    visit->set_stage_id(stage_id);
    visit->set_stage_name(row_.stage_name());
    *visit->mutable_entered_at() = at_;
    visit->set_entered_by(kind);
  }

  Row& row_;
  const v1::PipelineDefined& pipeline_;
  const google::protobuf::Timestamp& at_;
};

// ---------------------------------------------------------------------------------------------------
// Indexes

using KeysFn = std::vector<std::string> (*)(absl::string_view tenant, const Row& row);

std::vector<std::string> OwnerKeys(absl::string_view tenant, const Row& row) {
  return {TimedKey(Key(tenant, row.owner_user_id()), CloseDateKey(row), row.opportunity_id())};
}
std::vector<std::string> AccountKeys(absl::string_view tenant, const Row& row) {
  if (row.account_id().empty()) return {};
  return {TimedKey(Key(tenant, row.account_id()), CloseDateKey(row), row.opportunity_id())};
}
std::vector<std::string> StageKeys(absl::string_view tenant, const Row& row) {
  return {TimedKey(Key(tenant, row.pipeline_id(), row.stage_id()), CloseDateKey(row), row.opportunity_id())};
}
std::vector<std::string> StatusKeys(absl::string_view tenant, const Row& row) {
  const std::string prefix = base::KeyBuilder().String(tenant).Uint64(row.status()).Release();
  return {TimedKey(prefix, CloseDateKey(row), row.opportunity_id())};
}
std::vector<std::string> CloseKeys(absl::string_view tenant, const Row& row) {
  return {TimedKey(TenantPrefix(tenant), CloseDateKey(row), row.opportunity_id())};
}
// Newest change first within open and within closed deals.
std::vector<std::string> RecentKeys(absl::string_view tenant, const Row& row) {
  if (row.account_id().empty()) return {};
  const bool closed = row.status() != v1::OPPORTUNITY_STATUS_OPEN;
  const std::string prefix = base::KeyBuilder(Key(tenant, row.account_id())).Uint64(closed ? 1 : 0).Release();
  return {TimedKey(prefix, -KeyMicros(domain::ToTime(row.updated_at())), row.opportunity_id())};
}

constexpr std::pair<const char*, KeysFn> kIndexes[] = {
    {kOppByOwnerCf, OwnerKeys},   {kOppByAccountCf, AccountKeys}, {kOppByStageCf, StageKeys},
    {kOppByStatusCf, StatusKeys}, {kOppByCloseCf, CloseKeys},     {kOppRecentCf, RecentKeys},
};

absl::Status SyncIndexes(ReadModelTxn& txn, absl::string_view tenant, const std::optional<Row>& before,
                         const Row& after) {
  for (const auto& [cf, keys] : kIndexes) {
    SFA_RETURN_IF_ERROR(SyncIndex(txn, cf, before.has_value() ? keys(tenant, *before) : std::vector<std::string>(),
                                  keys(tenant, after)));
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------------
// Per-account totals

void AddDeal(Totals& totals, const Row& row, int sign) {
  switch (row.status()) {
    case v1::OPPORTUNITY_STATUS_OPEN: {
      totals.set_open_count(totals.open_count() + sign);
      if (!row.has_amount()) return;
      AddMoney(totals.mutable_open_amount(), row.amount(), sign);
      common::v1::Money weighted = row.amount();
      weighted.set_minor_units(row.amount().minor_units() * row.probability_percent() / 100);
      AddMoney(totals.mutable_weighted_open_amount(), weighted, sign);
      return;
    }
    case v1::OPPORTUNITY_STATUS_WON:
      totals.set_won_count(totals.won_count() + sign);
      if (row.has_amount()) AddMoney(totals.mutable_won_amount(), row.amount(), sign);
      return;
    case v1::OPPORTUNITY_STATUS_LOST:
      totals.set_lost_count(totals.lost_count() + sign);
      if (row.has_amount()) AddMoney(totals.mutable_lost_amount(), row.amount(), sign);
      return;
    default:
      return;
  }
}

absl::Status AddToAccount(ReadModelTxn& txn, absl::string_view tenant, const Row& row, int sign) {
  if (row.account_id().empty()) return absl::OkStatus();
  const std::string key = Key(tenant, row.account_id());
  absl::StatusOr<std::optional<Totals>> totals = ReadRow<Totals>(txn, kOppAccountTotalsCf, key);
  if (!totals.ok()) return totals.status();
  Totals updated = totals->value_or(Totals());
  AddDeal(updated, row, sign);
  if (updated.ByteSizeLong() == 0) return txn.Delete(kOppAccountTotalsCf, key);
  return WriteRow(txn, kOppAccountTotalsCf, key, updated);
}

absl::Status MoveTotals(ReadModelTxn& txn, absl::string_view tenant, const std::optional<Row>& before,
                        const Row& after) {
  if (before.has_value()) SFA_RETURN_IF_ERROR(AddToAccount(txn, tenant, *before, -1));
  return AddToAccount(txn, tenant, after, +1);
}

// ---------------------------------------------------------------------------------------------------

absl::Status ApplyOpportunity(const EventEnvelope& event, ReadModelTxn& txn) {
  absl::StatusOr<domain::OpportunityPayload> payload = Decode<domain::OpportunityPayload>(event);
  if (!payload.ok()) return payload.status();
  const std::string& tenant = event.tenant();
  // Fields 1-5 of every opportunity event: the ids as they are after the event.
  const auto [account_id, owner_id, pipeline_id, pipeline_version] = std::visit(
      [](const auto& e) {
        return std::make_tuple(e.account_id(), e.owner_user_id(), e.pipeline_id(), e.pipeline_version());
      },
      *payload);
  absl::StatusOr<std::optional<v1::PipelineDefined>> pipeline =
      ReadRow<v1::PipelineDefined>(txn, kOppPipelinesCf, PipelineKey(tenant, pipeline_id, pipeline_version));
  if (!pipeline.ok()) return pipeline.status();
  const std::string key = Key(tenant, event.aggregate_id());
  absl::StatusOr<std::optional<Row>> old = ReadRow<Row>(txn, kOpportunitiesCf, key);
  if (!old.ok()) return old.status();
  Row row = old->value_or(Row());
  std::visit(RowUpdate(row, pipeline->value_or(v1::PipelineDefined()), event.occurred_at()), *payload);
  row.set_account_id(account_id);
  row.set_owner_user_id(owner_id);
  row.set_version(event.aggregate_version());
  *row.mutable_updated_at() = event.occurred_at();
  // A closed stage visit moves to its own row, so each event rewrites a row of bounded size however
  // often the deal has moved (the row keeps only the visit still open).
  for (int i = 0; row.stage_history_size() > 1; ++i) {
    const std::string visit_key = base::KeyBuilder(key).Uint64(event.aggregate_version()).Uint64(i).Release();
    SFA_RETURN_IF_ERROR(WriteRow(txn, kOppStageHistoryCf, visit_key, row.stage_history(0)));
    row.mutable_stage_history()->DeleteSubrange(0, 1);
  }
  SFA_RETURN_IF_ERROR(SyncIndexes(txn, tenant, *old, row));
  SFA_RETURN_IF_ERROR(MoveTotals(txn, tenant, *old, row));
  return WriteRow(txn, kOpportunitiesCf, key, row);
}

}  // namespace

std::vector<std::string> OpportunityProjection::column_families() const {
  return {kOpportunitiesCf, kOppByOwnerCf, kOppByAccountCf,     kOppByStageCf,   kOppByStatusCf,
          kOppByCloseCf,    kOppRecentCf,  kOppAccountTotalsCf, kOppPipelinesCf, kOppStageHistoryCf};
}

absl::Status OpportunityProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() == domain::kPipelineAggregate) return ApplyPipeline(event, txn);
  if (event.aggregate_type() == domain::kOpportunityAggregate) return ApplyOpportunity(event, txn);
  return absl::OkStatus();
}

}  // namespace sfa::opportunity::projections

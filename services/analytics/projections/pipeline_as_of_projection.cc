#include <optional>
#include <string>

#include "analytics/projections/projections.h"
#include "base/key_codec.h"
#include "domain/support.h"
#include "eventstore/read_model_rows.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::analytics::projections {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using sfa::common::v1::EventEnvelope;

// What a deal adds to the open pipeline: nothing when closed.
struct Contribution {
  std::string owner;
  std::string stage_id;
  std::string category;
  std::string currency;
  int64_t amount = 0;
  int32_t percent = 0;
};

std::optional<Contribution> ContributionOf(const ov1::OpportunitySummary& deal) {
  if (deal.status() != ov1::OPPORTUNITY_STATUS_OPEN) return std::nullopt;
  return Contribution{deal.owner_user_id(), deal.stage_id(), ov1::ForecastCategory_Name(deal.forecast_category()), deal.amount().currency(),
                      deal.amount().minor_units(), deal.probability_percent()};
}

// Adds `delta` to the day sum and the event list under `prefix` (t|pipeline, or t|pipeline|owner).
absl::Status AddDeltaUnder(eventstore::ReadModelTxn& txn, absl::string_view day_cf, absl::string_view event_cf,
                           const std::string& prefix, const EventEnvelope& event, const Contribution& c,
                           const Delta& delta, int n) {
  const absl::Time at = absl::FromUnixNanos(google::protobuf::util::TimeUtil::TimestampToNanoseconds(event.occurred_at()));
  const int64_t day = DayOf(at);
  const std::string day_key =
      base::KeyBuilder(prefix).Int64(day).String(c.stage_id).String(c.category).String(c.currency).Release();
  absl::StatusOr<std::optional<std::string>> old = txn.Get(day_cf, day_key);
  if (!old.ok()) return old.status();
  Delta sum;
  if (old->has_value() && !DecodeDelta(**old, &sum)) return absl::DataLossError("unreadable day delta");
  sum.count += delta.count;
  sum.amount += delta.amount;
  sum.amount_x_percent += delta.amount_x_percent;
  if (absl::Status s = sum.count == 0 && sum.amount == 0 && sum.amount_x_percent == 0
                           ? txn.Delete(day_cf, day_key)
                           : txn.Put(day_cf, day_key, EncodeDelta(sum));
      !s.ok()) {
    return s;
  }
  const int64_t micros_in_day = absl::ToUnixMicros(at) - day * 86'400'000'000;
  const std::string event_key = base::KeyBuilder(prefix)
                                    .Int64(day)
                                    .Int64(micros_in_day)
                                    .String(event.aggregate_id())
                                    .Uint64(event.aggregate_version())
                                    .Uint64(static_cast<uint64_t>(n))
                                    .Release();
  std::string value = base::KeyBuilder().String(c.stage_id).String(c.category).String(c.currency).Release();
  value += EncodeDelta(delta);
  return txn.Put(event_cf, event_key, value);
}

// A change of one deal's contribution, for the whole pipeline and for its owner.
absl::Status AddDelta(eventstore::ReadModelTxn& txn, const EventEnvelope& event, const std::string& pipeline_id,
                      const Contribution& c, int sign, int n) {
  const Delta delta{sign, sign * c.amount, sign * c.amount * c.percent};
  const std::string prefix = base::KeyBuilder().String(event.tenant()).String(pipeline_id).Release();
  SFA_RETURN_IF_ERROR(AddDeltaUnder(txn, kDayDeltasCf, kEventDeltasCf, prefix, event, c, delta, n));
  return AddDeltaUnder(txn, kOwnerDayDeltasCf, kOwnerEventDeltasCf, base::KeyBuilder(prefix).String(c.owner).Release(),
                       event, c, delta, n);
}

}  // namespace

std::string EncodeDelta(const Delta& d) {
  return base::KeyBuilder().Int64(d.count).Int64(d.amount).Int64(d.amount_x_percent).Release();
}

bool DecodeDelta(absl::string_view bytes, Delta* d) {
  base::KeyReader reader(bytes);
  absl::StatusOr<int64_t> count = reader.Int64();
  absl::StatusOr<int64_t> amount = count.ok() ? reader.Int64() : count.status();
  absl::StatusOr<int64_t> weighted = amount.ok() ? reader.Int64() : amount.status();
  if (!weighted.ok() || !reader.done()) return false;
  *d = Delta{*count, *amount, *weighted};
  return true;
}

int64_t DayOf(absl::Time time) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  return seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
}

std::vector<std::string> PipelineAsOfProjection::column_families() const {
  return {kDealsCf, kDayDeltasCf, kEventDeltasCf, kOwnerDayDeltasCf, kOwnerEventDeltasCf};
}

absl::Status PipelineAsOfProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.aggregate_type() != "opportunity") return absl::OkStatus();
  const std::string key = base::KeyBuilder().String(event.tenant()).String(event.aggregate_id()).Release();
  absl::StatusOr<std::optional<ov1::OpportunitySummary>> row = eventstore::ReadRow<ov1::OpportunitySummary>(txn, kDealsCf, key);
  if (!row.ok()) return row.status();
  ov1::OpportunitySummary deal = row->value_or(ov1::OpportunitySummary());
  const std::optional<Contribution> before = row->has_value() ? ContributionOf(deal) : std::nullopt;
  const std::string& type = event.payload_type();
  if (type == ov1::OpportunityCreated::descriptor()->full_name()) {
    ov1::OpportunityCreated e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityCreated");
    deal.set_opportunity_id(e.opportunity_id());
    deal.set_pipeline_id(e.pipeline_id());
    deal.set_owner_user_id(e.owner_user_id());
    if (e.has_amount()) *deal.mutable_amount() = e.amount();
    deal.set_stage_id(e.stage_id());
    deal.set_status(ov1::OPPORTUNITY_STATUS_OPEN);
    deal.set_probability_percent(e.probability_percent());
    deal.set_forecast_category(e.forecast_category());
  } else if (type == ov1::OpportunityStageChanged::descriptor()->full_name()) {
    ov1::OpportunityStageChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityStageChanged");
    deal.set_stage_id(e.to_stage_id());
    deal.set_probability_percent(e.probability_percent());
    deal.set_forecast_category(e.forecast_category());
    if (e.has_amount()) *deal.mutable_amount() = e.amount();
    deal.set_status(e.kind() == ov1::STAGE_CHANGE_KIND_WON    ? ov1::OPPORTUNITY_STATUS_WON
                    : e.kind() == ov1::STAGE_CHANGE_KIND_LOST ? ov1::OPPORTUNITY_STATUS_LOST
                                                              : ov1::OPPORTUNITY_STATUS_OPEN);
  } else if (type == ov1::OpportunityAmountChanged::descriptor()->full_name()) {
    ov1::OpportunityAmountChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityAmountChanged");
    *deal.mutable_amount() = e.to_amount();
  } else if (type == ov1::OpportunityOwnerChanged::descriptor()->full_name()) {
    ov1::OpportunityOwnerChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityOwnerChanged");
    deal.set_owner_user_id(e.to_owner_user_id());
  } else {
    return absl::OkStatus();  // won/lost/reopened also arrive as OpportunityStageChanged
  }
  const std::optional<Contribution> after = ContributionOf(deal);
  const bool same = before.has_value() == after.has_value() &&
                    (!before || (before->owner == after->owner && before->stage_id == after->stage_id && before->category == after->category &&
                                 before->currency == after->currency && before->amount == after->amount &&
                                 before->percent == after->percent));
  if (!same) {
    if (before) {
      if (absl::Status s = AddDelta(txn, event, deal.pipeline_id(), *before, -1, 0); !s.ok()) return s;
    }
    if (after) {
      if (absl::Status s = AddDelta(txn, event, deal.pipeline_id(), *after, +1, 1); !s.ok()) return s;
    }
  }
  deal.set_version(event.aggregate_version());
  return eventstore::WriteRow(txn, kDealsCf, key, deal);
}

}  // namespace sfa::analytics::projections

#include "lead/domain/campaign.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "lead/domain/limits.h"
#include "lead/domain/support.h"

namespace sfa::lead::domain {
namespace {

using google::protobuf::util::MessageDifferencer;

void Apply(CampaignState& state, const v1::CampaignUpserted& e) {
  state.exists = true;
  state.campaign = e;
  state.campaign.clear_changed_fields();
}

void Apply(CampaignState& state, const v1::CampaignCostRecorded& e) { state.total_cost = e.total_cost(); }

// The campaign after `request`; changed_fields lists what differs from `state`, in field order.
v1::CampaignUpserted Upserted(const CampaignState& state, const v1::UpsertCampaignRequest& request) {
  v1::CampaignUpserted out = state.campaign;
  out.set_campaign_id(request.campaign_id());
  if (request.has_channel() && request.channel() != out.channel()) {
    out.set_channel(request.channel());
    out.add_changed_fields("channel");
  }
  if (request.has_name() && request.name() != out.name()) {
    out.set_name(request.name());
    out.add_changed_fields("name");
  }
  if (request.has_start_time() && !MessageDifferencer::Equals(request.start_time(), out.start_time())) {
    *out.mutable_start_time() = request.start_time();
    out.add_changed_fields("start_time");
  }
  if (request.has_end_time() && !MessageDifferencer::Equals(request.end_time(), out.end_time())) {
    *out.mutable_end_time() = request.end_time();
    out.add_changed_fields("end_time");
  }
  return out;
}

}  // namespace

CampaignState Evolve(CampaignState state, const CampaignEvent& event) {
  std::visit([&](const auto& payload) { Apply(state, payload); }, event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<CampaignEvent>> Decide(const CampaignState& state, const UpsertCampaign& command) {
  const v1::UpsertCampaignRequest& request = command.request;
  if (!state.exists && (!request.has_name() || request.name().empty())) {
    return absl::InvalidArgumentError(absl::StrCat("name is required to create campaign ", request.campaign_id()));
  }
  v1::CampaignUpserted upserted = Upserted(state, request);
  if (upserted.changed_fields().empty()) return std::vector<CampaignEvent>{};
  if (upserted.has_start_time() && upserted.has_end_time() &&
      ToTime(upserted.start_time()) > ToTime(upserted.end_time())) {
    return RuleViolation(
        "campaign_ends_before_start",
        absl::StrCat("campaign ", request.campaign_id(), " would end at ", Rfc3339(ToTime(upserted.end_time())),
                     ", before its start at ", Rfc3339(ToTime(upserted.start_time()))));
  }
  absl::StatusOr<absl::Time> at = EffectiveTime(nullptr, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  std::vector<CampaignEvent> events;
  events.push_back({*at, std::move(upserted)});
  return events;
}

absl::StatusOr<std::vector<CampaignEvent>> Decide(const CampaignState& state, const RecordCampaignCost& command) {
  const v1::RecordCampaignCostRequest& request = command.request;
  if (!state.exists) return absl::NotFoundError(absl::StrCat("campaign ", request.campaign_id(), " not found"));
  common::v1::Money total = state.total_cost.value_or(common::v1::Money());
  if (state.total_cost && total.currency() != request.amount().currency()) {
    return RuleViolation("campaign_currency_mismatch",
                         absl::StrCat("campaign ", request.campaign_id(), " records costs in ", total.currency(),
                                      ", not ", request.amount().currency()));
  }
  if (total.minor_units() > kMaxMinorUnits - request.amount().minor_units()) {
    return RuleViolation("campaign_cost_limit", absl::StrCat("campaign ", request.campaign_id(),
                                                             " would cost more than ", kMaxMinorUnits, " minor units"));
  }
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  total.set_currency(request.amount().currency());
  total.set_minor_units(total.minor_units() + request.amount().minor_units());
  v1::CampaignCostRecorded recorded;
  recorded.set_campaign_id(request.campaign_id());
  *recorded.mutable_amount() = request.amount();
  *recorded.mutable_total_cost() = total;
  recorded.set_note(request.note());
  std::vector<CampaignEvent> events;
  events.push_back({*at, std::move(recorded)});
  return events;
}

}  // namespace sfa::lead::domain

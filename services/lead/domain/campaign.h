#ifndef SFA_SERVICES_LEAD_DOMAIN_CAMPAIGN_H_
#define SFA_SERVICES_LEAD_DOMAIN_CAMPAIGN_H_

// The campaign aggregate: a marketing effort of one channel and what it cost, the basis of cost per
// lead and cost per acquired customer. All of a campaign's costs share one currency.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lead/domain/event.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/lead/v1/lead_service.pb.h"

namespace sfa::lead::domain {

inline constexpr char kCampaignAggregate[] = "campaign";

using CampaignPayload = std::variant<v1::CampaignUpserted, v1::CampaignCostRecorded>;
using CampaignEvent = Event<CampaignPayload>;

struct CampaignState {
  bool exists = false;
  v1::CampaignUpserted campaign;  // the whole campaign after the last upsert
  // Unset until the first cost; its currency is the campaign's.
  std::optional<common::v1::Money> total_cost;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct UpsertCampaign {
  v1::UpsertCampaignRequest request;  // validated; campaign_id filled in
  absl::Time now;
};

struct RecordCampaignCost {
  v1::RecordCampaignCostRequest request;  // validated
  absl::Time now;
};

CampaignState Evolve(CampaignState state, const CampaignEvent& event);

// CampaignUpserted with the whole campaign and the fields that changed; nothing when nothing changes.
// A new campaign needs a name; start_time must not be after end_time (campaign_ends_before_start).
absl::StatusOr<std::vector<CampaignEvent>> Decide(const CampaignState& state, const UpsertCampaign& command);

// CampaignCostRecorded with the new total. NOT_FOUND for an unknown campaign; campaign_currency_mismatch
// when the currency differs from the first cost's; campaign_cost_limit beyond kMaxMinorUnits in total.
absl::StatusOr<std::vector<CampaignEvent>> Decide(const CampaignState& state, const RecordCampaignCost& command);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_CAMPAIGN_H_

// The lead service's own read models, folded in the event store's commit. One projection owns them all:
// campaign figures need the lead rows (a conversion counts for the lead's campaign), and open-lead counts
// need the row before and after each event, so they cannot be rebuilt apart.

#include <string>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/read_model_rows.h"
#include "lead/domain/assignment_rules.h"
#include "lead/domain/campaign.h"
#include "lead/domain/dedup_keys.h"
#include "lead/domain/lead.h"
#include "lead/domain/support.h"
#include "lead/projections/keys.h"
#include "lead/projections/projections.h"

namespace sfa::lead::projections {
namespace {

using eventstore::ReadModelTxn;
using eventstore::ReadRow;
using eventstore::WriteRow;
using EventEnvelope = sfa::common::v1::EventEnvelope;

bool IsOpen(v1::LeadStatus status) {
  return status == v1::LEAD_STATUS_NEW || status == v1::LEAD_STATUS_WORKING || status == v1::LEAD_STATUS_NURTURE ||
         status == v1::LEAD_STATUS_QUALIFIED;
}

// The ListLeads index entries of a row.
std::vector<std::string> IndexKeys(absl::string_view tenant, const v1::Lead& lead) {
  const absl::Time created = domain::ToTime(lead.created_at());
  std::vector<std::string> keys = {
      IndexKey(tenant, kAll, "", created, lead.lead_id()),
      IndexKey(tenant, kByStatus, v1::LeadStatus_Name(lead.status()), created, lead.lead_id()),
  };
  if (!lead.owner_user_id().empty()) keys.push_back(IndexKey(tenant, kByOwner, lead.owner_user_id(), created, lead.lead_id()));
  if (!lead.team_id().empty()) keys.push_back(IndexKey(tenant, kByTeam, lead.team_id(), created, lead.lead_id()));
  if (!lead.source().channel().empty()) {
    keys.push_back(IndexKey(tenant, kByChannel, lead.source().channel(), created, lead.lead_id()));
  }
  if (!lead.source().campaign_id().empty()) {
    keys.push_back(IndexKey(tenant, kByCampaign, lead.source().campaign_id(), created, lead.lead_id()));
  }
  return keys;
}

absl::Status AddToCount(ReadModelTxn& txn, absl::string_view cf, const std::string& key, int delta) {
  absl::StatusOr<std::optional<std::string>> value = txn.Get(cf, key);
  if (!value.ok()) return value.status();
  const uint64_t now = value->has_value() ? DecodeCount(**value) : 0;
  const uint64_t next = delta < 0 && now < static_cast<uint64_t>(-delta) ? 0 : now + delta;
  if (next == 0) return txn.Delete(cf, key);
  return txn.Put(cf, key, EncodeCount(next));
}

absl::Status AddToCampaign(ReadModelTxn& txn, absl::string_view tenant, const std::string& campaign_id, int leads,
                           int converted) {
  if (campaign_id.empty()) return absl::OkStatus();
  const std::string key = Key(tenant, campaign_id);
  absl::StatusOr<std::optional<v1::Campaign>> row = ReadRow<v1::Campaign>(txn, kCampaignsCf, key);
  if (!row.ok()) return row.status();
  v1::Campaign campaign = row->value_or(v1::Campaign());
  campaign.set_campaign_id(campaign_id);
  campaign.set_leads(campaign.leads() + leads);
  campaign.set_converted_leads(campaign.converted_leads() + converted);
  return WriteRow(txn, kCampaignsCf, key, campaign);
}

absl::Status PutOutcome(ReadModelTxn& txn, absl::string_view tenant, const std::string& lead_id, bool converted,
                        const v1::OutcomeFeatures& features) {
  return txn.Put(kOutcomesCf, Key(tenant, lead_id), absl::StrCat(converted ? "1" : "0", features.SerializeAsString()));
}

// Changes the row by one event and writes what follows from the change: indexes, open-lead counts.
class LeadApplier {
 public:
  LeadApplier(const EventEnvelope& event, ReadModelTxn& txn) : event_(event), txn_(txn) {}

  absl::Status Apply(const domain::LeadPayload& payload) {
    const std::string key = Key(event_.tenant(), event_.aggregate_id());
    absl::StatusOr<std::optional<v1::Lead>> old = ReadRow<v1::Lead>(txn_, kLeadsCf, key);
    if (!old.ok()) return old.status();
    const std::optional<v1::Lead>& before = *old;
    v1::Lead row = before.value_or(v1::Lead());
    absl::Status changed = std::visit([&](const auto& e) { return On(row, e); }, payload);
    if (!changed.ok()) return changed;
    row.set_version(event_.aggregate_version());
    *row.mutable_updated_at() = event_.occurred_at();

    const std::string& t = event_.tenant();
    std::vector<std::string> old_keys = before ? IndexKeys(t, *before) : std::vector<std::string>();
    if (absl::Status s = eventstore::SyncIndex(txn_, kLeadIndexCf, old_keys, IndexKeys(t, row)); !s.ok()) return s;
    const bool was_open = before && IsOpen(before->status()) && !before->owner_user_id().empty();
    const bool is_open = IsOpen(row.status()) && !row.owner_user_id().empty();
    if (was_open && (!is_open || before->owner_user_id() != row.owner_user_id())) {
      if (absl::Status s = AddToCount(txn_, kOwnerOpenLeadsCf, Key(t, before->owner_user_id()), -1); !s.ok()) return s;
    }
    if (is_open && (!was_open || before->owner_user_id() != row.owner_user_id())) {
      if (absl::Status s = AddToCount(txn_, kOwnerOpenLeadsCf, Key(t, row.owner_user_id()), +1); !s.ok()) return s;
    }
    return WriteRow(txn_, kLeadsCf, key, row);
  }

 private:
  absl::Status On(v1::Lead& row, const v1::LeadCaptured& e) {
    row.set_lead_id(e.lead_id());
    row.set_status(v1::LEAD_STATUS_NEW);
    *row.mutable_source() = e.source();
    *row.mutable_person() = e.person();
    *row.mutable_company() = e.company();
    *row.mutable_attributes() = e.attributes();
    row.set_duplicate_of(e.duplicate_of());
    row.set_duplicate_match(e.duplicate_match());
    *row.mutable_created_at() = event_.occurred_at();
    // Duplicate keys: the earliest lead holding a key keeps it.
    for (const auto& [match, value] : domain::DuplicateKeys(e.person(), e.company(), "")) {
      const std::string key = Key(event_.tenant(), v1::DuplicateMatch_Name(match), value);
      absl::StatusOr<std::optional<std::string>> holder = txn_.Get(kLeadDedupCf, key);
      if (!holder.ok()) return holder.status();
      if (holder->has_value()) continue;
      if (absl::Status s = txn_.Put(kLeadDedupCf, key, e.lead_id()); !s.ok()) return s;
    }
    return AddToCampaign(txn_, event_.tenant(), e.source().campaign_id(), 1, 0);
  }
  absl::Status On(v1::Lead& row, const v1::LeadStatusChanged& e) {
    row.set_status(e.to_status());
    return absl::OkStatus();
  }
  absl::Status On(v1::Lead&, const v1::LeadQualified&) { return absl::OkStatus(); }
  absl::Status On(v1::Lead& row, const v1::LeadDisqualified& e) {
    row.set_status(v1::LEAD_STATUS_DISQUALIFIED);
    row.set_disqualification_reason(e.reason());
    return PutOutcome(txn_, event_.tenant(), e.lead_id(), false, e.features());
  }
  absl::Status On(v1::Lead& row, const v1::LeadConverted& e) {
    row.set_status(v1::LEAD_STATUS_CONVERTED);
    row.set_account_id(e.account_id());
    row.set_contact_id(e.contact_id());
    row.set_opportunity_id(e.opportunity_id());
    if (absl::Status s = PutOutcome(txn_, event_.tenant(), e.lead_id(), true, e.features()); !s.ok()) return s;
    return AddToCampaign(txn_, event_.tenant(), row.source().campaign_id(), 0, 1);
  }
  absl::Status On(v1::Lead& row, const v1::LeadAssigned& e) {
    row.set_owner_user_id(e.owner_user_id());
    row.set_team_id(e.team_id());
    if (e.method() != v1::ASSIGNMENT_METHOD_RULE || e.team_id().empty()) return absl::OkStatus();
    return txn_.Put(kTeamRotationCf, Key(event_.tenant(), e.team_id()), EncodeCount(e.rotation_position()));
  }
  absl::Status On(v1::Lead&, const v1::EngagementRecorded& e) {
    return txn_.Put(kLeadEngagementCf, EngagementKey(event_.tenant(), e.lead_id(), event_.aggregate_version()),
                    EncodeEngagement(domain::ToTime(event_.occurred_at()), e.SerializeAsString()));
  }
  absl::Status On(v1::Lead& row, const v1::LeadDuplicatesMerged& e) {
    for (const std::string& id : e.merged_lead_ids()) row.add_merged_lead_ids(id);
    return absl::OkStatus();
  }
  absl::Status On(v1::Lead& row, const v1::LeadMerged& e) {
    row.set_status(v1::LEAD_STATUS_MERGED);
    row.set_merged_into_lead_id(e.survivor_lead_id());
    return absl::OkStatus();
  }

  const EventEnvelope& event_;
  ReadModelTxn& txn_;
};

absl::Status ApplyCampaign(const EventEnvelope& event, const domain::CampaignPayload& payload, ReadModelTxn& txn) {
  const std::string key = Key(event.tenant(), event.aggregate_id());
  absl::StatusOr<std::optional<v1::Campaign>> old = ReadRow<v1::Campaign>(txn, kCampaignsCf, key);
  if (!old.ok()) return old.status();
  v1::Campaign row = old->value_or(v1::Campaign());
  row.set_campaign_id(event.aggregate_id());
  if (const auto* upserted = std::get_if<v1::CampaignUpserted>(&payload)) {
    row.set_channel(upserted->channel());
    row.set_name(upserted->name());
    if (upserted->has_start_time()) {
      *row.mutable_start_time() = upserted->start_time();
    } else {
      row.clear_start_time();
    }
    if (upserted->has_end_time()) {
      *row.mutable_end_time() = upserted->end_time();
    } else {
      row.clear_end_time();
    }
  } else if (const auto* cost = std::get_if<v1::CampaignCostRecorded>(&payload)) {
    *row.mutable_total_cost() = cost->total_cost();
  }
  row.set_version(event.aggregate_version());
  return WriteRow(txn, kCampaignsCf, key, row);
}

}  // namespace

std::vector<std::string> LeadProjection::column_families() const {
  return {kLeadsCf, kLeadIndexCf, kLeadEngagementCf, kLeadDedupCf, kOwnerOpenLeadsCf,
          kTeamRotationCf, kOutcomesCf, kCampaignsCf};
}

absl::Status LeadProjection::Apply(const EventEnvelope& event, ReadModelTxn& txn) {
  if (event.aggregate_type() == domain::kLeadAggregate) {
    absl::StatusOr<domain::LeadPayload> payload =
        domain::ParsePayload<domain::LeadPayload>(event.payload_type(), event.payload());
    if (!payload.ok()) return payload.status();
    return LeadApplier(event, txn).Apply(*payload);
  }
  if (event.aggregate_type() == domain::kCampaignAggregate) {
    absl::StatusOr<domain::CampaignPayload> payload =
        domain::ParsePayload<domain::CampaignPayload>(event.payload_type(), event.payload());
    if (!payload.ok()) return payload.status();
    return ApplyCampaign(event, *payload, txn);
  }
  return absl::OkStatus();  // scoring model and assignment rules are read from their streams
}

}  // namespace sfa::lead::projections

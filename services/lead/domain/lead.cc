#include "lead/domain/lead.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "lead/domain/support.h"

namespace sfa::lead::domain {
namespace {

using v1::LeadStatus;

// The legal next statuses of each status; CONVERTED, DISQUALIFIED and MERGED have none.
std::vector<LeadStatus> NextStatuses(LeadStatus from) {
  switch (from) {
    case v1::LEAD_STATUS_NEW:
      return {v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_DISQUALIFIED};
    case v1::LEAD_STATUS_WORKING:
      return {v1::LEAD_STATUS_NURTURE, v1::LEAD_STATUS_QUALIFIED, v1::LEAD_STATUS_DISQUALIFIED};
    case v1::LEAD_STATUS_NURTURE:
      return {v1::LEAD_STATUS_WORKING, v1::LEAD_STATUS_QUALIFIED, v1::LEAD_STATUS_DISQUALIFIED};
    case v1::LEAD_STATUS_QUALIFIED:
      return {v1::LEAD_STATUS_CONVERTED, v1::LEAD_STATUS_DISQUALIFIED};
    default:
      return {};
  }
}

bool IsClosed(LeadStatus status) {
  return status == v1::LEAD_STATUS_CONVERTED || status == v1::LEAD_STATUS_DISQUALIFIED ||
         status == v1::LEAD_STATUS_MERGED;
}

absl::Status CheckTransition(const LeadState& state, LeadStatus to) {
  const std::vector<LeadStatus> next = NextStatuses(state.status);
  if (std::find(next.begin(), next.end(), to) != next.end()) return absl::OkStatus();
  std::vector<std::string> names;
  for (LeadStatus s : next) names.push_back(StatusName(s));
  return RuleViolation(
      "illegal_status_transition",
      absl::StrCat("lead ", state.lead_id(), " cannot go from ", StatusName(state.status), " to ", StatusName(to),
                   "; allowed: ", names.empty() ? "none" : absl::StrJoin(names, ", ")));
}

// NOT_FOUND for a missing lead, lead_merged for a merged one: every command's first check.
absl::Status CheckWritable(const LeadState& state, absl::string_view lead_id) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat("lead ", lead_id, " not found"));
  if (state.status == v1::LEAD_STATUS_MERGED) {
    return RuleViolation("lead_merged", absl::StrCat("lead ", lead_id, " was merged into ", state.merged_into_lead_id,
                                                     " and is read-only"));
  }
  return absl::OkStatus();
}

v1::LeadStatusChanged StatusChange(const LeadState& state, LeadStatus to, absl::Time at, absl::string_view note) {
  v1::LeadStatusChanged changed;
  changed.set_lead_id(state.lead_id());
  changed.set_from_status(state.status);
  changed.set_to_status(to);
  *changed.mutable_time_in_previous_status() = ToDurationProto(at - state.status_since);
  changed.set_owner_user_id(state.owner_user_id);
  changed.set_note(std::string(note));
  return changed;
}

std::vector<LeadEvent> One(absl::Time at, LeadPayload payload) {
  std::vector<LeadEvent> events;
  events.push_back({at, std::move(payload)});
  return events;
}

void Apply(LeadState& state, const v1::LeadCaptured& e, absl::Time at) {
  state.exists = true;
  state.captured = e;
  state.status = v1::LEAD_STATUS_NEW;
  state.captured_at = at;
  state.status_since = at;
}

void Apply(LeadState& state, const v1::LeadStatusChanged& e, absl::Time at) {
  state.status = e.to_status();
  state.status_since = at;
}

void Apply(LeadState&, const v1::LeadQualified&, absl::Time) {}

void Apply(LeadState& state, const v1::LeadDisqualified& e, absl::Time) { state.disqualification_reason = e.reason(); }

void Apply(LeadState& state, const v1::LeadConverted& e, absl::Time) { state.converted = e; }

void Apply(LeadState& state, const v1::LeadAssigned& e, absl::Time) {
  state.owner_user_id = e.owner_user_id();
  state.team_id = e.team_id();
}

void Apply(LeadState& state, const v1::EngagementRecorded& e, absl::Time at) {
  state.engagements.push_back(Engagement{e.kind(), e.count(), e.duration_seconds(), at});
}

void Apply(LeadState& state, const v1::LeadDuplicatesMerged& e, absl::Time) {
  state.merged_lead_ids.insert(state.merged_lead_ids.end(), e.merged_lead_ids().begin(), e.merged_lead_ids().end());
}

void Apply(LeadState& state, const v1::LeadMerged& e, absl::Time at) {
  state.merged_into_lead_id = e.survivor_lead_id();
  state.status = v1::LEAD_STATUS_MERGED;
  state.status_since = at;
}

// LeadStatusChanged then `outcome`, at the effective time of `request`.
template <typename Request, typename Outcome>
absl::StatusOr<std::vector<LeadEvent>> Close(const LeadState& state, const Request& request, absl::Time now,
                                             LeadStatus to, absl::string_view note, Outcome outcome) {
  SFA_RETURN_IF_ERROR(CheckWritable(state, request.lead_id()));
  SFA_RETURN_IF_ERROR(CheckTransition(state, to));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, now, state.last_changed_at);
  if (!at.ok()) return at.status();
  std::vector<LeadEvent> events = One(*at, StatusChange(state, to, *at, note));
  events.push_back({*at, outcome(*at)});
  return events;
}

}  // namespace

std::string StatusName(v1::LeadStatus status) {
  return std::string(absl::StripPrefix(v1::LeadStatus_Name(status), "LEAD_STATUS_"));
}

LeadState Evolve(LeadState state, const LeadEvent& event) {
  std::visit([&](const auto& payload) { Apply(state, payload, event.occurred_at); }, event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

LeadFacts FactsOf(const LeadState& state) {
  LeadFacts facts;
  facts.source = state.captured.source();
  facts.person = state.captured.person();
  facts.company = state.captured.company();
  facts.attributes.insert(state.captured.attributes().begin(), state.captured.attributes().end());
  return facts;
}

v1::OutcomeFeatures OutcomeFeaturesOf(const LeadState& state, absl::Time at) {
  v1::OutcomeFeatures features;
  *features.mutable_source() = state.captured.source();
  *features.mutable_company() = state.captured.company();
  *features.mutable_attributes() = state.captured.attributes();
  std::map<int, v1::EngagementTotal> totals;
  for (const Engagement& e : state.engagements) {
    v1::EngagementTotal& total = totals[e.kind];
    total.set_kind(e.kind);
    total.set_count(total.count() + e.count);
    total.set_duration_seconds(total.duration_seconds() + e.duration_seconds);
  }
  for (auto& [kind, total] : totals) *features.add_engagement() = std::move(total);
  *features.mutable_age() = ToDurationProto(at - state.captured_at);
  return features;
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const CaptureLead& command) {
  const v1::CaptureLeadRequest& request = command.request;
  if (state.exists) return absl::AlreadyExistsError(absl::StrCat("lead ", request.lead_id(), " already exists"));
  if (!request.source().campaign_id().empty() && !command.campaign_exists) {
    return absl::NotFoundError(absl::StrCat("source.campaign_id ", request.source().campaign_id(), " not found"));
  }
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now);
  if (!at.ok()) return at.status();
  v1::LeadCaptured captured;
  captured.set_lead_id(request.lead_id());
  *captured.mutable_source() = request.source();
  *captured.mutable_person() = request.person();
  *captured.mutable_company() = request.company();
  *captured.mutable_attributes() = request.attributes();
  if (!command.duplicate.lead_id.empty() && command.duplicate.lead_id != request.lead_id()) {
    captured.set_duplicate_of(command.duplicate.lead_id);
    captured.set_duplicate_match(command.duplicate.match);
  }
  return One(*at, std::move(captured));
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const ChangeLeadStatus& command) {
  const v1::ChangeLeadStatusRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckWritable(state, request.lead_id()));
  if (state.status == request.status()) return std::vector<LeadEvent>{};
  SFA_RETURN_IF_ERROR(CheckTransition(state, request.status()));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  return One(*at, StatusChange(state, request.status(), *at, request.note()));
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const QualifyLead& command) {
  const v1::QualifyLeadRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckWritable(state, request.lead_id()));
  SFA_RETURN_IF_ERROR(CheckTransition(state, v1::LEAD_STATUS_QUALIFIED));
  if (state.owner_user_id.empty()) {
    return RuleViolation("qualify_requires_owner",
                         absl::StrCat("lead ", request.lead_id(), " has no owner; assign it before qualifying"));
  }
  return Close(state, request, command.now, v1::LEAD_STATUS_QUALIFIED, request.note(), [&](absl::Time) {
    v1::LeadQualified qualified;
    qualified.set_lead_id(state.lead_id());
    qualified.set_owner_user_id(state.owner_user_id);
    return qualified;
  });
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const DisqualifyLead& command) {
  const v1::DisqualifyLeadRequest& request = command.request;
  return Close(state, request, command.now, v1::LEAD_STATUS_DISQUALIFIED, request.reason(), [&](absl::Time at) {
    v1::LeadDisqualified disqualified;
    disqualified.set_lead_id(state.lead_id());
    disqualified.set_reason(request.reason());
    disqualified.set_owner_user_id(state.owner_user_id);
    disqualified.set_from_status(state.status);
    *disqualified.mutable_features() = OutcomeFeaturesOf(state, at);
    return disqualified;
  });
}

absl::Status CheckConvertible(const LeadState& state, absl::string_view lead_id) {
  SFA_RETURN_IF_ERROR(CheckWritable(state, lead_id));
  return CheckTransition(state, v1::LEAD_STATUS_CONVERTED);
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const ConvertLead& command) {
  const v1::ConvertLeadRequest& request = command.request;
  return Close(state, request, command.now, v1::LEAD_STATUS_CONVERTED, "", [&](absl::Time at) {
    v1::LeadConverted converted;
    converted.set_lead_id(state.lead_id());
    converted.set_account_id(command.account_id);
    converted.set_contact_id(command.contact_id);
    converted.set_opportunity_id(command.opportunity_id);
    converted.set_owner_user_id(state.owner_user_id);
    *converted.mutable_features() = OutcomeFeaturesOf(state, at);
    return converted;
  });
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const RecordEngagement& command) {
  const v1::RecordEngagementRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckWritable(state, request.lead_id()));
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.captured_at);
  if (!at.ok()) return at.status();
  v1::EngagementRecorded recorded;
  recorded.set_lead_id(state.lead_id());
  recorded.set_kind(request.kind());
  recorded.set_count(request.count() == 0 ? 1 : request.count());
  recorded.set_duration_seconds(request.duration_seconds());
  return One(*at, std::move(recorded));
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const AssignLead& command) {
  const v1::AssignLeadRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckWritable(state, request.lead_id()));
  if (IsClosed(state.status)) {
    return RuleViolation("lead_closed", absl::StrCat("lead ", request.lead_id(), " is ", StatusName(state.status),
                                                     " and can no longer be assigned"));
  }
  if (command.owner_user_id == state.owner_user_id && command.team_id == state.team_id) {
    return std::vector<LeadEvent>{};
  }
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  v1::LeadAssigned assigned;
  assigned.set_lead_id(state.lead_id());
  assigned.set_owner_user_id(command.owner_user_id);
  assigned.set_team_id(command.team_id);
  assigned.set_method(command.method);
  assigned.set_rule_id(command.rule_id);
  assigned.set_rules_version(command.rules_version);
  assigned.set_previous_owner_user_id(state.owner_user_id);
  assigned.set_rotation_position(command.rotation_position);
  return One(*at, std::move(assigned));
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const MergeLeads& command) {
  const v1::MergeLeadsRequest& request = command.request;
  SFA_RETURN_IF_ERROR(CheckWritable(state, request.survivor_id()));
  if (command.duplicates.size() != static_cast<size_t>(request.duplicate_ids_size())) {
    return absl::InternalError("MergeLeads needs one state per duplicate id");
  }
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < command.duplicates.size(); ++i) {
    const LeadState& duplicate = command.duplicates[i];
    const std::string& id = request.duplicate_ids(static_cast<int>(i));
    if (id == request.survivor_id()) {
      return RuleViolation("merge_into_itself", absl::StrCat("lead ", id, " cannot be merged into itself"));
    }
    if (!seen.insert(id).second) continue;
    SFA_RETURN_IF_ERROR(CheckWritable(duplicate, id));
    if (duplicate.status == v1::LEAD_STATUS_CONVERTED) {
      return RuleViolation("merge_converted_lead",
                           absl::StrCat("lead ", id, " is converted; its opportunity would lose its lead"));
    }
  }
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  v1::LeadDuplicatesMerged merged;
  merged.set_lead_id(state.lead_id());
  for (const std::string& id : request.duplicate_ids()) {
    if (std::find(merged.merged_lead_ids().begin(), merged.merged_lead_ids().end(), id) ==
        merged.merged_lead_ids().end()) {
      merged.add_merged_lead_ids(id);
    }
  }
  return One(*at, std::move(merged));
}

absl::StatusOr<std::vector<LeadEvent>> Decide(const LeadState& state, const MergeIntoSurvivor& command) {
  SFA_RETURN_IF_ERROR(CheckWritable(state, command.lead_id));
  if (state.status == v1::LEAD_STATUS_CONVERTED) {
    return RuleViolation("merge_converted_lead", absl::StrCat("lead ", command.lead_id, " is converted"));
  }
  v1::LeadMerged merged;
  merged.set_lead_id(state.lead_id());
  merged.set_survivor_lead_id(command.survivor_id);
  merged.set_from_status(state.status);
  return One(std::max(command.at, state.last_changed_at), std::move(merged));
}

}  // namespace sfa::lead::domain

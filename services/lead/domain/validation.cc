#include "lead/domain/validation.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "domain/field_checks.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "lead/domain/conditions.h"
#include "lead/domain/limits.h"
#include "lead/domain/support.h"

namespace sfa::lead::domain {
namespace {

using ::sfa::domain::EffectiveTime;
using ::sfa::domain::Enum;
using ::sfa::domain::FirstError;
using ::sfa::domain::Id;
using ::sfa::domain::Invalid;
using ::sfa::domain::kOptional;
using ::sfa::domain::kRequired;
using ::sfa::domain::Lines;
using ::sfa::domain::Need;
using ::sfa::domain::Ok;
using ::sfa::domain::OptionalMoney;
using ::sfa::domain::RequestId;
using ::sfa::domain::Text;
using ::sfa::domain::Time;

absl::Status PageSizeOf(int32_t page_size) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return Invalid("page_size", absl::StrCat("must be between 0 and ", kMaxPageSize));
  }
  return Ok();
}

absl::Status PageToken(absl::string_view token) {
  if (token.size() > kMaxPageTokenLength) {
    return Invalid("page_token", absl::StrCat("must be at most ", kMaxPageTokenLength, " characters"));
  }
  return Ok();
}

absl::Status AttributeKey(absl::string_view key) {
  const bool shape = !key.empty() && key.size() <= kMaxAttributeKeyLength &&
                     std::all_of(key.begin(), key.end(),
                                 [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-'; });
  if (!shape) {
    return Invalid(absl::StrCat("attributes[\"", absl::CHexEscape(key.substr(0, kMaxAttributeKeyLength)), "\"]"),
                   absl::StrCat("key must be 1-", kMaxAttributeKeyLength, " characters of [A-Za-z0-9_.-]"));
  }
  return Ok();
}

absl::Status Attributes(const google::protobuf::Map<std::string, std::string>& attributes) {
  if (attributes.size() > static_cast<size_t>(kMaxAttributes)) {
    return Invalid("attributes",
                   absl::StrCat("must have at most ", kMaxAttributes, " entries, not ", attributes.size()));
  }
  // Map iteration order is unspecified; sort so that the reported field is the same on every call.
  std::vector<std::string> keys;
  for (const auto& [key, value] : attributes) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    SFA_RETURN_IF_ERROR(AttributeKey(key));
    SFA_RETURN_IF_ERROR(
        Text(absl::StrCat("attributes[\"", key, "\"]"), attributes.at(key), kMaxAttributeValueLength, kOptional));
  }
  return Ok();
}

absl::Status Source(const v1::LeadSource& source) {
  return FirstError({Text("source.channel", source.channel(), kMaxLabelLength, kOptional),
                     Id("source.campaign_id", source.campaign_id(), kOptional),
                     Text("source.origin", source.origin(), kMaxLabelLength, kOptional)});
}

absl::Status PersonOf(const v1::Person& person) {
  return FirstError({Text("person.name", person.name(), kMaxNameLength, kOptional),
                     ValidateEmail("person.email", person.email()), ValidatePhone("person.phone", person.phone())});
}

absl::Status CompanyOf(const v1::Company& company) {
  return FirstError({Text("company.name", company.name(), kMaxNameLength, kOptional),
                     Text("company.industry", company.industry(), kMaxLabelLength, kOptional),
                     company.employees() < 0 || company.employees() > kMaxEmployees
                         ? Invalid("company.employees", absl::StrCat("must be between 0 and ", kMaxEmployees))
                         : Ok(),
                     Text("company.country", company.country(), kMaxLabelLength, kOptional),
                     Text("company.city", company.city(), kMaxLabelLength, kOptional)});
}

absl::Status ConditionOf(const std::string& field, const v1::Condition& condition, bool allow_scores) {
  if (!IsKnownConditionField(condition.field(), allow_scores)) {
    return Invalid(absl::StrCat(field, ".field"),
                   absl::StrCat("names no lead field: \"", absl::CHexEscape(condition.field().substr(0, 80)), "\""));
  }
  SFA_RETURN_IF_ERROR(
      Enum(absl::StrCat(field, ".operator"), condition.operator_(), v1::ConditionOperator_IsValid, kRequired));
  const bool needs_value = condition.operator_() == v1::CONDITION_OPERATOR_EQUALS ||
                           condition.operator_() == v1::CONDITION_OPERATOR_NOT_EQUALS ||
                           condition.operator_() == v1::CONDITION_OPERATOR_IN ||
                           condition.operator_() == v1::CONDITION_OPERATOR_CONTAINS;
  if (needs_value && condition.values().empty()) return Invalid(absl::StrCat(field, ".values"), "is required");
  if (condition.values_size() > kMaxConditionValues) {
    return Invalid(absl::StrCat(field, ".values"), absl::StrCat("must have at most ", kMaxConditionValues, " values"));
  }
  for (int i = 0; i < condition.values_size(); ++i) {
    SFA_RETURN_IF_ERROR(
        Text(absl::StrCat(field, ".values[", i, "]"), condition.values(i), kMaxAttributeValueLength, kOptional));
  }
  return Ok();
}

template <typename Rule>
absl::Status Conditions(const std::string& field, const Rule& rule, bool allow_scores) {
  if (rule.conditions_size() > kMaxConditions) {
    return Invalid(absl::StrCat(field, ".conditions"), absl::StrCat("must have at most ", kMaxConditions));
  }
  for (int i = 0; i < rule.conditions_size(); ++i) {
    SFA_RETURN_IF_ERROR(ConditionOf(absl::StrCat(field, ".conditions[", i, "]"), rule.conditions(i), allow_scores));
  }
  return Ok();
}

// rule_id required and distinct; description bounded.
template <typename Rule>
absl::Status RuleHeader(const std::string& field, const Rule& rule, absl::flat_hash_set<std::string>& seen) {
  SFA_RETURN_IF_ERROR(Id(absl::StrCat(field, ".rule_id"), rule.rule_id(), kRequired));
  if (!seen.insert(rule.rule_id()).second) {
    return Invalid(absl::StrCat(field, ".rule_id"), absl::StrCat("repeats ", rule.rule_id()));
  }
  return Text(absl::StrCat(field, ".description"), rule.description(), kMaxDescriptionLength, kOptional);
}

absl::Status FitRules(const v1::ScoringModel& model) {
  if (model.fit_rules_size() > kMaxScoringRules) {
    return Invalid("model.fit_rules", absl::StrCat("must have at most ", kMaxScoringRules, " rules"));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < model.fit_rules_size(); ++i) {
    const std::string field = absl::StrCat("model.fit_rules[", i, "]");
    const v1::ScoringRule& rule = model.fit_rules(i);
    SFA_RETURN_IF_ERROR(RuleHeader(field, rule, seen));
    if (rule.conditions().empty()) return Invalid(absl::StrCat(field, ".conditions"), "is required");
    SFA_RETURN_IF_ERROR(Conditions(field, rule, /*allow_scores=*/false));
    if (rule.points() < -kMaxRulePoints || rule.points() > kMaxRulePoints) {
      return Invalid(absl::StrCat(field, ".points"),
                     absl::StrCat("must be between ", -kMaxRulePoints, " and ", kMaxRulePoints));
    }
  }
  return Ok();
}

absl::Status EngagementWeights(const v1::ScoringModel& model) {
  absl::flat_hash_set<int> kinds;
  for (int i = 0; i < model.engagement_weights_size(); ++i) {
    const std::string field = absl::StrCat("model.engagement_weights[", i, "]");
    const v1::EngagementWeight& weight = model.engagement_weights(i);
    SFA_RETURN_IF_ERROR(Enum(absl::StrCat(field, ".kind"), weight.kind(), v1::EngagementKind_IsValid, kRequired));
    if (!kinds.insert(weight.kind()).second) return Invalid(absl::StrCat(field, ".kind"), "repeats a kind");
    for (auto [name, points] : {std::pair{".points_per_count", weight.points_per_count()},
                                std::pair{".points_per_minute", weight.points_per_minute()}}) {
      if (points < -kMaxWeightPoints || points > kMaxWeightPoints) {
        return Invalid(absl::StrCat(field, name),
                       absl::StrCat("must be between ", -kMaxWeightPoints, " and ", kMaxWeightPoints));
      }
    }
  }
  const google::protobuf::Duration& half_life = model.behaviour_half_life();
  if (half_life.seconds() < 0 || half_life.nanos() < 0 || half_life.seconds() > 10 * 365 * 86'400) {
    return Invalid("model.behaviour_half_life", "must be between 0 and 10 years");
  }
  return Ok();
}

absl::Status Capacity(const std::string& field, int32_t capacity) {
  if (capacity < 1 || capacity > kMaxOpenLeadsPerMember) {
    return Invalid(field, absl::StrCat("must be between 1 and ", kMaxOpenLeadsPerMember));
  }
  return Ok();
}

}  // namespace

absl::Status ValidateEmail(absl::string_view field, absl::string_view email) {
  if (email.empty()) return Ok();
  if (email.size() > kMaxEmailLength) {
    return Invalid(field, absl::StrCat("must be at most ", kMaxEmailLength, " characters"));
  }
  const size_t at = email.find('@');
  const bool one_at = at != absl::string_view::npos && at > 0 && email.find('@', at + 1) == absl::string_view::npos;
  const absl::string_view domain = one_at ? email.substr(at + 1) : absl::string_view();
  const bool local_ok =
      one_at && std::all_of(email.begin(), email.begin() + at, [](char c) {
        return c > ' ' && c < 0x7f && c != '(' && c != ')' && c != ',' && c != ';' && c != '<' && c != '>' && c != '"';
      });
  const bool domain_ok =
      !domain.empty() && domain.find('.') != absl::string_view::npos && domain.front() != '.' && domain.back() != '.' &&
      domain.find("..") == absl::string_view::npos &&
      std::all_of(domain.begin(), domain.end(), [](char c) { return absl::ascii_isalnum(c) || c == '.' || c == '-'; });
  return local_ok && domain_ok ? Ok() : Invalid(field, "must look like name@example.com");
}

absl::Status ValidatePhone(absl::string_view field, absl::string_view phone) {
  if (phone.empty()) return Ok();
  if (phone.size() > kMaxPhoneLength) {
    return Invalid(field, absl::StrCat("must be at most ", kMaxPhoneLength, " characters"));
  }
  size_t digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (!(c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' || c == '/' || (c == '+' && i == 0))) {
      return Invalid(field, "must be digits with optional separators and one leading +");
    }
  }
  if (digits < 7 || digits > 15) return Invalid(field, "must have 7 to 15 digits");
  return Ok();
}

int PageSize(int32_t requested) { return requested == 0 ? kDefaultPageSize : requested; }

absl::Status Validate(const v1::CaptureLeadRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("lead_id", request.lead_id(), kOptional),
                     Source(request.source()), PersonOf(request.person()), CompanyOf(request.company()),
                     Attributes(request.attributes()), EffectiveTime(request)});
}

absl::Status Validate(const v1::MergeLeadsRequest& request) {
  SFA_RETURN_IF_ERROR(
      FirstError({RequestId(request.request_id()), Id("survivor_id", request.survivor_id(), kRequired)}));
  if (request.duplicate_ids().empty()) return Invalid("duplicate_ids", "is required");
  if (request.duplicate_ids_size() > kMaxMergeDuplicates) {
    return Invalid("duplicate_ids", absl::StrCat("must have at most ", kMaxMergeDuplicates, " ids"));
  }
  for (int i = 0; i < request.duplicate_ids_size(); ++i) {
    SFA_RETURN_IF_ERROR(Id(absl::StrCat("duplicate_ids[", i, "]"), request.duplicate_ids(i), kRequired));
  }
  return EffectiveTime(request);
}

absl::Status Validate(const v1::RecordEngagementRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("lead_id", request.lead_id(), kRequired),
                     Enum("kind", request.kind(), v1::EngagementKind_IsValid, kRequired),
                     request.count() < 0 || request.count() > kMaxEngagementCount
                         ? Invalid("count", absl::StrCat("must be between 0 and ", kMaxEngagementCount))
                         : Ok(),
                     request.duration_seconds() < 0 || request.duration_seconds() > kMaxEngagementSeconds
                         ? Invalid("duration_seconds", absl::StrCat("must be between 0 and ", kMaxEngagementSeconds))
                         : Ok(),
                     EffectiveTime(request)});
}

absl::Status Validate(const v1::UpsertCampaignRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("campaign_id", request.campaign_id(), kOptional),
                     request.has_channel() ? Text("channel", request.channel(), kMaxLabelLength, kRequired) : Ok(),
                     request.has_name() ? Text("name", request.name(), kMaxNameLength, kRequired) : Ok(),
                     request.has_start_time() ? Time("start_time", request.start_time()) : Ok(),
                     request.has_end_time() ? Time("end_time", request.end_time()) : Ok()});
}

absl::Status Validate(const v1::RecordCampaignCostRequest& request) {
  SFA_RETURN_IF_ERROR(
      FirstError({RequestId(request.request_id()), Id("campaign_id", request.campaign_id(), kRequired)}));
  if (!request.has_amount()) return Invalid("amount", "is required");
  SFA_RETURN_IF_ERROR(ValidateMoney("amount", request.amount()));
  if (request.amount().minor_units() == 0) return Invalid("amount.minor_units", "must be positive");
  return FirstError({EffectiveTime(request), Text("note", request.note(), kMaxDescriptionLength, kOptional)});
}

absl::Status Validate(const v1::GetCampaignRequest& request) {
  return Id("campaign_id", request.campaign_id(), kRequired);
}

absl::Status Validate(const v1::ListCampaignsRequest& request) {
  return FirstError({Text("channel", request.channel(), kMaxLabelLength, kOptional), PageSizeOf(request.page_size()),
                     PageToken(request.page_token())});
}

absl::Status Validate(const v1::DefineScoringModelRequest& request) {
  return FirstError({RequestId(request.request_id()), FitRules(request.model()), EngagementWeights(request.model())});
}

absl::Status Validate(const v1::DefineAssignmentRulesRequest& request) {
  SFA_RETURN_IF_ERROR(RequestId(request.request_id()));
  if (request.rules_size() > kMaxAssignmentRules) {
    return Invalid("rules", absl::StrCat("must have at most ", kMaxAssignmentRules, " rules"));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < request.rules_size(); ++i) {
    const std::string field = absl::StrCat("rules[", i, "]");
    SFA_RETURN_IF_ERROR(RuleHeader(field, request.rules(i), seen));
    SFA_RETURN_IF_ERROR(Conditions(field, request.rules(i), /*allow_scores=*/true));
    SFA_RETURN_IF_ERROR(Id(absl::StrCat(field, ".team_id"), request.rules(i).team_id(), kRequired));
  }
  if (request.capacities_size() > kMaxCapacities) {
    return Invalid("capacities", absl::StrCat("must have at most ", kMaxCapacities, " entries"));
  }
  absl::flat_hash_set<std::string> users;
  for (int i = 0; i < request.capacities_size(); ++i) {
    const std::string field = absl::StrCat("capacities[", i, "]");
    SFA_RETURN_IF_ERROR(Id(absl::StrCat(field, ".user_id"), request.capacities(i).user_id(), kRequired));
    if (!users.insert(request.capacities(i).user_id()).second) {
      return Invalid(absl::StrCat(field, ".user_id"), absl::StrCat("repeats ", request.capacities(i).user_id()));
    }
    SFA_RETURN_IF_ERROR(Capacity(absl::StrCat(field, ".max_open_leads"), request.capacities(i).max_open_leads()));
  }
  return Capacity("default_max_open_leads", request.default_max_open_leads());
}

absl::Status Validate(const v1::AssignLeadRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("lead_id", request.lead_id(), kRequired),
                     Id("user_id", request.user_id(), kOptional), EffectiveTime(request)});
}

absl::Status Validate(const v1::ChangeLeadStatusRequest& request) {
  SFA_RETURN_IF_ERROR(FirstError({RequestId(request.request_id()), Id("lead_id", request.lead_id(), kRequired),
                                   Enum("status", request.status(), v1::LeadStatus_IsValid, kRequired)}));
  if (request.status() != v1::LEAD_STATUS_WORKING && request.status() != v1::LEAD_STATUS_NURTURE) {
    return Invalid("status", "must be WORKING or NURTURE; QualifyLead, DisqualifyLead and ConvertLead do the rest");
  }
  return FirstError({Text("note", request.note(), kMaxDescriptionLength, kOptional), EffectiveTime(request)});
}

absl::Status Validate(const v1::QualifyLeadRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("lead_id", request.lead_id(), kRequired),
                     Text("note", request.note(), kMaxDescriptionLength, kOptional), EffectiveTime(request)});
}

absl::Status Validate(const v1::DisqualifyLeadRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("lead_id", request.lead_id(), kRequired),
                     Text("reason", request.reason(), kMaxDescriptionLength, kRequired), EffectiveTime(request)});
}

absl::Status Validate(const v1::ConvertLeadRequest& request) {
  SFA_RETURN_IF_ERROR(FirstError({RequestId(request.request_id()), Id("lead_id", request.lead_id(), kRequired),
                                   Id("account_id", request.account_id(), kOptional)}));
  if (!request.has_opportunity()) return Invalid("opportunity", "is required");
  const v1::NewOpportunity& opportunity = request.opportunity();
  return FirstError({Id("opportunity.pipeline_id", opportunity.pipeline_id(), kRequired),
                     Text("opportunity.name", opportunity.name(), kMaxNameLength, kRequired),
                     opportunity.has_amount() ? ValidateMoney("opportunity.amount", opportunity.amount())
                                              : Invalid("opportunity.amount", "is required"),
                     opportunity.has_expected_close_date()
                         ? Time("opportunity.expected_close_date", opportunity.expected_close_date())
                         : Invalid("opportunity.expected_close_date", "is required"),
                     EffectiveTime(request)});
}

absl::Status Validate(const v1::GetLeadRequest& request) { return Id("lead_id", request.lead_id(), kRequired); }

absl::Status Validate(const v1::ListLeadsRequest& request) {
  return FirstError({Enum("status", request.status(), v1::LeadStatus_IsValid, kOptional),
                     Id("owner_user_id", request.owner_user_id(), kOptional),
                     Id("team_id", request.team_id(), kOptional),
                     Text("channel", request.channel(), kMaxLabelLength, kOptional),
                     Id("campaign_id", request.campaign_id(), kOptional),
                     Enum("order", request.order(), v1::LeadOrder_IsValid, kOptional), PageSizeOf(request.page_size()),
                     PageToken(request.page_token())});
}

}  // namespace sfa::lead::domain

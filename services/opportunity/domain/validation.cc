#include "opportunity/domain/validation.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "domain/field_checks.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"
#include "opportunity/domain/limits.h"
#include "opportunity/domain/support.h"

namespace sfa::opportunity::domain {
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

using google::protobuf::RepeatedPtrField;

absl::Status Range(absl::string_view from_field, bool has_from, const google::protobuf::Timestamp& from,
                   absl::string_view to_field, bool has_to, const google::protobuf::Timestamp& to) {
  SFA_RETURN_IF_ERROR(has_from ? Time(from_field, from) : Ok());
  SFA_RETURN_IF_ERROR(has_to ? Time(to_field, to) : Ok());
  if (has_from && has_to && ToTime(from) > ToTime(to)) return Invalid(from_field, absl::StrCat("is after ", to_field));
  return Ok();
}

absl::Status Email(absl::string_view field, absl::string_view email) {
  if (email.empty()) return Ok();
  SFA_RETURN_IF_ERROR(Text(field, email, kMaxEmailLength, kOptional));
  const size_t at = email.find('@');
  const bool one_at = at != absl::string_view::npos && at > 0 && email.find('@', at + 1) == absl::string_view::npos;
  const absl::string_view domain = one_at ? email.substr(at + 1) : "";
  const bool dotted = domain.find('.') != absl::string_view::npos && domain.front() != '.' && domain.back() != '.';
  const bool spaceless = std::none_of(email.begin(), email.end(), [](char c) { return absl::ascii_isspace(c); });
  if (!one_at || !dotted || !spaceless) return Invalid(field, "must be an e-mail address like name@example.com");
  return Ok();
}

absl::Status Phone(absl::string_view field, absl::string_view phone) {
  if (phone.empty()) return Ok();
  if (phone.size() > kMaxPhoneLength)
    return Invalid(field, absl::StrCat("must be at most ", kMaxPhoneLength, " characters"));
  const auto allowed = [](char c) {
    return absl::ascii_isdigit(c) || absl::string_view("+-(). /x").find(c) != absl::string_view::npos;
  };
  const auto digits = std::count_if(phone.begin(), phone.end(), [](char c) { return absl::ascii_isdigit(c); });
  if (!std::all_of(phone.begin(), phone.end(), allowed) || digits < 3) {
    return Invalid(field, "must be a phone number: digits, spaces and + - ( ) . / x");
  }
  return Ok();
}

absl::Status IdList(absl::string_view field, const RepeatedPtrField<std::string>& ids, int max_size) {
  if (ids.size() > max_size) {
    return Invalid(field, absl::StrCat("must have at most ", max_size, " entries, not ", ids.size()));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < ids.size(); ++i) {
    const std::string entry = absl::StrCat(field, "[", i, "]");
    SFA_RETURN_IF_ERROR(Id(entry, ids[i], kRequired));
    if (!seen.insert(ids[i]).second) return Invalid(entry, absl::StrCat("repeats ", ids[i]));
  }
  return Ok();
}

// Tokens are issued by the adapter as URL-safe base64.
absl::Status Page(int32_t page_size, absl::string_view page_token) {
  if (page_size < 0) return Invalid("page_size", "must not be negative");
  if (page_size > kMaxPageSize) return Invalid("page_size", absl::StrCat("must be at most ", kMaxPageSize));
  const bool token_chars = std::all_of(page_token.begin(), page_token.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '=';
  });
  if (page_token.size() > kMaxPageTokenLength || !token_chars) {
    return Invalid("page_token", "is not a token this service issued");
  }
  return Ok();
}

absl::Status Influence(absl::string_view field, int32_t influence) {
  if (influence < 0 || influence > 5) return Invalid(field, "must be 1 to 5, or 0 when not assessed");
  return Ok();
}

absl::Status Employees(absl::string_view field, int64_t employees) {
  if (employees < 0 || employees > kMaxEmployees) {
    return Invalid(field, absl::StrCat("must be between 0 and ", kMaxEmployees));
  }
  return Ok();
}

absl::Status Reason(absl::string_view field, absl::string_view reason, Need need) {
  return Text(field, reason, kMaxDescriptionLength, need, Lines::kMulti);
}

absl::Status Criterion(absl::string_view field, const v1::ExitCriterion& c) {
  return FirstError(
      {Id(absl::StrCat(field, ".criterion_id"), c.criterion_id(), kRequired),
       Text(absl::StrCat(field, ".description"), c.description(), kMaxDescriptionLength, kOptional, Lines::kMulti)});
}

absl::Status Stage(absl::string_view field, const v1::Stage& stage) {
  SFA_RETURN_IF_ERROR(FirstError({
      Id(absl::StrCat(field, ".stage_id"), stage.stage_id(), kRequired),
      Text(absl::StrCat(field, ".name"), stage.name(), kMaxNameLength, kRequired),
      Enum(absl::StrCat(field, ".type"), stage.type(), v1::StageType_IsValid, kRequired),
  }));
  if (stage.probability_percent() < 0 || stage.probability_percent() > 100) {
    return Invalid(absl::StrCat(field, ".probability_percent"), "must be between 0 and 100");
  }
  SFA_RETURN_IF_ERROR(Enum(absl::StrCat(field, ".forecast_category"), stage.forecast_category(),
                           v1::ForecastCategory_IsValid, kRequired));
  if (stage.exit_criteria_size() > kMaxCriteriaPerStage) {
    return Invalid(absl::StrCat(field, ".exit_criteria"), absl::StrCat("must have at most ", kMaxCriteriaPerStage,
                                                                       " entries, not ", stage.exit_criteria_size()));
  }
  for (int i = 0; i < stage.exit_criteria_size(); ++i) {
    SFA_RETURN_IF_ERROR(Criterion(absl::StrCat(field, ".exit_criteria[", i, "]"), stage.exit_criteria(i)));
  }
  return Ok();
}

absl::Status Stages(const RepeatedPtrField<v1::Stage>& stages) {
  if (stages.empty()) return Invalid("stages", "is required");
  if (stages.size() > kMaxStages) {
    return Invalid("stages", absl::StrCat("must have at most ", kMaxStages, " entries, not ", stages.size()));
  }
  for (int i = 0; i < stages.size(); ++i) SFA_RETURN_IF_ERROR(Stage(absl::StrCat("stages[", i, "]"), stages[i]));
  return Ok();
}

absl::Status SubjectTypeOf(absl::string_view field, v1::SubjectType type,
                           std::initializer_list<v1::SubjectType> allowed, absl::string_view allowed_names, Need need) {
  if (type == v1::SUBJECT_TYPE_UNSPECIFIED && need == kOptional) return Ok();
  if (std::find(allowed.begin(), allowed.end(), type) == allowed.end()) {
    return Invalid(field, absl::StrCat("must be ", allowed_names));
  }
  return Ok();
}

// A subject filter names both its type and its id, or neither.
absl::Status SubjectFilter(v1::SubjectType type, absl::string_view id) {
  if ((type == v1::SUBJECT_TYPE_UNSPECIFIED) != id.empty()) {
    return Invalid(id.empty() ? "subject_id" : "subject_type", "is required with the other subject field");
  }
  return Id("subject_id", id, kOptional);
}

absl::Status NothingToChange(bool any_set) {
  return any_set ? Ok() : absl::InvalidArgumentError("the request sets no field to change");
}

absl::Status ActivityDuration(const google::protobuf::Duration& d) {
  const bool valid = d.nanos() > -1'000'000'000 && d.nanos() < 1'000'000'000 && !(d.seconds() > 0 && d.nanos() < 0) &&
                     !(d.seconds() < 0 && d.nanos() > 0);
  if (!valid) return Invalid("duration", "is not a valid duration");
  const absl::Duration duration = ToDuration(d);
  if (duration < absl::ZeroDuration() || duration > kMaxActivityDuration) {
    return Invalid("duration", "must be between 0 and 24 hours");
  }
  return Ok();
}

}  // namespace

int PageSize(int32_t requested) { return requested == 0 ? kDefaultPageSize : requested; }

int StaleAfterDays(int32_t requested) { return requested == 0 ? kDefaultStaleAfterDays : requested; }

// ---------------------------------------------------------------------------------------------------
// Sales organisation

absl::Status Validate(const v1::UpsertUserRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("user_id", r.user_id(), kRequired),
                     Text("display_name", r.display_name(), kMaxNameLength, kRequired), Email("email", r.email()),
                     Enum("role", r.role(), v1::UserRole_IsValid, kRequired)});
}

absl::Status Validate(const v1::GetUserRequest& r) { return Id("user_id", r.user_id(), kRequired); }

absl::Status Validate(const v1::ListUsersRequest& r) {
  return FirstError({Enum("role", r.role(), v1::UserRole_IsValid, kOptional), Id("team_id", r.team_id(), kOptional),
                     Page(r.page_size(), r.page_token())});
}

absl::Status Validate(const v1::UpsertSalesTeamRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("team_id", r.team_id(), kRequired),
                     Text("name", r.name(), kMaxNameLength, kRequired),
                     Id("manager_user_id", r.manager_user_id(), kRequired),
                     Text("region", r.region(), kMaxLabelLength, kOptional),
                     IdList("member_user_ids", r.member_user_ids(), kMaxTeamMembers)});
}

absl::Status Validate(const v1::GetSalesTeamRequest& r) { return Id("team_id", r.team_id(), kRequired); }

absl::Status Validate(const v1::ListSalesTeamsRequest& r) {
  return FirstError({Text("region", r.region(), kMaxLabelLength, kOptional),
                     Id("manager_user_id", r.manager_user_id(), kOptional), Page(r.page_size(), r.page_token())});
}

// ---------------------------------------------------------------------------------------------------
// Sales methodology

absl::Status Validate(const v1::DefinePipelineRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("pipeline_id", r.pipeline_id(), kRequired),
                     Text("name", r.name(), kMaxNameLength, kRequired),
                     Text("description", r.description(), kMaxDescriptionLength, kOptional, Lines::kMulti),
                     Stages(r.stages())});
}

absl::Status Validate(const v1::GetPipelineRequest& r) { return Id("pipeline_id", r.pipeline_id(), kRequired); }

absl::Status Validate(const v1::ListPipelinesRequest& r) { return Page(r.page_size(), r.page_token()); }

// ---------------------------------------------------------------------------------------------------
// Accounts and contacts

absl::Status Validate(const v1::CreateAccountRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("account_id", r.account_id(), kOptional),
                     Text("name", r.name(), kMaxNameLength, kRequired),
                     Id("parent_account_id", r.parent_account_id(), kOptional),
                     Text("industry", r.industry(), kMaxLabelLength, kOptional), Employees("employees", r.employees()),
                     OptionalMoney("annual_revenue", r.has_annual_revenue(), r.annual_revenue()),
                     Text("region", r.region(), kMaxLabelLength, kOptional),
                     Id("owner_user_id", r.owner_user_id(), kOptional), EffectiveTime(r)});
}

absl::Status Validate(const v1::UpdateAccountRequest& r) {
  return FirstError({
      RequestId(r.request_id()),
      Id("account_id", r.account_id(), kRequired),
      r.has_name() ? Text("name", r.name(), kMaxNameLength, kRequired) : Ok(),
      r.has_parent_account_id() ? Id("parent_account_id", r.parent_account_id(), kOptional) : Ok(),
      r.has_industry() ? Text("industry", r.industry(), kMaxLabelLength, kOptional) : Ok(),
      r.has_employees() ? Employees("employees", r.employees()) : Ok(),
      OptionalMoney("annual_revenue", r.has_annual_revenue(), r.annual_revenue()),
      r.has_region() ? Text("region", r.region(), kMaxLabelLength, kOptional) : Ok(),
      r.has_owner_user_id() ? Id("owner_user_id", r.owner_user_id(), kOptional) : Ok(),
      EffectiveTime(r),
      NothingToChange(r.has_name() || r.has_parent_account_id() || r.has_industry() || r.has_employees() ||
                      r.has_annual_revenue() || r.has_region() || r.has_owner_user_id()),
  });
}

absl::Status Validate(const v1::GetAccountRequest& r) { return Id("account_id", r.account_id(), kRequired); }

absl::Status Validate(const v1::GetAccountTreeRequest& r) { return Id("account_id", r.account_id(), kRequired); }

absl::Status Validate(const v1::ListAccountsRequest& r) {
  return FirstError({Id("owner_user_id", r.owner_user_id(), kOptional),
                     Id("parent_account_id", r.parent_account_id(), kOptional),
                     Text("industry", r.industry(), kMaxLabelLength, kOptional),
                     Text("region", r.region(), kMaxLabelLength, kOptional), Page(r.page_size(), r.page_token())});
}

absl::Status Validate(const v1::CreateContactRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("contact_id", r.contact_id(), kOptional),
                     Id("account_id", r.account_id(), kRequired), Text("name", r.name(), kMaxNameLength, kRequired),
                     Text("title", r.title(), kMaxLabelLength, kOptional), Email("email", r.email()),
                     Phone("phone", r.phone()), Enum("buying_role", r.buying_role(), v1::BuyingRole_IsValid, kOptional),
                     Id("reports_to_contact_id", r.reports_to_contact_id(), kOptional),
                     Influence("influence", r.influence()),
                     Enum("attitude", r.attitude(), v1::Attitude_IsValid, kOptional), EffectiveTime(r)});
}

absl::Status Validate(const v1::UpdateContactRequest& r) {
  return FirstError({
      RequestId(r.request_id()),
      Id("contact_id", r.contact_id(), kRequired),
      r.has_name() ? Text("name", r.name(), kMaxNameLength, kRequired) : Ok(),
      r.has_title() ? Text("title", r.title(), kMaxLabelLength, kOptional) : Ok(),
      r.has_email() ? Email("email", r.email()) : Ok(),
      r.has_phone() ? Phone("phone", r.phone()) : Ok(),
      r.has_buying_role() ? Enum("buying_role", r.buying_role(), v1::BuyingRole_IsValid, kOptional) : Ok(),
      r.has_reports_to_contact_id() ? Id("reports_to_contact_id", r.reports_to_contact_id(), kOptional) : Ok(),
      r.has_influence() ? Influence("influence", r.influence()) : Ok(),
      r.has_attitude() ? Enum("attitude", r.attitude(), v1::Attitude_IsValid, kOptional) : Ok(),
      EffectiveTime(r),
      NothingToChange(r.has_name() || r.has_title() || r.has_email() || r.has_phone() || r.has_buying_role() ||
                      r.has_reports_to_contact_id() || r.has_influence() || r.has_attitude()),
  });
}

absl::Status Validate(const v1::GetContactRequest& r) { return Id("contact_id", r.contact_id(), kRequired); }

absl::Status Validate(const v1::ListContactsRequest& r) {
  return FirstError({Id("account_id", r.account_id(), kOptional),
                     Enum("buying_role", r.buying_role(), v1::BuyingRole_IsValid, kOptional),
                     Page(r.page_size(), r.page_token())});
}

absl::Status Validate(const v1::AddContactToOpportunityRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kRequired),
                     Id("contact_id", r.contact_id(), kRequired),
                     Enum("role", r.role(), v1::BuyingRole_IsValid, kOptional)});
}

absl::Status Validate(const v1::RemoveContactFromOpportunityRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kRequired),
                     Id("contact_id", r.contact_id(), kRequired)});
}

absl::Status Validate(const v1::GetPowerMapRequest& r) {
  SFA_RETURN_IF_ERROR(Id("opportunity_id", r.opportunity_id(), kRequired));
  if (r.stale_after_days() < 0 || r.stale_after_days() > kMaxStaleAfterDays) {
    return Invalid("stale_after_days",
                   absl::StrCat("must be between 0 (default ", kDefaultStaleAfterDays, ") and ", kMaxStaleAfterDays));
  }
  return Ok();
}

// ---------------------------------------------------------------------------------------------------
// Opportunities

absl::Status Validate(const v1::CreateOpportunityRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kOptional),
                     // Optional: a deal in prospecting may not have a known account yet.
                     Id("account_id", r.account_id(), kOptional), Id("pipeline_id", r.pipeline_id(), kRequired),
                     Text("name", r.name(), kMaxNameLength, kRequired),
                     Id("owner_user_id", r.owner_user_id(), kRequired),
                     OptionalMoney("amount", r.has_amount(), r.amount()),
                     r.has_expected_close_date() ? Time("expected_close_date", r.expected_close_date()) : Ok(),
                     Text("lead_source", r.lead_source(), kMaxLabelLength, kOptional),
                     Id("lead_id", r.lead_id(), kOptional), Id("stage_id", r.stage_id(), kOptional), EffectiveTime(r),
                     IdList("product_ids", r.product_ids(), kMaxProductIds)});
}

absl::Status Validate(const v1::MoveStageRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kRequired),
                     Id("to_stage_id", r.to_stage_id(), kRequired),
                     IdList("criteria_met", r.criteria_met(), kMaxCriteriaMet), Reason("reason", r.reason(), kOptional),
                     EffectiveTime(r)});
}

absl::Status Validate(const v1::CompleteCriterionRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kRequired),
                     Id("criterion_id", r.criterion_id(), kRequired), Reason("note", r.note(), kOptional),
                     EffectiveTime(r)});
}

absl::Status Validate(const v1::UpdateOpportunityRequest& r) {
  return FirstError({
      RequestId(r.request_id()),
      Id("opportunity_id", r.opportunity_id(), kRequired),
      OptionalMoney("amount", r.has_amount(), r.amount()),
      r.has_expected_close_date() ? Time("expected_close_date", r.expected_close_date()) : Ok(),
      // Every deal has an owner: it can be handed over, not cleared.
      r.has_owner_user_id() ? Id("owner_user_id", r.owner_user_id(), kRequired) : Ok(),
      r.has_name() ? Text("name", r.name(), kMaxNameLength, kRequired) : Ok(),
      EffectiveTime(r),
      NothingToChange(r.has_amount() || r.has_expected_close_date() || r.has_owner_user_id() || r.has_name()),
  });
}

absl::Status Validate(const v1::CloseWonRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kRequired),
                     OptionalMoney("amount", r.has_amount(), r.amount()), EffectiveTime(r)});
}

absl::Status Validate(const v1::CloseLostRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kRequired),
                     Reason("reason", r.reason(), kRequired),
                     Text("competitor", r.competitor(), kMaxNameLength, kOptional),
                     Id("lost_stage_id", r.lost_stage_id(), kOptional), EffectiveTime(r)});
}

absl::Status Validate(const v1::ReopenRequest& r) {
  return FirstError({RequestId(r.request_id()), Id("opportunity_id", r.opportunity_id(), kRequired),
                     Reason("reason", r.reason(), kRequired), Id("to_stage_id", r.to_stage_id(), kOptional),
                     EffectiveTime(r)});
}

absl::Status Validate(const v1::GetOpportunityRequest& r) {
  return Id("opportunity_id", r.opportunity_id(), kRequired);
}

absl::Status Validate(const v1::ListOpportunitiesRequest& r) {
  return FirstError({Id("owner_user_id", r.owner_user_id(), kOptional), Id("team_id", r.team_id(), kOptional),
                     Id("account_id", r.account_id(), kOptional), Id("pipeline_id", r.pipeline_id(), kOptional),
                     Id("stage_id", r.stage_id(), kOptional),
                     Enum("status", r.status(), v1::OpportunityStatus_IsValid, kOptional),
                     Range("close_date_from", r.has_close_date_from(), r.close_date_from(), "close_date_to",
                           r.has_close_date_to(), r.close_date_to()),
                     Page(r.page_size(), r.page_token())});
}

namespace {

absl::Status NewAccountFields(const v1::NewAccount& a, Need name) {
  return FirstError({Id("account.account_id", a.account_id(), kOptional),
                     Text("account.name", a.name(), kMaxNameLength, name),
                     Text("account.industry", a.industry(), kMaxLabelLength, kOptional),
                     Employees("account.employees", a.employees()),
                     OptionalMoney("account.annual_revenue", a.has_annual_revenue(), a.annual_revenue()),
                     Text("account.region", a.region(), kMaxLabelLength, kOptional),
                     Id("account.parent_account_id", a.parent_account_id(), kOptional)});
}

absl::Status NewContactFields(const v1::NewContact& c) {
  return FirstError({Id("contact.contact_id", c.contact_id(), kOptional),
                     Text("contact.name", c.name(), kMaxNameLength, kRequired),
                     Text("contact.title", c.title(), kMaxLabelLength, kOptional), Email("contact.email", c.email()),
                     Phone("contact.phone", c.phone()),
                     Enum("contact.buying_role", c.buying_role(), v1::BuyingRole_IsValid, kOptional),
                     Influence("contact.influence", c.influence()),
                     Enum("contact.attitude", c.attitude(), v1::Attitude_IsValid, kOptional)});
}

absl::Status NewOpportunityFields(const v1::NewOpportunity& o) {
  return FirstError(
      {Id("opportunity.opportunity_id", o.opportunity_id(), kOptional),
       Id("opportunity.pipeline_id", o.pipeline_id(), kRequired),
       Text("opportunity.name", o.name(), kMaxNameLength, kRequired),
       Id("opportunity.owner_user_id", o.owner_user_id(), kRequired),
       OptionalMoney("opportunity.amount", o.has_amount(), o.amount()),
       o.has_expected_close_date() ? Time("opportunity.expected_close_date", o.expected_close_date()) : Ok(),
       Text("opportunity.lead_source", o.lead_source(), kMaxLabelLength, kOptional),
       Id("opportunity.stage_id", o.stage_id(), kOptional)});
}

}  // namespace

absl::Status Validate(const v1::CreateFromLeadRequest& r) {
  SFA_RETURN_IF_ERROR(FirstError(
      {RequestId(r.request_id()), Id("lead_id", r.lead_id(), kRequired), Id("account_id", r.account_id(), kOptional)}));
  // Without an existing account_id the account is found or created by name.
  const Need account_name = r.account_id().empty() ? kRequired : kOptional;
  SFA_RETURN_IF_ERROR(NewAccountFields(r.account(), account_name));
  if (r.has_contact()) SFA_RETURN_IF_ERROR(NewContactFields(r.contact()));
  if (!r.has_opportunity()) return Invalid("opportunity", "is required");
  SFA_RETURN_IF_ERROR(NewOpportunityFields(r.opportunity()));
  return EffectiveTime(r);
}

// ---------------------------------------------------------------------------------------------------
// Activities and coaching

absl::Status Validate(const v1::LogActivityRequest& r) {
  return FirstError({
      RequestId(r.request_id()),
      Id("activity_id", r.activity_id(), kOptional),
      SubjectTypeOf(
          "subject_type", r.subject_type(),
          {v1::SUBJECT_TYPE_ACCOUNT, v1::SUBJECT_TYPE_CONTACT, v1::SUBJECT_TYPE_OPPORTUNITY, v1::SUBJECT_TYPE_LEAD},
          "ACCOUNT, CONTACT, OPPORTUNITY or LEAD", kRequired),
      Id("subject_id", r.subject_id(), kRequired),
      IdList("contact_ids", r.contact_ids(), kMaxActivityContacts),
      Enum("kind", r.kind(), v1::ActivityKind_IsValid, kRequired),
      Text("outcome", r.outcome(), kMaxLabelLength, kOptional),
      Text("notes", r.notes(), kMaxTextLength, kOptional, Lines::kMulti),
      r.has_occurred_at() ? Time("occurred_at", r.occurred_at()) : Invalid("occurred_at", "is required"),
      r.has_duration() ? ActivityDuration(r.duration()) : Ok(),
      Id("owner_user_id", r.owner_user_id(), kOptional),
  });
}

absl::Status Validate(const v1::GetActivityRequest& r) { return Id("activity_id", r.activity_id(), kRequired); }

absl::Status Validate(const v1::ListActivitiesRequest& r) {
  return FirstError({
      SubjectTypeOf(
          "subject_type", r.subject_type(),
          {v1::SUBJECT_TYPE_ACCOUNT, v1::SUBJECT_TYPE_CONTACT, v1::SUBJECT_TYPE_OPPORTUNITY, v1::SUBJECT_TYPE_LEAD},
          "ACCOUNT, CONTACT, OPPORTUNITY or LEAD", kOptional),
      SubjectFilter(r.subject_type(), r.subject_id()),
      Id("owner_user_id", r.owner_user_id(), kOptional),
      Enum("kind", r.kind(), v1::ActivityKind_IsValid, kOptional),
      Range("occurred_from", r.has_occurred_from(), r.occurred_from(), "occurred_to", r.has_occurred_to(),
            r.occurred_to()),
      Page(r.page_size(), r.page_token()),
  });
}

absl::Status Validate(const v1::CommentRequest& r) {
  return FirstError({
      RequestId(r.request_id()),
      Id("comment_id", r.comment_id(), kOptional),
      SubjectTypeOf("subject_type", r.subject_type(), {v1::SUBJECT_TYPE_ACTIVITY, v1::SUBJECT_TYPE_OPPORTUNITY},
                    "ACTIVITY or OPPORTUNITY", kRequired),
      Id("subject_id", r.subject_id(), kRequired),
      Id("author_user_id", r.author_user_id(), kOptional),
      Text("text", r.text(), kMaxTextLength, kRequired, Lines::kMulti),
      Id("reply_to_comment_id", r.reply_to_comment_id(), kOptional),
  });
}

absl::Status Validate(const v1::ListCommentsRequest& r) {
  return FirstError({
      SubjectTypeOf("subject_type", r.subject_type(), {v1::SUBJECT_TYPE_ACTIVITY, v1::SUBJECT_TYPE_OPPORTUNITY},
                    "ACTIVITY or OPPORTUNITY", kOptional),
      SubjectFilter(r.subject_type(), r.subject_id()),
      Id("author_user_id", r.author_user_id(), kOptional),
      Id("subject_owner_user_id", r.subject_owner_user_id(), kOptional),
      Range("created_from", r.has_created_from(), r.created_from(), "created_to", r.has_created_to(), r.created_to()),
      Page(r.page_size(), r.page_token()),
  });
}

}  // namespace sfa::opportunity::domain

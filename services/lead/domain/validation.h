#ifndef SFA_SERVICES_LEAD_DOMAIN_VALIDATION_H_
#define SFA_SERVICES_LEAD_DOMAIN_VALIDATION_H_

// Shape checks for every LeadService request, run by the adapter before a command reaches a decider:
// required fields, id syntax, text length and characters, the bounded attributes map, e-mail and phone
// shape, enum values, Money and times. A failure is INVALID_ARGUMENT naming the field, e.g.
// "person.email must look like name@domain"; the first failing field in field order is reported.
// Checks that need state (does the lead exist, is the transition legal) are the deciders'.

#include <cstdint>

#include "absl/status/status.h"
#include "domain/field_checks.h"
#include "absl/strings/string_view.h"
#include "sfa/common/v1/money.pb.h"
#include "sfa/lead/v1/lead_service.pb.h"

namespace sfa::lead::domain {

// Capture and de-duplication.
absl::Status Validate(const v1::CaptureLeadRequest& request);
absl::Status Validate(const v1::MergeLeadsRequest& request);
absl::Status Validate(const v1::RecordEngagementRequest& request);

// Campaigns.
absl::Status Validate(const v1::UpsertCampaignRequest& request);
absl::Status Validate(const v1::RecordCampaignCostRequest& request);
absl::Status Validate(const v1::GetCampaignRequest& request);
absl::Status Validate(const v1::ListCampaignsRequest& request);

// Scoring and assignment.
absl::Status Validate(const v1::DefineScoringModelRequest& request);
absl::Status Validate(const v1::DefineAssignmentRulesRequest& request);
absl::Status Validate(const v1::AssignLeadRequest& request);

// Status and conversion.
absl::Status Validate(const v1::ChangeLeadStatusRequest& request);
absl::Status Validate(const v1::QualifyLeadRequest& request);
absl::Status Validate(const v1::DisqualifyLeadRequest& request);
absl::Status Validate(const v1::ConvertLeadRequest& request);
absl::Status Validate(const v1::GetLeadRequest& request);
absl::Status Validate(const v1::ListLeadsRequest& request);

// Defaults, applied after Validate accepted the request.
int PageSize(int32_t requested);  // 0 -> kDefaultPageSize

// Building blocks.
// ValidateId, ValidateMoney: the shared shape checks (libs/domain/field_checks.h).
using ::sfa::domain::ValidateId;
using ::sfa::domain::ValidateMoney;
// "" passes. One '@' between a non-empty local part and a dotted domain of [a-z0-9.-], no spaces,
// at most kMaxEmailLength characters.
absl::Status ValidateEmail(absl::string_view field, absl::string_view email);
// "" passes. Digits with optional separators (space . - ( ) /) and one leading '+'; 7-15 digits.
absl::Status ValidatePhone(absl::string_view field, absl::string_view phone);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_VALIDATION_H_

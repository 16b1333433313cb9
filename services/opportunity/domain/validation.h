#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_VALIDATION_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_VALIDATION_H_

// Shape checks for every OpportunityService request, run by the adapter before a command reaches a
// decider: required fields, id syntax, text length and characters, list sizes, enum values, Money and
// times. A failure is INVALID_ARGUMENT naming the field, e.g. "amount.currency must be a 3-letter ISO
// 4217 code in upper case"; the first failing field in field order is reported. Checks that need state
// (does the account exist, is the currency the deal's) are the deciders'.

#include <cstdint>

#include "absl/status/status.h"
#include "domain/field_checks.h"
#include "absl/strings/string_view.h"
#include "sfa/common/v1/money.pb.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

// Sales organisation.
absl::Status Validate(const v1::UpsertUserRequest& request);
absl::Status Validate(const v1::GetUserRequest& request);
absl::Status Validate(const v1::ListUsersRequest& request);
absl::Status Validate(const v1::UpsertSalesTeamRequest& request);
absl::Status Validate(const v1::GetSalesTeamRequest& request);
absl::Status Validate(const v1::ListSalesTeamsRequest& request);

// Sales methodology.
absl::Status Validate(const v1::DefinePipelineRequest& request);
absl::Status Validate(const v1::GetPipelineRequest& request);
absl::Status Validate(const v1::ListPipelinesRequest& request);

// Accounts and contacts.
absl::Status Validate(const v1::CreateAccountRequest& request);
absl::Status Validate(const v1::UpdateAccountRequest& request);
absl::Status Validate(const v1::GetAccountRequest& request);
absl::Status Validate(const v1::GetAccountTreeRequest& request);
absl::Status Validate(const v1::ListAccountsRequest& request);
absl::Status Validate(const v1::CreateContactRequest& request);
absl::Status Validate(const v1::UpdateContactRequest& request);
absl::Status Validate(const v1::GetContactRequest& request);
absl::Status Validate(const v1::ListContactsRequest& request);
absl::Status Validate(const v1::AddContactToOpportunityRequest& request);
absl::Status Validate(const v1::RemoveContactFromOpportunityRequest& request);
absl::Status Validate(const v1::GetPowerMapRequest& request);

// Opportunities.
absl::Status Validate(const v1::CreateOpportunityRequest& request);
absl::Status Validate(const v1::MoveStageRequest& request);
absl::Status Validate(const v1::CompleteCriterionRequest& request);
absl::Status Validate(const v1::UpdateOpportunityRequest& request);
absl::Status Validate(const v1::CloseWonRequest& request);
absl::Status Validate(const v1::CloseLostRequest& request);
absl::Status Validate(const v1::ReopenRequest& request);
absl::Status Validate(const v1::GetOpportunityRequest& request);
absl::Status Validate(const v1::ListOpportunitiesRequest& request);
absl::Status Validate(const v1::CreateFromLeadRequest& request);

// Activities and coaching.
absl::Status Validate(const v1::LogActivityRequest& request);
absl::Status Validate(const v1::GetActivityRequest& request);
absl::Status Validate(const v1::ListActivitiesRequest& request);
absl::Status Validate(const v1::CommentRequest& request);
absl::Status Validate(const v1::ListCommentsRequest& request);

// Defaults, applied after Validate accepted the request.
int PageSize(int32_t requested);        // 0 -> kDefaultPageSize
int StaleAfterDays(int32_t requested);  // 0 -> kDefaultStaleAfterDays

// Building blocks, for ids and amounts the adapter derives or decodes itself.
// ValidateId, ValidateMoney: the shared shape checks (libs/domain/field_checks.h).
using ::sfa::domain::ValidateId;
using ::sfa::domain::ValidateMoney;

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_VALIDATION_H_

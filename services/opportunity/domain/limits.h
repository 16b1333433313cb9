#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_LIMITS_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_LIMITS_H_

// Size limits of the opportunity service's inputs and aggregates. Requests beyond them are refused,
// never truncated; the API comments in opportunity_service.proto promise the same numbers.

#include <cstddef>
#include <cstdint>

#include "domain/field_checks.h"

#include "absl/time/time.h"

namespace sfa::opportunity::domain {

// Lengths count characters (Unicode code points), so a Chinese stage name gets the same room as an
// English one.
inline constexpr size_t kMaxIdLength = ::sfa::domain::kMaxIdLength;
inline constexpr size_t kMaxRequestIdLength = ::sfa::domain::kMaxRequestIdLength;
inline constexpr size_t kMaxNameLength = 200;   // people, accounts, deals, pipelines, stages, competitors
inline constexpr size_t kMaxLabelLength = 100;  // industry, region, title, lead source, outcome
inline constexpr size_t kMaxEmailLength = 254;  // RFC 5321 path limit
inline constexpr size_t kMaxPhoneLength = 32;
inline constexpr size_t kMaxDescriptionLength = 2000;  // descriptions, reasons, criterion notes
inline constexpr size_t kMaxTextLength = 10000;        // activity notes, comment text
inline constexpr size_t kMaxPageTokenLength = 1024;

inline constexpr int kMaxStages = 30;
inline constexpr int kMaxCriteriaPerStage = 20;
inline constexpr int kMaxCriteriaMet = 100;
inline constexpr int kMaxProductIds = 50;  // CreateOpportunityRequest.product_ids
inline constexpr int kMaxTeamMembers = 1000;
inline constexpr int kMaxActivityContacts = 50;
inline constexpr size_t kMaxOpportunityContacts = 50;

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 10^15 minor units (10 trillion dollars) leaves room to sum millions of amounts in an int64.
inline constexpr int64_t kMaxMinorUnits = ::sfa::domain::kMaxMinorUnits;
inline constexpr int64_t kMaxEmployees = 100'000'000;

// Bounds on the parent / reports-to chains the adapter walks for cycle checks.
inline constexpr size_t kMaxAccountDepth = 16;
inline constexpr size_t kMaxReportingDepth = 32;

inline constexpr int kDefaultStaleAfterDays = 30;
inline constexpr int kMaxStaleAfterDays = 365;
inline constexpr absl::Duration kMaxActivityDuration = absl::Hours(24);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_LIMITS_H_

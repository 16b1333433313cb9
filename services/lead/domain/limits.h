#ifndef SFA_SERVICES_LEAD_DOMAIN_LIMITS_H_
#define SFA_SERVICES_LEAD_DOMAIN_LIMITS_H_

// Size limits of the lead service's inputs and aggregates. Requests beyond them are refused, never
// truncated; the API comments in lead_service.proto promise the same numbers.

#include <cstddef>
#include <cstdint>

#include "domain/field_checks.h"

namespace sfa::lead::domain {

// Lengths count characters (Unicode code points).
inline constexpr size_t kMaxIdLength = ::sfa::domain::kMaxIdLength;
inline constexpr size_t kMaxRequestIdLength = ::sfa::domain::kMaxRequestIdLength;
inline constexpr size_t kMaxNameLength = 200;   // people, companies, campaigns
inline constexpr size_t kMaxLabelLength = 100;  // channel, origin, industry, country, city, condition field
inline constexpr size_t kMaxEmailLength = 254;  // RFC 5321 path limit
inline constexpr size_t kMaxPhoneLength = 32;
inline constexpr size_t kMaxDescriptionLength = 2000;  // reasons, notes, rule descriptions
inline constexpr size_t kMaxPageTokenLength = 1024;

// The free profile fields of a lead.
inline constexpr int kMaxAttributes = 100;
inline constexpr size_t kMaxAttributeKeyLength = 64;
inline constexpr size_t kMaxAttributeValueLength = 500;

inline constexpr int kMaxMergeDuplicates = 50;
inline constexpr int kMaxScoringRules = 200;
inline constexpr int kMaxAssignmentRules = 200;
inline constexpr int kMaxConditions = 20;
inline constexpr int kMaxConditionValues = 100;
inline constexpr int kMaxCapacities = 1000;
inline constexpr int32_t kMaxOpenLeadsPerMember = 100'000;
inline constexpr int32_t kMaxRulePoints = 1000;
inline constexpr int32_t kMaxWeightPoints = 1000;

inline constexpr int64_t kMaxEngagementCount = 1'000'000;
inline constexpr int64_t kMaxEngagementSeconds = 86'400;

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 10^15 minor units (10 trillion dollars) leaves room to sum millions of amounts in an int64.
inline constexpr int64_t kMaxMinorUnits = ::sfa::domain::kMaxMinorUnits;
inline constexpr int64_t kMaxEmployees = 100'000'000;

// A round-robin schedule is one slot per unit of (gcd-reduced) capacity; larger teams are scaled down
// to this many slots so that a pick stays cheap.
inline constexpr int64_t kMaxRotationSlots = 10'000;

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_LIMITS_H_

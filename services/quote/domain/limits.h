#ifndef SFA_SERVICES_QUOTE_DOMAIN_LIMITS_H_
#define SFA_SERVICES_QUOTE_DOMAIN_LIMITS_H_

// Size limits and fixed terms of the quote service's inputs and aggregates. Requests beyond the limits are
// refused, never truncated.

#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"
#include "domain/field_checks.h"

namespace sfa::quote::domain {

// Lengths count characters (Unicode code points).
inline constexpr size_t kMaxIdLength = ::sfa::domain::kMaxIdLength;
inline constexpr size_t kMaxRequestIdLength = ::sfa::domain::kMaxRequestIdLength;
inline constexpr size_t kMaxNameLength = 200;  // products, SKUs, price books, promotions, quotes
// Series, attribute names and values, industries, regions, exclusivity groups, payment references.
inline constexpr size_t kMaxLabelLength = 100;
inline constexpr size_t kMaxCommentLength = 2000;  // approval comments, decline reasons
inline constexpr size_t kMaxPageTokenLength = 1024;

// Catalogue.
inline constexpr int kMaxAttributeDefinitions = 100;  // per product
inline constexpr int kMaxAttributeValues = 100;       // per attribute definition
inline constexpr int kMaxBundleComponents = 100;      // per bundle
// How deep the adapter follows bundle components when it looks for a bundle containing itself.
inline constexpr int kMaxBundleDepth = 8;

// Price books.
inline constexpr int kMaxPriceBookEntries = 1000;
inline constexpr int kMaxTiers = 20;                // per entry
inline constexpr int kMaxAdjustments = 100;         // per entry
inline constexpr int kMaxScopeEntries = 1000;       // per scope list (accounts, industries, regions)
inline constexpr int32_t kMaxPriority = 1'000'000;  // |priority|

// Promotions.
inline constexpr int kMaxEligibleIds = 200;  // eligible product ids, and eligible SKU ids, each
inline constexpr int64_t kMaxUsageQuota = 1'000'000'000;

// Quotes.
inline constexpr int kMaxQuoteLines = 500;
inline constexpr int64_t kMaxQuantity = 1'000'000;
// Basis points: a discount or percent off is 0..100 %; an attribute adjustment -100 % .. +1000 %.
inline constexpr int32_t kMaxBasisPoints = 10'000;
inline constexpr int32_t kMinAdjustmentBasisPoints = -10'000;
inline constexpr int32_t kMaxAdjustmentBasisPoints = 100'000;

// Approval.
inline constexpr int kMaxApprovalRules = 50;
inline constexpr int kMaxApproverRoles = 10;  // per rule; the chain (their union) has at most 50 x 10

// Orders.
inline constexpr int kMaxInstalments = 120;

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 10^15 minor units (10 trillion dollars) leaves room to sum millions of amounts in an int64.
inline constexpr int64_t kMaxMinorUnits = ::sfa::domain::kMaxMinorUnits;

// A quote without valid_until is valid this long after it is created or cloned.
inline constexpr absl::Duration kDefaultQuoteValidity = absl::Hours(24 * 30);
// Without a schedule an order is payable in one instalment this long after acceptance.
inline constexpr absl::Duration kDefaultPaymentTerm = absl::Hours(24 * 30);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_LIMITS_H_

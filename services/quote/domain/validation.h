#ifndef SFA_SERVICES_QUOTE_DOMAIN_VALIDATION_H_
#define SFA_SERVICES_QUOTE_DOMAIN_VALIDATION_H_

// Shape checks for every QuoteService request, run by the adapter before a command reaches a decider:
// required fields, id syntax, text length and characters, currency codes, Money, basis-point ranges,
// quantities, bounded lists, enum values — and every rule the request alone decides (distinct names and
// line ids, ascending tiers, one price-book entry per product or SKU, money in the book's currency,
// windows that end after they start, the fields a promotion's kind needs). A failure is INVALID_ARGUMENT
// naming the field, e.g. "price_book.entries[2].tiers[1].min_quantity must be above 10"; the first failing
// field in field order is reported. Checks that need state (does the product exist, is the transition
// legal) are the deciders'.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "domain/field_checks.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

// Catalogue.
absl::Status Validate(const v1::UpsertProductRequest& request);
absl::Status Validate(const v1::UpsertSkuRequest& request);
absl::Status Validate(const v1::GetProductRequest& request);
absl::Status Validate(const v1::ListProductsRequest& request);

// Price books and promotions.
absl::Status Validate(const v1::UpsertPriceBookRequest& request);
absl::Status Validate(const v1::GetPriceBookRequest& request);
absl::Status Validate(const v1::ListPriceBooksRequest& request);
absl::Status Validate(const v1::UpsertPromotionRequest& request);
absl::Status Validate(const v1::ListPromotionsRequest& request);

// Pricing and quotes.
absl::Status Validate(const v1::PriceQuoteRequest& request);
absl::Status Validate(const v1::CreateQuoteRequest& request);
absl::Status Validate(const v1::ReviseQuoteRequest& request);
absl::Status Validate(const v1::CloneQuoteRequest& request);
absl::Status Validate(const v1::GetQuoteRequest& request);
absl::Status Validate(const v1::ListQuotesRequest& request);
absl::Status Validate(const v1::DiffQuoteVersionsRequest& request);

// Approval and the customer's answer.
absl::Status Validate(const v1::DefineApprovalPolicyRequest& request);
absl::Status Validate(const v1::GetApprovalPolicyRequest& request);
absl::Status Validate(const v1::SubmitQuoteRequest& request);
absl::Status Validate(const v1::ApproveQuoteRequest& request);
absl::Status Validate(const v1::RejectQuoteRequest& request);
absl::Status Validate(const v1::SendQuoteRequest& request);
absl::Status Validate(const v1::AcceptQuoteRequest& request);
absl::Status Validate(const v1::DeclineQuoteRequest& request);

// Orders and payments.
absl::Status Validate(const v1::GetOrderRequest& request);
absl::Status Validate(const v1::ListOrdersRequest& request);
absl::Status Validate(const v1::RecordPaymentRequest& request);

// Defaults, applied after Validate accepted the request.
int PageSize(int32_t requested);  // 0 -> kDefaultPageSize

// Building blocks.
using ::sfa::domain::ValidateId;
using ::sfa::domain::ValidateMoney;
// "" passes unless required. Three upper-case letters (the ISO 4217 shape; the code list is not checked).
absl::Status ValidateCurrency(absl::string_view field, absl::string_view currency, bool required);
// An approver role as x-sfa-roles carries it: 1-64 characters of [a-z0-9._-], starting with a letter or digit.
absl::Status ValidateRole(absl::string_view field, absl::string_view role);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_VALIDATION_H_

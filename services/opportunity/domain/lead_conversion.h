#ifndef SFA_SERVICES_OPPORTUNITY_DOMAIN_LEAD_CONVERSION_H_
#define SFA_SERVICES_OPPORTUNITY_DOMAIN_LEAD_CONVERSION_H_

// The pure part of CreateFromLead: which records a lead conversion finds and which it creates, as create
// requests the adapter then runs through the account, contact and opportunity deciders.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "opportunity/domain/account.h"
#include "opportunity/domain/contact.h"
#include "opportunity/domain/opportunity.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity::domain {

// Trimmed, inner blanks collapsed to one space, ASCII letters lower-cased: "  ACME  corp " -> "acme corp".
std::string NormalizeAccountName(absl::string_view name);
std::string NormalizeEmail(absl::string_view email);

// Stable ids for the records a conversion creates. Two conversions of the same lead (a retry with a new
// request_id, or a race) then aim at the same opportunity stream, and two leads of the same new company
// at the same account stream, so the event store's stream check turns a would-be duplicate into a find.
std::string ConvertedOpportunityId(absl::string_view lead_id);
std::string ConvertedAccountId(absl::string_view normalized_name);
// Keyed by the e-mail when there is one, else by the lead.
std::string ConvertedContactId(absl::string_view account_id, absl::string_view normalized_email,
                               absl::string_view lead_id);

// What the adapter looked up before planning; each state's `exists` says whether it was found.
struct ConversionLookup {
  // The opportunity at the planned opportunity id (request.opportunity.opportunity_id, or
  // ConvertedOpportunityId(lead_id)).
  OpportunityState opportunity = {};
  // request.account_id's account when set; else the account whose normalized name matches.
  AccountState account = {};
  // The contact of the account with the request's normalized e-mail, else the one at ConvertedContactId.
  ContactState contact = {};
};

struct ConversionPlan {
  std::string account_id;
  std::string contact_id;  // empty when the request has no contact
  std::string opportunity_id;
  // Requests to run, in this order; each is unset when the record was found. The request ids derive from
  // the conversion's, so a retried conversion re-runs exactly the creates that did not happen.
  std::optional<v1::CreateAccountRequest> create_account;
  std::optional<v1::CreateContactRequest> create_contact;
  std::optional<v1::CreateOpportunityRequest> create_opportunity;
};

// Plans a validated CreateFromLeadRequest. A lead already converted plans no creates and returns what
// it converted to, whatever the request says now. NOT_FOUND when request.account_id does not exist;
// ALREADY_EXISTS when the planned opportunity id belongs to another lead's or a direct opportunity.
absl::StatusOr<ConversionPlan> PlanConversion(const v1::CreateFromLeadRequest& request, const ConversionLookup& found);

}  // namespace sfa::opportunity::domain

#endif  // SFA_SERVICES_OPPORTUNITY_DOMAIN_LEAD_CONVERSION_H_

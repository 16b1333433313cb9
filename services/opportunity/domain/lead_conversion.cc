#include "opportunity/domain/lead_conversion.h"

#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sfa::opportunity::domain {
namespace {

// FNV-1a, 64 bits: stable across builds and platforms, unlike absl::Hash, which is seeded per process.
std::string StableHash(absl::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("%016x", hash);
}

v1::CreateAccountRequest AccountRequest(const v1::CreateFromLeadRequest& request, const std::string& account_id) {
  const v1::NewAccount& a = request.account();
  v1::CreateAccountRequest out;
  out.set_request_id(absl::StrCat(request.request_id(), ":account"));
  out.set_account_id(account_id);
  out.set_name(a.name());
  out.set_parent_account_id(a.parent_account_id());
  out.set_industry(a.industry());
  out.set_employees(a.employees());
  if (a.has_annual_revenue()) *out.mutable_annual_revenue() = a.annual_revenue();
  out.set_region(a.region());
  out.set_owner_user_id(request.opportunity().owner_user_id());
  if (request.has_effective_time()) *out.mutable_effective_time() = request.effective_time();
  return out;
}

v1::CreateContactRequest ContactRequest(const v1::CreateFromLeadRequest& request, const std::string& account_id,
                                        const std::string& contact_id) {
  const v1::NewContact& c = request.contact();
  v1::CreateContactRequest out;
  out.set_request_id(absl::StrCat(request.request_id(), ":contact"));
  out.set_contact_id(contact_id);
  out.set_account_id(account_id);
  out.set_name(c.name());
  out.set_title(c.title());
  out.set_email(c.email());
  out.set_phone(c.phone());
  out.set_buying_role(c.buying_role());
  out.set_influence(c.influence());
  out.set_attitude(c.attitude());
  if (request.has_effective_time()) *out.mutable_effective_time() = request.effective_time();
  return out;
}

v1::CreateOpportunityRequest OpportunityRequest(const v1::CreateFromLeadRequest& request, const std::string& account_id,
                                                const std::string& opportunity_id) {
  const v1::NewOpportunity& o = request.opportunity();
  v1::CreateOpportunityRequest out;
  out.set_request_id(absl::StrCat(request.request_id(), ":opportunity"));
  out.set_opportunity_id(opportunity_id);
  out.set_account_id(account_id);
  out.set_pipeline_id(o.pipeline_id());
  out.set_name(o.name());
  out.set_owner_user_id(o.owner_user_id());
  if (o.has_amount()) *out.mutable_amount() = o.amount();
  if (o.has_expected_close_date()) *out.mutable_expected_close_date() = o.expected_close_date();
  out.set_lead_source(o.lead_source());
  out.set_lead_id(request.lead_id());
  out.set_stage_id(o.stage_id());
  if (request.has_effective_time()) *out.mutable_effective_time() = request.effective_time();
  return out;
}

std::string PlannedOpportunityId(const v1::CreateFromLeadRequest& request) {
  const std::string& given = request.opportunity().opportunity_id();
  return given.empty() ? ConvertedOpportunityId(request.lead_id()) : given;
}

// The lead was converted before: return what it converted to and create nothing.
ConversionPlan AlreadyConverted(const ConversionLookup& found) {
  ConversionPlan plan;
  plan.opportunity_id = found.opportunity.opportunity_id;
  plan.account_id = found.opportunity.account_id;
  if (found.contact.exists && found.contact.account_id == plan.account_id) plan.contact_id = found.contact.contact_id;
  return plan;
}

}  // namespace

std::string NormalizeAccountName(absl::string_view name) {
  std::string out;
  for (const char c : absl::StripAsciiWhitespace(name)) {
    if (absl::ascii_isspace(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(absl::ascii_tolower(c));
    }
  }
  return out;
}

std::string NormalizeEmail(absl::string_view email) { return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email)); }

std::string ConvertedOpportunityId(absl::string_view lead_id) { return absl::StrCat("lead-opp-", StableHash(lead_id)); }

std::string ConvertedAccountId(absl::string_view normalized_name) {
  return absl::StrCat("lead-acc-", StableHash(normalized_name));
}

std::string ConvertedContactId(absl::string_view account_id, absl::string_view normalized_email,
                               absl::string_view lead_id) {
  const std::string key =
      normalized_email.empty() ? absl::StrCat("lead|", lead_id) : absl::StrCat(account_id, "|", normalized_email);
  return absl::StrCat("lead-con-", StableHash(key));
}

absl::StatusOr<ConversionPlan> PlanConversion(const v1::CreateFromLeadRequest& request, const ConversionLookup& found) {
  if (found.opportunity.exists) {
    if (found.opportunity.lead_id != request.lead_id()) {
      return absl::AlreadyExistsError(absl::StrCat("opportunity ", found.opportunity.opportunity_id,
                                                   " exists and was not converted from lead ", request.lead_id()));
    }
    return AlreadyConverted(found);
  }
  if (!request.account_id().empty() && !found.account.exists) {
    return absl::NotFoundError(absl::StrCat("account_id ", request.account_id(), " not found"));
  }
  ConversionPlan plan;
  if (found.account.exists) {
    plan.account_id = found.account.account_id;
  } else {
    const std::string& given = request.account().account_id();
    plan.account_id = given.empty() ? ConvertedAccountId(NormalizeAccountName(request.account().name())) : given;
    plan.create_account = AccountRequest(request, plan.account_id);
  }
  if (request.has_contact()) {
    const std::string& given = request.contact().contact_id();
    if (found.contact.exists) {
      plan.contact_id = found.contact.contact_id;
    } else {
      plan.contact_id = !given.empty() ? given
                                       : ConvertedContactId(plan.account_id, NormalizeEmail(request.contact().email()),
                                                            request.lead_id());
      plan.create_contact = ContactRequest(request, plan.account_id, plan.contact_id);
    }
  }
  plan.opportunity_id = PlannedOpportunityId(request);
  plan.create_opportunity = OpportunityRequest(request, plan.account_id, plan.opportunity_id);
  return plan;
}

}  // namespace sfa::opportunity::domain

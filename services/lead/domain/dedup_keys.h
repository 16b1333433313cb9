#ifndef SFA_SERVICES_LEAD_DOMAIN_DEDUP_KEYS_H_
#define SFA_SERVICES_LEAD_DOMAIN_DEDUP_KEYS_H_

// Normalised keys under which two captures of the same person collide: e-mail, phone, and company +
// person name. The adapter indexes every lead under its keys and looks a new lead's keys up there.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "sfa/lead/v1/lead_types.pb.h"

namespace sfa::lead::domain {

// Lower-case and trimmed. For gmail.com and googlemail.com only, dots and a "+tag" in the local part
// are dropped and the domain becomes gmail.com (Google ignores both); other providers' plus-addressing
// is not universal, so other addresses keep them. "" when there is no '@' between non-empty parts.
std::string NormalizeEmail(absl::string_view email);

// Digits only, as an E.164 number without '+': "+" or "00" introduce the country code; otherwise a
// national number loses one leading trunk '0' and gets `default_calling_code` (digits, e.g. "44";
// empty = leave the national number as it is). "" when fewer than 7 digits remain.
std::string NormalizePhone(absl::string_view phone, absl::string_view default_calling_code);

// Lower-case ASCII, punctuation dropped, whitespace collapsed to single spaces, trimmed.
std::string NormalizeName(absl::string_view name);

// NormalizeName without a trailing legal form ("inc", "ltd", "llc", "gmbh", "corp", "plc", ...).
std::string NormalizeCompany(absl::string_view company);

// "<company>|<person>", or "" when either is missing.
std::string CompanyPersonKey(absl::string_view company, absl::string_view person);

// The non-empty keys of a lead, in match precedence order (email, phone, company + name).
std::vector<std::pair<v1::DuplicateMatch, std::string>> DuplicateKeys(const v1::Person& person,
                                                                      const v1::Company& company,
                                                                      absl::string_view default_calling_code);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_DEDUP_KEYS_H_

#include "lead/domain/dedup_keys.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sfa::lead::domain {
namespace {

constexpr absl::string_view kLegalForms[] = {"inc",  "incorporated", "ltd", "limited", "llc", "llp", "gmbh",
                                             "corp", "corporation",  "co",  "plc",     "sa",  "ag",  "bv",
                                             "srl",  "pty",          "oy",  "ab",      "nv",  "kk"};

bool IsGmail(absl::string_view domain) { return domain == "gmail.com" || domain == "googlemail.com"; }

}  // namespace

std::string NormalizeEmail(absl::string_view email) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
  const size_t at = lower.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == lower.size()) return "";
  std::string local = lower.substr(0, at);
  std::string domain = lower.substr(at + 1);
  if (!IsGmail(domain)) return lower;
  local = local.substr(0, local.find('+'));
  local.erase(std::remove(local.begin(), local.end(), '.'), local.end());
  if (local.empty()) return "";
  return absl::StrCat(local, "@gmail.com");
}

std::string NormalizePhone(absl::string_view phone, absl::string_view default_calling_code) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(phone);
  std::string digits;
  for (char c : trimmed) {
    if (absl::ascii_isdigit(c)) digits.push_back(c);
  }
  if (absl::StartsWith(trimmed, "+")) {
    // Already international.
  } else if (absl::StartsWith(digits, "00")) {
    digits.erase(0, 2);
  } else {
    if (absl::StartsWith(digits, "0")) digits.erase(0, 1);
    digits = absl::StrCat(default_calling_code, digits);
  }
  return digits.size() < 7 ? "" : digits;
}

std::string NormalizeName(absl::string_view name) {
  std::string out;
  bool space = false;
  for (char c : name) {
    if (absl::ascii_isalnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      if (space && !out.empty()) out.push_back(' ');
      out.push_back(absl::ascii_tolower(c));
      space = false;
    } else if (absl::ascii_isspace(c) || c == '-' || c == '_' || c == '/' || c == ',') {
      space = true;
    }
    // Other punctuation (".", "'", "&" ...) is dropped without a break: "J.P." == "jp".
  }
  return out;
}

std::string NormalizeCompany(absl::string_view company) {
  std::string name = NormalizeName(company);
  const size_t last = name.rfind(' ');
  if (last == std::string::npos) return name;
  const absl::string_view tail = absl::string_view(name).substr(last + 1);
  for (absl::string_view form : kLegalForms) {
    if (tail == form) return name.substr(0, last);
  }
  return name;
}

std::string CompanyPersonKey(absl::string_view company, absl::string_view person) {
  const std::string c = NormalizeCompany(company);
  const std::string p = NormalizeName(person);
  if (c.empty() || p.empty()) return "";
  return absl::StrCat(c, "|", p);
}

std::vector<std::pair<v1::DuplicateMatch, std::string>> DuplicateKeys(const v1::Person& person,
                                                                      const v1::Company& company,
                                                                      absl::string_view default_calling_code) {
  std::vector<std::pair<v1::DuplicateMatch, std::string>> keys;
  auto add = [&](v1::DuplicateMatch match, std::string key) {
    if (!key.empty()) keys.emplace_back(match, std::move(key));
  };
  add(v1::DUPLICATE_MATCH_EMAIL, NormalizeEmail(person.email()));
  add(v1::DUPLICATE_MATCH_PHONE, NormalizePhone(person.phone(), default_calling_code));
  add(v1::DUPLICATE_MATCH_COMPANY_AND_NAME, CompanyPersonKey(company.name(), person.name()));
  return keys;
}

}  // namespace sfa::lead::domain

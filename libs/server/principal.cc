#include "server/principal.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace sfa::server {
namespace {

constexpr size_t kMaxTenantLength = 64;
constexpr size_t kMaxUserLength = 128;
constexpr size_t kMaxRoleLength = 64;
constexpr size_t kMaxRoles = 32;

bool IsLowerAlnum(char c) { return absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'z'); }
bool IsAlnum(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)); }

// [a-z0-9._-]{1,max}, starting with [a-z0-9]: safe inside keys, topics and log lines.
bool IsSlug(absl::string_view s, size_t max) {
  if (s.empty() || s.size() > max || !IsLowerAlnum(s[0])) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return IsLowerAlnum(c) || c == '.' || c == '_' || c == '-'; });
}

bool IsUser(absl::string_view s) {
  if (s.empty() || s.size() > kMaxUserLength || !IsAlnum(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return IsAlnum(c) || c == '.' || c == '_' || c == '-' || c == '@' || c == '+'; });
}

absl::Status Missing(absl::string_view header) {
  return absl::UnauthenticatedError(absl::StrCat("missing ", header, " metadata"));
}

absl::Status Malformed(absl::string_view header, absl::string_view rule) {
  return absl::UnauthenticatedError(absl::StrCat("invalid ", header, " metadata: ", rule));
}

constexpr char kSlugRule[] = "must be 1-64 characters of [a-z0-9._-], starting with a letter or digit";

// The single value of `header`, nullopt when absent. Refuses duplicates.
absl::StatusOr<std::optional<absl::string_view>> SingleValue(
    const std::multimap<grpc::string_ref, grpc::string_ref>& md, const char* header) {
  auto [begin, end] = md.equal_range(grpc::string_ref(header));
  if (begin == end) return std::nullopt;
  if (std::next(begin) != end) return Malformed(header, "given more than once");
  return absl::string_view(begin->second.data(), begin->second.size());
}

absl::StatusOr<std::vector<std::string>> ParseRoles(absl::string_view text) {
  std::vector<std::string> roles;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string role = absl::AsciiStrToLower(absl::StripAsciiWhitespace(part));
    if (!IsSlug(role, kMaxRoleLength)) {
      return Malformed(kRolesHeader, absl::StrCat("role \"", role, "\" ", kSlugRule));
    }
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(std::move(role));
  }
  if (roles.size() > kMaxRoles) return Malformed(kRolesHeader, "more than 32 roles");
  return roles;
}

}  // namespace

bool Principal::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

absl::StatusOr<Principal> PrincipalFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) {
  Principal p;

  absl::StatusOr<std::optional<absl::string_view>> tenant = SingleValue(client_metadata, kTenantHeader);
  if (!tenant.ok()) return tenant.status();
  if (!tenant->has_value() || (*tenant)->empty()) return Missing(kTenantHeader);
  if (!IsSlug(**tenant, kMaxTenantLength)) {
    return Malformed(kTenantHeader, kSlugRule);
  }
  p.tenant = std::string(**tenant);

  absl::StatusOr<std::optional<absl::string_view>> user = SingleValue(client_metadata, kUserHeader);
  if (!user.ok()) return user.status();
  if (!user->has_value() || (*user)->empty()) return Missing(kUserHeader);
  if (!IsUser(**user)) {
    return Malformed(kUserHeader, "must be 1-128 characters of [A-Za-z0-9._@+-], starting with a letter or digit");
  }
  p.user = std::string(**user);

  absl::StatusOr<std::optional<absl::string_view>> roles = SingleValue(client_metadata, kRolesHeader);
  if (!roles.ok()) return roles.status();
  if (roles->has_value()) {
    absl::StatusOr<std::vector<std::string>> parsed = ParseRoles(**roles);
    if (!parsed.ok()) return parsed.status();
    p.roles = *std::move(parsed);
  }

  absl::StatusOr<std::optional<absl::string_view>> team = SingleValue(client_metadata, kTeamHeader);
  if (!team.ok()) return team.status();
  if (team->has_value() && !(*team)->empty()) {
    if (!IsSlug(**team, kMaxTenantLength)) {
      return Malformed(kTeamHeader, kSlugRule);
    }
    p.team = std::string(**team);
  }
  return p;
}

absl::StatusOr<Principal> PrincipalFromContext(const grpc::ServerContextBase* context) {
  return PrincipalFromMetadata(context->client_metadata());
}

}  // namespace sfa::server

#include "tools/maventech_import/ids.h"

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"

namespace sfa::tools::maventech {
namespace {

bool IsIdChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '-'; }

}  // namespace

std::string Slug(absl::string_view name) {
  std::string slug;
  bool pending_dash = false;
  for (const char c : name) {
    if (!absl::ascii_isalnum(c)) {
      pending_dash = !slug.empty();
      continue;
    }
    if (pending_dash) slug.push_back('-');
    pending_dash = false;
    slug.push_back(absl::ascii_tolower(c));
  }
  if (slug.size() > kMaxIdLength) slug.resize(kMaxIdLength);
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

bool IsValidId(absl::string_view id) {
  return !id.empty() && id.size() <= kMaxIdLength && absl::ascii_isalnum(id.front()) && absl::c_all_of(id, IsIdChar);
}

std::string LooseKey(absl::string_view name) {
  std::string key;
  for (const char c : name) {
    if (absl::ascii_isalnum(c)) key.push_back(absl::ascii_tolower(c));
  }
  return key;
}

}  // namespace sfa::tools::maventech

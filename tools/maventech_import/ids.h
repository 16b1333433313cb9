#ifndef SFA_TOOLS_MAVENTECH_IMPORT_IDS_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_IDS_H_

// Ids the import derives from the data, so that every run addresses the same records and sends the same
// request ids: names become slugs in the service's id alphabet (1-64 of [A-Za-z0-9._:@-], starting with
// a letter or digit; see services/opportunity/domain/validation.cc).

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace sfa::tools::maventech {

inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxRequestIdLength = 128;

// "Gekko & Co" -> "gekko-co": ASCII letters and digits lower-cased, every other run of characters one
// '-', no '-' at either end, cut to 64 characters. Empty when the name has no ASCII letter or digit.
// Different names can share a slug ("A&B", "a-b"); the plan detects that.
std::string Slug(absl::string_view name);

// Whether the service accepts `id` as an id.
bool IsValidId(absl::string_view id);

// The key two product names share when they differ only in case, blanks and punctuation:
// "GTXPro" and "GTX Pro" -> "gtxpro".
std::string LooseKey(absl::string_view name);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_IDS_H_

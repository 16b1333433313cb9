#ifndef SFA_SERVICES_QUOTE_DOMAIN_TEST_FIXTURES_H_
#define SFA_SERVICES_QUOTE_DOMAIN_TEST_FIXTURES_H_

// Test support: the fixed times and money the quote domain tests share. Test-only.

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sfa::quote::domain {

// 2024-03-01T09:00:00Z, the start of every test story.
inline absl::Time Day(int n) {
  return absl::FromCivil(absl::CivilSecond(2024, 3, 1, 9, 0, 0), absl::UTCTimeZone()) + absl::Hours(24 * n);
}

inline std::string SecondsOf(absl::Time t) { return absl::StrCat(absl::ToUnixSeconds(t)); }

// "<field> { seconds: ... }" for text protos.
inline std::string TimeField(absl::string_view field, absl::Time t) {
  return absl::StrCat(field, " { seconds: ", SecondsOf(t), " }");
}

// "effective_time { seconds: ... }" for text protos.
inline std::string At(absl::Time t) { return TimeField("effective_time", t); }

// "<field> { minor_units: ... currency: ... }" for text protos.
inline std::string MoneyField(absl::string_view field, int64_t minor_units, absl::string_view currency = "USD") {
  return absl::StrCat(field, " { minor_units: ", minor_units, " currency: \"", currency, "\" }");
}

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_TEST_FIXTURES_H_

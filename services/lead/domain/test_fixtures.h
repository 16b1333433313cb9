#ifndef SFA_SERVICES_LEAD_DOMAIN_TEST_FIXTURES_H_
#define SFA_SERVICES_LEAD_DOMAIN_TEST_FIXTURES_H_

// Test support: the fixed times the lead domain tests share. Test-only.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace sfa::lead::domain {

// 2024-03-01T09:00:00Z, the start of every test story.
inline absl::Time Day(int n) {
  return absl::FromCivil(absl::CivilSecond(2024, 3, 1, 9, 0, 0), absl::UTCTimeZone()) + absl::Hours(24 * n);
}

inline std::string SecondsOf(absl::Time t) { return absl::StrCat(absl::ToUnixSeconds(t)); }

// "effective_time { seconds: ... }" for text protos.
inline std::string At(absl::Time t) { return absl::StrCat("effective_time { seconds: ", SecondsOf(t), " }"); }

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_TEST_FIXTURES_H_

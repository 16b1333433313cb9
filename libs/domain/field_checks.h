#ifndef SFA_LIBS_DOMAIN_FIELD_CHECKS_H_
#define SFA_LIBS_DOMAIN_FIELD_CHECKS_H_

// Shape checks of request fields shared by every service's validation: each failure is
// INVALID_ARGUMENT "<field> <problem>", naming the field as the client wrote it.

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "sfa/common/v1/money.pb.h"

namespace sfa::domain {

inline constexpr size_t kMaxIdLength = 64;
inline constexpr size_t kMaxRequestIdLength = 128;
// A quadrillion minor units: far beyond any deal, well inside int64 for sums.
inline constexpr int64_t kMaxMinorUnits = 1'000'000'000'000'000;

enum class Need { kOptional, kRequired };
inline constexpr Need kOptional = Need::kOptional;
inline constexpr Need kRequired = Need::kRequired;
// Multi-line text may hold line breaks and tabs; single-line text no control characters at all.
enum class Lines { kSingle, kMulti };

absl::Status Invalid(absl::string_view field, absl::string_view problem);
// The checks of a request are cheap and bounded, so they all run and the first failure in field order
// is reported; this keeps each Validate a readable list of its fields.
absl::Status FirstError(std::initializer_list<absl::Status> checks);
inline absl::Status Ok() { return absl::OkStatus(); }

// 1-64 characters of [A-Za-z0-9._:@-], starting with a letter or digit; "" passes unless `required`.
absl::Status ValidateId(absl::string_view field, absl::string_view id, bool required);
absl::Status Id(absl::string_view field, absl::string_view id, Need need);
// Required, at most kMaxRequestIdLength printable ASCII characters without spaces.
absl::Status RequestId(absl::string_view id);
// Valid UTF-8 without control characters (but line breaks and tabs in multi-line text), at most
// `max_chars` code points; required text must have a non-space character.
absl::Status Text(absl::string_view field, absl::string_view text, size_t max_chars, Need need,
                  Lines lines = Lines::kSingle);
// Within google.protobuf.Timestamp's documented range.
absl::Status Time(absl::string_view field, const google::protobuf::Timestamp& time);
// A 3-letter upper-case currency code and 0 <= minor_units <= kMaxMinorUnits.
absl::Status ValidateMoney(absl::string_view field, const common::v1::Money& money);
absl::Status OptionalMoney(absl::string_view field, bool has, const common::v1::Money& money);

template <typename IsValid>
absl::Status Enum(absl::string_view field, int value, IsValid is_valid, Need need) {
  if (!is_valid(value)) return Invalid(field, absl::StrCat("has an unknown value ", value));
  if (value == 0 && need == kRequired) return Invalid(field, "is required");
  return Ok();
}

// The request's optional effective_time (imports back-date changes with it).
template <typename Request>
absl::Status EffectiveTime(const Request& request) {
  return request.has_effective_time() ? Time("effective_time", request.effective_time()) : Ok();
}

}  // namespace sfa::domain

#endif  // SFA_LIBS_DOMAIN_FIELD_CHECKS_H_

#include "domain/field_checks.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "domain/support.h"

namespace sfa::domain {
namespace {

// google.protobuf.Timestamp's documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
constexpr int64_t kMinTimestampSeconds = -62'135'596'800;
constexpr int64_t kMaxTimestampSeconds = 253'402'300'799;

bool IsIdChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '-'; }

// The length of the UTF-8 sequence `lead` starts, or 0 when it cannot start one.
int Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  if ((lead >> 3) == 0x1e) return 4;
  return 0;
}

// Decodes UTF-8, counting code points into `*chars`; refuses malformed sequences and control characters
// (line breaks and tabs are allowed in multi-line text).
absl::Status CheckUtf8(absl::string_view field, absl::string_view text, Lines lines, size_t* chars) {
  *chars = 0;
  for (size_t i = 0; i < text.size(); ++(*chars)) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = Utf8SequenceLength(lead);
    if (length == 0 || i + length > text.size()) return Invalid(field, "is not valid UTF-8");
    uint32_t cp = length == 1 ? lead : lead & (0x7f >> length);
    for (int k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return Invalid(field, "is not valid UTF-8");
      cp = (cp << 6) | (next & 0x3f);
    }
    const bool overlong = (length == 2 && cp < 0x80) || (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return Invalid(field, "is not valid UTF-8");
    const bool control = cp < 0x20 || cp == 0x7f;
    const bool allowed = lines == Lines::kMulti && (cp == '\n' || cp == '\r' || cp == '\t');
    if (control && !allowed) return Invalid(field, "must not contain control characters");
    i += length;
  }
  return Ok();
}

}  // namespace

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", problem));
}

// The checks of a request are cheap and bounded, so they all run and the first failure in field order
// is reported; this keeps each Validate a readable list of its fields.
absl::Status FirstError(std::initializer_list<absl::Status> checks) {
  for (const absl::Status& check : checks) {
    if (!check.ok()) return check;
  }
  return absl::OkStatus();
}

absl::Status ValidateId(absl::string_view field, absl::string_view id, bool required) {
  if (id.empty()) return required ? Invalid(field, "is required") : Ok();
  if (id.size() > kMaxIdLength) return Invalid(field, absl::StrCat("must be at most ", kMaxIdLength, " characters"));
  if (!absl::ascii_isalnum(id.front()) || !std::all_of(id.begin(), id.end(), IsIdChar)) {
    return Invalid(field, "must be letters, digits and . _ : @ -, starting with a letter or digit");
  }
  return Ok();
}

absl::Status Id(absl::string_view field, absl::string_view id, Need need) {
  return ValidateId(field, id, need == kRequired);
}

absl::Status RequestId(absl::string_view id) {
  if (id.empty()) return Invalid("request_id", "is required: it makes a retried command safe");
  if (id.size() > kMaxRequestIdLength) {
    return Invalid("request_id", absl::StrCat("must be at most ", kMaxRequestIdLength, " characters"));
  }
  const bool printable = std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (!printable) return Invalid("request_id", "must be printable ASCII without spaces");
  return Ok();
}

// Required text must have a non-space character: a name of blanks is no name.
absl::Status Text(absl::string_view field, absl::string_view text, size_t max_chars, Need need,
                  Lines lines) {
  if (absl::StripAsciiWhitespace(text).empty()) {
    return need == kRequired ? Invalid(field, "is required") : Ok();
  }
  size_t chars = 0;
  SFA_RETURN_IF_ERROR(CheckUtf8(field, text, lines, &chars));
  if (chars > max_chars) {
    return Invalid(field, absl::StrCat("must be at most ", max_chars, " characters, not ", chars));
  }
  return Ok();
}

absl::Status Time(absl::string_view field, const google::protobuf::Timestamp& time) {
  if (time.seconds() < kMinTimestampSeconds || time.seconds() > kMaxTimestampSeconds || time.nanos() < 0 ||
      time.nanos() > 999'999'999) {
    return Invalid(field, "must be a valid timestamp between 0001-01-01 and 9999-12-31");
  }
  return Ok();
}

absl::Status ValidateMoney(absl::string_view field, const common::v1::Money& money) {
  const std::string& currency = money.currency();
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), absl::ascii_isupper)) {
    return Invalid(absl::StrCat(field, ".currency"), "must be a 3-letter ISO 4217 code in upper case, e.g. USD");
  }
  if (money.minor_units() < 0) return Invalid(absl::StrCat(field, ".minor_units"), "must not be negative");
  if (money.minor_units() > kMaxMinorUnits) {
    return Invalid(absl::StrCat(field, ".minor_units"), absl::StrCat("must be at most ", kMaxMinorUnits));
  }
  return Ok();
}

absl::Status OptionalMoney(absl::string_view field, bool has, const common::v1::Money& money) {
  return has ? ValidateMoney(field, money) : Ok();
}

}  // namespace sfa::domain

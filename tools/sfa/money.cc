#include "tools/sfa/money.h"

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sfa::tools::cli {
namespace {

// ISO 4217 currencies whose minor unit is not two digits (the 2023 list; funds codes included).
constexpr absl::string_view kZeroDigits[] = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG",
                                             "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr absl::string_view kThreeDigits[] = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"};
constexpr absl::string_view kFourDigits[] = {"CLF", "UYW"};

template <size_t N>
bool Contains(const absl::string_view (&list)[N], absl::string_view code) {
  return std::find(std::begin(list), std::end(list), code) != std::end(list);
}

// "1234567" -> "1,234,567".
std::string GroupThousands(const std::string& digits) {
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && (n - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

bool IsCurrencyCode(absl::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isalpha(c); });
}

absl::Status Invalid(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("money \"", text, "\": ", why));
}

}  // namespace

int MinorUnitDigits(absl::string_view currency) {
  if (Contains(kZeroDigits, currency)) return 0;
  if (Contains(kThreeDigits, currency)) return 3;
  if (Contains(kFourDigits, currency)) return 4;
  return 2;
}

std::string FormatAmount(int64_t minor_units, absl::string_view currency) {
  const int digits = MinorUnitDigits(currency);
  // Through unsigned so that INT64_MIN has a magnitude.
  const uint64_t magnitude = minor_units < 0 ? ~static_cast<uint64_t>(minor_units) + 1 : minor_units;
  std::string all = absl::StrCat(magnitude);
  if (all.size() <= static_cast<size_t>(digits)) all.insert(0, digits + 1 - all.size(), '0');
  const std::string whole = all.substr(0, all.size() - digits);
  std::string out = minor_units < 0 ? "-" : "";
  absl::StrAppend(&out, GroupThousands(whole));
  if (digits > 0) absl::StrAppend(&out, ".", all.substr(all.size() - digits));
  return out;
}

std::string FormatMoney(const common::v1::Money& money) {
  std::string amount = FormatAmount(money.minor_units(), money.currency());
  if (money.currency().empty()) return amount;
  return absl::StrCat(amount, " ", money.currency());
}

std::string FormatMoneyList(const google::protobuf::RepeatedPtrField<common::v1::Money>& list) {
  if (list.empty()) return "-";
  return absl::StrJoin(list, ", ",
                       [](std::string* out, const common::v1::Money& m) { absl::StrAppend(out, FormatMoney(m)); });
}

absl::StatusOr<common::v1::Money> ParseMoney(absl::string_view text, absl::string_view default_currency) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  std::string currency;
  // The code may come first ("USD 12") or last ("12 USD", "12USD").
  if (rest.size() >= 3 && IsCurrencyCode(rest.substr(0, 3))) {
    currency = std::string(rest.substr(0, 3));
    rest = absl::StripLeadingAsciiWhitespace(rest.substr(3));
  } else if (rest.size() >= 3 && IsCurrencyCode(rest.substr(rest.size() - 3))) {
    currency = std::string(rest.substr(rest.size() - 3));
    rest = absl::StripTrailingAsciiWhitespace(rest.substr(0, rest.size() - 3));
  } else {
    currency = std::string(default_currency);
  }
  if (currency.empty()) return Invalid(text, "no currency; write e.g. \"1234.56 USD\"");
  absl::AsciiStrToUpper(&currency);
  if (!IsCurrencyCode(currency)) return Invalid(text, "the currency must be a 3-letter ISO 4217 code");

  bool negative = false;
  if (!rest.empty() && (rest[0] == '-' || rest[0] == '+')) {
    negative = rest[0] == '-';
    rest.remove_prefix(1);
  }
  std::string whole, fraction;
  bool seen_point = false;
  for (char c : rest) {
    if (c == ',' && !seen_point) continue;  // thousands separator
    if (c == '.' && !seen_point) {
      seen_point = true;
    } else if (absl::ascii_isdigit(c)) {
      (seen_point ? fraction : whole).push_back(c);
    } else {
      return Invalid(text, "not a decimal amount");
    }
  }
  if (whole.empty() && fraction.empty()) return Invalid(text, "no amount");
  const int digits = MinorUnitDigits(currency);
  if (fraction.size() > static_cast<size_t>(digits)) {
    return Invalid(text, absl::StrCat(currency, " has ", digits, " decimal", digits == 1 ? "" : "s"));
  }
  fraction.append(digits - fraction.size(), '0');
  int64_t minor = 0;
  for (char c : whole + fraction) {
    if (minor > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) return Invalid(text, "too large");
    minor = minor * 10 + (c - '0');
  }
  common::v1::Money money;
  money.set_minor_units(negative ? -minor : minor);
  money.set_currency(currency);
  return money;
}

}  // namespace sfa::tools::cli

#include "tools/sfa/values.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/time_util.h>

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"

namespace sfa::tools::cli {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

// "LEAD_STATUS_" for LeadStatus: what every value's name starts with, taken from its *_UNSPECIFIED value.
std::string Prefix(const EnumDescriptor* type) {
  const EnumValueDescriptor* zero = type->FindValueByNumber(0);
  if (zero == nullptr || !absl::EndsWith(zero->name(), "UNSPECIFIED")) return "";
  return zero->name().substr(0, zero->name().size() - std::string("UNSPECIFIED").size());
}

bool IsUnspecified(const EnumValueDescriptor* value) { return absl::EndsWith(value->name(), "_UNSPECIFIED"); }

std::string ShortName(const EnumValueDescriptor* value, const std::string& prefix) {
  return absl::StartsWith(value->name(), prefix) ? value->name().substr(prefix.size()) : value->name();
}

absl::Status BadFlag(absl::string_view flag, absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(flag, " \"", text, "\": ", why));
}

absl::StatusOr<absl::CivilDay> ParseDay(absl::string_view text) {
  absl::CivilDay day;
  // ParseCivilTime accepts "2017-6-3" too; insisting on the ISO shape keeps dates unambiguous.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) return absl::InvalidArgumentError("not a date");
  return day;
}

absl::Time StartOf(absl::CivilDay day) { return absl::FromCivil(day, absl::UTCTimeZone()); }

}  // namespace

absl::StatusOr<int> ParseEnum(const EnumDescriptor* type, absl::string_view text, absl::string_view flag) {
  const std::string prefix = Prefix(type);
  std::string wanted = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  absl::StrReplaceAll({{"-", "_"}, {" ", "_"}}, &wanted);
  for (int i = 0; i < type->value_count(); ++i) {
    const EnumValueDescriptor* value = type->value(i);
    if (IsUnspecified(value)) continue;
    if (value->name() == wanted || ShortName(value, prefix) == wanted) return value->number();
  }
  return BadFlag(flag, text, absl::StrCat("expected one of ", EnumChoices(type)));
}

std::string EnumLabel(const EnumDescriptor* type, int number) {
  const EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (value == nullptr) return absl::StrCat(number);
  if (IsUnspecified(value)) return "-";
  return ShortName(value, Prefix(type));
}

std::string EnumChoices(const EnumDescriptor* type) {
  const std::string prefix = Prefix(type);
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (IsUnspecified(type->value(i))) continue;
    std::string name = absl::AsciiStrToLower(ShortName(type->value(i), prefix));
    absl::StrReplaceAll({{"_", "-"}}, &name);
    names.push_back(std::move(name));
  }
  return absl::StrJoin(names, "|");
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text, absl::string_view flag) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(text);
  if (absl::StatusOr<absl::CivilDay> day = ParseDay(trimmed); day.ok()) return StartOf(*day);
  absl::Time t;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, std::string(trimmed), &t, &error)) return t;
  return BadFlag(flag, text, "expected a date (2017-06-30) or an RFC 3339 time (2017-06-30T12:00:00Z)");
}

absl::StatusOr<std::pair<absl::Time, absl::Time>> ParsePeriod(absl::string_view text, absl::string_view flag) {
  const std::string upper = absl::AsciiStrToUpper(absl::StripAsciiWhitespace(text));
  auto bad = [&] { return BadFlag(flag, text, "expected 2017, 2017-H1, 2017-Q3, 2017-07 or 2017-07-01..2017-10-01"); };
  if (std::vector<std::string> range = absl::StrSplit(upper, ".."); range.size() == 2) {
    absl::StatusOr<absl::CivilDay> from = ParseDay(range[0]), to = ParseDay(range[1]);
    if (!from.ok() || !to.ok()) return bad();
    if (*from >= *to) return BadFlag(flag, text, "the start must be before the end");
    return std::make_pair(StartOf(*from), StartOf(*to));
  }
  int year = 0;
  if (upper.size() < 4 || !absl::SimpleAtoi(upper.substr(0, 4), &year) || year < 1970 || year > 9999) return bad();
  const absl::CivilMonth january(year, 1);
  auto months = [&](int first, int count) {
    const absl::CivilMonth start = january + (first - 1);
    return std::make_pair(StartOf(absl::CivilDay(start)), StartOf(absl::CivilDay(start + count)));
  };
  if (upper.size() == 4) return months(1, 12);
  int n = 0;
  if (upper.size() == 7 && upper[4] == '-' && upper[5] == 'Q' && absl::SimpleAtoi(upper.substr(6), &n) && n >= 1 &&
      n <= 4) {
    return months(3 * (n - 1) + 1, 3);
  }
  if (upper.size() == 7 && upper[4] == '-' && upper[5] == 'H' && absl::SimpleAtoi(upper.substr(6), &n) && n >= 1 &&
      n <= 2) {
    return months(6 * (n - 1) + 1, 6);
  }
  if (upper.size() == 7 && upper[4] == '-' && absl::ascii_isdigit(upper[5]) && absl::SimpleAtoi(upper.substr(5), &n) &&
      n >= 1 && n <= 12) {
    return months(n, 1);
  }
  return bad();
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

std::string FormatDate(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  return absl::FormatTime("%Y-%m-%d", FromTimestamp(t), absl::UTCTimeZone());
}

std::string FormatTime(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "-";
  const absl::Time time = FromTimestamp(t);
  const absl::CivilSecond civil = absl::ToCivilSecond(time, absl::UTCTimeZone());
  if (absl::CivilDay(civil) == civil && t.nanos() == 0) return FormatDate(t);
  return absl::FormatTime("%Y-%m-%d %H:%M:%SZ", time, absl::UTCTimeZone());
}

absl::StatusOr<quote::v1::QuoteLine> ParseQuoteLine(absl::string_view text) {
  auto bad = [&](absl::string_view why) { return BadFlag("--line", text, why); };
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  quote::v1::QuoteLine line;
  // An optional discount last: it is the only part with '%' or "bp".
  if (parts.size() >= 3 && (absl::EndsWith(parts.back(), "%") || absl::EndsWithIgnoreCase(parts.back(), "bp"))) {
    absl::string_view discount = parts.back();
    parts.pop_back();
    int bp = -1;
    if (absl::EndsWith(discount, "%")) {
      // Exact to the basis point: "12.5%" -> 1250 (at most two decimals).
      std::vector<absl::string_view> number = absl::StrSplit(discount.substr(0, discount.size() - 1), '.');
      int whole = 0, hundredths = 0;
      const bool ok = number.size() <= 2 && absl::SimpleAtoi(number[0], &whole) &&
                      (number.size() == 1 ||
                       (number[1].size() >= 1 && number[1].size() <= 2 && absl::SimpleAtoi(number[1], &hundredths)));
      if (ok) bp = whole * 100 + (number.size() == 2 && number[1].size() == 1 ? hundredths * 10 : hundredths);
    } else if (!absl::SimpleAtoi(discount.substr(0, discount.size() - 2), &bp)) {
      bp = -1;
    }
    if (bp < 0 || bp > 10000) return bad("the discount must be 0-100% (0-10000bp)");
    line.set_manual_discount_bp(bp);
  }
  if (parts.size() < 2) return bad("expected PRODUCT[/SKU]:QTY[:DISCOUNT], e.g. gtx-pro:3 or gtx-pro:3:10%");
  int64_t quantity = 0;
  if (!absl::SimpleAtoi(parts.back(), &quantity) || quantity <= 0)
    return bad("the quantity must be a positive integer");
  line.set_quantity(quantity);
  parts.pop_back();
  const std::string item = absl::StrJoin(parts, ":");
  const size_t slash = item.find('/');
  line.set_product_id(item.substr(0, slash));
  if (slash != std::string::npos) line.set_sku_id(item.substr(slash + 1));
  if (line.product_id().empty() || (slash != std::string::npos && line.sku_id().empty())) {
    return bad("the product (and the SKU after '/') must not be empty");
  }
  return line;
}

std::string FormatBasisPoints(int64_t bp) {
  const uint64_t magnitude = bp < 0 ? ~static_cast<uint64_t>(bp) + 1 : bp;
  std::string out = absl::StrCat(bp < 0 ? "-" : "", magnitude / 100);
  const uint64_t rest = magnitude % 100;
  if (rest != 0) absl::StrAppend(&out, rest % 10 == 0 ? absl::StrCat(".", rest / 10) : absl::StrFormat(".%02d", rest));
  return out + "%";
}

std::string FormatRatio(double ratio) { return absl::StrFormat("%.1f%%", ratio * 100.0); }

}  // namespace sfa::tools::cli

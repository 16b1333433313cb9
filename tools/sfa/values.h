#ifndef SFA_TOOLS_SFA_VALUES_H_
#define SFA_TOOLS_SFA_VALUES_H_

// The values an operator types and reads: enum names without their prefix ("new" for LEAD_STATUS_NEW),
// dates and calendar periods (UTC), basket lines ("gtx-pro:3:15%"), percentages.

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::tools::cli {

// "new", "NEW", "LEAD_STATUS_NEW", "monte-carlo" -> the value's number. The *_UNSPECIFIED value is never
// accepted. INVALID_ARGUMENT names `flag` and lists the choices.
absl::StatusOr<int> ParseEnum(const google::protobuf::EnumDescriptor* type, absl::string_view text,
                              absl::string_view flag);

template <typename E>
absl::StatusOr<E> ParseEnumAs(absl::string_view text, absl::string_view flag) {
  absl::StatusOr<int> n = ParseEnum(google::protobuf::GetEnumDescriptor<E>(), text, flag);
  if (!n.ok()) return n.status();
  return static_cast<E>(*n);
}

// LEAD_STATUS_NEW -> "NEW"; the unspecified value -> "-"; an unknown number -> its digits.
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int number);

template <typename E>
std::string Label(E value) {
  return EnumLabel(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

// "new|working|nurture|..." (lower case, '-' for '_'), for help texts.
std::string EnumChoices(const google::protobuf::EnumDescriptor* type);

// "2017-06-30" (00:00 UTC that day) or RFC 3339 ("2017-06-30T12:00:00Z", "...+02:00").
absl::StatusOr<absl::Time> ParseTime(absl::string_view text, absl::string_view flag);

// A calendar period [start, end), UTC: "2017" (year), "2017-H1", "2017-Q3", "2017-07" (month), or two
// dates "2017-07-01..2017-10-01".
absl::StatusOr<std::pair<absl::Time, absl::Time>> ParsePeriod(absl::string_view text, absl::string_view flag);

google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

// "2017-06-30" (UTC); "-" for an unset (epoch) timestamp.
std::string FormatDate(const google::protobuf::Timestamp& t);
// "2017-06-30 14:05:09Z", or the date alone at midnight UTC; "-" when unset.
std::string FormatTime(const google::protobuf::Timestamp& t);

// A basket line: ITEM:QTY[:DISCOUNT] where ITEM is a product id or PRODUCT/SKU and DISCOUNT the
// rep's manual discount, "15%", "12.5%" or "1500bp". Ids may contain ':', so the line is read from the right.
absl::StatusOr<quote::v1::QuoteLine> ParseQuoteLine(absl::string_view text);

// 1500 basis points -> "15%", 1250 -> "12.5%", 1 -> "0.01%".
std::string FormatBasisPoints(int64_t bp);
// 0.4567 -> "45.7%".
std::string FormatRatio(double ratio);

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_VALUES_H_

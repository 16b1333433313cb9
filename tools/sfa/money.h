#ifndef SFA_TOOLS_SFA_MONEY_H_
#define SFA_TOOLS_SFA_MONEY_H_

// Money as an operator reads and types it: integer minor units + ISO 4217 code on the wire
// (sfa.common.v1.Money), "1,234.56 USD" on the screen. Parsing is exact decimal, never through a double.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "sfa/common/v1/money.pb.h"

namespace sfa::tools::cli {

// Digits of the currency's minor unit (ISO 4217): 0 for JPY, KRW, ...; 3 for BHD, KWD, ...; 2 otherwise.
int MinorUnitDigits(absl::string_view currency);

// 123456 minor units of USD -> "1,234.56"; of JPY -> "123,456".
std::string FormatAmount(int64_t minor_units, absl::string_view currency);

// "1,234.56 USD"; without a currency the amount alone.
std::string FormatMoney(const common::v1::Money& money);

// One entry per currency, as analytics answers: "1,234.56 USD, 99.00 EUR"; "-" when empty.
std::string FormatMoneyList(const google::protobuf::RepeatedPtrField<common::v1::Money>& list);

// "1234.56 USD", "1,234.56 USD", "USD 1234.56", "1234.56USD", or "1234.56" with `default_currency`.
// INVALID_ARGUMENT names what is wrong: no currency, more decimals than the currency has, overflow.
absl::StatusOr<common::v1::Money> ParseMoney(absl::string_view text, absl::string_view default_currency = "");

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_MONEY_H_

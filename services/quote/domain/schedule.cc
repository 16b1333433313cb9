#include "quote/domain/schedule.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "quote/domain/limits.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {
namespace {

absl::Status Invalid(absl::string_view detail) { return RuleViolation("invalid_schedule", detail); }

std::string Amount(int64_t minor_units, absl::string_view currency) { return absl::StrCat(minor_units, " ", currency); }

}  // namespace

std::vector<v1::Instalment> DefaultSchedule(const common::v1::Money& net_total, absl::Time accepted_at) {
  if (net_total.minor_units() == 0) return {};
  v1::Instalment instalment;
  *instalment.mutable_due_date() = ToTimestamp(accepted_at + kDefaultPaymentTerm);
  *instalment.mutable_amount() = net_total;
  return {instalment};
}

absl::Status CheckSchedule(const std::vector<v1::Instalment>& schedule, const common::v1::Money& net_total) {
  int64_t sum = 0;
  for (size_t i = 0; i < schedule.size(); ++i) {
    const v1::Instalment& instalment = schedule[i];
    const std::string name = absl::StrCat("instalment ", i + 1);
    if (instalment.amount().currency() != net_total.currency()) {
      return Invalid(
          absl::StrCat(name, " is in ", instalment.amount().currency(), ", the quote in ", net_total.currency()));
    }
    if (instalment.amount().minor_units() <= 0) return Invalid(absl::StrCat(name, " has no positive amount"));
    if (i > 0 && ToTime(instalment.due_date()) <= ToTime(schedule[i - 1].due_date())) {
      return Invalid(absl::StrCat(name, " is due at ", Rfc3339(ToTime(instalment.due_date())),
                                  ", not after instalment ", i, " at ", Rfc3339(ToTime(schedule[i - 1].due_date()))));
    }
    // Each amount is at most kMaxMinorUnits and there are at most kMaxInstalments: no overflow.
    sum += instalment.amount().minor_units();
  }
  if (sum != net_total.minor_units()) {
    return Invalid(absl::StrCat("the instalments sum to ", Amount(sum, net_total.currency()), ", the net total is ",
                                Amount(net_total.minor_units(), net_total.currency())));
  }
  return absl::OkStatus();
}

}  // namespace sfa::quote::domain

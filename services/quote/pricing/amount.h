#ifndef SFA_SERVICES_QUOTE_PRICING_AMOUNT_H_
#define SFA_SERVICES_QUOTE_PRICING_AMOUNT_H_

// The exact arithmetic of pricing: amounts in 10^-8 minor units held in a signed 128-bit integer, and the
// one rounding to the minor unit (half-even).
//
// Why 10^-8: list, tier and attribute amounts are an integer price times at most two basis-point factors
// (a percent tier, then an attribute's percent of the amount after tiers), so each is a multiple of
// 10^-8 minor units and held exactly. Promotion shares are truncated to 10^-8 minor units (never more
// than that in the customer's disfavour per step); the manual discount and the net are computed from the
// exact fraction. 10^15 minor units (kMaxMinorUnits) is 10^23 here, about 2^77: products with a basis
// point or a weight stay far inside 128 bits, and MulDiv has an exact 256-bit path for the rest.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "domain/field_checks.h"

namespace sfa::quote::pricing {

using Amount = __int128;

inline constexpr Amount kAmountScale = 100'000'000;  // Amount units per minor unit
inline constexpr int32_t kBasisPoints = 10'000;      // 100 %
inline constexpr int64_t kMaxMinorUnits = ::sfa::domain::kMaxMinorUnits;
inline constexpr Amount kMaxAmount = Amount{kMaxMinorUnits} * kAmountScale;

inline constexpr Amount FromMinor(int64_t minor_units) { return Amount{minor_units} * kAmountScale; }

// floor(a * b / c) and the remainder, exactly, for a, b >= 0 and c > 0; the quotient must fit (callers
// divide by at least one of the factors' bounds, e.g. b <= c).
struct QuotientRemainder {
  __int128 quotient = 0;
  __int128 remainder = 0;
};
QuotientRemainder MulDiv(__int128 a, __int128 b, __int128 c);

// numerator / denominator rounded half-even (ties to the even neighbour); denominator > 0.
__int128 DivideHalfEven(__int128 numerator, __int128 denominator);

// The amount rounded half-even to the minor unit: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, -0.5 -> 0.
inline int64_t ToMinorHalfEven(Amount amount) { return static_cast<int64_t>(DivideHalfEven(amount, kAmountScale)); }

// |amount| <= kMaxAmount (kMaxMinorUnits minor units).
inline bool InMoneyRange(Amount amount) { return amount <= kMaxAmount && amount >= -kMaxAmount; }

// "12.34567" style rendering in minor units with the fraction trimmed ("1250", "33.33333334"), for rules.
std::string FormatMinor(Amount amount);

// "+1000bp" / "-250bp".
std::string FormatSignedBp(int64_t basis_points);

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_AMOUNT_H_

#include "quote/pricing/amount.h"

#include <cassert>

#include "absl/strings/str_cat.h"

namespace sfa::quote::pricing {
namespace {

using u128 = unsigned __int128;

// a * b as a 256-bit number (hi, lo), for a, b < 2^128.
void Multiply256(u128 a, u128 b, u128& hi, u128& lo) {
  const u128 mask = ~uint64_t{0};
  const u128 a0 = a & mask, a1 = a >> 64, b0 = b & mask, b1 = b >> 64;
  const u128 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const u128 middle = (p00 >> 64) + (p01 & mask) + (p10 & mask);
  lo = (middle << 64) | (p00 & mask);
  hi = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
}

std::string Digits(u128 value) {
  if (value == 0) return "0";
  std::string out;
  while (value > 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  return out;
}

}  // namespace

QuotientRemainder MulDiv(__int128 a, __int128 b, __int128 c) {
  assert(a >= 0 && b >= 0 && c > 0);
  constexpr __int128 k64 = ~uint64_t{0};
  if (a <= k64 && b <= k64 && c <= k64) {
    // The common case (line amounts below ~1.8 x 10^11 minor units times a basis point): one 64-bit
    // division when the product fits, far cheaper than the 128-bit library division.
    const u128 product = static_cast<u128>(static_cast<uint64_t>(a)) * static_cast<uint64_t>(b);
    if ((product >> 64) == 0) {
      const uint64_t p = static_cast<uint64_t>(product), d = static_cast<uint64_t>(c);
      return {static_cast<__int128>(p / d), static_cast<__int128>(p % d)};
    }
  }
  u128 product;
  if (!__builtin_mul_overflow(static_cast<u128>(a), static_cast<u128>(b), &product)) {
    const u128 divisor = static_cast<u128>(c);
    return {static_cast<__int128>(product / divisor), static_cast<__int128>(product % divisor)};
  }
  // Rare (amounts near kMaxMinorUnits times large factors): schoolbook long division of the 256-bit
  // product. The remainder stays below c < 2^127, so doubling it never overflows.
  u128 hi, lo;
  Multiply256(static_cast<u128>(a), static_cast<u128>(b), hi, lo);
  const u128 divisor = static_cast<u128>(c);
  u128 quotient = 0, remainder = 0;
  for (int bit = 255; bit >= 0; --bit) {
    const u128 word = bit >= 128 ? hi : lo;
    remainder = (remainder << 1) | ((word >> (bit % 128)) & 1);
    quotient <<= 1;
    if (remainder >= divisor) {
      remainder -= divisor;
      quotient |= 1;
    }
  }
  return {static_cast<__int128>(quotient), static_cast<__int128>(remainder)};
}

__int128 DivideHalfEven(__int128 numerator, __int128 denominator) {
  assert(denominator > 0);
  __int128 quotient = numerator / denominator;
  __int128 remainder = numerator % denominator;
  // C++ truncates towards zero; step to floor so that the remainder is in [0, denominator).
  if (remainder < 0) {
    quotient -= 1;
    remainder += denominator;
  }
  const __int128 twice = 2 * remainder;
  if (twice > denominator || (twice == denominator && quotient % 2 != 0)) quotient += 1;
  return quotient;
}

std::string FormatMinor(Amount amount) {
  const bool negative = amount < 0;
  const u128 magnitude = static_cast<u128>(negative ? -amount : amount);
  std::string out = absl::StrCat(negative ? "-" : "", Digits(magnitude / static_cast<u128>(kAmountScale)));
  u128 fraction = magnitude % static_cast<u128>(kAmountScale);
  if (fraction == 0) return out;
  std::string digits = Digits(fraction);
  digits.insert(digits.begin(), 8 - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return absl::StrCat(out, ".", digits);
}

std::string FormatSignedBp(int64_t basis_points) {
  return absl::StrCat(basis_points >= 0 ? "+" : "", basis_points, "bp");
}

}  // namespace sfa::quote::pricing

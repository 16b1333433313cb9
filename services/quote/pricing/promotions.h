#ifndef SFA_SERVICES_QUOTE_PRICING_PROMOTIONS_H_
#define SFA_SERVICES_QUOTE_PRICING_PROMOTIONS_H_

// Promotions against one basket: which can apply (and why the others cannot), the fixed order in which
// a combination applies, and the one evaluation function that both the optimiser and the tests'
// brute force use.
//
// Application order inside a combination: BUY_X_GET_Y, then QUANTITY_THRESHOLD, then SPEND_THRESHOLD;
// within a kind percent benefits before amounts off; then promotion_id (byte order). Each promotion
// applies to the line amounts the earlier ones left, so a spend threshold is checked on reduced amounts.
//
// What a promotion takes off, at its turn, from the amounts y_i of the lines it discounts:
// - a percent (SPEND/QUANTITY with percent_off_bp): floor(y_i x bp / 10000) from each line;
// - an amount (amount_off): D = min(amount_off, sum y_i), spread over the lines in proportion to y_i by
//   largest remainder (ties to the earlier line) so the shares sum to D exactly;
// - BUY_X_GET_Y: n = min(floor(buy units / buy_quantity) x get_quantity, get units) units of the get
//   product at get_percent_off_bp, priced at the get lines' average: floor(y_i x bp/10000 x n/get units)
//   from each get line. Units never change, so whether it applies is fixed by the basket; when the buy
//   and get product are the same, the get units are among the buy units.
// Shares are truncated to 10^-8 minor units (amount.h). Every share is at most the line's amount, so
// amounts never go below zero and only ever fall.
//
// Value: a discount on a line with a manual discount m is worth (10000 - m)/10000 of it to the customer
// (the manual discount applies after promotions), so a combination's value is sum_i share_i x (10000 - m_i)
// and the optimiser maximises exactly the fall of the customer's total.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "quote/pricing/amount.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::quote::pricing {

// A basket line as promotions see it.
struct PromotionLine {
  std::string product_id;
  std::string sku_id;
  int64_t units = 0;
  Amount amount = 0;  // after list, tiers and attributes
  // 10000 - manual_discount_bp: the part of a discount on this line the customer keeps.
  int32_t weight = kBasisPoints;
};

// A promotion that can apply to the basket, prepared for fast application.
struct Candidate {
  std::string promotion_id;
  v1::PromotionKind kind = v1::PROMOTION_KIND_UNSPECIFIED;
  std::string group;  // exclusivity_group; empty = none
  bool stackable = false;
  // The lines it discounts: its eligible lines; for BUY_X_GET_Y the get lines. Ascending.
  std::vector<int> lines;
  // Percent-type (percent off, BUY_X_GET_Y): each line loses floor(y x rate_numerator / rate_denominator).
  bool percent = false;
  __int128 rate_numerator = 0;
  __int128 rate_denominator = 1;
  // Amount-type: min(amount_off, the lines' amount).
  Amount amount_off = 0;
  // SPEND_THRESHOLD: the lines' amount at its turn must reach this; 0 = no condition left to check.
  Amount spend_threshold = 0;
  // The largest weight among `lines` (for the optimiser's bound).
  int32_t max_weight = 0;
  // Position in the input.
  int source = 0;
};

struct RefusedPromotion {
  std::string promotion_id;
  // "inactive", "not_valid_at_date", "quota_exhausted", "currency_mismatch", "no_eligible_lines",
  // "threshold_not_met", "no_discount", "duplicate_promotion_id", "invalid_promotion: ...".
  std::string reason;
  int source = 0;
};

struct ScreenedPromotions {
  // In application order; each one, alone, takes something off the basket.
  std::vector<Candidate> candidates;
  // In input order.
  std::vector<RefusedPromotion> refused;
};

// Which promotions can apply to `lines` (amounts in `currency`) at `date`: active, valid at the date,
// usage_quota == 0 or used < usage_quota, money in the currency, and the condition met by the basket
// alone (a condition that fails on the whole basket fails on every reduced one).
ScreenedPromotions ScreenPromotions(absl::Span<const v1::Promotion> promotions, absl::Span<const PromotionLine> lines,
                                    absl::string_view currency, absl::Time date);

// a applies before b (see the application order above).
bool AppliesBefore(const Candidate& a, const Candidate& b);

struct Application {
  bool applied = false;  // it took something off (its condition held and its discount was not zero)
  Amount discount = 0;   // what it took off the lines' amounts
  __int128 value = 0;    // sum_i share_i x weight_i
};

// Applies `candidate` to `amounts` (one per line) in place. When `shares` is given (one per line, zeroed
// by the caller) it receives each line's share.
Application Apply(const Candidate& candidate, absl::Span<const PromotionLine> lines, std::vector<Amount>& amounts,
                  std::vector<Amount>* shares = nullptr);

struct Evaluation {
  __int128 value = 0;
  Amount discount = 0;
  // How many members took something off at their turn.
  int applied = 0;
  std::vector<Amount> amounts;  // per line, after the combination
  // With shares requested: per member (in `members` order), per line.
  std::vector<std::vector<Amount>> shares;
};

// The combination `members` (indices into `candidates`, ascending = application order) applied to the
// lines' amounts. Allowedness is not checked here (see CombinationRefusal).
Evaluation Evaluate(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines,
                    absl::Span<const int> members, bool with_shares = false);

// Why `members` may not be applied together, or "" when they may: at most one promotion per exclusivity
// group ("exclusivity_group g: a and b"), and a promotion that is not stackable only alone
// ("not_stackable with x").
std::string CombinationRefusal(absl::Span<const Candidate> candidates, absl::Span<const int> members);

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_PROMOTIONS_H_

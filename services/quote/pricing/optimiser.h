#ifndef SFA_SERVICES_QUOTE_PRICING_OPTIMISER_H_
#define SFA_SERVICES_QUOTE_PRICING_OPTIMISER_H_

// The exact promotion optimiser: among the allowed combinations of the candidates (at most one per
// exclusivity group; a non-stackable promotion alone) in which every member takes something off at its
// turn, the ones of largest value (promotions.h), found by branch and bound. Ties go to fewer promotions,
// then to the smaller sorted list of promotion ids. (A member that takes nothing changes nothing: the
// combination without it has the same value and fewer promotions, so leaving such combinations out loses
// no optimum.)
//
// Search: a non-stackable candidate is only ever alone, so each is evaluated once by itself. The
// stackable ones are decided depth-first in application order (include before exclude), so the line
// amounts at a node are exactly those that the included promotions leave, and every node is itself an
// allowed combination with an exact value. A subtree is cut when an upper bound on the value of every
// combination in it cannot rank among the best `keep` found so far.
//
// The bound at a node (included set S, amounts y after S, undecided candidates R) is
// value(S) + min(B1, B2, B3) over the R still usable (group free; spend threshold met on y, since amounts
// only fall a threshold missed now is missed for good), where for a group only its best member counts:
//  B1 = sum over R of the candidate's value alone on y. Valid: a later promotion sees amounts z <= y
//       line by line, and what a promotion takes is monotone in the amounts it sees (percent shares are
//       floor(z_i x rate); an amount off is min(amount_off, sum z_i), worth at most its largest weight per
//       unit and at most the weighted amounts; a spend threshold met on z is met on y; units never change).
//       Not valid is the tempting "value(S u {p}) - value(S) <= value({p})": a promotion that lowers the
//       amounts can switch off an earlier-ordered spend threshold's rival and so be worth more than alone.
//  B2 = sum_i w_i y_i (1 - prod_p (1 - rate_p,i)) + sum over amount-off promotions of min(D_p x wmax_p, W_p):
//       percents compound. Valid because with floor shares a line ends at or above
//       y_i prod(1 - rate) - (its amount-off shares), whatever subset applies in whatever order. The
//       product is taken in double and shrunk by a relative 10^-9, far more than its rounding error, so it
//       stays a lower bound of the remaining amount.
//  B3 = sum_i w_i y_i over the lines R can touch: no line goes below zero.
// Nothing is cut that could enter the best `keep`, so the first combination returned is the optimum.

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "quote/pricing/amount.h"
#include "quote/pricing/promotions.h"

namespace sfa::quote::pricing {

struct Combination {
  // Indices into the candidates, ascending (= application order).
  std::vector<int> members;
  // sum_i share_i x weight_i: the customer's exact total falls by value / 10000 (Amount units).
  __int128 value = 0;
  // What the promotions take off the lines before manual discounts.
  Amount discount = 0;
};

// a ranks before b: larger value, then fewer promotions, then the smaller sorted list of promotion ids.
bool RanksBefore(const Combination& a, const Combination& b, absl::Span<const Candidate> candidates);

struct SearchOptions {
  // How many of the best allowed combinations to return, best first (at least 1).
  int keep = 3;
  // Search nodes before giving up with RESOURCE_EXHAUSTED: the optimiser never returns an answer it has
  // not proved optimal.
  int64_t max_nodes = 5'000'000;
};

struct SearchStats {
  int64_t nodes = 0;         // decisions taken (one per candidate considered at a node)
  int64_t pruned = 0;        // subtrees cut by the bound
  int64_t combinations = 0;  // allowed combinations evaluated
};

struct SearchResult {
  // The best allowed non-empty combinations, best first; empty when no promotion takes anything off.
  std::vector<Combination> best;
  SearchStats stats;
};

// `candidates` in application order (ScreenPromotions' output); `lines` the basket they were screened on.
absl::StatusOr<SearchResult> FindBestCombinations(absl::Span<const Candidate> candidates,
                                                  absl::Span<const PromotionLine> lines,
                                                  const SearchOptions& options = {});

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_OPTIMISER_H_

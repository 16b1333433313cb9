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
// stackable ones are decided depth-first in application order, include before exclude, so the line
// amounts at a node are exactly those the included promotions leave and every node is itself an allowed
// combination with an exact value (the same Evaluate arithmetic). A subtree is cut when an upper bound on
// the value of every combination in it cannot rank among the best `keep` found so far; nothing that could
// is ever cut, so the result is exact (and the best `keep` are exactly the best `keep`).
//
// The bound at a node (included set S, line amounts y after S, undecided candidates R) is value(S) plus
// the least of B1, B2, B3 over the R still usable: group not taken by S, and spend threshold met on y
// (amounts only fall, so a threshold missed now is missed in the whole subtree).
//  B1 = sum over R of each candidate's value alone on y (per group its best member). Valid because a
//       later promotion sees amounts z <= y line by line and what it takes is monotone in them: percent
//       shares are floor(z_i x rate); an amount off takes min(amount_off, sum z_i), worth at most that
//       times its lines' largest weight and at most their weighted amount; a threshold met on z is met on
//       y; units never change. The tempting "a promotion adds at most its value alone to any set" is NOT
//       true here: lowering the amounts can switch off one spend threshold and so leave more for a later
//       one (optimiser_test has such a basket), which is why B1 sums values alone over R only.
//  B2 = sum_i w_i y_i (1 - prod (1 - rate)) over the percent-type candidates reaching line i, plus the
//       amount-type candidates' B1 terms: percents compound. Valid because, with floor shares, a line ends
//       at or above y_i prod(1 - rate) less its amount-off shares, whatever subset applies in whatever
//       order. Exclusivity groups: every combination of group choices (none or one usable member each)
//       is enumerated, up to 512 combinations (beyond, each group's best rate per line and best amount
//       count at once). The products are doubles shrunk by a relative 10^-9, far more than their rounding
//       error, so what a line keeps stays a lower bound.
//  B3 = sum_i w_i y_i over the lines R can reach: no line goes below zero.
//  B4 = a walk through R in application order with b, an upper bound of what the basket (amount Y) has
//       lost so far: a candidate on lines E takes at most rate x min(Y_E, Y - b) (or min(amount_off,
//       Y_E, Y - b)), and a spend threshold over the whole basket caps b: it applies only if the basket
//       lost at most Y - threshold before it (future_bound.cc has the argument). This is the one term
//       that sees thresholds switching each other off; times the lines' largest weight.
//
// Cost: branch and bound is exponential in the worst case. It is fast when spend thresholds do not bind
// (the bounds are then nearly exact); thresholds that the other discounts can switch off make the choice
// a subset-sum-like problem, and the search then grows with the number of small promotions ahead of
// them (README.md has the measurements). `max_nodes` bounds the work.

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
  int64_t max_nodes = 2'000'000;
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

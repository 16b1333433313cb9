#ifndef SFA_SERVICES_QUOTE_PRICING_FUTURE_BOUND_H_
#define SFA_SERVICES_QUOTE_PRICING_FUTURE_BOUND_H_

// The optimiser's upper bound at a search node: how much value the undecided candidates could still
// add, whatever subset of them applies. Internal to the optimiser (optimiser.h explains the terms and
// why each is valid); a separate file because it is most of the search's arithmetic.

#include <algorithm>
#include <cstddef>
#include <vector>

#include "absl/types/span.h"
#include "quote/pricing/amount.h"
#include "quote/pricing/promotions.h"

namespace sfa::quote::pricing {

class FutureBound {
 public:
  // `order`: the stackable candidates (indices) in application order; `group_of`: per candidate, its
  // exclusivity group's index or -1.
  FutureBound(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines, std::vector<int> order,
              std::vector<int> group_of);

  struct Result {
    __int128 value = 0;
    bool any = false;  // some undecided candidate can still take something off
  };
  // For the candidates at positions >= `position` of the order whose group is not `group_used`, on the
  // line amounts `amounts` the decided ones left.
  Result Compute(size_t position, const std::vector<Amount>& amounts, const std::vector<bool>& group_used);

 private:
  // One ungrouped candidate, or an exclusivity group of which at most one member applies.
  struct Slot {
    int group = -1;
    std::vector<int> positions;  // ascending
  };
  // A candidate that can still apply at this node, with its terms.
  struct Usable {
    int candidate = 0;
    int position = 0;
    int slot = 0;
    bool threshold = false;   // a spend threshold still to check at its turn
    Amount basis = 0;         // its lines' amount now
    __int128 alone = 0;       // its value alone on the amounts now: no later turn gives it more
    __int128 amount_part = 0;  // amount-type: = alone; percent-type: 0
  };
  // The B1 / B2 / B3 terms over a set of candidates.
  struct Terms {
    bool any = false;
    __int128 alone = 0;         // B1: per slot the best member's value alone
    __int128 amount_parts = 0;  // per slot the best amount-type member's value alone
    __int128 reduction = 0;     // sum over lines of w y (1 - prod keep)
    __int128 weighted = 0;      // B3: sum over the touched lines of w y
    __int128 Bound() const { return std::min({alone, reduction + amount_parts, weighted}); }
  };

  void AddSlot(int slot, size_t position, const std::vector<Amount>& amounts);
  // The most that completions whose last applied spend-threshold candidate is `last` can add.
  __int128 LastThresholdCase(const Usable& last, __int128 all_reduction, __int128 b2) const;

  absl::Span<const Candidate> candidates_;
  absl::Span<const PromotionLine> lines_;
  std::vector<int> order_;
  std::vector<int> group_of_;
  std::vector<Slot> slots_;
  std::vector<double> keep_factor_;  // per candidate: 1 - rate (percent-type), else 1
  std::vector<char> subset_;         // [q * n + p]: q's lines are among p's
  // Scratch, per line unless said otherwise.
  std::vector<__int128> weighted_;   // w y
  std::vector<__int128> reduction_;  // w y (1 - prod keep) over all usable candidates
  std::vector<double> keep_all_, keep_free_, slot_keep_all_, slot_keep_free_;
  std::vector<char> in_slot_, in_all_, in_free_;
  std::vector<int> slot_lines_, all_lines_, free_lines_;
  std::vector<Usable> usable_;
  std::vector<__int128> tail_;  // per position: free candidates' alone values from there on
  Terms all_, free_;
};

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_FUTURE_BOUND_H_

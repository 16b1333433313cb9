#ifndef SFA_SERVICES_QUOTE_PRICING_FUTURE_BOUND_H_
#define SFA_SERVICES_QUOTE_PRICING_FUTURE_BOUND_H_

// The optimiser's upper bound at a search node: how much value the undecided candidates could still add,
// whatever subset of them applies. Internal to the optimiser (optimiser.h states the terms and why each
// is valid); a file of its own because it is most of the search's arithmetic.
//
// Lines covered by exactly the same candidates behave alike in every term, so the bound works on such
// classes of lines, summed once per search state (ClassSums), not on lines: a node costs
// O(sum over candidates of their classes), not O(candidates x lines).

#include <cstddef>
#include <optional>
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

  // Per class of lines: the amount and the weighted amount (w x y) of one search state.
  struct ClassSums {
    std::vector<Amount> amount;
    std::vector<__int128> weighted;
  };
  void Sum(const std::vector<Amount>& amounts, ClassSums& sums) const;

  struct Result {
    __int128 value = 0;
    bool any = false;  // some undecided candidate can still take something off
  };
  // For the candidates at positions >= `position` of the order whose group is not in `group_used`, in
  // the state whose sums are `sums`.
  Result Compute(size_t position, const ClassSums& sums, const std::vector<bool>& group_used);

 private:
  // One ungrouped candidate, or an exclusivity group of which at most one member applies.
  struct Slot {
    int group = -1;
    std::vector<int> positions;  // ascending
  };
  // A grouped candidate that can still apply, for the enumeration of group choices.
  struct Choice {
    int candidate = 0;
    __int128 amount_part = 0;
  };

  void BuildClasses(absl::Span<const PromotionLine> lines);
  void AddSlot(const Slot& slot, size_t position, const ClassSums& sums);
  // B4: the threshold walk (see Compute).
  __int128 ThresholdWalk(const ClassSums& sums);
  // B2 with each group's choice (none or one usable member) enumerated; nullopt when too many choices.
  std::optional<__int128> GroupChoiceB2();
  void EnumerateChoices(size_t group, double* products, __int128 amounts, __int128& best);

  absl::Span<const Candidate> candidates_;
  std::vector<int> weights_;  // per line
  std::vector<int> order_;
  std::vector<int> group_of_;
  std::vector<Slot> slots_;
  std::vector<double> keep_factor_;  // per candidate: 1 - rate (percent-type), else 1
  std::vector<char> whole_basket_;   // per candidate: it reaches every line
  // Classes of lines covered by the same stackable candidates, and coarser classes by the grouped ones.
  std::vector<int> line_class_;                      // per line
  std::vector<std::vector<int>> classes_of_;         // per candidate: its classes
  std::vector<int> coarse_of_;                       // per class: its coarse class
  std::vector<int> class_max_weight_;                // per class: its lines' largest weight
  std::vector<std::vector<int>> coarse_classes_of_;  // per grouped candidate: its coarse classes
  int class_count_ = 0;
  int coarse_count_ = 0;
  // Scratch for one Compute.
  std::vector<double> keep_, slot_keep_, keep_ungrouped_;  // per class
  std::vector<char> in_slot_, touched_;                    // per class
  std::vector<int> slot_classes_, touched_classes_;
  std::vector<std::vector<Choice>> choices_;  // per usable group
  struct Step {
    int position = 0;
    int candidate = 0;
    Amount basis = 0;
  };
  std::vector<Step> walk_;               // the usable candidates, for ThresholdWalk
  std::vector<double> coarse_weighted_;  // per coarse class: sum of w y x keep_ungrouped
  std::vector<double> products_;
  __int128 alone_ = 0, amount_parts_ = 0, ungrouped_amounts_ = 0, touched_weighted_ = 0;
  bool any_ = false;
};

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_FUTURE_BOUND_H_

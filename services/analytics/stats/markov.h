#ifndef SFA_SERVICES_ANALYTICS_STATS_MARKOV_H_
#define SFA_SERVICES_ANALYTICS_STATS_MARKOV_H_

// How deals actually move between the open stages of a pipeline, and what that says about their odds:
// transition counts a read model keeps (mergeable, subtractable for windows, stored as bytes) and the
// exact solution of the absorbing Markov chain they define (P(win | stage), expected remaining steps).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sfa::analytics::stats {

// The largest chain WinProbabilities solves (dense O(n^3) elimination; pipelines have a handful of stages).
inline constexpr int kMaxStages = 200;

// The two absorbing states. A pipeline's several lost stages all count as kLost.
enum class Outcome { kWon, kLost };

// Every observed exit from an open stage, counted transition by transition: a deal's path with backward
// moves and repeated visits adds each of its steps. Stage ids are opaque strings.
class TransitionCounts {
 public:
  // Exits of one open stage.
  struct Exits {
    absl::btree_map<std::string, int64_t> to_stage;
    int64_t won = 0;
    int64_t lost = 0;

    int64_t Total() const;
    friend bool operator==(const Exits&, const Exits&) = default;
  };

  // A move between two open stages (`from` == `to` counts as a repeated visit).
  void Add(absl::string_view from, absl::string_view to, int64_t count = 1);
  // A deal leaving `from` for an outcome.
  void AddOutcome(absl::string_view from, Outcome outcome, int64_t count = 1);

  void Merge(const TransitionCounts& other);
  // Removes `other` (the counts up to a window's start, from the counts up to its end). INVALID_ARGUMENT,
  // leaving this unchanged, when a count would go negative.
  absl::Status Subtract(const TransitionCounts& other);

  // Exits keyed by source stage, ordered by id. Stages only ever entered have no entry here.
  const absl::btree_map<std::string, Exits>& exits() const { return exits_; }
  bool empty() const { return exits_.empty(); }
  // Every stage seen as a source or a destination, ordered by id.
  std::vector<std::string> Stages() const;

  // A versioned byte string; Parse(Serialize()) == *this.
  std::string Serialize() const;
  static absl::StatusOr<TransitionCounts> Parse(absl::string_view bytes);

  friend bool operator==(const TransitionCounts&, const TransitionCounts&) = default;

 private:
  absl::btree_map<std::string, Exits> exits_;
};

// What the chain says about a deal currently in one stage. The optionals are absent (unknown, not 0)
// when the stage has no observed exit or no observed path to WON or LOST.
struct StageOdds {
  std::string stage_id;
  int64_t exits = 0;  // observed transitions out of the stage
  std::optional<double> p_win;
  std::optional<double> p_lost;
  // The probability of moving into an unknown stage before absorption (its fate is not in the data);
  // 1 - p_win - p_lost. Callers wanting P(win | resolved) divide p_win by p_win + p_lost.
  std::optional<double> p_unresolved;
  // Expected transitions until WON, LOST or an unknown stage is reached (1 for a stage that always
  // closes next).
  std::optional<double> expected_steps;

  bool known() const { return p_win.has_value(); }
};

// Solves the absorbing chain of the empirical transition frequencies exactly: with Q (open → open) and
// R (open → {WON, LOST}), B = (I - Q)^-1 R and t = (I - Q)^-1 1, by Gaussian elimination with partial
// pivoting. One entry per stage of counts.Stages(), in that order. INVALID_ARGUMENT beyond kMaxStages.
absl::StatusOr<std::vector<StageOdds>> WinProbabilities(const TransitionCounts& counts);

}  // namespace sfa::analytics::stats

#endif  // SFA_SERVICES_ANALYTICS_STATS_MARKOV_H_

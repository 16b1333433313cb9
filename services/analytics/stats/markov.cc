#include "analytics/stats/markov.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/key_codec.h"

namespace sfa::analytics::stats {
namespace {

constexpr uint64_t kFormatVersion = 1;

// Below this a pivot of I - Q means the chain has (numerically) no way out; with the solvable set built
// from reachability it does not happen for counts that fit in int64.
constexpr double kMinPivot = 1e-300;

absl::StatusOr<int64_t> ReadCount(base::KeyReader& reader) {
  absl::StatusOr<uint64_t> value = reader.Uint64();
  if (!value.ok()) return value.status();
  if (*value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError("transition counts: count out of range");
  }
  return static_cast<int64_t>(*value);
}

absl::StatusOr<TransitionCounts::Exits> ReadExits(base::KeyReader& reader) {
  TransitionCounts::Exits exits;
  absl::StatusOr<int64_t> won = ReadCount(reader);
  if (!won.ok()) return won.status();
  absl::StatusOr<int64_t> lost = ReadCount(reader);
  if (!lost.ok()) return lost.status();
  absl::StatusOr<uint64_t> destinations = reader.Uint64();
  if (!destinations.ok()) return destinations.status();
  exits.won = *won;
  exits.lost = *lost;
  // Each destination takes at least 9 bytes, so a corrupt size ends at the first missing field.
  for (uint64_t k = 0; k < *destinations; ++k) {
    absl::StatusOr<std::string> to = reader.String();
    if (!to.ok()) return to.status();
    absl::StatusOr<int64_t> count = ReadCount(reader);
    if (!count.ok()) return count.status();
    if (*count == 0 || !exits.to_stage.emplace(std::move(*to), *count).second) {
      return absl::InvalidArgumentError("transition counts: zero or repeated destination");
    }
  }
  if (exits.Total() == 0) return absl::InvalidArgumentError("transition counts: stage without exits");
  return exits;
}

// Solves a * x = b in place for the columns of b by Gaussian elimination with partial pivoting. `a` is
// n x n and `b` n x k, both row-major. False when a pivot vanishes.
bool Solve(std::vector<double>& a, std::vector<double>& b, int n, int k) {
  for (int col = 0; col < n; ++col) {
    int pivot = col;
    for (int row = col + 1; row < n; ++row) {
      if (std::abs(a[row * n + col]) > std::abs(a[pivot * n + col])) pivot = row;
    }
    if (std::abs(a[pivot * n + col]) < kMinPivot) return false;
    if (pivot != col) {
      std::swap_ranges(a.begin() + pivot * n, a.begin() + (pivot + 1) * n, a.begin() + col * n);
      std::swap_ranges(b.begin() + pivot * k, b.begin() + (pivot + 1) * k, b.begin() + col * k);
    }
    for (int row = col + 1; row < n; ++row) {
      const double factor = a[row * n + col] / a[col * n + col];
      if (factor == 0) continue;
      for (int c = col; c < n; ++c) a[row * n + c] -= factor * a[col * n + c];
      for (int c = 0; c < k; ++c) b[row * k + c] -= factor * b[col * k + c];
    }
  }
  for (int row = n - 1; row >= 0; --row) {
    for (int c = 0; c < k; ++c) {
      double value = b[row * k + c];
      for (int j = row + 1; j < n; ++j) value -= a[row * n + j] * b[j * k + c];
      b[row * k + c] = value / a[row * n + row];
    }
  }
  return true;
}

// The stages from which WON or LOST is reachable along observed transitions (each has exits).
std::vector<bool> ReachesOutcome(const TransitionCounts& counts, const std::vector<std::string>& stages,
                                 const absl::flat_hash_map<absl::string_view, int>& index) {
  const int n = static_cast<int>(stages.size());
  std::vector<std::vector<int>> sources_of(n);
  std::vector<int> frontier;
  std::vector<bool> reaches(n, false);
  for (const auto& [from, exits] : counts.exits()) {
    const int i = index.at(from);
    for (const auto& [to, count] : exits.to_stage) sources_of[index.at(to)].push_back(i);
    if (exits.won + exits.lost > 0) {
      reaches[i] = true;
      frontier.push_back(i);
    }
  }
  while (!frontier.empty()) {
    const int j = frontier.back();
    frontier.pop_back();
    for (int i : sources_of[j]) {
      if (reaches[i]) continue;
      reaches[i] = true;
      frontier.push_back(i);
    }
  }
  return reaches;
}

}  // namespace

int64_t TransitionCounts::Exits::Total() const {
  int64_t total = won + lost;
  for (const auto& [to, count] : to_stage) total += count;
  return total;
}

void TransitionCounts::Add(absl::string_view from, absl::string_view to, int64_t count) {
  assert(count >= 0);
  if (count == 0) return;
  exits_[from].to_stage[to] += count;
}

void TransitionCounts::AddOutcome(absl::string_view from, Outcome outcome, int64_t count) {
  assert(count >= 0);
  if (count == 0) return;
  Exits& exits = exits_[from];
  (outcome == Outcome::kWon ? exits.won : exits.lost) += count;
}

void TransitionCounts::Merge(const TransitionCounts& other) {
  for (const auto& [from, theirs] : other.exits_) {
    Exits& mine = exits_[from];
    mine.won += theirs.won;
    mine.lost += theirs.lost;
    for (const auto& [to, count] : theirs.to_stage) mine.to_stage[to] += count;
  }
}

absl::Status TransitionCounts::Subtract(const TransitionCounts& other) {
  if (&other == this) {
    exits_.clear();
    return absl::OkStatus();
  }
  for (const auto& [from, theirs] : other.exits_) {
    const auto it = exits_.find(from);
    const Exits none;
    const Exits& mine = it == exits_.end() ? none : it->second;
    bool fits = theirs.won <= mine.won && theirs.lost <= mine.lost;
    for (const auto& [to, count] : theirs.to_stage) {
      const auto found = mine.to_stage.find(to);
      fits = fits && found != mine.to_stage.end() && count <= found->second;
    }
    if (!fits)
      return absl::InvalidArgumentError(
          absl::StrCat("transition counts: more exits of stage '", from, "' subtracted than counted"));
  }
  for (const auto& [from, theirs] : other.exits_) {
    Exits& mine = exits_[from];
    mine.won -= theirs.won;
    mine.lost -= theirs.lost;
    for (const auto& [to, count] : theirs.to_stage) {
      if ((mine.to_stage[to] -= count) == 0) mine.to_stage.erase(to);
    }
    if (mine.Total() == 0) exits_.erase(from);
  }
  return absl::OkStatus();
}

std::vector<std::string> TransitionCounts::Stages() const {
  absl::btree_set<absl::string_view> stages;
  for (const auto& [from, exits] : exits_) {
    stages.insert(from);
    for (const auto& [to, count] : exits.to_stage) stages.insert(to);
  }
  return std::vector<std::string>(stages.begin(), stages.end());
}

std::string TransitionCounts::Serialize() const {
  base::KeyBuilder out;
  out.Uint64(kFormatVersion).Uint64(exits_.size());
  for (const auto& [from, exits] : exits_) {
    out.String(from).Uint64(exits.won).Uint64(exits.lost).Uint64(exits.to_stage.size());
    for (const auto& [to, count] : exits.to_stage) out.String(to).Uint64(count);
  }
  return out.Release();
}

absl::StatusOr<TransitionCounts> TransitionCounts::Parse(absl::string_view bytes) {
  base::KeyReader reader(bytes);
  absl::StatusOr<uint64_t> version = reader.Uint64();
  if (!version.ok()) return version.status();
  if (*version != kFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("transition counts: unknown format version ", *version));
  }
  absl::StatusOr<uint64_t> sources = reader.Uint64();
  if (!sources.ok()) return sources.status();
  TransitionCounts counts;
  for (uint64_t k = 0; k < *sources; ++k) {
    absl::StatusOr<std::string> from = reader.String();
    if (!from.ok()) return from.status();
    absl::StatusOr<Exits> exits = ReadExits(reader);
    if (!exits.ok()) return exits.status();
    if (!counts.exits_.emplace(std::move(*from), std::move(*exits)).second) {
      return absl::InvalidArgumentError("transition counts: repeated source stage");
    }
  }
  if (!reader.done()) return absl::InvalidArgumentError("transition counts: trailing bytes");
  return counts;
}

absl::StatusOr<std::vector<StageOdds>> WinProbabilities(const TransitionCounts& counts) {
  const std::vector<std::string> stages = counts.Stages();
  if (stages.size() > static_cast<size_t>(kMaxStages)) {
    return absl::InvalidArgumentError(
        absl::StrCat("win probabilities: ", stages.size(), " stages, at most ", kMaxStages, " are solved"));
  }
  absl::flat_hash_map<absl::string_view, int> index;
  for (size_t i = 0; i < stages.size(); ++i) index[stages[i]] = static_cast<int>(i);

  // Only stages that can reach an outcome enter the system; mass moving into any other stage leaks
  // (p_unresolved). That keeps I - Q nonsingular: from every row some path leaves the system.
  const std::vector<bool> reaches = ReachesOutcome(counts, stages, index);
  std::vector<int> position(stages.size(), -1);
  int n = 0;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (reaches[i]) position[i] = n++;
  }
  constexpr int kColumns = 3;  // P(won), P(lost), expected steps
  std::vector<double> a(static_cast<size_t>(n) * n, 0.0);
  std::vector<double> b(static_cast<size_t>(n) * kColumns, 0.0);
  for (const auto& [from, exits] : counts.exits()) {
    const int row = position[index.at(from)];
    if (row < 0) continue;
    const double total = static_cast<double>(exits.Total());
    a[row * n + row] += 1.0;
    for (const auto& [to, count] : exits.to_stage) {
      const int col = position[index.at(to)];
      if (col >= 0) a[row * n + col] -= static_cast<double>(count) / total;
    }
    b[row * kColumns + 0] = static_cast<double>(exits.won) / total;
    b[row * kColumns + 1] = static_cast<double>(exits.lost) / total;
    b[row * kColumns + 2] = 1.0;
  }
  if (!Solve(a, b, n, kColumns)) return absl::InternalError("win probabilities: singular transition matrix");

  std::vector<StageOdds> odds(stages.size());
  for (size_t i = 0; i < stages.size(); ++i) {
    StageOdds& stage = odds[i];
    stage.stage_id = stages[i];
    const auto it = counts.exits().find(stages[i]);
    stage.exits = it == counts.exits().end() ? 0 : it->second.Total();
    const int row = position[i];
    if (row < 0) continue;
    const double won = std::clamp(b[row * kColumns + 0], 0.0, 1.0);
    const double lost = std::clamp(b[row * kColumns + 1], 0.0, 1.0 - won);
    stage.p_win = won;
    stage.p_lost = lost;
    stage.p_unresolved = std::max(0.0, 1.0 - won - lost);
    stage.expected_steps = std::max(1.0, b[row * kColumns + 2]);
  }
  return odds;
}

}  // namespace sfa::analytics::stats

#include "quote/pricing/optimiser.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "quote/pricing/future_bound.h"

namespace sfa::quote::pricing {
namespace {

std::vector<int> SortedRanks(const std::vector<int>& members, const std::vector<int>& rank) {
  std::vector<int> out;
  out.reserve(members.size());
  for (int member : members) out.push_back(rank[member]);
  std::sort(out.begin(), out.end());
  return out;
}

class Search {
 public:
  Search(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines, const SearchOptions& options);
  absl::StatusOr<SearchResult> Run();

 private:
  void Visit(size_t position, size_t depth, __int128 value, Amount discount);
  bool CanEnter(__int128 value, size_t members) const;
  bool Better(const Combination& a, const Combination& b) const;
  void Record(__int128 value, Amount discount);

  absl::Span<const Candidate> candidates_;
  absl::Span<const PromotionLine> lines_;
  SearchOptions options_;
  std::vector<int> stackable_;  // candidate indices in application order
  std::vector<int> group_of_;   // per candidate: group index or -1
  std::vector<bool> group_used_;
  std::vector<int> id_rank_;  // per candidate: its promotion id's rank in byte order
  std::optional<FutureBound> bound_;
  std::vector<int> members_;
  std::vector<std::vector<Amount>> states_;   // amounts per search depth
  std::vector<FutureBound::ClassSums> sums_;  // the bound's class sums of each depth's amounts
  std::vector<Combination> best_;
  SearchStats stats_;
  bool exhausted_ = false;
};

Search::Search(absl::Span<const Candidate> candidates, absl::Span<const PromotionLine> lines,
               const SearchOptions& options)
    : candidates_(candidates), lines_(lines), options_(options) {
  options_.keep = std::max(options_.keep, 1);
  const int n = static_cast<int>(candidates.size());
  absl::flat_hash_map<std::string, int> groups;
  group_of_.assign(n, -1);
  std::vector<int> by_id(n);
  for (int j = 0; j < n; ++j) {
    by_id[j] = j;
    const Candidate& c = candidates[j];
    if (!c.group.empty()) group_of_[j] = groups.try_emplace(c.group, static_cast<int>(groups.size())).first->second;
    if (c.stackable) stackable_.push_back(j);
  }
  std::sort(by_id.begin(), by_id.end(),
            [&](int a, int b) { return candidates[a].promotion_id < candidates[b].promotion_id; });
  id_rank_.assign(n, 0);
  for (int r = 0; r < n; ++r) id_rank_[by_id[r]] = r;
  group_used_.assign(groups.size(), false);
  states_.assign(stackable_.size() + 1, {});
  sums_.assign(stackable_.size() + 1, {});
  bound_.emplace(candidates, lines, stackable_, group_of_);
}

bool Search::Better(const Combination& a, const Combination& b) const {
  if (a.value != b.value) return a.value > b.value;
  if (a.members.size() != b.members.size()) return a.members.size() < b.members.size();
  return SortedRanks(a.members, id_rank_) < SortedRanks(b.members, id_rank_);
}

// Whether a combination of `members` or more promotions worth at most `value` could still rank among
// the best `keep`. On a tie in value it could only if it were not larger than the last kept.
bool Search::CanEnter(__int128 value, size_t members) const {
  if (best_.size() < static_cast<size_t>(options_.keep)) return true;
  const Combination& last = best_.back();
  if (value != last.value) return value > last.value;
  return members <= last.members.size();
}

void Search::Record(__int128 value, Amount discount) {
  ++stats_.combinations;
  if (!CanEnter(value, members_.size())) return;
  Combination combination{members_, value, discount};
  std::sort(combination.members.begin(), combination.members.end());
  auto at = std::upper_bound(best_.begin(), best_.end(), combination,
                             [&](const Combination& a, const Combination& b) { return Better(a, b); });
  best_.insert(at, std::move(combination));
  if (best_.size() > static_cast<size_t>(options_.keep)) best_.pop_back();
}

void Search::Visit(size_t position, size_t depth, __int128 value, Amount discount) {
  const std::vector<Amount>& amounts = states_[depth];
  // The bound covers the candidates from where it was computed on; it is recomputed (tighter) only after
  // a candidate was included, when the search moves on to the combinations without it.
  bool stale = true;
  for (; position < stackable_.size(); ++position) {
    if (++stats_.nodes > options_.max_nodes) {
      exhausted_ = true;
      return;
    }
    if (stale) {
      const FutureBound::Result bound = bound_->Compute(position, sums_[depth], group_used_);
      if (!bound.any || !CanEnter(value + bound.value, members_.size() + 1)) {
        ++stats_.pruned;
        return;
      }
      stale = false;
    }
    const int j = stackable_[position];
    const int g = group_of_[j];
    if (g >= 0 && group_used_[g]) continue;
    std::vector<Amount>& next = states_[depth + 1];
    next = amounts;
    const Application applied = Apply(candidates_[j], lines_, next);
    if (!applied.applied) continue;
    members_.push_back(j);
    if (g >= 0) group_used_[g] = true;
    bound_->Sum(next, sums_[depth + 1]);
    Record(value + applied.value, discount + applied.discount);
    Visit(position + 1, depth + 1, value + applied.value, discount + applied.discount);
    if (g >= 0) group_used_[g] = false;
    members_.pop_back();
    if (exhausted_) return;
    stale = true;
  }
}

absl::StatusOr<SearchResult> Search::Run() {
  std::vector<Amount> base;
  base.reserve(lines_.size());
  for (const PromotionLine& line : lines_) base.push_back(line.amount);
  for (int j = 0; j < static_cast<int>(candidates_.size()); ++j) {
    if (candidates_[j].stackable) continue;
    std::vector<Amount> amounts = base;
    const Application applied = Apply(candidates_[j], lines_, amounts);
    if (!applied.applied) continue;
    members_ = {j};
    Record(applied.value, applied.discount);
  }
  members_.clear();
  states_[0] = std::move(base);
  bound_->Sum(states_[0], sums_[0]);
  Visit(0, 0, 0, 0);
  if (exhausted_) {
    return absl::ResourceExhaustedError(absl::StrCat("promotion_search_too_large: more than ", options_.max_nodes,
                                                     " search nodes for ", candidates_.size(), " promotions on ",
                                                     lines_.size(), " lines"));
  }
  return SearchResult{std::move(best_), stats_};
}

}  // namespace

bool RanksBefore(const Combination& a, const Combination& b, absl::Span<const Candidate> candidates) {
  if (a.value != b.value) return a.value > b.value;
  if (a.members.size() != b.members.size()) return a.members.size() < b.members.size();
  auto ids = [&](const Combination& c) {
    std::vector<std::string> out;
    for (int member : c.members) out.push_back(candidates[member].promotion_id);
    std::sort(out.begin(), out.end());
    return out;
  };
  return ids(a) < ids(b);
}

absl::StatusOr<SearchResult> FindBestCombinations(absl::Span<const Candidate> candidates,
                                                  absl::Span<const PromotionLine> lines, const SearchOptions& options) {
  return Search(candidates, lines, options).Run();
}

}  // namespace sfa::quote::pricing

#include "analytics/stats/markov.h"

#include <cmath>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::analytics::stats {
namespace {

// Adds a deal's path: stage ids, then the outcome it ended in.
void AddPath(TransitionCounts& counts, const std::vector<std::string>& stages, Outcome outcome) {
  for (size_t k = 0; k + 1 < stages.size(); ++k) counts.Add(stages[k], stages[k + 1]);
  counts.AddOutcome(stages.back(), outcome);
}

const StageOdds& Find(const std::vector<StageOdds>& odds, const std::string& stage) {
  for (const StageOdds& s : odds) {
    if (s.stage_id == stage) return s;
  }
  static const StageOdds kMissing;
  ADD_FAILURE() << "no stage " << stage;
  return kMissing;
}

// A -> B (8), A -> LOST (2); B -> C (6), B -> A (2), B -> LOST (2); C -> WON (6), C -> B (2), C -> LOST (2).
// By hand: w_A = .8 w_B; w_B = .2 w_A + .6 w_C; w_C = .6 + .2 w_B  =>  w_B = .36 / .72 = .5, w_A = .4,
// w_C = .7. Steps: t_A = 1 + .8 t_B; t_B = 1 + .2 t_A + .6 t_C; t_C = 1 + .2 t_B  =>  t_B = 1.8 / .72 = 2.5,
// t_A = 3, t_C = 1.5.
TransitionCounts ThreeStagesWithBackwardMoves() {
  TransitionCounts counts;
  counts.Add("A", "B", 8);
  counts.AddOutcome("A", Outcome::kLost, 2);
  counts.Add("B", "C", 6);
  counts.Add("B", "A", 2);
  counts.AddOutcome("B", Outcome::kLost, 2);
  counts.AddOutcome("C", Outcome::kWon, 6);
  counts.Add("C", "B", 2);
  counts.AddOutcome("C", Outcome::kLost, 2);
  return counts;
}

TEST(WinProbabilitiesTest, HandSolvedThreeStageChainWithBackwardMoves) {
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(ThreeStagesWithBackwardMoves());
  ASSERT_TRUE(odds.ok()) << odds.status();
  ASSERT_EQ(odds->size(), 3u);
  const double win[] = {0.4, 0.5, 0.7};
  const double steps[] = {3.0, 2.5, 1.5};
  const int64_t exits[] = {10, 10, 10};
  for (int k = 0; k < 3; ++k) {
    const StageOdds& s = (*odds)[k];
    EXPECT_EQ(s.stage_id, std::string(1, static_cast<char>('A' + k)));
    EXPECT_EQ(s.exits, exits[k]);
    ASSERT_TRUE(s.known());
    EXPECT_NEAR(*s.p_win, win[k], 1e-12);
    EXPECT_NEAR(*s.p_lost, 1 - win[k], 1e-12);
    EXPECT_NEAR(*s.p_unresolved, 0, 1e-12);
    EXPECT_NEAR(*s.expected_steps, steps[k], 1e-12);
  }
}

TEST(WinProbabilitiesTest, RepeatedVisitsCountEveryStep) {
  TransitionCounts counts;
  AddPath(counts, {"A", "B", "A", "B", "A", "B"}, Outcome::kWon);
  AddPath(counts, {"A"}, Outcome::kLost);
  EXPECT_EQ(counts.exits().at("A").to_stage.at("B"), 3);
  EXPECT_EQ(counts.exits().at("B").to_stage.at("A"), 2);
  // Q: A -> B 3/4, B -> A 2/3; R: A lost 1/4, B won 1/3. w_B = 2/3 w_A + 1/3, w_A = 3/4 w_B
  // => w_B = 2/3, w_A = 1/2.
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(counts);
  ASSERT_TRUE(odds.ok()) << odds.status();
  EXPECT_NEAR(*Find(*odds, "A").p_win, 0.5, 1e-12);
  EXPECT_NEAR(*Find(*odds, "B").p_win, 2.0 / 3, 1e-12);
}

TEST(WinProbabilitiesTest, SelfLoopIsARepeatedVisit) {
  TransitionCounts counts;
  counts.Add("A", "A", 3);
  counts.AddOutcome("A", Outcome::kWon, 1);
  // Geometric: always won eventually, after 4 steps on average.
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(counts);
  ASSERT_TRUE(odds.ok());
  EXPECT_NEAR(*(*odds)[0].p_win, 1.0, 1e-12);
  EXPECT_NEAR(*(*odds)[0].expected_steps, 4.0, 1e-12);
}

TEST(WinProbabilitiesTest, EmptyCountsGiveNoStages) {
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(TransitionCounts());
  ASSERT_TRUE(odds.ok());
  EXPECT_TRUE(odds->empty());
}

TEST(WinProbabilitiesTest, StageWithoutExitsIsUnknownAndItsShareUnresolved) {
  TransitionCounts counts;
  counts.Add("A", "NEW", 1);
  counts.AddOutcome("A", Outcome::kWon, 1);
  counts.AddOutcome("A", Outcome::kLost, 2);
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(counts);
  ASSERT_TRUE(odds.ok());
  const StageOdds& fresh = Find(*odds, "NEW");
  EXPECT_FALSE(fresh.known());
  EXPECT_FALSE(fresh.expected_steps.has_value());
  EXPECT_EQ(fresh.exits, 0);
  const StageOdds& a = Find(*odds, "A");
  EXPECT_NEAR(*a.p_win, 0.25, 1e-12);
  EXPECT_NEAR(*a.p_lost, 0.5, 1e-12);
  EXPECT_NEAR(*a.p_unresolved, 0.25, 1e-12);
  EXPECT_NEAR(*a.expected_steps, 1.0, 1e-12);
}

TEST(WinProbabilitiesTest, ClosedLoopWithoutOutcomesIsUnknownNotNaN) {
  TransitionCounts counts;
  counts.Add("A", "B", 5);
  counts.Add("B", "A", 5);
  counts.Add("C", "A", 1);
  counts.AddOutcome("C", Outcome::kWon, 1);
  counts.Add("D", "D", 4);  // only ever re-enters itself
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(counts);
  ASSERT_TRUE(odds.ok()) << odds.status();
  for (const char* stage : {"A", "B", "D"}) {
    EXPECT_FALSE(Find(*odds, stage).known()) << stage;
    EXPECT_GT(Find(*odds, stage).exits, 0) << stage;
  }
  const StageOdds& c = Find(*odds, "C");
  EXPECT_NEAR(*c.p_win, 0.5, 1e-12);
  EXPECT_NEAR(*c.p_unresolved, 0.5, 1e-12);
  for (const StageOdds& s : *odds) {
    if (s.known()) {
      EXPECT_FALSE(std::isnan(*s.p_win) || std::isnan(*s.expected_steps));
    }
  }
}

TEST(WinProbabilitiesTest, RefusesMoreThanMaxStages) {
  TransitionCounts counts;
  for (int k = 0; k <= kMaxStages; ++k) counts.AddOutcome("s" + std::to_string(k), Outcome::kWon);
  EXPECT_EQ(WinProbabilities(counts).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(WinProbabilitiesTest, LongChainOfMaxStagesIsSolved) {
  // A line of kMaxStages stages: each moves on with 0.9, back with 0.05 and is lost with 0.05; the last
  // is won with 0.95. Every probability is in (0, 1) and the rows add up.
  TransitionCounts counts;
  for (int k = 0; k < kMaxStages; ++k) {
    const std::string stage = "s" + std::to_string(1000 + k);
    if (k + 1 < kMaxStages) {
      counts.Add(stage, "s" + std::to_string(1001 + k), 90);
    } else {
      counts.AddOutcome(stage, Outcome::kWon, 90);
    }
    if (k > 0) {
      counts.Add(stage, "s" + std::to_string(999 + k), 5);
    } else {
      counts.AddOutcome(stage, Outcome::kLost, 5);
    }
    counts.AddOutcome(stage, Outcome::kLost, 5);
  }
  absl::StatusOr<std::vector<StageOdds>> odds = WinProbabilities(counts);
  ASSERT_TRUE(odds.ok()) << odds.status();
  ASSERT_EQ(odds->size(), static_cast<size_t>(kMaxStages));
  for (size_t k = 0; k < odds->size(); ++k) {
    EXPECT_NEAR(*(*odds)[k].p_win + *(*odds)[k].p_lost, 1.0, 1e-9);
    if (k > 0) {
      EXPECT_GT(*(*odds)[k].p_win, *(*odds)[k - 1].p_win);
    }
  }
}

TEST(TransitionCountsTest, MergeSubtractAndWindows) {
  TransitionCounts before;
  AddPath(before, {"A", "B"}, Outcome::kLost);
  TransitionCounts all = before;
  AddPath(all, {"A", "B", "C"}, Outcome::kWon);
  TransitionCounts window = all;
  ASSERT_TRUE(window.Subtract(before).ok());
  TransitionCounts expected;
  AddPath(expected, {"A", "B", "C"}, Outcome::kWon);
  EXPECT_EQ(window, expected);

  TransitionCounts merged = before;
  merged.Merge(window);
  EXPECT_EQ(merged, all);

  // Subtracting more than counted fails and changes nothing.
  TransitionCounts too_much = all;
  too_much.Add("C", "A");
  TransitionCounts copy = all;
  EXPECT_EQ(copy.Subtract(too_much).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(copy, all);

  // Stages whose exits all went are gone.
  ASSERT_TRUE(copy.Subtract(all).ok());
  EXPECT_TRUE(copy.empty());
  EXPECT_TRUE(copy.Stages().empty());
}

TEST(TransitionCountsTest, SerialiseRoundTripsAndRejectsCorruption) {
  const TransitionCounts counts = ThreeStagesWithBackwardMoves();
  const std::string bytes = counts.Serialize();
  absl::StatusOr<TransitionCounts> parsed = TransitionCounts::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, counts);
  EXPECT_TRUE(TransitionCounts::Parse(TransitionCounts().Serialize())->empty());

  EXPECT_FALSE(TransitionCounts::Parse("").ok());
  EXPECT_FALSE(TransitionCounts::Parse(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(TransitionCounts::Parse(bytes + "x").ok());
  std::string other_version = bytes;
  other_version[7] = 2;  // the version is the first big-endian uint64
  EXPECT_FALSE(TransitionCounts::Parse(other_version).ok());
}

}  // namespace
}  // namespace sfa::analytics::stats

#include "tools/simulator/chain.h"

#include "gtest/gtest.h"
#include "tools/simulator/model.h"

namespace sfa::tools::simulator {
namespace {

// A -> B 0.5, A -> lost 0.5; B -> won 0.6, B -> A 0.2, B -> lost 0.2. By hand:
// pA = 0.5 pB, pB = 0.6 + 0.2 pA  =>  pB = 2/3, pA = 1/3;
// tA = 1 + 0.5 tB, tB = 1 + 0.2 tA  =>  tB = 4/3, tA = 5/3.
TEST(ChainTest, SolvesAHandSolvedChain) {
  Chain chain{{{0, 0.5}, {0.2, 0}}, {0, 0.6}, {0.5, 0.2}};
  absl::StatusOr<ChainSolution> s = SolveChain(chain);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NEAR(s->p_win[0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(s->p_win[1], 2.0 / 3, 1e-12);
  EXPECT_NEAR(s->p_lost[0], 2.0 / 3, 1e-12);
  EXPECT_NEAR(s->p_lost[1], 1.0 / 3, 1e-12);
  EXPECT_NEAR(s->expected_transitions[0], 5.0 / 3, 1e-12);
  EXPECT_NEAR(s->expected_transitions[1], 4.0 / 3, 1e-12);
}

// A line A -> B -> C -> won with losses 0.4, 0.3, 0.2 on the way: products of the survivals.
TEST(ChainTest, SolvesALine) {
  Chain chain{{{0, 0.6, 0}, {0, 0, 0.7}, {0, 0, 0}}, {0, 0, 0.8}, {0.4, 0.3, 0.2}};
  absl::StatusOr<ChainSolution> s = SolveChain(chain);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_NEAR(s->p_win[2], 0.8, 1e-12);
  EXPECT_NEAR(s->p_win[1], 0.7 * 0.8, 1e-12);
  EXPECT_NEAR(s->p_win[0], 0.6 * 0.7 * 0.8, 1e-12);
}

TEST(ChainTest, DefaultModelOddsAddUp) {
  const ModelConfig model = DefaultModel();
  absl::StatusOr<ChainSolution> s = SolveChain(model.chain);
  ASSERT_TRUE(s.ok()) << s.status();
  for (size_t i = 0; i < model.stages.size(); ++i) {
    EXPECT_NEAR(s->p_win[i] + s->p_lost[i], 1.0, 1e-12);
    if (i > 0) {
      EXPECT_GT(s->p_win[i], s->p_win[i - 1]) << "later stages win more often";
    }
  }
}

TEST(ChainTest, RefusesBadChains) {
  EXPECT_EQ(SolveChain(Chain{{{0, 0.5}, {0.2, 0}}, {0, 0.6}, {0.4, 0.2}}).status().code(),
            absl::StatusCode::kInvalidArgument);  // row 0 sums to 0.9
  EXPECT_EQ(SolveChain(Chain{{{0, 1}, {1, 0}}, {0, 0}, {0, 0}}).status().code(),
            absl::StatusCode::kFailedPrecondition);  // A <-> B forever
  EXPECT_EQ(SolveChain(Chain{}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sfa::tools::simulator

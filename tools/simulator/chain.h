#ifndef SFA_TOOLS_SIMULATOR_CHAIN_H_
#define SFA_TOOLS_SIMULATOR_CHAIN_H_

// The exact odds of an absorbing Markov chain over a pipeline's open stages, with WON and LOST absorbing:
// B = (I - Q)^-1 R and t = (I - Q)^-1 1 by Gaussian elimination. The simulator's truth: what the
// analytics service must learn back from the transitions it observes.

#include <vector>

#include "absl/status/statusor.h"

namespace sfa::tools::simulator {

// Row i of the chain: to_open[i][j] (open stage j), to_won[i], to_lost[i]; each row sums to 1.
struct Chain {
  std::vector<std::vector<double>> to_open;
  std::vector<double> to_won;
  std::vector<double> to_lost;
};

struct ChainSolution {
  std::vector<double> p_win;   // P(eventually WON | in stage i)
  std::vector<double> p_lost;  // P(eventually LOST | in stage i)
  // Expected transitions until absorption (a stage that always closes next: 1).
  std::vector<double> expected_transitions;
};

// INVALID_ARGUMENT for ragged rows, negative entries or rows not summing to 1 (within 1e-9);
// FAILED_PRECONDITION when some stage can never reach WON or LOST (I - Q singular).
absl::StatusOr<ChainSolution> SolveChain(const Chain& chain);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_CHAIN_H_

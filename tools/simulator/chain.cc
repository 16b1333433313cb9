#include "tools/simulator/chain.h"

#include <cmath>
#include <cstddef>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sfa::tools::simulator {
namespace {

constexpr double kRowTolerance = 1e-9;
constexpr double kSingular = 1e-12;

absl::Status CheckChain(const Chain& chain) {
  const size_t n = chain.to_open.size();
  if (n == 0) return absl::InvalidArgumentError("the chain has no open stage");
  if (chain.to_won.size() != n || chain.to_lost.size() != n) {
    return absl::InvalidArgumentError("to_won and to_lost need one entry per open stage");
  }
  for (size_t i = 0; i < n; ++i) {
    if (chain.to_open[i].size() != n) return absl::InvalidArgumentError(absl::StrCat("row ", i, " is ragged"));
    double sum = chain.to_won[i] + chain.to_lost[i];
    bool negative = chain.to_won[i] < 0 || chain.to_lost[i] < 0;
    for (double p : chain.to_open[i]) {
      sum += p;
      negative = negative || p < 0;
    }
    if (negative) return absl::InvalidArgumentError(absl::StrCat("row ", i, " has a negative probability"));
    if (std::fabs(sum - 1.0) > kRowTolerance) {
      return absl::InvalidArgumentError(absl::StrCat("row ", i, " sums to ", sum, ", not 1"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ChainSolution> SolveChain(const Chain& chain) {
  if (absl::Status s = CheckChain(chain); !s.ok()) return s;
  const size_t n = chain.to_open.size();
  // Augmented system [I - Q | R_won R_lost 1].
  std::vector<std::vector<double>> a(n, std::vector<double>(n + 3, 0.0));
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) a[i][j] = (i == j ? 1.0 : 0.0) - chain.to_open[i][j];
    a[i][n] = chain.to_won[i];
    a[i][n + 1] = chain.to_lost[i];
    a[i][n + 2] = 1.0;
  }
  for (size_t col = 0; col < n; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < n; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    }
    if (std::fabs(a[pivot][col]) < kSingular) {
      return absl::FailedPreconditionError(
          absl::StrCat("open stage ", col, " (or one it leads to) can never reach WON or LOST"));
    }
    std::swap(a[col], a[pivot]);
    for (size_t r = 0; r < n; ++r) {
      if (r == col || a[r][col] == 0.0) continue;
      const double factor = a[r][col] / a[col][col];
      for (size_t c = col; c < n + 3; ++c) a[r][c] -= factor * a[col][c];
    }
  }
  ChainSolution solution;
  for (size_t i = 0; i < n; ++i) {
    solution.p_win.push_back(a[i][n] / a[i][i]);
    solution.p_lost.push_back(a[i][n + 1] / a[i][i]);
    solution.expected_transitions.push_back(a[i][n + 2] / a[i][i]);
  }
  return solution;
}

}  // namespace sfa::tools::simulator

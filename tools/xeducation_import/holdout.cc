#include "tools/xeducation_import/holdout.h"

#include <numeric>
#include <random>
#include <utility>

namespace sfa::tools::xeducation {

size_t HoldoutCount(size_t rows, int percent) {
  if (percent <= 0) return 0;
  if (percent >= 100) return rows;
  return rows * static_cast<size_t>(percent) / 100;
}

std::vector<bool> HoldoutMask(size_t rows, int percent, uint64_t seed) {
  std::vector<size_t> order(rows);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 engine(seed);
  for (size_t i = rows; i-- > 1;) std::swap(order[i], order[engine() % (i + 1)]);
  std::vector<bool> held_out(rows, false);
  const size_t count = HoldoutCount(rows, percent);
  for (size_t k = 0; k < count; ++k) held_out[order[k]] = true;
  return held_out;
}

}  // namespace sfa::tools::xeducation

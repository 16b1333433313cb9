#ifndef SFA_TOOLS_XEDUCATION_IMPORT_HOLDOUT_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_HOLDOUT_H_

// Which rows are held out: captured with their behaviour but given no outcome, so the service's
// predictive score can be measured on leads it never learned from.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sfa::tools::xeducation {

// floor(rows * percent / 100).
size_t HoldoutCount(size_t rows, int percent);

// held_out[i] for the file's data rows 0..rows-1: the first HoldoutCount(rows, percent) positions of a
// seeded shuffle. The shuffle is written out (Fisher-Yates from the back, j = engine() % (i + 1) with
// std::mt19937_64(seed)) rather than std::shuffle, whose draws differ between standard libraries, so a
// seed selects the same rows everywhere. percent is 0..100.
std::vector<bool> HoldoutMask(size_t rows, int percent, uint64_t seed);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_HOLDOUT_H_

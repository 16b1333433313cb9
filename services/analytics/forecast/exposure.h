#ifndef SFA_SERVICES_ANALYTICS_FORECAST_EXPOSURE_H_
#define SFA_SERVICES_ANALYTICS_FORECAST_EXPOSURE_H_

// How much the time since (or until) a deal's first expected close says about whether it will be won,
// beyond its stage: per open stage and bucket of x = instant - first expected close, the open time that
// closed deals spent there, split by their outcome. A deal seen at a random instant is found in a bucket
// in proportion to that time, so won / (won + lost) time is the win rate of deals found open there; its
// odds against the stage's overall odds is the factor a forecast applies to the chain's P(win | stage)
// (won deals rarely sit far past their date, so a deal that does is more likely one that will be lost).
// Mergeable, subtractable and stored as bytes, like the stats library's tables.

#include <array>
#include <cstdint>
#include <string>

#include "absl/container/btree_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sfa::analytics::forecast {

// Bucket edges in days of x; bucket 0 is x < -90 d, the last x >= 180 d. Part of the stored format.
inline constexpr std::array<int, 12> kOverdueEdgesDays = {-90, -60, -30, -14, -7, 0, 7, 14, 30, 60, 90, 180};
inline constexpr int kOverdueBuckets = static_cast<int>(kOverdueEdgesDays.size()) + 1;

int OverdueBucket(absl::Duration x);

class ExposureTable {
 public:
  struct Cells {
    std::array<int64_t, kOverdueBuckets> won{};  // seconds
    std::array<int64_t, kOverdueBuckets> lost{};
    friend bool operator==(const Cells&, const Cells&) = default;
  };

  // Adds (sign +1) or removes (-1) the open time [from_x, to_x) of a deal in `stage` that was `won` or
  // lost, spread over the buckets the interval crosses.
  void Add(const std::string& stage, bool won, absl::Duration from_x, absl::Duration to_x, int sign = 1);
  void Merge(const ExposureTable& other);
  // Adds one stage's cells (negative counts take time back); a stage left with nothing is dropped.
  void MergeCells(const std::string& stage, const Cells& cells);
  bool empty() const { return stages_.empty(); }
  const absl::btree_map<std::string, Cells>& stages() const { return stages_; }

  // The factor on the odds of winning for a deal of `stage` in `bucket`: (won / lost time there) over
  // (won / lost time of the stage), each side shrunk towards the stage's rate by kPriorSeconds of
  // pseudo-time so that a thin bucket moves the odds little. 1 without data.
  double OddsRatio(const std::string& stage, int bucket) const;
  static constexpr double kPriorSeconds = 30.0 * 86400.0;

  std::string Serialize() const;
  static absl::StatusOr<ExposureTable> Parse(absl::string_view bytes);

  friend bool operator==(const ExposureTable&, const ExposureTable&) = default;

 private:
  absl::btree_map<std::string, Cells> stages_;
};

// p with its odds multiplied by `ratio` (p of 0 or 1 stays).
double ScaleOdds(double p, double ratio);

}  // namespace sfa::analytics::forecast

#endif  // SFA_SERVICES_ANALYTICS_FORECAST_EXPOSURE_H_

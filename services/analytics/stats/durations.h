#ifndef SFA_SERVICES_ANALYTICS_STATS_DURATIONS_H_
#define SFA_SERVICES_ANALYTICS_STATS_DURATIONS_H_

// Distributions of durations a read model keeps as fixed log-spaced histograms (days in a stage,
// time to close) and, signed, close-date slippage (actual close - expected close); their percentiles and
// piecewise-linear CDFs. Counts are mergeable, subtractable for windows and stored as bytes.
//
// Layout, part of the stored format: bucket 0 is [0, 1h); buckets 1..254 split [1h, 5y) into 254 buckets
// whose edges grow by the factor r = (5y / 1h)^(1/254) ~ 1.04298 (5y = 5 x 365.25 days); bucket 255 is
// [5y, inf). Inside a bucket values are taken as uniformly spread. A percentile therefore lies in the
// same bucket as the exact (nearest-rank) percentile: it is off by at most the bucket's width, i.e.
// below 1 hour under 1 hour and below 4.3% of the value from 1 hour to 5 years; values of 5 years and
// more are reported as 5 years.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace sfa::analytics::stats {

inline constexpr int kDurationBuckets = 256;
inline constexpr absl::Duration kHistogramFloor = absl::Hours(1);
inline constexpr absl::Duration kHistogramCeiling = absl::Hours(5 * 36525 * 24 / 100);  // 5 years

// A piecewise-linear cumulative distribution: what a histogram becomes to be evaluated many times
// (O(log buckets) per call). Point masses (the overflow buckets) are vertical steps.
class EmpiricalCdf {
 public:
  EmpiricalCdf() = default;
  // Knots (seconds, P(X <= seconds)), both non-decreasing, cumulative from 0 to 1; the CDF is linear
  // between consecutive knots and a repeated `seconds` is a point mass.
  EmpiricalCdf(std::vector<double> seconds, std::vector<double> cumulative)
      : seconds_(std::move(seconds)), cumulative_(std::move(cumulative)) {}

  // True for the CDF of an empty histogram, which has no values to describe.
  bool empty() const { return seconds_.empty(); }
  // P(X <= x); 0 below the smallest value and 1 from the largest. Requires !empty().
  double Cdf(absl::Duration x) const;
  // The smallest x with Cdf(x) >= q for q in [0, 1] (clamped); nullopt when empty.
  std::optional<absl::Duration> Quantile(double q) const;

 private:
  std::vector<double> seconds_;
  std::vector<double> cumulative_;
};

// Non-negative durations (a negative one, e.g. from clock skew, counts as 0).
class DurationHistogram {
 public:
  void Add(absl::Duration d, int64_t count = 1);
  void Merge(const DurationHistogram& other);
  // INVALID_ARGUMENT, leaving this unchanged, when a bucket would go negative.
  absl::Status Subtract(const DurationHistogram& other);

  int64_t count() const { return total_; }
  const std::array<int64_t, kDurationBuckets>& buckets() const { return buckets_; }
  // The q-quantile, q in [0, 1] (clamped), interpolated inside its bucket; nullopt when empty.
  std::optional<absl::Duration> Percentile(double q) const;
  EmpiricalCdf Cdf() const;

  // Bucket geometry: BucketOf(d) is the b with Lower(b) <= d < Upper(b); Upper(255) is infinite.
  static int BucketOf(absl::Duration d);
  static absl::Duration Lower(int bucket);
  static absl::Duration Upper(int bucket);

  // A versioned byte string of the non-empty buckets; Parse(Serialize()) == *this.
  std::string Serialize() const;
  static absl::StatusOr<DurationHistogram> Parse(absl::string_view bytes);

  friend bool operator==(const DurationHistogram&, const DurationHistogram&) = default;

 private:
  std::array<int64_t, kDurationBuckets> buckets_{};
  int64_t total_ = 0;
};

// Signed durations as two histograms of magnitudes: early (< 0) and late (>= 0). Same resolution on
// either side; a percentile is off by at most the width of the bucket of the exact value's magnitude.
class SlippageHistogram {
 public:
  void Add(absl::Duration d, int64_t count = 1);
  void Merge(const SlippageHistogram& other);
  absl::Status Subtract(const SlippageHistogram& other);

  int64_t count() const { return early_.count() + late_.count(); }
  const DurationHistogram& early() const { return early_; }
  const DurationHistogram& late() const { return late_; }
  std::optional<absl::Duration> Percentile(double q) const;
  EmpiricalCdf Cdf() const;

  std::string Serialize() const;
  static absl::StatusOr<SlippageHistogram> Parse(absl::string_view bytes);

  friend bool operator==(const SlippageHistogram&, const SlippageHistogram&) = default;

 private:
  DurationHistogram early_;  // magnitudes of negative slippage
  DurationHistogram late_;
};

}  // namespace sfa::analytics::stats

#endif  // SFA_SERVICES_ANALYTICS_STATS_DURATIONS_H_

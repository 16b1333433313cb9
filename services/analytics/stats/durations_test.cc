#include "analytics/stats/durations.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::analytics::stats {
namespace {

double Seconds(absl::Duration d) { return absl::ToDoubleSeconds(d); }

// The nearest-rank q-quantile of sorted values: the ceil(q n)-th smallest.
double NearestRank(const std::vector<double>& sorted, double q) {
  const size_t rank = std::clamp<size_t>(static_cast<size_t>(std::ceil(q * sorted.size())), 1, sorted.size());
  return sorted[rank - 1];
}

TEST(DurationHistogramTest, BucketGeometry) {
  EXPECT_EQ(DurationHistogram::BucketOf(absl::ZeroDuration()), 0);
  EXPECT_EQ(DurationHistogram::BucketOf(absl::Minutes(59)), 0);
  EXPECT_EQ(DurationHistogram::BucketOf(absl::Hours(1)), 1);
  EXPECT_EQ(DurationHistogram::BucketOf(kHistogramCeiling - absl::Seconds(1)), kDurationBuckets - 2);
  EXPECT_EQ(DurationHistogram::BucketOf(kHistogramCeiling), kDurationBuckets - 1);
  EXPECT_EQ(DurationHistogram::BucketOf(absl::Hours(24 * 365 * 100)), kDurationBuckets - 1);
  EXPECT_EQ(DurationHistogram::BucketOf(-absl::Hours(3)), 0);
  EXPECT_EQ(DurationHistogram::Upper(kDurationBuckets - 1), absl::InfiniteDuration());
  // Every log bucket is at most 4.3% wide relative to its lower edge, and they tile [1h, 5y).
  for (int b = 1; b < kDurationBuckets - 1; ++b) {
    const double lower = Seconds(DurationHistogram::Lower(b)), upper = Seconds(DurationHistogram::Upper(b));
    EXPECT_LT(upper / lower, 1.043) << b;
    EXPECT_EQ(DurationHistogram::BucketOf(DurationHistogram::Lower(b)), b);
    EXPECT_EQ(DurationHistogram::Lower(b + 1), DurationHistogram::Upper(b));
  }
}

TEST(DurationHistogramTest, PercentilesWithinTheBucketOfTheExactValue) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> days(std::log(5.0), 1.5);
  std::vector<double> values;
  DurationHistogram h;
  for (int k = 0; k < 20'000; ++k) {
    const double s = days(rng) * 86400;
    values.push_back(s);
    h.Add(absl::Seconds(s));
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.0, 0.01, 0.1, 0.25, 0.5, 0.8, 0.9, 0.99, 1.0}) {
    const double exact = NearestRank(values, q);
    const int b = DurationHistogram::BucketOf(absl::Seconds(exact));
    const double width = Seconds(DurationHistogram::Upper(b)) - Seconds(DurationHistogram::Lower(b));
    const double estimate = Seconds(*h.Percentile(q));
    EXPECT_LE(std::abs(estimate - exact), width + 1e-6) << "q=" << q;
    if (exact >= 3600) {
      EXPECT_LE(std::abs(estimate - exact) / exact, 0.043) << "q=" << q;
    }
  }
}

TEST(DurationHistogramTest, CdfAndPercentileAreInverse) {
  DurationHistogram h;
  h.Add(absl::Minutes(30), 2);  // [0, 1h): half the mass
  h.Add(absl::Hours(10), 2);
  const EmpiricalCdf cdf = h.Cdf();
  EXPECT_DOUBLE_EQ(cdf.Cdf(absl::Hours(1)), 0.5);
  EXPECT_DOUBLE_EQ(cdf.Cdf(absl::Minutes(30)), 0.25);
  EXPECT_DOUBLE_EQ(cdf.Cdf(-absl::Hours(1)), 0.0);
  EXPECT_DOUBLE_EQ(cdf.Cdf(absl::Hours(11)), 1.0);
  EXPECT_EQ(*h.Percentile(0.25), absl::Minutes(30));
  EXPECT_EQ(*h.Percentile(0.5), absl::Hours(1));
  for (double q : {0.6, 0.75, 0.9}) EXPECT_NEAR(cdf.Cdf(*h.Percentile(q)), q, 1e-9) << q;
  // q = 0 is where the values start, q = 1 where they end.
  EXPECT_EQ(*h.Percentile(0), absl::ZeroDuration());
  const int b = DurationHistogram::BucketOf(absl::Hours(10));
  EXPECT_EQ(*h.Percentile(1), DurationHistogram::Upper(b));
  EXPECT_GT(*h.Percentile(0.51), DurationHistogram::Lower(b));
}

TEST(DurationHistogramTest, EmptyHasNoPercentile) {
  DurationHistogram h;
  EXPECT_FALSE(h.Percentile(0.5).has_value());
  EXPECT_TRUE(h.Cdf().empty());
}

TEST(DurationHistogramTest, OverflowIsReportedAsFiveYears) {
  DurationHistogram h;
  h.Add(absl::Hours(24 * 365 * 20), 3);
  EXPECT_EQ(*h.Percentile(0.5), kHistogramCeiling);
  EXPECT_DOUBLE_EQ(h.Cdf().Cdf(kHistogramCeiling), 1.0);
  EXPECT_DOUBLE_EQ(h.Cdf().Cdf(kHistogramCeiling - absl::Hours(1)), 0.0);
}

TEST(DurationHistogramTest, MergeSubtractSerialise) {
  DurationHistogram a, b;
  a.Add(absl::Hours(5), 3);
  b.Add(absl::Hours(500));
  b.Add(absl::Hours(5));
  DurationHistogram merged = a;
  merged.Merge(b);
  EXPECT_EQ(merged.count(), 5);
  DurationHistogram back = merged;
  ASSERT_TRUE(back.Subtract(b).ok());
  EXPECT_EQ(back, a);
  EXPECT_EQ(a.Subtract(merged).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(a.count(), 3);

  absl::StatusOr<DurationHistogram> parsed = DurationHistogram::Parse(merged.Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, merged);
  EXPECT_EQ(*DurationHistogram::Parse(DurationHistogram().Serialize()), DurationHistogram());
  const std::string bytes = merged.Serialize();
  EXPECT_FALSE(DurationHistogram::Parse(bytes.substr(0, bytes.size() - 3)).ok());
  EXPECT_FALSE(DurationHistogram::Parse(bytes + "z").ok());
}

TEST(SlippageHistogramTest, SignedPercentilesAndCdf) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> days(3.0, 10.0);
  std::vector<double> values;
  SlippageHistogram h;
  for (int k = 0; k < 20'000; ++k) {
    const double s = days(rng) * 86400;
    values.push_back(s);
    h.Add(absl::Seconds(s));
  }
  std::sort(values.begin(), values.end());
  const EmpiricalCdf cdf = h.Cdf();
  for (double q : {0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95}) {
    const double exact = NearestRank(values, q);
    const int b = DurationHistogram::BucketOf(absl::Seconds(std::abs(exact)));
    const double width = Seconds(DurationHistogram::Upper(b)) - Seconds(DurationHistogram::Lower(b));
    EXPECT_LE(std::abs(Seconds(*h.Percentile(q)) - exact), width + 1e-6) << "q=" << q;
    // The CDF at the exact value is within the mass of that value's bucket.
    const double share = static_cast<double>((exact < 0 ? h.early() : h.late()).buckets()[b]) / h.count();
    EXPECT_NEAR(cdf.Cdf(absl::Seconds(exact)), q, share + 1.0 / h.count()) << "q=" << q;
  }
  EXPECT_NEAR(cdf.Cdf(absl::ZeroDuration()), static_cast<double>(h.early().count()) / h.count(), 1e-12);
}

TEST(SlippageHistogramTest, MergeSubtractSerialise) {
  SlippageHistogram a;
  a.Add(-absl::Hours(48), 2);
  a.Add(absl::Hours(24 * 30));
  a.Add(absl::ZeroDuration());
  EXPECT_EQ(a.early().count(), 2);
  EXPECT_EQ(a.late().count(), 2);
  EXPECT_EQ(*a.Percentile(0), -DurationHistogram::Upper(DurationHistogram::BucketOf(absl::Hours(48))));
  absl::StatusOr<SlippageHistogram> parsed = SlippageHistogram::Parse(a.Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, a);
  SlippageHistogram b = a;
  b.Merge(a);
  ASSERT_TRUE(b.Subtract(a).ok());
  EXPECT_EQ(b, a);
  SlippageHistogram late_only;
  late_only.Add(absl::Hours(1000), 5);
  EXPECT_FALSE(b.Subtract(late_only).ok());
  EXPECT_EQ(b, a);
  EXPECT_FALSE(SlippageHistogram::Parse("garbage").ok());
}

}  // namespace
}  // namespace sfa::analytics::stats

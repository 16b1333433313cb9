#include "tools/simulator/random.h"

#include <cmath>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::tools::simulator {
namespace {

TEST(RandomTest, EngineIsTheStandardsMt19937_64) {
  // [rand.predef]: the 10000th consecutive invocation of a default-constructed mt19937_64 produces this.
  std::mt19937_64 reference;
  reference.discard(9999);
  EXPECT_EQ(reference(), 9981545732273789042ULL);
  Rng rng(std::mt19937_64::default_seed);
  for (int i = 0; i < 9999; ++i) rng.Next();
  EXPECT_EQ(rng.Next(), 9981545732273789042ULL);
}

TEST(RandomTest, SamplersArePinned) {
  // The samplers are ours, so a seed gives these numbers with any standard library; a change here
  // changes every simulation.
  Rng rng(42);
  EXPECT_DOUBLE_EQ(rng.Uniform01(), static_cast<double>(std::mt19937_64(42)() >> 11) * 0x1.0p-53);
  Rng a(DeriveSeed(1, 2, 3));
  Rng b(DeriveSeed(1, 2, 3));
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(a.Normal(), b.Normal());
    ASSERT_EQ(a.UniformInt(7), b.UniformInt(7));
  }
  EXPECT_NE(DeriveSeed(1, 2, 3), DeriveSeed(1, 2, 4));
  EXPECT_NE(DeriveSeed(1, 2, 3), DeriveSeed(2, 2, 3));
}

TEST(RandomTest, NormalMoments) {
  Rng rng(7);
  const int n = 400'000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = rng.Normal();
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n - mean * mean, 1.0, 0.01);
}

TEST(RandomTest, ExponentialAndUniformMoments) {
  Rng rng(8);
  const int n = 400'000;
  double exp_sum = 0, uni_sum = 0;
  for (int i = 0; i < n; ++i) {
    exp_sum += rng.Exponential(3.0);
    const double u = rng.UniformOpen01();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    uni_sum += u;
  }
  EXPECT_NEAR(exp_sum / n, 3.0, 0.03);
  EXPECT_NEAR(uni_sum / n, 0.5, 0.003);
}

TEST(RandomTest, UniformIntCoversTheRangeEvenly) {
  Rng rng(9);
  std::vector<int> counts(6, 0);
  const int n = 600'000;
  for (int i = 0; i < n; ++i) {
    const uint64_t k = rng.UniformInt(6);
    ASSERT_LT(k, 6u);
    ++counts[k];
  }
  for (int c : counts) EXPECT_NEAR(c, n / 6, 5 * std::sqrt(n / 6.0));
}

TEST(RandomTest, CategoricalFollowsTheWeights) {
  Rng rng(10);
  const std::vector<double> weights = {0, 0, 0, 0.1, 0, 0.7, 0.2};
  std::vector<int> counts(weights.size(), 0);
  const int n = 1'000'000;
  for (int i = 0; i < n; ++i) ++counts[rng.Categorical(weights)];
  for (size_t i = 0; i < weights.size(); ++i) {
    const double sd = std::sqrt(weights[i] * (1 - weights[i]) / n);
    EXPECT_NEAR(static_cast<double>(counts[i]) / n, weights[i], 5 * sd + 1e-12) << i;
  }
}

// The slippage of a win is shift + LogNormal(median, sigma) days: its mean, variance and median.
TEST(RandomTest, ShiftedLogNormalMoments) {
  const double shift = -10, median = 15, sigma = 0.8;
  Rng rng(11);
  const int n = 400'000;
  std::vector<double> sample;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double x = shift + rng.LogNormal(median, sigma);
    sample.push_back(x);
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / n;
  const double variance = sum2 / n - mean * mean;
  const double mu = std::log(median);
  const double true_mean = shift + std::exp(mu + sigma * sigma / 2);
  const double true_variance = (std::exp(sigma * sigma) - 1) * std::exp(2 * mu + sigma * sigma);
  EXPECT_NEAR(mean, true_mean, 0.01 * std::abs(true_mean) + 0.1);
  EXPECT_NEAR(variance, true_variance, 0.03 * true_variance);
  std::nth_element(sample.begin(), sample.begin() + n / 2, sample.end());
  EXPECT_NEAR(sample[n / 2], shift + median, 0.2);
  // P(slippage < 0) = P(LogNormal < 10) = Phi(log(10 / 15) / 0.8) = 0.3061.
  int early = 0;
  for (double x : sample) early += x < 0;
  EXPECT_NEAR(static_cast<double>(early) / n, 0.3061, 0.004);
}

}  // namespace
}  // namespace sfa::tools::simulator

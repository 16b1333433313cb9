#ifndef SFA_TOOLS_SIMULATOR_RANDOM_H_
#define SFA_TOOLS_SIMULATOR_RANDOM_H_

// The simulator's random numbers: std::mt19937_64 (its output is fixed by the C++ standard) and samplers
// written here, because std::*_distribution may give other numbers with another standard library and a
// seed must mean the same histories everywhere.

#include <cstdint>
#include <random>

#include "absl/types/span.h"

namespace sfa::tools::simulator {

// SplitMix64's finaliser: a bijective mix of 64 bits, to derive independent seeds from one.
uint64_t Mix64(uint64_t x);

// The seed of stream `stream` (arrivals, deal `index`, ...) of a simulation seeded with `seed`.
uint64_t DeriveSeed(uint64_t seed, uint64_t stream, uint64_t index);

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}

  uint64_t Next() { return engine_(); }
  // [0, 1), 53 random bits.
  double Uniform01();
  // (0, 1): never 0, for logarithms.
  double UniformOpen01();
  // [0, n) without modulo bias; n > 0.
  uint64_t UniformInt(uint64_t n);
  bool Bernoulli(double p) { return Uniform01() < p; }
  // Standard normal (Marsaglia's polar method).
  double Normal();
  // Exponential with the given mean (> 0).
  double Exponential(double mean);
  // exp(N(log(median), sigma^2)).
  double LogNormal(double median, double sigma);
  // An index drawn with the given non-negative weights (not necessarily summing to 1; at least one > 0).
  int Categorical(absl::Span<const double> weights);

 private:
  std::mt19937_64 engine_;
};

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_RANDOM_H_

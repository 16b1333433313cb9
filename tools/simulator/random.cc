#include "tools/simulator/random.h"

#include <cassert>
#include <cmath>

namespace sfa::tools::simulator {

uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t DeriveSeed(uint64_t seed, uint64_t stream, uint64_t index) {
  return Mix64(Mix64(Mix64(seed) ^ stream) ^ index);
}

double Rng::Uniform01() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Rng::UniformOpen01() { return (static_cast<double>(engine_() >> 11) + 0.5) * 0x1.0p-53; }

uint64_t Rng::UniformInt(uint64_t n) {
  assert(n > 0);
  // Lemire's multiply-and-reject.
  unsigned __int128 m = static_cast<unsigned __int128>(engine_()) * n;
  uint64_t low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(engine_()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

double Rng::Normal() {
  for (;;) {
    const double u = 2.0 * Uniform01() - 1.0;
    const double v = 2.0 * Uniform01() - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
  }
}

double Rng::Exponential(double mean) { return -std::log(UniformOpen01()) * mean; }

double Rng::LogNormal(double median, double sigma) { return median * std::exp(sigma * Normal()); }

int Rng::Categorical(absl::Span<const double> weights) {
  double total = 0;
  for (double w : weights) total += w;
  assert(total > 0);
  double u = Uniform01() * total;
  int last_positive = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] <= 0) continue;
    if (u < weights[i]) return static_cast<int>(i);
    u -= weights[i];
    last_positive = static_cast<int>(i);
  }
  return last_positive;  // rounding left u just above the last weight
}

}  // namespace sfa::tools::simulator

#include "base/clock.h"
#include "base/id_generator.h"

#include <cstdio>

namespace sfa::base {

SystemClock& SystemClock::Instance() {
  static SystemClock* clock = new SystemClock();
  return *clock;
}

RandomIdGenerator::RandomIdGenerator() {
  std::random_device rd;
  rng_.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
}

std::string RandomIdGenerator::NewId() {
  uint64_t hi, lo;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hi = rng_();
    lo = rng_();
  }
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};                    // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);         // variant 10xx
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

RandomIdGenerator& RandomIdGenerator::Instance() {
  static RandomIdGenerator* gen = new RandomIdGenerator();
  return *gen;
}

}  // namespace sfa::base

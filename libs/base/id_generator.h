#ifndef SFA_LIBS_BASE_ID_GENERATOR_H_
#define SFA_LIBS_BASE_ID_GENERATOR_H_

// Ids as a port: random UUIDs in production, predictable sequences in tests.

#include <atomic>
#include <mutex>
#include <random>
#include <string>

namespace sfa::base {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual std::string NewId() = 0;
};

// RFC 4122 version-4 UUIDs from a per-instance 64-bit Mersenne twister seeded from std::random_device.
class RandomIdGenerator final : public IdGenerator {
 public:
  RandomIdGenerator();
  std::string NewId() override;
  static RandomIdGenerator& Instance();

 private:
  std::mutex mu_;
  std::mt19937_64 rng_;
};

// "<prefix>1", "<prefix>2", ...
class SequentialIdGenerator final : public IdGenerator {
 public:
  explicit SequentialIdGenerator(std::string prefix = "id-") : prefix_(std::move(prefix)) {}
  std::string NewId() override { return prefix_ + std::to_string(++next_); }

 private:
  std::string prefix_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace sfa::base

#endif  // SFA_LIBS_BASE_ID_GENERATOR_H_

#ifndef SFA_LIBS_BASE_CLOCK_H_
#define SFA_LIBS_BASE_CLOCK_H_

// Time as a port, so deciders, stores and tests never read the wall clock directly.

#include <atomic>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sfa::base {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
  static SystemClock& Instance();
};

// A clock that moves only when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000))
      : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override { return absl::FromUnixNanos(nanos_.load()); }
  void Advance(absl::Duration d) { nanos_ += absl::ToInt64Nanoseconds(d); }
  void Set(absl::Time t) { nanos_ = absl::ToUnixNanos(t); }

 private:
  std::atomic<int64_t> nanos_;
};

}  // namespace sfa::base

#endif  // SFA_LIBS_BASE_CLOCK_H_

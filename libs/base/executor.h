#ifndef SFA_LIBS_BASE_EXECUTOR_H_
#define SFA_LIBS_BASE_EXECUTOR_H_

// A few threads that finish commands off the event store's sequencer thread: a command's completion
// only posts here, and the work after it (reading the read model for the response, the next step of a
// lead conversion) runs on these threads.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"

namespace sfa::base {

class Executor {
 public:
  explicit Executor(int threads);
  // Runs what was posted before, then joins the threads.
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  void Post(std::function<void()> task);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace sfa::base

#endif  // SFA_LIBS_BASE_EXECUTOR_H_

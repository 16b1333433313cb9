#ifndef SFA_SERVICES_LEAD_PREDICTIVE_BOOSTER_H_
#define SFA_SERVICES_LEAD_PREDICTIVE_BOOSTER_H_

// An XGBoost binary:logistic booster behind its C API: owns the handle, turns every failed call into a
// Status, and serialises predictions so that one booster can serve many threads.

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"

namespace sfa::lead::predictive {

// rows × columns floats, row-major; NaN is a missing value.
struct DenseMatrix {
  int64_t rows = 0;
  int64_t columns = 0;
  std::vector<float> values{};
};

// XGBoost's own defaults; Model sets every field from TrainOptions.
struct BoosterParams {
  int rounds = 10;
  int max_depth = 6;
  double eta = 0.3;
  double subsample = 1;
  double colsample_bytree = 1;
  double min_child_weight = 1;
  double lambda = 1;
  int threads = 1;
  uint64_t seed = 0;
  // The prior probability the first tree starts from.
  double base_score = 0.5;
};

class Booster {
 public:
  // Fits `params.rounds` trees (hist method) to x with labels 0 / 1.
  static absl::StatusOr<std::unique_ptr<Booster>> Fit(const DenseMatrix& x, absl::Span<const float> labels,
                                                      const BoosterParams& params);
  ~Booster();
  Booster(const Booster&) = delete;
  Booster& operator=(const Booster&) = delete;

  // The probability of conversion of every row of x.
  absl::StatusOr<std::vector<float>> PredictProbabilities(const DenseMatrix& x) const;

  // SHAP contributions of one row to the log-odds: one per column, then the bias; they sum to the margin.
  absl::StatusOr<std::vector<float>> Contributions(absl::Span<const float> row) const;

 private:
  Booster(void* handle, int64_t columns) : handle_(handle), columns_(columns) {}

  absl::StatusOr<std::vector<float>> Predict(const DenseMatrix& x, int type) const;

  void* const handle_;  // BoosterHandle
  const int64_t columns_;
  // XGBoost's C API hands back results in a per-booster buffer and configures lazily; one call at a time.
  mutable absl::Mutex mutex_;
};

}  // namespace sfa::lead::predictive

#endif  // SFA_SERVICES_LEAD_PREDICTIVE_BOOSTER_H_

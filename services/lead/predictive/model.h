#ifndef SFA_SERVICES_LEAD_PREDICTIVE_MODEL_H_
#define SFA_SERVICES_LEAD_PREDICTIVE_MODEL_H_

// The learned conversion score: gradient-boosted trees over the features decided leads had at their
// outcome, with the holdout AUC of the training procedure and per-field explanations of each prediction.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "lead/predictive/auc.h"
#include "lead/predictive/booster.h"
#include "lead/predictive/example.h"
#include "lead/predictive/feature_encoder.h"
#include "lead/predictive/holdout.h"
#include "sfa/lead/v1/lead_types.pb.h"

namespace sfa::lead::predictive {

// Fewer outcomes than this teach nothing worth serving.
inline constexpr int kMinExamples = 20;

struct TrainOptions {
  // Outcomes held out (by InHoldout on the lead id) to estimate the AUC; 0 … 99, 0 = no estimate.
  int holdout_percent = 20;
  // 300 trees of depth 4 at eta 0.05, rows and columns subsampled: on X Education deeper or more trees
  // gained nothing (AUC within ±0.002) and depth 4 keeps an explained prediction near 0.3 ms.
  int rounds = 300;
  int max_depth = 4;
  double eta = 0.05;
  double subsample = 0.8;
  double colsample_bytree = 0.8;
  double min_child_weight = 2;
  double lambda = 1;
  // Training threads. 1 by default: on 2 cores both fits take ~0.5 s single-threaded and ~0.45 s with 2
  // threads when the machine is idle, but 1–6 s with 2 when it is busy (OpenMP's team spins against the
  // other processes, e.g. the service answering requests).
  int threads = 1;
  // Encoding (see FeatureEncoder).
  int min_category_count = 10;
  int max_categories_per_field = 50;
  int max_attribute_keys = 100;
  uint64_t seed = 1;
};

struct TrainingStats {
  // Outcomes the holdout estimate was fitted on, and the disjoint holdout it was measured on. The served
  // model is refitted on both (training_size + holdout_size outcomes).
  int64_t training_size = 0;
  int64_t holdout_size = 0;
  // Unset when the holdout is empty or has one outcome class only.
  std::optional<double> holdout_auc{};
};

class Model {
 public:
  // Fits the encoder and the booster. INVALID_ARGUMENT for options out of range; FAILED_PRECONDITION
  // (`too_few_outcomes`, `single_outcome_class`) when there is nothing to learn from.
  static absl::StatusOr<std::shared_ptr<const Model>> Train(const std::vector<Example>& examples,
                                                            const TrainOptions& options = {});

  // The probability of conversion and the top_k factors by |contribution|. Any features are accepted:
  // unknown categories are "<other>", missing or unparseable numbers are missing. Safe from many threads.
  absl::StatusOr<Prediction> Predict(const v1::OutcomeFeatures& features, int top_k = 5) const;

  const TrainingStats& stats() const { return stats_; }
  // The encoded columns, for tests and diagnostics.
  const FeatureEncoder& encoder() const { return encoder_; }

  ~Model();

 private:
  Model(FeatureEncoder encoder, std::unique_ptr<Booster> booster, TrainingStats stats);

  const FeatureEncoder encoder_;
  const std::unique_ptr<Booster> booster_;
  const TrainingStats stats_;
};

}  // namespace sfa::lead::predictive

#endif  // SFA_SERVICES_LEAD_PREDICTIVE_MODEL_H_

#ifndef SFA_SERVICES_LEAD_MODEL_TRAINER_H_
#define SFA_SERVICES_LEAD_MODEL_TRAINER_H_

// Keeps each tenant's predictive model current: learns from the outcomes read model (the features frozen
// in LeadConverted / LeadDisqualified) on a background thread, whenever outcomes arrived since the last
// training, at most once per `min_interval`. Readers get the model in force without waiting; a tenant
// with too few outcomes (or only one kind) has none, and its leads show no probability.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "lead/predictive/model.h"

namespace sfa::lead {

struct TrainedModel {
  std::shared_ptr<const predictive::Model> model;  // null until a training succeeded
  absl::Time trained_at = absl::InfinitePast();
  int64_t outcomes = 0;  // outcomes known when the last training started
};

struct ModelTrainerOptions {
  // The earliest a tenant is retrained after its previous training.
  absl::Duration min_interval = absl::Seconds(2);
  predictive::TrainOptions train;
  const base::Clock* clock = &base::SystemClock::Instance();
};

class ModelTrainer {
 public:
  // Reads a tenant's outcomes (every one, for a training run).
  using OutcomeSource = std::function<absl::StatusOr<std::vector<predictive::Example>>(const std::string& tenant)>;

  // Trains every tenant of `tenants` once on start, then those Notify() names.
  ModelTrainer(OutcomeSource source, std::vector<std::string> tenants, ModelTrainerOptions options = {});
  ~ModelTrainer();  // stops the thread (a training in progress finishes first)
  ModelTrainer(const ModelTrainer&) = delete;
  ModelTrainer& operator=(const ModelTrainer&) = delete;

  // An outcome was recorded for `tenant`: retrain it soon.
  void Notify(const std::string& tenant);
  // The tenant's model in force (model null when there is none yet).
  TrainedModel Current(const std::string& tenant) const;
  // Blocks until no tenant is waiting for a training, or the deadline passes. For tests and tools.
  bool WaitIdle(absl::Time deadline) const;

 private:
  void Loop();
  void Train(const std::string& tenant);

  OutcomeSource source_;
  ModelTrainerOptions options_;
  mutable absl::Mutex mu_;
  std::map<std::string, TrainedModel> models_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, bool> dirty_ ABSL_GUARDED_BY(mu_);  // tenant -> waiting for a training
  bool training_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sfa::lead

#endif  // SFA_SERVICES_LEAD_MODEL_TRAINER_H_

#include "lead/model_trainer.h"

#include <utility>

#include "base/log.h"

namespace sfa::lead {

ModelTrainer::ModelTrainer(OutcomeSource source, std::vector<std::string> tenants, ModelTrainerOptions options)
    : source_(std::move(source)), options_(std::move(options)) {
  {
    absl::MutexLock lock(&mu_);
    for (std::string& tenant : tenants) dirty_[std::move(tenant)] = true;
  }
  thread_ = std::thread([this] { Loop(); });
}

ModelTrainer::~ModelTrainer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void ModelTrainer::Notify(const std::string& tenant) {
  absl::MutexLock lock(&mu_);
  dirty_[tenant] = true;
}

TrainedModel ModelTrainer::Current(const std::string& tenant) const {
  absl::MutexLock lock(&mu_);
  auto it = models_.find(tenant);
  return it == models_.end() ? TrainedModel() : it->second;
}

bool ModelTrainer::WaitIdle(absl::Time deadline) const {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (training_) return false;
    for (const auto& [tenant, dirty] : dirty_) {
      if (dirty) return false;
    }
    return true;
  };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

void ModelTrainer::Loop() {
  for (;;) {
    std::string tenant;
    {
      absl::MutexLock lock(&mu_);
      // Wake for a stop, or for a dirty tenant whose last training is at least min_interval old.
      auto due = [this, &tenant]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        if (stopping_) return true;
        const absl::Time now = options_.clock->Now();
        for (const auto& [t, dirty] : dirty_) {
          if (!dirty) continue;
          auto it = models_.find(t);
          if (it == models_.end() || now - it->second.trained_at >= options_.min_interval) {
            tenant = t;
            return true;
          }
        }
        return false;
      };
      // The condition depends on the clock too, so it is re-checked at least every 100 ms.
      while (!mu_.AwaitWithTimeout(absl::Condition(&due), absl::Milliseconds(100))) {
      }
      if (stopping_) return;
      dirty_[tenant] = false;
      training_ = true;
    }
    Train(tenant);
    absl::MutexLock lock(&mu_);
    training_ = false;
  }
}

void ModelTrainer::Train(const std::string& tenant) {
  const absl::Time started = options_.clock->Now();
  absl::StatusOr<std::vector<predictive::Example>> examples = source_(tenant);
  TrainedModel next;
  next.trained_at = started;
  if (!examples.ok()) {
    base::Log(base::LogLevel::kWarn, "lead model outcomes unreadable", {{"tenant", tenant},
                                                                            {"error", examples.status().ToString()}});
  } else {
    next.outcomes = static_cast<int64_t>(examples->size());
    absl::StatusOr<std::shared_ptr<const predictive::Model>> model = predictive::Model::Train(*examples, options_.train);
    if (model.ok()) {
      next.model = *std::move(model);
      const predictive::TrainingStats& stats = next.model->stats();
      base::Log(base::LogLevel::kInfo, "lead model trained",
                {{"tenant", tenant},
                 {"outcomes", std::to_string(next.outcomes)},
                 {"holdout_auc", stats.holdout_auc ? std::to_string(*stats.holdout_auc) : "none"},
                 {"seconds", std::to_string(absl::ToDoubleSeconds(options_.clock->Now() - started))}});
    } else if (!absl::IsFailedPrecondition(model.status())) {
      base::Log(base::LogLevel::kWarn, "lead model training failed",
                {{"tenant", tenant}, {"error", model.status().ToString()}});
    }
  }
  absl::MutexLock lock(&mu_);
  TrainedModel& current = models_[tenant];
  // A failed or refused training keeps the model in force but records the attempt.
  if (next.model == nullptr) next.model = current.model;
  current = std::move(next);
}

}  // namespace sfa::lead

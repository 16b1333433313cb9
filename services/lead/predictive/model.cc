#include "lead/predictive/model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sfa::lead::predictive {
namespace {

using ExampleRefs = std::vector<const Example*>;

// An encoder and a booster fitted together on one set of outcomes.
struct Fitted {
  FeatureEncoder encoder;
  std::unique_ptr<Booster> booster;
};

absl::Status ValidateOptions(const TrainOptions& options) {
  const auto out_of_range = [](absl::string_view name, auto value) {
    return absl::InvalidArgumentError(absl::StrCat("TrainOptions.", name, " out of range: ", value));
  };
  if (options.holdout_percent < 0 || options.holdout_percent > 99) {
    return out_of_range("holdout_percent", options.holdout_percent);
  }
  if (options.rounds < 1 || options.rounds > 10000) return out_of_range("rounds", options.rounds);
  if (options.max_depth < 1 || options.max_depth > 16) return out_of_range("max_depth", options.max_depth);
  if (!(options.eta > 0 && options.eta <= 1)) return out_of_range("eta", options.eta);
  if (!(options.subsample > 0 && options.subsample <= 1)) return out_of_range("subsample", options.subsample);
  if (!(options.colsample_bytree > 0 && options.colsample_bytree <= 1)) {
    return out_of_range("colsample_bytree", options.colsample_bytree);
  }
  if (!(options.min_child_weight >= 0)) return out_of_range("min_child_weight", options.min_child_weight);
  if (!(options.lambda >= 0)) return out_of_range("lambda", options.lambda);
  if (options.threads < 1 || options.threads > 256) return out_of_range("threads", options.threads);
  if (options.min_category_count < 1) return out_of_range("min_category_count", options.min_category_count);
  if (options.max_categories_per_field < 1) {
    return out_of_range("max_categories_per_field", options.max_categories_per_field);
  }
  if (options.max_attribute_keys < 0) return out_of_range("max_attribute_keys", options.max_attribute_keys);
  return absl::OkStatus();
}

int64_t CountConverted(const ExampleRefs& examples) {
  return std::count_if(examples.begin(), examples.end(), [](const Example* e) { return e->converted; });
}

DenseMatrix Encode(const FeatureEncoder& encoder, const ExampleRefs& examples) {
  DenseMatrix x{.rows = static_cast<int64_t>(examples.size()), .columns = encoder.num_columns()};
  x.values.resize(x.rows * x.columns);
  for (size_t i = 0; i < examples.size(); ++i) {
    encoder.Encode(examples[i]->features, absl::MakeSpan(x.values).subspan(i * x.columns, x.columns));
  }
  return x;
}

absl::StatusOr<Fitted> Fit(const ExampleRefs& examples, const TrainOptions& options) {
  std::vector<const v1::OutcomeFeatures*> features;
  std::vector<float> labels;
  for (const Example* example : examples) {
    features.push_back(&example->features);
    labels.push_back(example->converted ? 1.0f : 0.0f);
  }
  FeatureEncoder encoder =
      FeatureEncoder::Fit(features, EncoderOptions{
                                        .min_category_count = options.min_category_count,
                                        .max_categories_per_field = options.max_categories_per_field,
                                        .max_attribute_keys = options.max_attribute_keys,
                                    });
  // Starting from the observed conversion rate rather than 0.5 makes the bias term the base rate, so the
  // factors explain the difference from an average lead. Clamped: XGBoost needs 0 < base_score < 1.
  const double rate = static_cast<double>(CountConverted(examples)) / static_cast<double>(examples.size());
  const BoosterParams params{
      .rounds = options.rounds,
      .max_depth = options.max_depth,
      .eta = options.eta,
      .subsample = options.subsample,
      .colsample_bytree = options.colsample_bytree,
      .min_child_weight = options.min_child_weight,
      .lambda = options.lambda,
      .threads = options.threads,
      .seed = options.seed,
      .base_score = std::clamp(rate, 0.01, 0.99),
  };
  absl::StatusOr<std::unique_ptr<Booster>> booster = Booster::Fit(Encode(encoder, examples), labels, params);
  if (!booster.ok()) return booster.status();
  return Fitted{std::move(encoder), *std::move(booster)};
}

// The AUC on `holdout` of the procedure fitted on `training`; nullopt when the holdout cannot measure it.
absl::StatusOr<std::optional<double>> HoldoutAuc(const ExampleRefs& training, const ExampleRefs& holdout,
                                                 const TrainOptions& options) {
  const int64_t converted = CountConverted(holdout);
  if (training.empty() || converted == 0 || converted == static_cast<int64_t>(holdout.size())) return std::nullopt;
  absl::StatusOr<Fitted> fitted = Fit(training, options);
  if (!fitted.ok()) return fitted.status();
  absl::StatusOr<std::vector<float>> probabilities =
      fitted->booster->PredictProbabilities(Encode(fitted->encoder, holdout));
  if (!probabilities.ok()) return probabilities.status();
  std::vector<bool> labels;
  for (const Example* example : holdout) labels.push_back(example->converted);
  return Auc(std::vector<double>(probabilities->begin(), probabilities->end()), labels);
}

}  // namespace

Model::Model(FeatureEncoder encoder, std::unique_ptr<Booster> booster, TrainingStats stats)
    : encoder_(std::move(encoder)), booster_(std::move(booster)), stats_(std::move(stats)) {}

Model::~Model() = default;

absl::StatusOr<std::shared_ptr<const Model>> Model::Train(const std::vector<Example>& examples,
                                                          const TrainOptions& options) {
  if (absl::Status status = ValidateOptions(options); !status.ok()) return status;
  if (examples.size() < kMinExamples) {
    return absl::FailedPreconditionError(
        absl::StrCat("too_few_outcomes: ", examples.size(), " decided leads, the model needs at least ", kMinExamples));
  }
  ExampleRefs all, training, holdout;
  for (const Example& example : examples) {
    all.push_back(&example);
    (InHoldout(example.lead_id, options.holdout_percent) ? holdout : training).push_back(&example);
  }
  const int64_t converted = CountConverted(all);
  if (converted == 0 || converted == static_cast<int64_t>(all.size())) {
    return absl::FailedPreconditionError(absl::StrCat("single_outcome_class: all ", all.size(), " decided leads ",
                                                      converted == 0 ? "were disqualified" : "converted",
                                                      "; the model needs both outcomes"));
  }

  // The reported AUC estimates the quality of the whole procedure (encoder and booster, same options)
  // on outcomes it has not seen. The served model is then refitted the same way on every outcome, holdout
  // included: once measured, holding a fifth of the data back would only make the served model worse.
  TrainingStats stats{.training_size = static_cast<int64_t>(training.size()),
                      .holdout_size = static_cast<int64_t>(holdout.size())};
  absl::StatusOr<std::optional<double>> auc = HoldoutAuc(training, holdout, options);
  if (!auc.ok()) return auc.status();
  stats.holdout_auc = *auc;

  absl::StatusOr<Fitted> served = Fit(all, options);
  if (!served.ok()) return served.status();
  return std::shared_ptr<const Model>(new Model(std::move(served->encoder), std::move(served->booster), stats));
}

absl::StatusOr<Prediction> Model::Predict(const v1::OutcomeFeatures& features, int top_k) const {
  std::vector<float> row(encoder_.num_columns());
  encoder_.Encode(features, absl::MakeSpan(row));
  absl::StatusOr<std::vector<float>> contributions = booster_->Contributions(row);
  if (!contributions.ok()) return contributions.status();

  // The contributions, bias included, sum to the log-odds (TreeSHAP is exact).
  double margin = 0;
  for (const float contribution : *contributions) margin += contribution;
  if (std::isnan(margin)) return absl::InternalError("xgboost returned a NaN contribution");
  Prediction prediction{.probability = 1.0 / (1.0 + std::exp(-margin))};

  std::vector<Factor> factors = encoder_.Explain(features, *contributions);
  std::erase_if(factors, [](const Factor& factor) { return factor.contribution == 0; });
  const auto larger = [](const Factor& a, const Factor& b) {
    const double size_a = std::fabs(a.contribution), size_b = std::fabs(b.contribution);
    return size_a != size_b ? size_a > size_b : a.feature < b.feature;
  };
  const size_t keep = std::min(factors.size(), static_cast<size_t>(std::max(top_k, 0)));
  std::partial_sort(factors.begin(), factors.begin() + keep, factors.end(), larger);
  factors.resize(keep);
  prediction.top_factors = std::move(factors);
  return prediction;
}

}  // namespace sfa::lead::predictive

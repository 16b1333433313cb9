#include "lead/predictive/booster.h"

#include <xgboost/c_api.h>

#include <limits>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sfa::lead::predictive {
namespace {

// XGBoosterPredictFromDMatrix's "type".
constexpr int kPredictProbability = 0;
constexpr int kPredictContributions = 2;

absl::Status Check(int return_code, absl::string_view call) {
  if (return_code == 0) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("xgboost ", call, ": ", XGBGetLastError()));
}

struct DMatrixFree {
  void operator()(void* handle) const { XGDMatrixFree(handle); }
};
using DMatrix = std::unique_ptr<void, DMatrixFree>;

absl::StatusOr<DMatrix> MakeDMatrix(const DenseMatrix& x, int threads) {
  if (x.columns <= 0 || x.values.size() != static_cast<size_t>(x.rows * x.columns)) {
    return absl::InvalidArgumentError(
        absl::StrCat("a ", x.rows, "x", x.columns, " matrix holds ", x.values.size(), " values"));
  }
  DMatrixHandle handle = nullptr;
  absl::Status status = Check(XGDMatrixCreateFromMat_omp(x.values.data(), x.rows, x.columns,
                                                         std::numeric_limits<float>::quiet_NaN(), &handle, threads),
                              "XGDMatrixCreateFromMat");
  if (!status.ok()) return status;
  return DMatrix(handle);
}

absl::Status SetParams(BoosterHandle handle, const BoosterParams& params) {
  const std::pair<const char*, std::string> kParams[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"verbosity", "0"},
      {"max_depth", absl::StrCat(params.max_depth)},
      {"eta", absl::StrCat(params.eta)},
      {"subsample", absl::StrCat(params.subsample)},
      {"colsample_bytree", absl::StrCat(params.colsample_bytree)},
      {"min_child_weight", absl::StrCat(params.min_child_weight)},
      {"lambda", absl::StrCat(params.lambda)},
      {"nthread", absl::StrCat(params.threads)},
      {"seed", absl::StrCat(params.seed)},
      {"base_score", absl::StrCat(params.base_score)},
  };
  for (const auto& [name, value] : kParams) {
    absl::Status status = Check(XGBoosterSetParam(handle, name, value.c_str()), absl::StrCat("set ", name));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Booster>> Booster::Fit(const DenseMatrix& x, absl::Span<const float> labels,
                                                      const BoosterParams& params) {
  if (labels.size() != static_cast<size_t>(x.rows)) {
    return absl::InvalidArgumentError(absl::StrCat(labels.size(), " labels for ", x.rows, " rows"));
  }
  absl::StatusOr<DMatrix> train = MakeDMatrix(x, params.threads);
  if (!train.ok()) return train.status();
  absl::Status status =
      Check(XGDMatrixSetFloatInfo(train->get(), "label", labels.data(), labels.size()), "XGDMatrixSetFloatInfo");
  if (!status.ok()) return status;

  DMatrixHandle cache[] = {train->get()};
  BoosterHandle handle = nullptr;
  status = Check(XGBoosterCreate(cache, 1, &handle), "XGBoosterCreate");
  if (!status.ok()) return status;
  // Owned from here, so every early return frees the handle.
  std::unique_ptr<Booster> booster(new Booster(handle, x.columns));
  status = SetParams(handle, params);
  for (int round = 0; status.ok() && round < params.rounds; ++round) {
    status = Check(XGBoosterUpdateOneIter(handle, round, train->get()), "XGBoosterUpdateOneIter");
  }
  if (!status.ok()) return status;
  // Predictions run on the caller's thread: for one row an OpenMP team costs more than it saves, and on a
  // busy machine its spinning threads cost milliseconds.
  status = Check(XGBoosterSetParam(handle, "nthread", "1"), "set nthread");
  if (!status.ok()) return status;
  return booster;
}

Booster::~Booster() { XGBoosterFree(handle_); }

absl::StatusOr<std::vector<float>> Booster::Predict(const DenseMatrix& x, int type) const {
  if (x.columns != columns_) {
    return absl::InvalidArgumentError(absl::StrCat("rows of ", x.columns, " columns for a booster of ", columns_));
  }
  absl::StatusOr<DMatrix> matrix = MakeDMatrix(x, 1);
  if (!matrix.ok()) return matrix.status();
  const std::string config = absl::StrCat(R"({"type": )", type,
                                          R"(, "training": false, "iteration_begin": 0, "iteration_end": 0,)"
                                          R"( "strict_shape": false})");
  absl::MutexLock lock(&mutex_);
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* result = nullptr;
  absl::Status status =
      Check(XGBoosterPredictFromDMatrix(handle_, matrix->get(), config.c_str(), &shape, &dimensions, &result),
            "XGBoosterPredictFromDMatrix");
  if (!status.ok()) return status;
  size_t size = 1;
  for (bst_ulong i = 0; i < dimensions; ++i) size *= shape[i];
  return std::vector<float>(result, result + size);  // the buffer is XGBoost's until the next call
}

absl::StatusOr<std::vector<float>> Booster::PredictProbabilities(const DenseMatrix& x) const {
  absl::StatusOr<std::vector<float>> probabilities = Predict(x, kPredictProbability);
  if (probabilities.ok() && probabilities->size() != static_cast<size_t>(x.rows)) {
    return absl::InternalError(
        absl::StrCat("xgboost returned ", probabilities->size(), " predictions for ", x.rows, " rows"));
  }
  return probabilities;
}

absl::StatusOr<std::vector<float>> Booster::Contributions(absl::Span<const float> row) const {
  const DenseMatrix x{.rows = 1, .columns = static_cast<int64_t>(row.size()), .values = {row.begin(), row.end()}};
  absl::StatusOr<std::vector<float>> contributions = Predict(x, kPredictContributions);
  if (contributions.ok() && contributions->size() != row.size() + 1) {
    return absl::InternalError(
        absl::StrCat("xgboost returned ", contributions->size(), " contributions for ", row.size(), " columns"));
  }
  return contributions;
}

}  // namespace sfa::lead::predictive

#include "tools/simulator/model.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace sfa::tools::simulator {
namespace {

absl::Status Invalid(absl::string_view what) { return absl::InvalidArgumentError(std::string(what)); }

bool IsProbability(double p) { return p >= 0 && p <= 1; }

absl::Status CheckStages(const ModelConfig& model) {
  if (model.stages.empty() || model.stages.size() > 28) return Invalid("the model needs 1 to 28 open stages");
  absl::flat_hash_set<std::string> ids = {kWonStageId, kLostStageId};
  for (const StageModel& stage : model.stages) {
    if (stage.stage_id.empty() || !ids.insert(stage.stage_id).second) {
      return Invalid(absl::StrCat("stage id '", stage.stage_id, "' is empty or used twice"));
    }
    if (!(stage.median_days > 0) || !(stage.sigma >= 0)) {
      return Invalid(absl::StrCat("stage ", stage.stage_id, ": median_days must be > 0 and sigma >= 0"));
    }
    if (stage.configured_percent < 0 || stage.configured_percent > 100) {
      return Invalid(absl::StrCat("stage ", stage.stage_id, ": configured_percent must be 0-100"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckChainShape(const ModelConfig& model) {
  const size_t n = model.stages.size();
  if (model.chain.to_open.size() != n) return Invalid("the chain needs one row per open stage");
  for (size_t i = 0; i < n; ++i) {
    if (model.chain.to_open[i].size() == n && model.chain.to_open[i][i] != 0) {
      return Invalid(absl::StrCat("stage ", model.stages[i].stage_id, " moves to itself"));
    }
  }
  if (model.initial.size() != n) return Invalid("initial needs one weight per open stage");
  double total = 0;
  for (double w : model.initial) {
    if (w < 0) return Invalid("initial weights must be >= 0");
    total += w;
  }
  if (!(total > 0)) return Invalid("initial weights must not all be 0");
  absl::StatusOr<ChainSolution> solved = SolveChain(model.chain);
  return solved.ok() ? absl::OkStatus() : solved.status();
}

absl::Status CheckRest(const ModelConfig& model) {
  const AmountModel& a = model.amount;
  if (!(a.median_usd > 0) || !(a.sigma >= 0) || !(a.min_usd >= 0) || !(a.change_sigma >= 0) ||
      !IsProbability(a.change_probability) || a.median_usd > 1e9) {
    return Invalid("amount: median_usd in (0, 1e9], sigma, min_usd, change_sigma >= 0, change_probability in [0, 1]");
  }
  const SlippageModel& s = model.slippage;
  if (!(s.median_days > 0) || !(s.sigma >= 0) || !std::isfinite(s.shift_days) || !(s.plan_median_days > 0) ||
      !(s.plan_sigma >= 0)) {
    return Invalid("slippage: median_days, plan_median_days > 0, sigma, plan_sigma >= 0, finite shift_days");
  }
  const RevisionModel& r = model.revision;
  if (!(r.lag_max_days >= 0) || !(r.push_median_days > 0) || !(r.push_sigma >= 0)) {
    return Invalid("revision: lag_max_days >= 0, push_median_days > 0, push_sigma >= 0");
  }
  const OrgModel& o = model.org;
  if (o.regions < 1 || o.teams_per_region < 1 || o.reps_per_team < 1 || o.accounts < 0 ||
      o.regions * o.teams_per_region * o.reps_per_team > 10'000 || !IsProbability(o.no_account_probability)) {
    return Invalid("org: regions, teams_per_region, reps_per_team >= 1 (at most 10,000 reps), accounts >= 0");
  }
  if (!(model.activity_every_days > 0)) return Invalid("activity_every_days must be > 0");
  if (model.max_transitions < 1) return Invalid("max_transitions must be >= 1");
  return absl::OkStatus();
}

}  // namespace

bool ParseConfiguredProbabilities(absl::string_view text, ConfiguredProbabilities* out) {
  if (text == "true") {
    *out = ConfiguredProbabilities::kTrue;
    return true;
  }
  if (text == "skewed") {
    *out = ConfiguredProbabilities::kSkewed;
    return true;
  }
  return false;
}

absl::string_view ConfiguredProbabilitiesName(ConfiguredProbabilities configured) {
  return configured == ConfiguredProbabilities::kTrue ? "true" : "skewed";
}

std::vector<int> SkewedPercents() { return {30, 45, 60, 75, 90}; }

ModelConfig DefaultModel(ConfiguredProbabilities configured) {
  ModelConfig m;
  m.configured_name = std::string(ConfiguredProbabilitiesName(configured));
  m.stages = {
      {"prospect", "Prospect", Forecast::kPipeline, 12, 0.8}, {"qualify", "Qualify", Forecast::kPipeline, 16, 0.7},
      {"propose", "Propose", Forecast::kBestCase, 21, 0.6},   {"negotiate", "Negotiate", Forecast::kBestCase, 18, 0.6},
      {"commit", "Commit", Forecast::kCommit, 10, 0.5},
  };
  //                 prospect qualify propose negotiate commit
  m.chain.to_open = {{0.00, 0.55, 0.05, 0.00, 0.00},
                     {0.05, 0.00, 0.60, 0.00, 0.00},
                     {0.00, 0.08, 0.00, 0.57, 0.00},
                     {0.00, 0.00, 0.08, 0.00, 0.50},
                     {0.00, 0.00, 0.00, 0.10, 0.00}};
  m.chain.to_won = {0.00, 0.00, 0.00, 0.12, 0.70};
  m.chain.to_lost = {0.40, 0.35, 0.35, 0.30, 0.20};
  m.initial = {0.85, 0.15, 0, 0, 0};
  const std::vector<int> skewed = SkewedPercents();
  absl::StatusOr<ChainSolution> truth = SolveChain(m.chain);
  for (size_t i = 0; i < m.stages.size(); ++i) {
    m.stages[i].configured_percent = configured == ConfiguredProbabilities::kSkewed
                                         ? skewed[i]
                                         : static_cast<int>(std::lround(100 * truth->p_win[i]));
  }
  return m;
}

absl::Status ValidateModel(const ModelConfig& model) {
  if (absl::Status s = CheckStages(model); !s.ok()) return s;
  if (absl::Status s = CheckChainShape(model); !s.ok()) return s;
  return CheckRest(model);
}

}  // namespace sfa::tools::simulator

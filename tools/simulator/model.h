#ifndef SFA_TOOLS_SIMULATOR_MODEL_H_
#define SFA_TOOLS_SIMULATOR_MODEL_H_

// The parameters of the simulated sales organisation: the TRUE process deals follow (transition
// probabilities between open stages, time in stage, amounts, close-date slippage, activities) and what the
// pipeline is CONFIGURED to believe (its stage probabilities), which may deliberately be wrong.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "tools/simulator/chain.h"

namespace sfa::tools::simulator {

inline constexpr char kPipelineId[] = "sim";
inline constexpr char kWonStageId[] = "won";
inline constexpr char kLostStageId[] = "lost";
inline constexpr char kCurrency[] = "USD";

// What the pipeline's probability_percent per open stage is set to: the true P(win | stage) rounded to a
// percent, or figures far from it (a stage-weighted forecast built on them is wrong by construction).
enum class ConfiguredProbabilities { kTrue, kSkewed };

// "true" / "skewed".
bool ParseConfiguredProbabilities(absl::string_view text, ConfiguredProbabilities* out);
absl::string_view ConfiguredProbabilitiesName(ConfiguredProbabilities configured);

enum class Forecast { kPipeline, kBestCase, kCommit };

struct StageModel {
  std::string stage_id;
  std::string name;
  Forecast forecast = Forecast::kPipeline;
  // Time in the stage per visit, in days: LogNormal(median_days, sigma), independent of where the deal
  // goes next (so transitions stay Markov whatever the durations).
  double median_days = 10;
  double sigma = 0.7;
  // The pipeline definition's probability_percent for the stage.
  int configured_percent = 0;
};

struct AmountModel {
  // Amount at creation in USD: LogNormal(median_usd, sigma), whole dollars, at least min_usd.
  double median_usd = 25'000;
  double sigma = 0.9;
  double min_usd = 500;
  // On each forward move the amount is revised with this probability, by a factor LogNormal(1, change_sigma).
  double change_probability = 0.25;
  double change_sigma = 0.2;
};

// When deals close relative to their first expected close date. Won deals: win date - first expected close
// = shift_days + LogNormal(median_days, sigma) days (the rep's date is set at creation from it, so the
// slippage of wins is known exactly; with the defaults 31 % of wins come before the first date, the rest
// slip). Lost deals close when the chain loses them; their first date is the rep's plan, which cannot know
// that: creation + LogNormal(plan_median_days, plan_sigma) days.
struct SlippageModel {
  double shift_days = -10;
  double median_days = 15;
  double sigma = 0.8;
  double plan_median_days = 80;
  double plan_sigma = 0.5;
};

// While a deal is open past its expected close date, the rep pushes the date out: Uniform(0, lag_max_days)
// after it passed, to that day + LogNormal(push_median_days, push_sigma) days (at least one day).
struct RevisionModel {
  double lag_max_days = 7;
  double push_median_days = 21;
  double push_sigma = 0.6;
};

struct OrgModel {
  int regions = 4;
  int teams_per_region = 2;
  int reps_per_team = 6;
  // 0 = derived from the number of deals: deals / 20, within [20, 2000].
  int accounts = 0;
  // Deals created before their account is known (CreateOpportunity without account_id).
  double no_account_probability = 0.03;
};

struct ModelConfig {
  // How the configured probabilities were chosen ("true", "skewed", or anything for a custom model).
  std::string configured_name = "true";
  // Open stages in process order; the pipeline adds `won` and `lost` after them.
  std::vector<StageModel> stages;
  // The TRUE transition probabilities out of each open stage (rows sum to 1, no self-loops).
  Chain chain;
  // Where deals start (CreateOpportunity.stage_id): weights per open stage.
  std::vector<double> initial;
  AmountModel amount;
  SlippageModel slippage;
  RevisionModel revision;
  OrgModel org;
  // Activities (calls, meetings, ...) on an open deal: a Poisson process with this mean gap in days.
  double activity_every_days = 21;
  // A deal still open after this many transitions is lost (never met with the default chain: its odds
  // are below 1e-30).
  int max_transitions = 200;
};

// Five open stages (prospect, qualify, propose, negotiate, commit) with forward, skipping and backward
// moves, losses from every stage and wins from negotiate and commit; see README.md for the figures.
ModelConfig DefaultModel(ConfiguredProbabilities configured = ConfiguredProbabilities::kTrue);

// The skewed figures DefaultModel(kSkewed) configures: optimistic, 30 / 45 / 60 / 75 / 90 %.
std::vector<int> SkewedPercents();

// INVALID_ARGUMENT naming what is wrong: stage count or ids, the chain (see SolveChain), the initial
// weights, a non-positive median, sigma, mean gap or count, a probability outside [0, 1].
absl::Status ValidateModel(const ModelConfig& model);

}  // namespace sfa::tools::simulator

#endif  // SFA_TOOLS_SIMULATOR_MODEL_H_

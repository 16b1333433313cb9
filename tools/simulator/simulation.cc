#include "tools/simulator/simulation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/simulator/random.h"

namespace sfa::tools::simulator {
namespace {

constexpr uint64_t kArrivalStream = 1;
constexpr uint64_t kDealStream = 2;
constexpr int64_t kMaxDeals = 100'000'000;
// A stage visit lasts at least a minute, so a deal's steps have distinct times.
constexpr int64_t kMinStageSeconds = 60;
constexpr int kMaxRevisions = 50;
constexpr int kMaxActivities = 100;

constexpr std::array<double, kLeadSources> kLeadSourceWeights = {0.35, 0.20, 0.15, 0.20, 0.10};
constexpr std::array<double, kActivityKinds> kActivityWeights = {0.35, 0.30, 0.20, 0.10, 0.05};
constexpr std::array<double, kLostReasons> kLostReasonWeights = {0.25, 0.25, 0.25, 0.15, 0.10};

int64_t DaysToSeconds(double days) { return std::llround(days * kSecondsPerDay); }

int64_t UnixSeconds(absl::CivilDay day) { return absl::ToUnixSeconds(absl::FromCivil(day, absl::UTCTimeZone())); }

int64_t DollarsToCents(double usd, double min_usd) { return std::llround(std::max(usd, min_usd)) * 100; }

// Ties at one instant: a move before the amount it revised, the close last.
int Rank(StepKind kind) {
  switch (kind) {
    case StepKind::kCreate:
      return 0;
    case StepKind::kMove:
      return 1;
    case StepKind::kAmount:
      return 2;
    case StepKind::kCloseDate:
      return 3;
    case StepKind::kActivity:
      return 4;
    case StepKind::kWon:
    case StepKind::kLost:
      return 5;
  }
  return 6;
}

// Walks the TRUE chain from the create step to WON or LOST: appends kMove (and kAmount) steps and the
// closing step, and records the outcome in `deal`.
void WalkChain(const ModelConfig& model, Rng& rng, DealHistory& deal, std::vector<Step>& steps) {
  const size_t n = model.stages.size();
  std::vector<double> weights(n + 2);
  int stage = steps.front().stage;
  int64_t t = steps.front().at;
  int64_t amount = steps.front().amount_cents;
  for (int transition = 1;; ++transition) {
    const StageModel& here = model.stages[stage];
    t += std::max(kMinStageSeconds, DaysToSeconds(rng.LogNormal(here.median_days, here.sigma)));
    for (size_t j = 0; j < n; ++j) weights[j] = model.chain.to_open[stage][j];
    weights[n] = model.chain.to_won[stage];
    weights[n + 1] = model.chain.to_lost[stage];
    const int next = rng.Categorical(weights);
    const bool forced = transition >= model.max_transitions && next < static_cast<int>(n);
    if (next >= static_cast<int>(n) || forced) {
      deal.won = next == static_cast<int>(n) && !forced;
      deal.forced_lost = forced;
      deal.closed_at = t;
      Step close{t, deal.won ? StepKind::kWon : StepKind::kLost, stage};
      if (!deal.won) close.detail = rng.Categorical(kLostReasonWeights);
      steps.push_back(close);
      return;
    }
    steps.push_back(Step{t, StepKind::kMove, next});
    if (next > stage && rng.Bernoulli(model.amount.change_probability)) {
      const int64_t revised = DollarsToCents(
          static_cast<double>(amount / 100) * rng.LogNormal(1.0, model.amount.change_sigma), model.amount.min_usd);
      // A revision that rounds to the same dollars is no change: the service would append nothing and keep
      // no answer for its request id, so a rerun would meet it after later changes.
      if (revised != amount) steps.push_back(Step{t, StepKind::kAmount, next, revised});
      amount = revised;
    }
    stage = next;
  }
}

// The first expected close date (from the known slippage for wins, the rep's plan for losses), and the
// push-outs while the deal is overdue.
void PlanCloseDates(const ModelConfig& model, Rng& rng, DealHistory& deal, std::vector<Step>& steps) {
  const SlippageModel& s = model.slippage;
  const int64_t earliest = FloorDay(deal.created_at) + kSecondsPerDay;
  int64_t expected = 0;
  if (deal.won) {
    const double slippage_days = s.shift_days + rng.LogNormal(s.median_days, s.sigma);
    expected = FloorDay(deal.closed_at - DaysToSeconds(slippage_days));
  } else {
    expected = FloorDay(deal.created_at + DaysToSeconds(rng.LogNormal(s.plan_median_days, s.plan_sigma)));
  }
  if (expected < earliest) {
    expected = earliest;
    deal.expected_close_clamped = true;
  }
  deal.first_expected_close = expected;
  steps.front().expected_close = expected;
  const RevisionModel& r = model.revision;
  for (int i = 0; i < kMaxRevisions && expected < deal.closed_at; ++i) {
    const int64_t at = expected + DaysToSeconds(rng.Uniform01() * r.lag_max_days);
    if (at >= deal.closed_at) break;
    const int64_t push = std::max<int64_t>(1, std::llround(rng.LogNormal(r.push_median_days, r.push_sigma)));
    expected = FloorDay(at) + push * kSecondsPerDay;
    Step step{at, StepKind::kCloseDate};
    step.expected_close = expected;
    steps.push_back(step);
  }
}

void PlanActivities(const ModelConfig& model, Rng& rng, const DealHistory& deal, std::vector<Step>& steps) {
  int64_t t = deal.created_at + DaysToSeconds(rng.Exponential(model.activity_every_days));
  for (int i = 0; i < kMaxActivities && t < deal.closed_at; ++i) {
    Step step{t, StepKind::kActivity};
    step.detail = rng.Categorical(kActivityWeights);
    steps.push_back(step);
    t += std::max<int64_t>(1, DaysToSeconds(rng.Exponential(model.activity_every_days)));
  }
}

// Sorts the steps into time order and fills in every step's stage, amount and expected close as they are
// after it.
void Settle(std::vector<Step>& steps) {
  std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) {
    return a.at != b.at ? a.at < b.at : Rank(a.kind) < Rank(b.kind);
  });
  int stage = steps.front().stage;
  int64_t amount = steps.front().amount_cents;
  int64_t expected = steps.front().expected_close;
  for (Step& step : steps) {
    if (step.kind == StepKind::kMove) stage = step.stage;
    if (step.kind == StepKind::kAmount) amount = step.amount_cents;
    if (step.kind == StepKind::kCloseDate) expected = step.expected_close;
    step.stage = stage;
    step.amount_cents = amount;
    step.expected_close = expected;
  }
}

}  // namespace

absl::string_view StepKindName(StepKind kind) {
  switch (kind) {
    case StepKind::kCreate:
      return "create";
    case StepKind::kMove:
      return "move";
    case StepKind::kAmount:
      return "amount";
    case StepKind::kCloseDate:
      return "close_date";
    case StepKind::kActivity:
      return "activity";
    case StepKind::kWon:
      return "won";
    case StepKind::kLost:
      return "lost";
  }
  return "unknown";
}

int64_t FloorDay(int64_t t) {
  const int64_t r = t % kSecondsPerDay;
  return t - (r < 0 ? r + kSecondsPerDay : r);
}

size_t DealHistory::StepsBefore(int64_t horizon) const {
  size_t n = 0;
  while (n < steps.size() && steps[n].at < horizon) ++n;
  return n;
}

absl::StatusOr<Simulation> Simulation::Create(ModelConfig model, SimulationOptions options) {
  if (absl::Status s = ValidateModel(model); !s.ok()) return s;
  if (options.deals < 1 || options.deals > kMaxDeals) {
    return absl::InvalidArgumentError(absl::StrCat("deals must be 1 to ", kMaxDeals));
  }
  if (options.to < options.from) return absl::InvalidArgumentError("to is before from");
  return Simulation(std::move(model), options);
}

Simulation::Simulation(ModelConfig model, SimulationOptions options)
    : model_(std::move(model)), options_(options), org_(BuildOrganisation(model_.org, options.deals)) {
  start_ = UnixSeconds(options_.from);
  horizon_ = UnixSeconds(options_.to + 1);
  // A Poisson process with exactly `deals` arrivals in [start, horizon) has the order statistics of that
  // many uniform points: the normalised partial sums of deals + 1 exponential gaps.
  const auto gaps = [&](auto&& each) {
    Rng rng(DeriveSeed(options_.seed, kArrivalStream, 0));
    for (int64_t i = 0; i <= options_.deals; ++i) each(rng.Exponential(1.0));
  };
  double total = 0;
  gaps([&](double gap) { total += gap; });
  const double span = static_cast<double>(horizon_ - start_);
  created_.reserve(options_.deals);
  double sum = 0;
  gaps([&](double gap) {
    sum += gap;
    if (static_cast<int64_t>(created_.size()) < options_.deals) {
      created_.push_back(std::min(horizon_ - 1, start_ + static_cast<int64_t>(span * (sum / total))));
    }
  });
  accounts_by_region_.resize(org_.regions.size());
  for (size_t i = 0; i < org_.accounts.size(); ++i) {
    accounts_by_region_[i % org_.regions.size()].push_back(static_cast<int>(i));
  }
}

DealHistory Simulation::Deal(int64_t index) const {
  Rng rng(DeriveSeed(options_.seed, kDealStream, static_cast<uint64_t>(index)));
  DealHistory deal;
  deal.index = index;
  deal.created_at = created_[index];
  deal.owner = static_cast<int>(rng.UniformInt(org_.reps.size()));
  const size_t region = static_cast<size_t>(org_.reps[deal.owner].team) / model_.org.teams_per_region;
  const std::vector<int>& local = accounts_by_region_[region];
  const bool with_account = !rng.Bernoulli(model_.org.no_account_probability);
  if (with_account && !local.empty()) deal.account = local[rng.UniformInt(local.size())];
  deal.lead_source = rng.Categorical(kLeadSourceWeights);
  Step create{deal.created_at, StepKind::kCreate, rng.Categorical(model_.initial)};
  create.amount_cents =
      DollarsToCents(rng.LogNormal(model_.amount.median_usd, model_.amount.sigma), model_.amount.min_usd);
  std::vector<Step> steps = {create};
  WalkChain(model_, rng, deal, steps);
  PlanCloseDates(model_, rng, deal, steps);
  PlanActivities(model_, rng, deal, steps);
  Settle(steps);
  deal.steps = std::move(steps);
  return deal;
}

}  // namespace sfa::tools::simulator

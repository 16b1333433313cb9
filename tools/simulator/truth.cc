#include "tools/simulator/truth.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "tools/simulator/json_writer.h"

namespace sfa::tools::simulator {
namespace {

// Standard normal quantiles.
constexpr double kZ10 = -1.2815515655446004;
constexpr double kZ80 = 0.8416212335729143;
constexpr double kZ90 = 1.2815515655446004;

int64_t UnixSeconds(absl::CivilSecond t) { return absl::ToUnixSeconds(absl::FromCivil(t, absl::UTCTimeZone())); }

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string TimeText(int64_t t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(t), absl::UTCTimeZone());
}

// Calendar periods of `months` months from the one holding `start` to 12 months past `horizon`.
std::vector<PeriodTruth> Periods(int64_t start, int64_t horizon, int months) {
  const absl::CivilMonth first(absl::ToCivilMonth(absl::FromUnixSeconds(start), absl::UTCTimeZone()));
  absl::CivilMonth at(first.year(), (first.month() - 1) / months * months + 1);
  const int64_t last =
      UnixSeconds(absl::CivilMonth(absl::ToCivilMonth(absl::FromUnixSeconds(horizon - 1), absl::UTCTimeZone())) + 13);
  std::vector<PeriodTruth> out;
  while (UnixSeconds(at) < last) {
    PeriodTruth p;
    p.start = UnixSeconds(at);
    at += months;
    p.end = UnixSeconds(at);
    p.observed = p.end <= horizon;
    out.push_back(p);
  }
  return out;
}

// The index of the period holding `t`, or -1 outside them all.
int PeriodOf(const std::vector<PeriodTruth>& periods, int64_t t) {
  auto it =
      std::upper_bound(periods.begin(), periods.end(), t, [](int64_t v, const PeriodTruth& p) { return v < p.start; });
  if (it == periods.begin()) return -1;
  --it;
  return t < it->end ? static_cast<int>(it - periods.begin()) : -1;
}

void AddToPeriods(const DealHistory& deal, const std::vector<double>& configured, const std::vector<double>& p_win,
                  std::vector<PeriodTruth>& periods) {
  if (int p = PeriodOf(periods, deal.created_at); p >= 0) ++periods[p].created;
  if (int p = PeriodOf(periods, deal.closed_at); p >= 0) {
    ++(deal.won ? periods[p].won : periods[p].lost);
    if (deal.won) periods[p].won_cents += deal.FinalAmountCents();
  }
  // Periods starting while the deal is open (created before the start, not closed before it).
  auto it = std::upper_bound(periods.begin(), periods.end(), deal.created_at,
                             [](int64_t v, const PeriodTruth& p) { return v < p.start; });
  size_t k = 0;
  for (; it != periods.end() && it->start <= deal.closed_at; ++it) {
    while (k + 1 < deal.steps.size() && deal.steps[k + 1].at < it->start) ++k;
    const Step& now = deal.steps[k];
    ++it->open_at_start;
    it->open_at_start_cents += now.amount_cents;
    if (now.expected_close >= it->start && now.expected_close < it->end) {
      ++it->expected_in_period;
      it->expected_in_period_cents += now.amount_cents;
      it->stage_weighted_configured_cents += now.amount_cents * configured[now.stage];
      it->stage_weighted_true_cents += now.amount_cents * p_win[now.stage];
    }
    if (deal.won && deal.closed_at < it->end) {
      ++it->won_open_at_start;
      it->won_open_at_start_cents += deal.FinalAmountCents();
    }
  }
}

// Visits and exits of each open stage along the deal's path.
void CountTransitions(const DealHistory& deal, int64_t horizon, std::vector<StageTruth>& stages) {
  const int n = static_cast<int>(stages.size());
  std::vector<bool> seen(n, false);
  int stage = -1;
  for (const Step& step : deal.steps) {
    int destination = -1;
    if (step.kind == StepKind::kMove) destination = step.stage;
    if (step.kind == StepKind::kWon) destination = n;
    if (step.kind == StepKind::kLost) destination = n + 1;
    if (step.kind == StepKind::kCreate) stage = step.stage;
    if (destination >= 0) {
      ++stages[stage].exits_all[destination];
      if (step.at < horizon) ++stages[stage].exits_observed[destination];
      if (destination < n) stage = destination;
    }
    if (step.kind == StepKind::kCreate || step.kind == StepKind::kMove) {
      ++stages[stage].visits;
      if (!seen[stage]) {
        seen[stage] = true;
        ++stages[stage].first_visits;
        if (deal.won) ++stages[stage].first_visit_wins;
      }
    }
  }
}

// P(win | stage) of the chain that `exits` (per stage: open stages, won, lost) define; -1 for every stage
// when some stage has no exits.
std::vector<double> LearnedWinProbabilities(const std::vector<std::vector<int64_t>>& exits) {
  const size_t n = exits.size();
  Chain chain;
  for (const std::vector<int64_t>& row : exits) {
    const double total = static_cast<double>(std::accumulate(row.begin(), row.end(), int64_t{0}));
    if (total == 0) return std::vector<double>(n, -1);
    std::vector<double> to_open;
    for (size_t j = 0; j < n; ++j) to_open.push_back(row[j] / total);
    chain.to_open.push_back(std::move(to_open));
    chain.to_won.push_back(row[n] / total);
    chain.to_lost.push_back(row[n + 1] / total);
  }
  absl::StatusOr<ChainSolution> solved = SolveChain(chain);
  return solved.ok() ? solved->p_win : std::vector<double>(n, -1);
}

double Quantile(std::vector<float>& sample, double q) {
  if (sample.empty()) return 0;
  const size_t k = std::min(sample.size() - 1, static_cast<size_t>(q * static_cast<double>(sample.size())));
  std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(k), sample.end());
  return sample[k];
}

SlippageTruth AnalyticSlippage(const SlippageModel& model) {
  SlippageTruth s;
  s.shift_days = model.shift_days;
  s.median_days = model.median_days;
  s.sigma = model.sigma;
  s.mean_days = model.shift_days + model.median_days * std::exp(model.sigma * model.sigma / 2);
  s.p10_days = model.shift_days + model.median_days * std::exp(model.sigma * kZ10);
  s.p50_days = model.shift_days + model.median_days;
  s.p90_days = model.shift_days + model.median_days * std::exp(model.sigma * kZ90);
  s.plan_median_days = model.plan_median_days;
  s.plan_sigma = model.plan_sigma;
  return s;
}

std::vector<StageTruth> AnalyticStages(const ModelConfig& model, const ChainSolution& solved) {
  std::vector<StageTruth> out;
  const size_t n = model.stages.size();
  for (size_t i = 0; i < n; ++i) {
    const StageModel& m = model.stages[i];
    StageTruth s;
    s.stage_id = m.stage_id;
    s.name = m.name;
    s.configured_percent = m.configured_percent;
    s.p_win = solved.p_win[i];
    s.p_lost = solved.p_lost[i];
    s.expected_transitions = solved.expected_transitions[i];
    s.median_days = m.median_days;
    s.sigma = m.sigma;
    s.mean_days = m.median_days * std::exp(m.sigma * m.sigma / 2);
    s.p80_days = m.median_days * std::exp(m.sigma * kZ80);
    s.p90_days = m.median_days * std::exp(m.sigma * kZ90);
    s.exits_observed.assign(n + 2, 0);
    s.exits_all.assign(n + 2, 0);
    out.push_back(std::move(s));
  }
  return out;
}

void FinishStages(std::vector<StageTruth>& stages) {
  std::vector<std::vector<int64_t>> observed, all;
  for (const StageTruth& s : stages) {
    observed.push_back(s.exits_observed);
    all.push_back(s.exits_all);
  }
  const std::vector<double> p_observed = LearnedWinProbabilities(observed);
  const std::vector<double> p_all = LearnedWinProbabilities(all);
  for (size_t i = 0; i < stages.size(); ++i) {
    stages[i].p_win_observed = p_observed[i];
    stages[i].p_win_all = p_all[i];
  }
}

}  // namespace

absl::StatusOr<TruthReport> ComputeTruth(const Simulation& simulation) {
  const ModelConfig& model = simulation.model();
  absl::StatusOr<ChainSolution> solved = SolveChain(model.chain);
  if (!solved.ok()) return solved.status();
  TruthReport truth;
  truth.seed = simulation.seed();
  truth.deals = simulation.deals();
  truth.from = DayText(simulation.options().from);
  truth.to = DayText(simulation.options().to);
  truth.horizon = simulation.horizon();
  truth.configured = model.configured_name;
  truth.stages = AnalyticStages(model, *solved);
  const double initial_total = std::accumulate(model.initial.begin(), model.initial.end(), 0.0);
  for (size_t i = 0; i < model.stages.size(); ++i) {
    truth.new_deal_win_probability += model.initial[i] / initial_total * solved->p_win[i];
  }
  std::vector<double> configured;
  for (const StageModel& s : model.stages) configured.push_back(s.configured_percent / 100.0);
  truth.slippage = AnalyticSlippage(model.slippage);
  truth.months = Periods(simulation.start(), simulation.horizon(), 1);
  truth.quarters = Periods(simulation.start(), simulation.horizon(), 3);
  truth.steps_by_kind.assign(kStepKinds, 0);
  std::vector<float> slippage;
  slippage.reserve(static_cast<size_t>(simulation.deals()));
  const int64_t horizon = simulation.horizon();
  for (int64_t i = 0; i < simulation.deals(); ++i) {
    const DealHistory deal = simulation.Deal(i);
    ++(deal.won ? truth.won : truth.lost);
    if (deal.won) truth.won_cents += deal.FinalAmountCents();
    if (deal.forced_lost) ++truth.forced_lost;
    if (deal.closed_at >= horizon) {
      ++truth.open_at_horizon;
    } else {
      ++(deal.won ? truth.won_before_horizon : truth.lost_before_horizon);
    }
    const size_t written = deal.StepsBefore(horizon);
    truth.steps_before_horizon += static_cast<int64_t>(written);
    for (size_t k = 0; k < deal.steps.size(); ++k) {
      if (k < written) ++truth.steps_by_kind[static_cast<int>(deal.steps[k].kind)];
      if (deal.steps[k].kind == StepKind::kCloseDate) ++truth.slippage.revisions;
    }
    if (deal.won) {
      slippage.push_back(
          static_cast<float>(static_cast<double>(deal.closed_at - deal.first_expected_close) / kSecondsPerDay));
      if (deal.expected_close_clamped) ++truth.slippage.clamped;
    }
    CountTransitions(deal, horizon, truth.stages);
    AddToPeriods(deal, configured, solved->p_win, truth.months);
    AddToPeriods(deal, configured, solved->p_win, truth.quarters);
  }
  FinishStages(truth.stages);
  SlippageTruth& s = truth.slippage;
  s.deals = static_cast<int64_t>(slippage.size());
  double sum = 0;
  int64_t pushed = 0;
  for (float v : slippage) {
    sum += v;
    pushed += v > 0;
  }
  s.empirical_mean_days = s.deals > 0 ? sum / static_cast<double>(s.deals) : 0;
  s.share_pushed_out = s.deals > 0 ? static_cast<double>(pushed) / static_cast<double>(s.deals) : 0;
  s.empirical_p10_days = Quantile(slippage, 0.1);
  s.empirical_p50_days = Quantile(slippage, 0.5);
  s.empirical_p90_days = Quantile(slippage, 0.9);
  return truth;
}

namespace {

void WriteStage(JsonWriter& w, const StageTruth& s, const std::vector<StageTruth>& stages) {
  w.BeginObject();
  w.Key("stage_id").String(s.stage_id);
  w.Key("name").String(s.name);
  w.Key("configured_probability_percent").Int(s.configured_percent);
  w.Key("p_win").Double(s.p_win);
  w.Key("p_lost").Double(s.p_lost);
  w.Key("expected_transitions").Double(s.expected_transitions);
  w.Key("days_in_stage").BeginObject();
  w.Key("distribution").String("lognormal");
  w.Key("median").Double(s.median_days);
  w.Key("sigma").Double(s.sigma);
  w.Key("mean").Double(s.mean_days);
  w.Key("p50").Double(s.median_days);
  w.Key("p80").Double(s.p80_days);
  w.Key("p90").Double(s.p90_days);
  w.EndObject();
  w.Key("first_visits").Int(s.first_visits);
  w.Key("first_visit_wins").Int(s.first_visit_wins);
  w.Key("visits").Int(s.visits);
  const auto exits = [&](const char* key, const std::vector<int64_t>& counts) {
    w.Key(key).BeginObject();
    for (size_t j = 0; j < stages.size(); ++j) w.Key(stages[j].stage_id).Int(counts[j]);
    w.Key(kWonStageId).Int(counts[stages.size()]);
    w.Key(kLostStageId).Int(counts[stages.size() + 1]);
    w.EndObject();
  };
  exits("exits_observed", s.exits_observed);
  w.Key("p_win_observed").Double(s.p_win_observed);
  exits("exits_all", s.exits_all);
  w.Key("p_win_all").Double(s.p_win_all);
  w.EndObject();
}

void WritePeriods(JsonWriter& w, const char* key, const std::vector<PeriodTruth>& periods) {
  w.Key(key).BeginArray();
  for (const PeriodTruth& p : periods) {
    w.BeginObject();
    w.Key("start").String(TimeText(p.start));
    w.Key("end").String(TimeText(p.end));
    w.Key("observed").Bool(p.observed);
    w.Key("created").Int(p.created);
    w.Key("won").Int(p.won);
    w.Key("won_cents").Int(p.won_cents);
    w.Key("lost").Int(p.lost);
    w.Key("open_at_start").Int(p.open_at_start);
    w.Key("open_at_start_cents").Int(p.open_at_start_cents);
    w.Key("expected_in_period").Int(p.expected_in_period);
    w.Key("expected_in_period_cents").Int(p.expected_in_period_cents);
    w.Key("stage_weighted_configured_cents").Double(std::round(p.stage_weighted_configured_cents));
    w.Key("stage_weighted_true_cents").Double(std::round(p.stage_weighted_true_cents));
    w.Key("won_open_at_start").Int(p.won_open_at_start);
    w.Key("won_open_at_start_cents").Int(p.won_open_at_start_cents);
    w.EndObject();
  }
  w.EndArray();
}

void WriteSlippage(JsonWriter& w, const SlippageTruth& s) {
  w.Key("slippage_days").BeginObject();
  w.Key("definition").String("won deals: win date - first expected close date");
  w.Key("distribution").String("shift + lognormal(median, sigma)");
  w.Key("shift").Double(s.shift_days);
  w.Key("median").Double(s.median_days);
  w.Key("sigma").Double(s.sigma);
  w.Key("mean").Double(s.mean_days);
  w.Key("p10").Double(s.p10_days);
  w.Key("p50").Double(s.p50_days);
  w.Key("p90").Double(s.p90_days);
  w.Key("lost_deals_first_expected_close").String("creation + lognormal(plan_median, plan_sigma)");
  w.Key("plan_median").Double(s.plan_median_days);
  w.Key("plan_sigma").Double(s.plan_sigma);
  w.Key("empirical").BeginObject();
  w.Key("deals").Int(s.deals);
  w.Key("clamped").Int(s.clamped);
  w.Key("mean").Double(s.empirical_mean_days);
  w.Key("p10").Double(s.empirical_p10_days);
  w.Key("p50").Double(s.empirical_p50_days);
  w.Key("p90").Double(s.empirical_p90_days);
  w.Key("share_pushed_out").Double(s.share_pushed_out);
  w.Key("revisions").Int(s.revisions);
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string TruthJson(const TruthReport& t) {
  JsonWriter w;
  w.BeginObject();
  w.Key("seed").String(absl::StrCat(t.seed));
  w.Key("deals").Int(t.deals);
  w.Key("from").String(t.from);
  w.Key("to").String(t.to);
  w.Key("horizon").String(TimeText(t.horizon));
  w.Key("configured_probabilities").String(t.configured);
  w.Key("pipeline_id").String(kPipelineId);
  w.Key("currency").String(kCurrency);
  w.Key("new_deal_win_probability").Double(t.new_deal_win_probability);
  w.Key("stages").BeginArray();
  for (const StageTruth& s : t.stages) WriteStage(w, s, t.stages);
  w.EndArray();
  w.Key("outcomes").BeginObject();
  w.Key("won").Int(t.won);
  w.Key("lost").Int(t.lost);
  w.Key("forced_lost").Int(t.forced_lost);
  w.Key("won_cents").Int(t.won_cents);
  w.Key("won_before_horizon").Int(t.won_before_horizon);
  w.Key("lost_before_horizon").Int(t.lost_before_horizon);
  w.Key("open_at_horizon").Int(t.open_at_horizon);
  w.EndObject();
  w.Key("steps_before_horizon").BeginObject();
  w.Key("total").Int(t.steps_before_horizon);
  for (int k = 0; k < kStepKinds; ++k) w.Key(StepKindName(static_cast<StepKind>(k))).Int(t.steps_by_kind[k]);
  w.EndObject();
  WriteSlippage(w, t.slippage);
  WritePeriods(w, "months", t.months);
  WritePeriods(w, "quarters", t.quarters);
  w.EndObject();
  return w.text() + "\n";
}

std::string TruthText(const TruthReport& t) {
  std::string out = absl::StrFormat("truth: %d deals, seed %d, %s..%s, configured probabilities %s\n", t.deals, t.seed,
                                    t.from, t.to, t.configured);
  absl::StrAppend(&out, "  stage        configured  P(win) true  observed  median days\n");
  for (const StageTruth& s : t.stages) {
    absl::StrAppend(&out, absl::StrFormat("  %-12s %9d%%  %11.4f  %8.4f  %11.1f\n", s.stage_id, s.configured_percent,
                                          s.p_win, s.p_win_observed, s.median_days));
  }
  absl::StrAppend(&out, absl::StrFormat("  new deal P(win) %.4f; won %d, lost %d; at the horizon %d won, %d lost, "
                                        "%d open\n",
                                        t.new_deal_win_probability, t.won, t.lost, t.won_before_horizon,
                                        t.lost_before_horizon, t.open_at_horizon));
  absl::StrAppend(
      &out, absl::StrFormat("  slippage of wins (days): model mean %.1f p50 %.1f; realised mean %.1f p50 "
                            "%.1f, %.0f%% pushed out, %d clamped\n",
                            t.slippage.mean_days, t.slippage.p50_days, t.slippage.empirical_mean_days,
                            t.slippage.empirical_p50_days, 100 * t.slippage.share_pushed_out, t.slippage.clamped));
  return out;
}

}  // namespace sfa::tools::simulator

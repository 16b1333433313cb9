#include "analytics/forecast/snapshot.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "analytics/forecast/exposure.h"
#include "analytics/forecast/read_model.h"
#include "analytics/projections/projections.h"
#include "analytics/stats/durations.h"
#include "analytics/stats/markov.h"
#include "base/key_codec.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"
#include "sfa/opportunity/v1/opportunity_types.pb.h"

namespace sfa::analytics::forecast {
namespace {

namespace ov1 = ::sfa::opportunity::v1;

// Stage ids are per pipeline; the learned inputs of several pipelines share one map.
std::string StageKey(const std::string& pipeline, const std::string& stage) {
  return absl::StrCat(pipeline, "\x1f", stage);
}
// The synthetic stage of a pipeline's run-rate deals (no real stage id starts with \x01).
std::string RunRateStage(const std::string& pipeline) { return absl::StrCat("\x01run-rate\x1f", pipeline); }

stats::ForecastCategory CategoryOf(int32_t category) {
  switch (category) {
    case ov1::FORECAST_CATEGORY_BEST_CASE:
      return stats::ForecastCategory::kBestCase;
    case ov1::FORECAST_CATEGORY_COMMIT:
    case ov1::FORECAST_CATEGORY_CLOSED:  // an open deal cannot be closed; count it with the surest open ones
      return stats::ForecastCategory::kCommit;
    case ov1::FORECAST_CATEGORY_OMITTED:
      return stats::ForecastCategory::kOmitted;
    default:
      return stats::ForecastCategory::kPipeline;
  }
}

// The month keys of every whole calendar month up to (excluding) `before`: [0, before).
template <typename Parsed>
absl::Status MergeMonths(const eventstore::EventStore& store, absl::string_view cf, const std::string& prefix,
                         uint64_t before, Parsed& into) {
  const eventstore::KeyRange range = {
      prefix, before == UINT64_MAX ? base::PrefixSuccessor(prefix) : base::KeyBuilder(prefix).Uint64(before).Release()};
  absl::Status failure;
  SFA_RETURN_IF_ERROR(
      eventstore::ScanRange(store, cf, range, SIZE_MAX, [&](absl::string_view, absl::string_view value) {
        absl::StatusOr<Parsed> month = Parsed::Parse(value);
        if (!month.ok()) {
          failure = month.status();
          return false;
        }
        into.Merge(*month);
        return true;
      }));
  return failure;
}

// The widest slippage on either side that the histogram holds: beyond it the CDF is flat, so a deal
// whose first expected close lies further from the period cannot close in it.
absl::Duration Reach(const stats::DurationHistogram& h) {
  for (int b = stats::kDurationBuckets - 1; b >= 0; --b) {
    if (h.buckets()[b] == 0) continue;
    return b == stats::kDurationBuckets - 1 ? stats::DurationHistogram::Lower(b) + absl::Seconds(1)
                                            : stats::DurationHistogram::Upper(b);
  }
  return absl::ZeroDuration();
}

class Reading {
 public:
  Reading(const eventstore::EventStore& store, const std::string& tenant, const SnapshotSpec& spec)
      : store_(store),
        tenant_(tenant),
        spec_(spec),
        start_(absl::ToUnixMicros(spec.period.start)),
        end_(absl::ToUnixMicros(spec.period.end)),
        as_of_(absl::ToUnixMicros(spec.as_of)),
        from_(std::max(start_, as_of_)),
        state_as_of_(spec.now ? std::nullopt : std::optional<int64_t>(as_of_)),
        learn_before_(spec.now ? UINT64_MAX : MonthKey(as_of_)) {}

  // Deals expected to close in the period, and the period's wins so far.
  absl::Status ReadExpected(const std::string& pipeline) {
    SFA_RETURN_IF_ERROR(ForEachState(store_, tenant_, pipeline, DateIndex::kExpectedClose, MonthsCovering(start_, end_),
                                     state_as_of_, [&](DealState&& s) {
                                       if (!s.expected_close || *s.expected_close < start_ ||
                                           *s.expected_close >= end_) {
                                         return absl::OkStatus();
                                       }
                                       snapshot_.by_expected_close.push_back(Deal(pipeline, s, s.expected_close));
                                       return absl::OkStatus();
                                     }));
    return ForEachWin(store_, tenant_, pipeline, start_, std::min(end_, as_of_), [&](WonRow&& w) {
      Count(w.opportunity_id, w.currency);
      stats::OpenDeal d;
      d.amount_minor = w.amount_minor;
      d.currency = w.currency;
      d.forecast_category = stats::ForecastCategory::kClosed;
      d.expected_close = absl::FromUnixMicros(w.won_at);
      SetOwner(d, w.owner_user_id);
      snapshot_.by_expected_close.push_back(std::move(d));
      return absl::OkStatus();
    });
  }

  // P(win | stage) from the pipeline's transitions, and its wins' slippage, before the instant.
  absl::Status Learn(const std::string& pipeline) {
    const std::string prefix = base::KeyBuilder().String(tenant_).String(pipeline).Release();
    stats::TransitionCounts counts;
    SFA_RETURN_IF_ERROR(MergeMonths(store_, projections::kTransitionsCf, prefix, learn_before_, counts));
    absl::StatusOr<stats::TransitionCounts> chain = projections::ChainTransitions(store_, tenant_, pipeline, counts);
    if (!chain.ok()) return chain.status();
    absl::StatusOr<std::vector<stats::StageOdds>> odds = stats::WinProbabilities(*chain);
    if (!odds.ok()) return odds.status();
    Odds& learned = odds_[pipeline];
    for (const stats::StageOdds& o : *odds) {
      if (o.p_win.has_value()) learned.p_win[o.stage_id] = *o.p_win;
    }
    SFA_RETURN_IF_ERROR(MergeMonths(store_, kExposureCf, prefix, learn_before_, learned.exposure));
    return MergeMonths(store_, kSlippageCf, prefix, learn_before_, snapshot_.learned.slippage);
  }

  // Open deals whose first expected close can, with the learned slippage, fall in the period's rest
  // [from, end) given that they are still open at as_of.
  absl::Status ReadSlippageWindow(const std::string& pipeline) {
    const absl::Duration late = Reach(snapshot_.learned.slippage.late());
    const absl::Duration early = Reach(snapshot_.learned.slippage.early());
    const int64_t lower = from_ - absl::ToInt64Microseconds(late);
    const int64_t upper = end_ + absl::ToInt64Microseconds(early) + 1;
    return ForEachState(
        store_, tenant_, pipeline, DateIndex::kFirstExpectedClose, MonthsCovering(lower, upper), state_as_of_,
        [&](DealState&& s) {
          if (!s.first_expected_close || *s.first_expected_close < lower || *s.first_expected_close >= upper) {
            return absl::OkStatus();
          }
          stats::OpenDeal d = Deal(pipeline, s, s.first_expected_close);
          d.stage_id = OddsKey(pipeline, s.stage_id, *s.first_expected_close);
          snapshot_.by_first_expected_close.push_back(std::move(d));
          return absl::OkStatus();
        });
  }

  // Deals created after as_of and won by the period's end: the wins of deals created and won inside
  // each of the K windows of the same length before as_of (only windows after the pipeline's first deal),
  // each such win standing for a Poisson(1 / K) number of wins like it (kRunRateCopies copies of 1 / (copies
  // x K) chance each).
  absl::Status ReadRunRate(const std::string& pipeline) {
    const int64_t length = end_ - from_;
    if (length <= 0) return absl::OkStatus();
    absl::StatusOr<std::optional<int64_t>> history_start = PipelineStart(store_, tenant_, pipeline);
    if (!history_start.ok()) return history_start.status();
    if (!history_start->has_value() || **history_start >= as_of_) return absl::OkStatus();
    const int64_t wanted = std::max<int64_t>(1, absl::ToInt64Microseconds(kRunRateLookback) / length);
    const int64_t windows = std::min<int64_t>(wanted, (as_of_ - **history_start) / length);
    if (windows == 0) return absl::OkStatus();
    const std::string stage = RunRateStage(pipeline);
    const size_t first = snapshot_.by_first_expected_close.size();
    SFA_RETURN_IF_ERROR(ForEachWin(store_, tenant_, pipeline, as_of_ - windows * length, as_of_, [&](WonRow&& w) {
      const int64_t j = (as_of_ - w.won_at + length - 1) / length;   // won in [as_of - j L, as_of - (j-1) L)
      if (w.created < as_of_ - j * length) return absl::OkStatus();  // created before its window
      stats::OpenDeal d;
      d.amount_minor = w.amount_minor;
      d.currency = w.currency;
      d.stage_id = stage;
      SetOwner(d, w.owner_user_id);
      for (int c = 0; c < kRunRateCopies; ++c) snapshot_.by_first_expected_close.push_back(d);
      return absl::OkStatus();
    }));
    if (snapshot_.by_first_expected_close.size() == first) return absl::OkStatus();
    // Undated deals close by their stage's time to close from as_of: a point inside [from, end) makes the
    // chance of closing in the rest of the period p_close (1 unless the period is narrower than the
    // histogram's bucket there), and the win probability is scaled to give each copy exactly its share.
    stats::DurationHistogram timing;
    timing.Add(absl::Microseconds(from_ - as_of_ + length / 2));
    const stats::EmpiricalCdf cdf = timing.Cdf();
    const double p_close = cdf.Cdf(absl::Microseconds(end_ - as_of_)) - cdf.Cdf(absl::Microseconds(from_ - as_of_));
    const double share = 1.0 / (static_cast<double>(kRunRateCopies) * static_cast<double>(windows));
    snapshot_.learned.win_probability[stage] = p_close > share ? share / p_close : 1.0;
    snapshot_.learned.time_to_close[stage] = timing;
    return absl::OkStatus();
  }

  Snapshot Release() { return std::move(snapshot_); }

 private:
  struct Odds {
    absl::flat_hash_map<std::string, double> p_win;  // the chain's, by stage
    ExposureTable exposure;
  };

  // A deal's learned odds: the chain's P(win | stage) with its odds scaled by how unusual it is for a deal
  // of the stage to be open this long before / after its first expected close (exposure.h). The key names
  // (pipeline, stage, bucket); stages without a learned probability keep no entry (configured fallback).
  std::string OddsKey(const std::string& pipeline, const std::string& stage, int64_t first_expected_close) {
    const int bucket = OverdueBucket(absl::Microseconds(as_of_ - first_expected_close));
    std::string key = absl::StrCat(StageKey(pipeline, stage), "\x1f", bucket);
    const Odds& odds = odds_[pipeline];
    if (auto p = odds.p_win.find(stage); p != odds.p_win.end() && !snapshot_.learned.win_probability.contains(key)) {
      snapshot_.learned.win_probability[key] = ScaleOdds(p->second, odds.exposure.OddsRatio(stage, bucket));
    }
    return key;
  }

  void Count(const std::string& id, const std::string& currency) {
    if (!currency.empty() && counted_.insert(id).second) ++snapshot_.deals_by_currency[currency];
  }

  void SetOwner(stats::OpenDeal& d, const std::string& owner) {
    d.owner_id = owner;
    if (spec_.team_of) d.team_id = spec_.team_of(owner);
  }

  stats::OpenDeal Deal(const std::string& pipeline, const DealState& s, std::optional<int64_t> date) {
    Count(s.opportunity_id, s.currency);
    stats::OpenDeal d;
    d.amount_minor = s.amount_minor;
    d.currency = s.currency;
    d.stage_id = StageKey(pipeline, s.stage_id);
    d.configured_probability_percent = s.probability_percent;
    d.forecast_category = CategoryOf(s.forecast_category);
    if (date.has_value()) d.expected_close = absl::FromUnixMicros(*date);
    SetOwner(d, s.owner_user_id);
    return d;
  }

  const eventstore::EventStore& store_;
  const std::string& tenant_;
  const SnapshotSpec& spec_;
  const int64_t start_, end_, as_of_, from_;
  const std::optional<int64_t> state_as_of_;
  const uint64_t learn_before_;
  absl::flat_hash_set<std::string> counted_;
  absl::flat_hash_map<std::string, Odds> odds_;  // by pipeline
  Snapshot snapshot_;
};

}  // namespace

absl::StatusOr<Snapshot> ReadSnapshot(const eventstore::EventStore& store, const std::string& tenant,
                                      const std::vector<std::string>& pipelines, const SnapshotSpec& spec) {
  Reading reading(store, tenant, spec);
  for (const std::string& pipeline : pipelines) {
    SFA_RETURN_IF_ERROR(reading.ReadExpected(pipeline));
    if (spec.learned) SFA_RETURN_IF_ERROR(reading.Learn(pipeline));
  }
  if (spec.learned) {
    // The window needs every pipeline's slippage (one histogram serves them all), so it comes second.
    for (const std::string& pipeline : pipelines) {
      SFA_RETURN_IF_ERROR(reading.ReadSlippageWindow(pipeline));
      SFA_RETURN_IF_ERROR(reading.ReadRunRate(pipeline));
    }
  }
  return reading.Release();
}

absl::StatusOr<std::map<std::string, std::pair<int64_t, int64_t>>> WinsByCurrency(
    const eventstore::EventStore& store, const std::string& tenant, const std::vector<std::string>& pipelines,
    absl::Time from, absl::Time to) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  for (const std::string& pipeline : pipelines) {
    SFA_RETURN_IF_ERROR(
        ForEachWin(store, tenant, pipeline, absl::ToUnixMicros(from), absl::ToUnixMicros(to), [&](WonRow&& w) {
          if (w.currency.empty()) return absl::OkStatus();
          auto& [count, amount] = out[w.currency];
          ++count;
          amount += w.amount_minor;
          return absl::OkStatus();
        }));
  }
  return out;
}

std::string MainCurrency(const std::map<std::string, int64_t>& deals_by_currency) {
  std::string best;
  int64_t most = 0;
  for (const auto& [currency, count] : deals_by_currency) {
    if (count > most) {
      best = currency;
      most = count;
    }
  }
  return best;
}

std::vector<stats::OpenDeal> InCurrency(std::vector<stats::OpenDeal> deals, const std::string& currency) {
  deals.erase(
      std::remove_if(deals.begin(), deals.end(), [&](const stats::OpenDeal& d) { return d.currency != currency; }),
      deals.end());
  return deals;
}

}  // namespace sfa::analytics::forecast

// GetPipelineWaterfall: the open pipeline before `from` and before `to` come from the as-of pipeline read
// model (projections/pipeline_as_of_projection.cc); the movements between them from this folder's change
// log, reading only the deals changed in the window (the day index) and each one's own history.

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/deal_health/deal_health.h"
#include "analytics/deal_health/rows.h"
#include "analytics/projections/projections.h"
#include "base/key_codec.h"
#include "domain/field_checks.h"
#include "domain/support.h"
#include "eventstore/read_model_rows.h"
#include "eventstore/read_model_scan.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::deal_health {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
namespace p = ::sfa::analytics::projections;
using sfa::common::v1::EventEnvelope;
using sfa::common::v1::Money;

// Folds one opportunity event into the deal as the as-of pipeline read model does (so the deal is open,
// and worth what, exactly when that model says), plus the expected close date. False for events that
// change none of it.
absl::StatusOr<bool> Fold(const EventEnvelope& event, ov1::OpportunitySummary& deal, bool* created) {
  const std::string& type = event.payload_type();
  if (type == ov1::OpportunityCreated::descriptor()->full_name()) {
    ov1::OpportunityCreated e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityCreated");
    deal.set_opportunity_id(e.opportunity_id());
    deal.set_pipeline_id(e.pipeline_id());
    deal.set_name(e.name());
    if (e.has_amount()) *deal.mutable_amount() = e.amount();
    deal.set_status(ov1::OPPORTUNITY_STATUS_OPEN);
    if (e.has_expected_close_date()) *deal.mutable_expected_close_date() = e.expected_close_date();
    *created = true;
    return true;
  }
  if (type == ov1::OpportunityStageChanged::descriptor()->full_name()) {
    ov1::OpportunityStageChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityStageChanged");
    if (e.has_amount()) *deal.mutable_amount() = e.amount();
    if (e.has_expected_close_date()) *deal.mutable_expected_close_date() = e.expected_close_date();
    deal.set_status(e.kind() == ov1::STAGE_CHANGE_KIND_WON    ? ov1::OPPORTUNITY_STATUS_WON
                    : e.kind() == ov1::STAGE_CHANGE_KIND_LOST ? ov1::OPPORTUNITY_STATUS_LOST
                                                              : ov1::OPPORTUNITY_STATUS_OPEN);
    return true;
  }
  if (type == ov1::OpportunityAmountChanged::descriptor()->full_name()) {
    ov1::OpportunityAmountChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityAmountChanged");
    *deal.mutable_amount() = e.to_amount();
    return true;
  }
  if (type == ov1::OpportunityCloseDateChanged::descriptor()->full_name()) {
    ov1::OpportunityCloseDateChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityCloseDateChanged");
    if (e.has_to_expected_close_date()) {
      *deal.mutable_expected_close_date() = e.to_expected_close_date();
    } else {
      deal.clear_expected_close_date();
    }
    return true;
  }
  return false;
}

bool SameCloseDate(const ov1::OpportunitySummary& a, const ov1::OpportunitySummary& b) {
  if (a.has_expected_close_date() != b.has_expected_close_date()) return false;
  return !a.has_expected_close_date() ||
         rows::MicrosOf(a.expected_close_date()) == rows::MicrosOf(b.expected_close_date());
}

// ---------------------------------------------------------------------------------------------------
// The query

// Open deals and their amounts per currency.
struct Totals {
  int64_t count = 0;
  std::map<std::string, int64_t> amount;
  void Add(const std::string& currency, const p::Delta& d) {
    count += d.count;
    if (!currency.empty()) amount[currency] += d.amount;
  }
};

// The open pipeline of `pipeline` from every change before `micros`: the as-of model's day sums of the
// days before, then its per-event deltas of that day up to (excluding) the instant.
absl::StatusOr<Totals> OpenBefore(const eventstore::EventStore& store, const std::string& tenant,
                                  const std::string& pipeline, int64_t micros) {
  Totals totals;
  SFA_RETURN_IF_ERROR(p::VisitOpenPipeline(
      store, p::Scope::kPipeline, rows::PipelineKey(tenant, pipeline), micros, /*inclusive=*/false,
      [&](const std::string&, const std::string&, const std::string& currency, const p::Delta& delta) {
        totals.Add(currency, delta);
      }));
  return totals;
}

// One movement being assembled: every deal in it (the cap applies when answering).
struct Movement {
  int64_t count = 0;
  std::map<std::string, int64_t> amount;
  std::vector<std::pair<int64_t, v1::WaterfallDeal>> deals;  // (sort weight, deal)

  void Add(v1::WaterfallDeal deal, const std::map<std::string, int64_t>& signed_amount, int64_t weight) {
    ++count;
    for (const auto& [currency, units] : signed_amount) amount[currency] += units;
    deals.emplace_back(weight, std::move(deal));
  }
};

enum MovementId { kNew, kReopened, kIncreased, kDecreased, kPulledIn, kPushedOut, kWon, kLost, kMovements };
constexpr const char* kMovementNames[kMovements] = {"new",       "reopened",   "increased", "decreased",
                                                    "pulled_in", "pushed_out", "won",       "lost"};

Money MoneyOf(const std::string& currency, int64_t units) {
  Money m;
  m.set_currency(currency);
  m.set_minor_units(units);
  return m;
}

std::map<std::string, int64_t> Negated(std::map<std::string, int64_t> amount) {
  for (auto& [currency, units] : amount) units = -units;
  return amount;
}

int64_t Weight(const std::map<std::string, int64_t>& amount) {
  int64_t w = 0;
  for (const auto& [currency, units] : amount) w = std::max(w, std::abs(units));
  return w;
}

v1::WaterfallDeal DealOf(const ov1::OpportunitySummary& deal) {
  v1::WaterfallDeal out;
  out.set_opportunity_id(deal.opportunity_id());
  if (!deal.amount().currency().empty()) *out.mutable_amount() = deal.amount();
  return out;
}

// Whether a close date lies before the window's end (an unset date never does).
bool CloseBefore(const ov1::OpportunitySummary& deal, int64_t to_micros) {
  return deal.has_expected_close_date() && rows::MicrosOf(deal.expected_close_date()) < to_micros;
}

struct Window {
  int64_t from = 0;  // micros, inclusive
  int64_t to = 0;    // micros, exclusive
};

// Classifies one deal changed in the window from its change log (see README.md: the deal's state before
// `from` and before `to`, and whether it was open at some moment of the window).
void Classify(const std::vector<rows::Snapshot>& history, const Window& w, Movement* movements) {
  const rows::Snapshot* before_from = nullptr;
  const rows::Snapshot* before_to = nullptr;
  const rows::Snapshot* first_open_inside = nullptr;
  for (const rows::Snapshot& s : history) {
    if (s.micros < w.from) before_from = &s;
    if (s.micros < w.to) before_to = &s;
    const bool inside = s.micros >= w.from && s.micros < w.to;
    if (inside && first_open_inside == nullptr && s.deal.status() == ov1::OPPORTUNITY_STATUS_OPEN) {
      first_open_inside = &s;
    }
  }
  const bool open_at_from = before_from != nullptr && before_from->deal.status() == ov1::OPPORTUNITY_STATUS_OPEN;
  if (!open_at_from && first_open_inside == nullptr) return;  // not in the open pipeline during the window
  const ov1::OpportunitySummary& end = before_to->deal;
  const bool open_at_to = end.status() == ov1::OPPORTUNITY_STATUS_OPEN;
  const std::map<std::string, int64_t> final_amount = rows::AmountOf(end);
  if (open_at_from) {
    std::map<std::string, int64_t> change = final_amount;
    for (const auto& [currency, units] : rows::AmountOf(before_from->deal)) change[currency] -= units;
    for (const auto& [currency, units] : change) {
      if (units == 0) continue;
      v1::WaterfallDeal d = DealOf(end);
      *d.mutable_change() = MoneyOf(currency, units);
      movements[units > 0 ? kIncreased : kDecreased].Add(std::move(d), {{currency, units}}, std::abs(units));
    }
  } else {
    movements[before_from == nullptr ? kNew : kReopened].Add(DealOf(end), final_amount, Weight(final_amount));
  }
  if (!open_at_to) {
    movements[end.status() == ov1::OPPORTUNITY_STATUS_WON ? kWon : kLost].Add(DealOf(end), Negated(final_amount),
                                                                              Weight(final_amount));
    return;
  }
  const ov1::OpportunitySummary& start = open_at_from ? before_from->deal : first_open_inside->deal;
  const bool was_before = CloseBefore(start, w.to), is_before = CloseBefore(end, w.to);
  if (was_before == is_before) return;
  v1::WaterfallDeal d = DealOf(end);
  if (start.has_expected_close_date()) *d.mutable_from_close_date() = start.expected_close_date();
  if (end.has_expected_close_date()) *d.mutable_to_close_date() = end.expected_close_date();
  movements[is_before ? kPulledIn : kPushedOut].Add(std::move(d), is_before ? final_amount : Negated(final_amount),
                                                    Weight(final_amount));
}

// The deals with a change on a day of the window, then each one's change log.
absl::Status AddMovements(const eventstore::EventStore& store, const std::string& tenant, const std::string& pipeline,
                          const Window& w, Movement* movements) {
  if (w.to <= w.from) return absl::OkStatus();
  const std::string prefix = rows::PipelineKey(tenant, pipeline);
  const eventstore::KeyRange days{base::KeyBuilder(prefix).Int64(rows::DayOfMicros(w.from)).Release(),
                                  base::KeyBuilder(prefix).Int64(rows::DayOfMicros(w.to - 1) + 1).Release()};
  std::set<std::string> changed;
  absl::Status failure;
  SFA_RETURN_IF_ERROR(
      eventstore::ScanRange(store, kWaterfallDaysCf, days, SIZE_MAX, [&](absl::string_view key, absl::string_view) {
        base::KeyReader reader(key.substr(prefix.size()));
        absl::StatusOr<int64_t> day = reader.Int64();
        absl::StatusOr<std::string> opp = day.ok() ? reader.String() : day.status();
        if (!opp.ok()) {
          failure = absl::DataLossError("unreadable waterfall day entry");
          return false;
        }
        changed.insert(*std::move(opp));
        return true;
      }));
  SFA_RETURN_IF_ERROR(failure);
  for (const std::string& opp : changed) {
    std::vector<rows::Snapshot> history;
    SFA_RETURN_IF_ERROR(
        eventstore::ForEachInPrefix(store, kWaterfallChangesCf, rows::DealKey(tenant, opp),
                                    [&](absl::string_view key, absl::string_view value) -> absl::Status {
                                      absl::StatusOr<rows::Snapshot> s = rows::DecodeSnapshot(key, value);
                                      if (!s.ok()) return s.status();
                                      history.push_back(*std::move(s));
                                      return absl::OkStatus();
                                    }));
    if (!history.empty()) Classify(history, w, movements);
  }
  return absl::OkStatus();
}

void FillAmount(const std::map<std::string, int64_t>& amount, google::protobuf::RepeatedPtrField<Money>* out) {
  for (const auto& [currency, units] : amount) {
    if (units != 0) *out->Add() = MoneyOf(currency, units);
  }
}

void AddTotals(v1::GetPipelineWaterfallResponse& out, const std::string& name, const Totals& totals) {
  v1::WaterfallMovement* m = out.add_movements();
  m->set_movement(name);
  m->set_count(totals.count);
  FillAmount(totals.amount, m->mutable_amount());
}

absl::StatusOr<std::vector<std::string>> Pipelines(const eventstore::EventStore& store, const std::string& tenant,
                                                   const std::string& pipeline_id) {
  if (!pipeline_id.empty()) {
    absl::StatusOr<std::optional<std::string>> known =
        eventstore::GetValue(store, p::kPipelinesCf, rows::PipelineKey(tenant, pipeline_id));
    if (!known.ok()) return known.status();
    if (!known->has_value()) return absl::NotFoundError(absl::StrCat("pipeline_id ", pipeline_id, " not found"));
    return std::vector<std::string>{pipeline_id};
  }
  std::vector<std::string> out;
  const std::string prefix = base::KeyBuilder().String(tenant).Release();
  SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(store, p::kPipelinesCf, prefix,
                                                  [&](absl::string_view key, absl::string_view) -> absl::Status {
                                                    base::KeyReader reader(key.substr(prefix.size()));
                                                    absl::StatusOr<std::string> id = reader.String();
                                                    if (!id.ok()) return id.status();
                                                    out.push_back(*std::move(id));
                                                    return absl::OkStatus();
                                                  }));
  return out;
}

}  // namespace

std::vector<std::string> WaterfallProjection::column_families() const {
  return {kWaterfallDealsCf, kWaterfallChangesCf, kWaterfallDaysCf};
}

absl::Status WaterfallProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.aggregate_type() != "opportunity") return absl::OkStatus();
  const std::string key = rows::DealKey(event.tenant(), event.aggregate_id());
  absl::StatusOr<std::optional<ov1::OpportunitySummary>> row =
      eventstore::ReadRow<ov1::OpportunitySummary>(txn, kWaterfallDealsCf, key);
  if (!row.ok()) return row.status();
  if (row->has_value() && event.aggregate_version() <= (*row)->version()) return absl::OkStatus();  // seen
  const ov1::OpportunitySummary before = row->value_or(ov1::OpportunitySummary());
  ov1::OpportunitySummary deal = before;
  bool created = false;
  absl::StatusOr<bool> folded = Fold(event, deal, &created);
  if (!folded.ok() || !*folded) return folded.status();
  deal.set_version(event.aggregate_version());
  SFA_RETURN_IF_ERROR(eventstore::WriteRow(txn, kWaterfallDealsCf, key, deal));
  if (!created && row->has_value() && deal.status() == before.status() && rows::SameAmount(deal, before) &&
      SameCloseDate(deal, before)) {
    return absl::OkStatus();
  }
  const int64_t micros = rows::MicrosOf(event.occurred_at());
  SFA_RETURN_IF_ERROR(
      txn.Put(kWaterfallChangesCf, base::KeyBuilder(key).Int64(micros).Uint64(event.aggregate_version()).Release(),
              rows::EncodeSnapshot(created ? rows::ChangeKind::kCreated : rows::ChangeKind::kChanged, deal)));
  return txn.Put(kWaterfallDaysCf,
                 base::KeyBuilder(rows::PipelineKey(event.tenant(), deal.pipeline_id()))
                     .Int64(rows::DayOfMicros(micros))
                     .String(event.aggregate_id())
                     .Release(),
                 "");
}

absl::Status Validate(const v1::GetPipelineWaterfallRequest& r) {
  SFA_RETURN_IF_ERROR(domain::Id("pipeline_id", r.pipeline_id(), domain::kOptional));
  if (!r.has_from()) return domain::Invalid("from", "is required");
  if (!r.has_to()) return domain::Invalid("to", "is required");
  SFA_RETURN_IF_ERROR(domain::Time("from", r.from()));
  SFA_RETURN_IF_ERROR(domain::Time("to", r.to()));
  const absl::Time from = domain::ToTime(r.from()), to = domain::ToTime(r.to());
  if (to <= from) return domain::Invalid("to", "must be after from");
  if (to - from > kMaxWaterfallWindow) {
    return domain::Invalid("to",
                           absl::StrCat("must be at most ", kMaxWaterfallWindow / absl::Hours(24), " days after from"));
  }
  if (r.max_deals_per_movement() < 0 || r.max_deals_per_movement() > kMaxDealsPerMovement) {
    return domain::Invalid(
        "max_deals_per_movement",
        absl::StrCat("must be between 0 (the default, ", kDefaultDealsPerMovement, ") and ", kMaxDealsPerMovement));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::GetPipelineWaterfallResponse> Waterfall(const eventstore::EventStore& store,
                                                           const std::string& tenant,
                                                           const v1::GetPipelineWaterfallRequest& r, absl::Time) {
  absl::StatusOr<std::vector<std::string>> pipelines = Pipelines(store, tenant, r.pipeline_id());
  if (!pipelines.ok()) return pipelines.status();
  const Window w{rows::MicrosOf(r.from()), rows::MicrosOf(r.to())};
  Totals opening, closing;
  Movement movements[kMovements];
  for (const std::string& pipeline : *pipelines) {
    for (auto [at, totals] : {std::make_pair(w.from, &opening), std::make_pair(w.to, &closing)}) {
      absl::StatusOr<Totals> t = OpenBefore(store, tenant, pipeline, at);
      if (!t.ok()) return t.status();
      totals->count += t->count;
      for (const auto& [currency, units] : t->amount) totals->amount[currency] += units;
    }
    SFA_RETURN_IF_ERROR(AddMovements(store, tenant, pipeline, w, movements));
  }
  const size_t cap = r.max_deals_per_movement() == 0 ? kDefaultDealsPerMovement : r.max_deals_per_movement();
  v1::GetPipelineWaterfallResponse out;
  AddTotals(out, "opening", opening);
  for (int i = 0; i < kMovements; ++i) {
    Movement& m = movements[i];
    v1::WaterfallMovement* wm = out.add_movements();
    wm->set_movement(kMovementNames[i]);
    wm->set_count(m.count);
    FillAmount(m.amount, wm->mutable_amount());
    // Largest first (minor units, currencies not converted), then by id: the deals a manager asks about.
    std::sort(m.deals.begin(), m.deals.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second.opportunity_id() < b.second.opportunity_id();
    });
    for (size_t k = 0; k < m.deals.size() && k < cap; ++k) *wm->add_deals() = std::move(m.deals[k].second);
  }
  AddTotals(out, "closing", closing);
  return out;
}

}  // namespace sfa::analytics::deal_health

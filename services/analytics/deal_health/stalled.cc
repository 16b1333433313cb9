// ListStalledDeals: open deals past their stage's threshold (the policy's maximum, else the learned p80)
// or without an activity for too long, read from two key-only indexes of open deals so a page costs its
// entries, never the number of deals.

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "analytics/deal_health/deal_health.h"
#include "analytics/deal_health/rows.h"
#include "analytics/projections/projections.h"
#include "analytics/stats/durations.h"
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

// ---------------------------------------------------------------------------------------------------
// The projection

std::optional<int64_t> ReadActivity(absl::StatusOr<std::optional<std::string>> bytes, absl::Status* status) {
  if (!bytes.ok()) {
    *status = bytes.status();
    return std::nullopt;
  }
  if (!bytes->has_value()) return std::nullopt;
  absl::StatusOr<int64_t> micros = base::KeyReader(**bytes).Int64();
  if (!micros.ok()) {
    *status = absl::DataLossError("unreadable last activity");
    return std::nullopt;
  }
  return *micros;
}

// The deal's last touch: its last activity, or its creation when later (a new deal is not idle yet).
int64_t LastTouch(const rows::StalledRow& row, std::optional<int64_t> last_activity) {
  return std::max(row.created_micros, last_activity.value_or(row.created_micros));
}

std::string StageEntry(const std::string& tenant, const rows::StalledRow& row) {
  return base::KeyBuilder(rows::PipelineKey(tenant, row.deal.pipeline_id()))
      .String(row.deal.stage_id())
      .Int64(rows::MicrosOf(row.deal.stage_entered_at()))
      .String(row.deal.opportunity_id())
      .Release();
}

std::string TouchEntry(const std::string& tenant, const rows::StalledRow& row, std::optional<int64_t> last_activity) {
  return base::KeyBuilder(rows::PipelineKey(tenant, row.deal.pipeline_id()))
      .Int64(LastTouch(row, last_activity))
      .String(row.deal.opportunity_id())
      .Release();
}

// The index entries of a row: none unless the deal is open.
std::pair<std::vector<std::string>, std::vector<std::string>> Entries(const std::string& tenant,
                                                                      const std::optional<rows::StalledRow>& row,
                                                                      std::optional<int64_t> last_activity) {
  if (!row || row->deal.status() != ov1::OPPORTUNITY_STATUS_OPEN) return {};
  return {{StageEntry(tenant, *row)}, {TouchEntry(tenant, *row, last_activity)}};
}

// Folds an opportunity event into the row; false for events that change nothing kept here.
absl::StatusOr<bool> Fold(const EventEnvelope& event, rows::StalledRow& row) {
  const std::string& type = event.payload_type();
  ov1::OpportunitySummary& deal = row.deal;
  if (type == ov1::OpportunityCreated::descriptor()->full_name()) {
    ov1::OpportunityCreated e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityCreated");
    deal.set_opportunity_id(e.opportunity_id());
    deal.set_pipeline_id(e.pipeline_id());
    deal.set_name(e.name());
    deal.set_owner_user_id(e.owner_user_id());
    if (e.has_amount()) *deal.mutable_amount() = e.amount();
    deal.set_stage_id(e.stage_id());
    deal.set_status(ov1::OPPORTUNITY_STATUS_OPEN);
    *deal.mutable_stage_entered_at() = event.occurred_at();
    row.created_micros = rows::MicrosOf(event.occurred_at());
    return true;
  }
  if (type == ov1::OpportunityStageChanged::descriptor()->full_name()) {
    ov1::OpportunityStageChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityStageChanged");
    deal.set_stage_id(e.to_stage_id());
    *deal.mutable_stage_entered_at() = event.occurred_at();
    if (e.has_amount()) *deal.mutable_amount() = e.amount();
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
  if (type == ov1::OpportunityOwnerChanged::descriptor()->full_name()) {
    ov1::OpportunityOwnerChanged e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityOwnerChanged");
    deal.set_owner_user_id(e.to_owner_user_id());
    return true;
  }
  if (type == ov1::OpportunityRenamed::descriptor()->full_name()) {
    ov1::OpportunityRenamed e;
    if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable OpportunityRenamed");
    deal.set_name(e.to_name());
    return true;
  }
  return false;
}

absl::Status ApplyOpportunity(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  const std::string key = rows::DealKey(event.tenant(), event.aggregate_id());
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kStalledDealsCf, key);
  if (!bytes.ok()) return bytes.status();
  std::optional<rows::StalledRow> before;
  if (bytes->has_value()) {
    absl::StatusOr<rows::StalledRow> decoded = rows::DecodeStalledRow(**bytes);
    if (!decoded.ok()) return decoded.status();
    before = *std::move(decoded);
    if (event.aggregate_version() <= before->deal.version()) return absl::OkStatus();  // seen
  }
  rows::StalledRow after = before.value_or(rows::StalledRow());
  // A deal first seen after a gap (no OpportunityCreated) counts as created when first seen.
  if (!before) after.created_micros = rows::MicrosOf(event.occurred_at());
  absl::StatusOr<bool> folded = Fold(event, after);
  if (!folded.ok() || !*folded) return folded.status();
  after.deal.set_version(event.aggregate_version());
  absl::Status read;
  const std::optional<int64_t> activity = ReadActivity(txn.Get(kStalledActivityCf, key), &read);
  SFA_RETURN_IF_ERROR(read);
  auto [stage_before, touch_before] = Entries(event.tenant(), before, activity);
  auto [stage_after, touch_after] = Entries(event.tenant(), after, activity);
  SFA_RETURN_IF_ERROR(eventstore::SyncIndex(txn, kStalledByStageCf, stage_before, stage_after));
  SFA_RETURN_IF_ERROR(eventstore::SyncIndex(txn, kStalledByTouchCf, touch_before, touch_after));
  return txn.Put(kStalledDealsCf, key, rows::EncodeStalledRow(after));
}

// An activity about an opportunity moves its last touch forward (never back: activities of different
// aggregates may arrive in any order, and a replay must change nothing).
absl::Status ApplyActivity(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  ov1::ActivityLogged e;
  if (!e.ParseFromString(event.payload())) return absl::DataLossError("unreadable ActivityLogged");
  if (e.opportunity_id().empty()) return absl::OkStatus();
  const std::string key = rows::DealKey(event.tenant(), e.opportunity_id());
  absl::Status read;
  const std::optional<int64_t> old = ReadActivity(txn.Get(kStalledActivityCf, key), &read);
  SFA_RETURN_IF_ERROR(read);
  const int64_t micros = rows::MicrosOf(event.occurred_at());
  if (old.has_value() && *old >= micros) return absl::OkStatus();
  SFA_RETURN_IF_ERROR(txn.Put(kStalledActivityCf, key, base::KeyBuilder().Int64(micros).Release()));
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kStalledDealsCf, key);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return absl::OkStatus();  // the deal's events come later (another partition)
  absl::StatusOr<rows::StalledRow> row = rows::DecodeStalledRow(**bytes);
  if (!row.ok()) return row.status();
  return eventstore::SyncIndex(txn, kStalledByTouchCf, Entries(event.tenant(), *row, old).second,
                               Entries(event.tenant(), *row, micros).second);
}

// ---------------------------------------------------------------------------------------------------
// The query

// Where a page ends: the instant every page of the listing is judged at, the source (pipeline, kind,
// stage) and the last index key examined in it.
enum SourceKind : uint64_t { kTimeInStage = 0, kNoActivity = 1 };
struct Cursor {
  int64_t now = 0;
  std::string pipeline;
  uint64_t kind = kTimeInStage;
  std::string stage;
  std::string last_key;
};
constexpr uint64_t kTokenVersion = 1;

std::string EncodeToken(const std::string& filter, const Cursor& c) {
  return absl::WebSafeBase64Escape(base::KeyBuilder()
                                       .Uint64(kTokenVersion)
                                       .String(filter)
                                       .Int64(c.now)
                                       .String(c.pipeline)
                                       .Uint64(c.kind)
                                       .String(c.stage)
                                       .String(c.last_key)
                                       .Release());
}

absl::StatusOr<Cursor> DecodeToken(const std::string& filter, const std::string& token) {
  const absl::Status invalid = domain::Invalid("page_token", "is not a token this service issued for this query");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes)) return invalid;
  base::KeyReader reader(bytes);
  absl::StatusOr<uint64_t> version = reader.Uint64();
  absl::StatusOr<std::string> issued_for = version.ok() ? reader.String() : version.status();
  absl::StatusOr<int64_t> now = issued_for.ok() ? reader.Int64() : issued_for.status();
  absl::StatusOr<std::string> pipeline = now.ok() ? reader.String() : now.status();
  absl::StatusOr<uint64_t> kind = pipeline.ok() ? reader.Uint64() : pipeline.status();
  absl::StatusOr<std::string> stage = kind.ok() ? reader.String() : kind.status();
  absl::StatusOr<std::string> last_key = stage.ok() ? reader.String() : stage.status();
  if (!last_key.ok() || !reader.done() || *version != kTokenVersion || *issued_for != filter || *kind > kNoActivity) {
    return invalid;
  }
  return Cursor{*now, *std::move(pipeline), *kind, *std::move(stage), *std::move(last_key)};
}

// A stage's threshold and where it came from.
struct Threshold {
  absl::Duration limit;
  bool from_policy = false;
  int64_t samples = 0;  // exits it was learned from
};

double Days(absl::Duration d) { return absl::ToDoubleHours(d) / 24.0; }

// Thresholds of one pipeline's stages, looked up once per stage per page.
class Thresholds {
 public:
  Thresholds(const eventstore::EventStore& store, const std::string& tenant, const std::string& pipeline,
             const v1::StallPolicyDefined& policy, absl::Time now)
      : store_(store), prefix_(rows::PipelineKey(tenant, pipeline)) {
    for (const v1::StallThreshold& t : policy.thresholds()) {
      if (t.pipeline_id() == pipeline) policy_[t.stage_id()] = domain::ToDuration(t.max_time_in_stage());
    }
    const absl::CivilMonth last = absl::ToCivilMonth(now, absl::UTCTimeZone());
    const absl::CivilMonth first = last - (kLearningMonths - 1);
    first_month_ = static_cast<uint64_t>(first.year() * 100 + first.month());
    last_month_ = static_cast<uint64_t>(last.year() * 100 + last.month());
  }

  absl::StatusOr<std::optional<Threshold>> For(const std::string& stage) {
    if (auto it = cache_.find(stage); it != cache_.end()) return it->second;
    if (auto it = policy_.find(stage); it != policy_.end()) return cache_[stage] = Threshold{it->second, true, 0};
    const std::string stage_prefix = base::KeyBuilder(prefix_).String(stage).Release();
    stats::DurationHistogram times;
    absl::Status failure;
    SFA_RETURN_IF_ERROR(eventstore::ScanRange(store_, p::kStageTimesCf,
                                              {base::KeyBuilder(stage_prefix).Uint64(first_month_).Release(),
                                               base::KeyBuilder(stage_prefix).Uint64(last_month_ + 1).Release()},
                                              SIZE_MAX, [&](absl::string_view, absl::string_view value) {
                                                absl::StatusOr<stats::DurationHistogram> month =
                                                    stats::DurationHistogram::Parse(value);
                                                if (!month.ok()) {
                                                  failure = month.status();
                                                  return false;
                                                }
                                                times.Merge(*month);
                                                return true;
                                              }));
    SFA_RETURN_IF_ERROR(failure);
    std::optional<Threshold> out;
    if (times.count() >= kMinLearningSamples) {
      if (std::optional<absl::Duration> p80 = times.Percentile(0.8)) out = Threshold{*p80, false, times.count()};
    }
    return cache_[stage] = out;
  }

 private:
  const eventstore::EventStore& store_;
  const std::string prefix_;
  std::map<std::string, absl::Duration> policy_;
  std::map<std::string, std::optional<Threshold>> cache_;
  uint64_t first_month_ = 0, last_month_ = 0;
};

struct Listing {
  const eventstore::EventStore& store;
  const std::string& tenant;
  absl::Time now;
  absl::Duration max_idle;
  int page_size;
  size_t budget;
  v1::ListStalledDealsResponse out;
  size_t examined = 0;
  bool full() const { return out.deals_size() >= page_size || examined >= budget; }
};

// The deal behind an index entry, judged at `l.now`; nullopt when it is not stalled at all.
absl::StatusOr<std::optional<v1::StalledDeal>> Judge(Listing& l, Thresholds& thresholds, const std::string& opp) {
  const std::string key = rows::DealKey(l.tenant, opp);
  absl::StatusOr<std::optional<std::string>> bytes = eventstore::GetValue(l.store, kStalledDealsCf, key);
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return absl::DataLossError(absl::StrCat("stalled index names unknown deal ", opp));
  absl::StatusOr<rows::StalledRow> row = rows::DecodeStalledRow(**bytes);
  if (!row.ok()) return row.status();
  absl::Status read;
  const std::optional<int64_t> activity = ReadActivity(eventstore::GetValue(l.store, kStalledActivityCf, key), &read);
  SFA_RETURN_IF_ERROR(read);
  const ov1::OpportunitySummary& deal = row->deal;
  const absl::Duration in_stage = l.now - domain::ToTime(deal.stage_entered_at());
  const absl::Duration idle = l.now - absl::FromUnixMicros(LastTouch(*row, activity));
  v1::StalledDeal out;
  absl::StatusOr<std::optional<Threshold>> threshold = thresholds.For(deal.stage_id());
  if (!threshold.ok()) return threshold.status();
  if (threshold->has_value() && in_stage > (*threshold)->limit) {
    const Threshold& t = **threshold;
    out.add_reasons(t.from_policy ? absl::StrFormat("time_in_stage_above_max: %.1f d in stage > max %.1f d (policy)",
                                                    Days(in_stage), Days(t.limit))
                                  : absl::StrFormat("time_in_stage_above_p80: %.1f d in stage > p80 %.1f d "
                                                    "(learned from %d exits in %d months)",
                                                    Days(in_stage), Days(t.limit), t.samples, kLearningMonths));
  }
  if (idle > l.max_idle) {
    out.add_reasons(absl::StrFormat("no_activity: %.1f d without activity > %.1f d", Days(idle), Days(l.max_idle)));
  }
  if (out.reasons().empty()) return std::nullopt;
  out.set_opportunity_id(deal.opportunity_id());
  out.set_name(deal.name());
  out.set_owner_user_id(deal.owner_user_id());
  out.set_stage_id(deal.stage_id());
  out.set_days_in_stage(Days(in_stage));
  out.set_days_without_activity(Days(idle));
  if (!deal.amount().currency().empty()) *out.mutable_amount() = deal.amount();
  return out;
}

// The opportunity id at the end of an index entry: t|pipeline|stage|entered|opp or t|pipeline|touch|opp.
absl::StatusOr<std::string> OpportunityOfEntry(absl::string_view key, SourceKind kind) {
  base::KeyReader reader(key);
  for (int strings = kind == kTimeInStage ? 3 : 2; strings > 0; --strings) {
    if (!reader.String().ok()) return absl::DataLossError("unreadable stalled index entry");
  }
  absl::StatusOr<int64_t> at = reader.Int64();
  absl::StatusOr<std::string> opp = at.ok() ? reader.String() : at.status();
  if (!opp.ok() || !reader.done()) return absl::DataLossError("unreadable stalled index entry");
  return opp;
}

// Visits the index entries of `range` after `after` (when set), judging each deal; `keep(deal)` decides
// whether a stalled deal belongs to this source. Returns the token when the page ends inside the range.
absl::StatusOr<std::optional<Cursor>> ScanSource(Listing& l, Thresholds& thresholds, absl::string_view cf,
                                                 eventstore::KeyRange range, const std::string& after, Cursor at,
                                                 const std::function<bool(const v1::StalledDeal&)>& keep) {
  if (!after.empty()) range.lower = std::max(range.lower, after + std::string(1, '\0'));
  if (!range.upper.empty() && range.lower >= range.upper) return std::nullopt;
  std::optional<Cursor> stop;
  absl::Status failure;
  SFA_RETURN_IF_ERROR(
      eventstore::ScanRange(l.store, cf, range, SIZE_MAX, [&](absl::string_view key, absl::string_view) {
        if (l.full()) {
          stop = at;
          return false;
        }
        ++l.examined;
        at.last_key = std::string(key);
        absl::StatusOr<std::string> opp = OpportunityOfEntry(key, static_cast<SourceKind>(at.kind));
        absl::StatusOr<std::optional<v1::StalledDeal>> judged =
            opp.ok() ? Judge(l, thresholds, *opp) : absl::StatusOr<std::optional<v1::StalledDeal>>(opp.status());
        if (!judged.ok()) {
          failure = judged.status();
          return false;
        }
        if (judged->has_value() && keep(**judged)) *l.out.add_deals() = **std::move(judged);
        return true;
      }));
  SFA_RETURN_IF_ERROR(failure);
  return stop;
}

// The stages with open deals in a pipeline, from `first` on (key order), one seek per stage.
absl::StatusOr<std::vector<std::string>> StagesFrom(const eventstore::EventStore& store, const std::string& prefix,
                                                    const std::string& first) {
  std::vector<std::string> out;
  std::string lower = base::KeyBuilder(prefix).String(first).Release();
  const std::string upper = base::PrefixSuccessor(prefix);
  for (;;) {
    std::optional<std::string> stage;
    absl::Status failure;
    SFA_RETURN_IF_ERROR(eventstore::ScanRange(
        store, kStalledByStageCf, {lower, upper}, 1, [&](absl::string_view key, absl::string_view) {
          absl::StatusOr<std::string> s = base::KeyReader(key.substr(prefix.size())).String();
          if (s.ok()) {
            stage = *std::move(s);
          } else {
            failure = absl::DataLossError("unreadable stalled index entry");
          }
          return false;
        }));
    SFA_RETURN_IF_ERROR(failure);
    if (!stage) return out;
    lower = base::PrefixSuccessor(base::KeyBuilder(prefix).String(*stage).Release());
    out.push_back(*std::move(stage));
  }
}

bool HasReason(const v1::StalledDeal& deal, absl::string_view code) {
  return std::any_of(deal.reasons().begin(), deal.reasons().end(),
                     [&](const std::string& r) { return absl::StartsWith(r, code); });
}

// One pipeline's sources in order: each stage's deals past its threshold (oldest stage entry first, stages
// in id order), then the deals stalled only for want of activity (longest idle first).
absl::StatusOr<std::optional<Cursor>> ListPipeline(Listing& l, const v1::StallPolicyDefined& policy,
                                                   const std::string& pipeline, const Cursor* resume) {
  Thresholds thresholds(l.store, l.tenant, pipeline, policy, l.now);
  const std::string prefix = rows::PipelineKey(l.tenant, pipeline);
  const int64_t now = rows::MicrosOf(l.now);
  if (resume == nullptr || resume->kind == kTimeInStage) {
    absl::StatusOr<std::vector<std::string>> stages = StagesFrom(l.store, prefix, resume ? resume->stage : "");
    if (!stages.ok()) return stages.status();
    for (const std::string& stage : *stages) {
      absl::StatusOr<std::optional<Threshold>> t = thresholds.For(stage);
      if (!t.ok()) return t.status();
      if (!t->has_value()) continue;
      const std::string stage_prefix = base::KeyBuilder(prefix).String(stage).Release();
      const int64_t entered_before = now - absl::ToInt64Microseconds((*t)->limit);
      const bool same = resume != nullptr && resume->stage == stage;
      absl::StatusOr<std::optional<Cursor>> stop = ScanSource(
          l, thresholds, kStalledByStageCf, eventstore::TimeRange(stage_prefix, std::nullopt, entered_before),
          same ? resume->last_key : "", Cursor{now, pipeline, kTimeInStage, stage, ""},
          [](const v1::StalledDeal& d) { return HasReason(d, "time_in_stage"); });
      if (!stop.ok() || stop->has_value()) return stop;
    }
  }
  const bool same = resume != nullptr && resume->kind == kNoActivity;
  return ScanSource(l, thresholds, kStalledByTouchCf,
                    eventstore::TimeRange(prefix, std::nullopt, now - absl::ToInt64Microseconds(l.max_idle)),
                    same ? resume->last_key : "", Cursor{now, pipeline, kNoActivity, "", ""},
                    // Deals also past their stage's threshold were listed with their stage.
                    [](const v1::StalledDeal& d) { return !HasReason(d, "time_in_stage"); });
}

absl::StatusOr<std::vector<std::string>> PipelinesFrom(const eventstore::EventStore& store, const std::string& tenant,
                                                       const std::string& filter, const std::string& first) {
  if (!filter.empty()) {
    absl::StatusOr<std::optional<std::string>> known =
        eventstore::GetValue(store, p::kPipelinesCf, rows::PipelineKey(tenant, filter));
    if (!known.ok()) return known.status();
    if (!known->has_value()) return absl::NotFoundError(absl::StrCat("pipeline_id ", filter, " not found"));
    return std::vector<std::string>{filter};
  }
  std::vector<std::string> out;
  const std::string prefix = base::KeyBuilder().String(tenant).Release();
  SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(
      store, p::kPipelinesCf, prefix, [&](absl::string_view key, absl::string_view) -> absl::Status {
        absl::StatusOr<std::string> id = base::KeyReader(key.substr(prefix.size())).String();
        if (!id.ok()) return id.status();
        if (*id >= first) out.push_back(*std::move(id));
        return absl::OkStatus();
      }));
  return out;
}

}  // namespace

std::vector<std::string> StalledProjection::column_families() const {
  return {kStalledDealsCf, kStalledActivityCf, kStalledByStageCf, kStalledByTouchCf};
}

absl::Status StalledProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.payload_type() == ov1::ActivityLogged::descriptor()->full_name()) return ApplyActivity(event, txn);
  if (event.aggregate_type() != "opportunity") return absl::OkStatus();
  return ApplyOpportunity(event, txn);
}

absl::Status Validate(const v1::ListStalledDealsRequest& r) {
  SFA_RETURN_IF_ERROR(domain::Id("pipeline_id", r.pipeline_id(), domain::kOptional));
  if (r.page_size() < 0 || r.page_size() > kMaxStalledPageSize) {
    return domain::Invalid("page_size", absl::StrCat("must be between 0 (the default, ", kDefaultStalledPageSize,
                                                     ") and ", kMaxStalledPageSize));
  }
  if (r.page_token().size() > kMaxPageTokenLength) {
    return domain::Invalid("page_token", absl::StrCat("must be at most ", kMaxPageTokenLength, " characters"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListStalledDealsResponse> ListStalled(const eventstore::EventStore& store, const std::string& tenant,
                                                         const v1::ListStalledDealsRequest& r, absl::Time now) {
  std::optional<Cursor> resume;
  if (!r.page_token().empty()) {
    absl::StatusOr<Cursor> c = DecodeToken(r.pipeline_id(), r.page_token());
    if (!c.ok()) return c.status();
    resume = *std::move(c);
    now = absl::FromUnixMicros(resume->now);  // every page is judged at the first page's instant
  }
  absl::StatusOr<std::vector<std::string>> pipelines =
      PipelinesFrom(store, tenant, r.pipeline_id(), resume ? resume->pipeline : "");
  if (!pipelines.ok()) return pipelines.status();
  absl::StatusOr<std::optional<v1::StallPolicyDefined>> policy =
      eventstore::GetRow<v1::StallPolicyDefined>(store, kStallPolicyCf, base::KeyBuilder().String(tenant).Release());
  if (!policy.ok()) return policy.status();
  const v1::StallPolicyDefined rules = policy->value_or(v1::StallPolicyDefined());
  Listing l{store,
            tenant,
            absl::FromUnixMicros(rows::MicrosOf(now)),
            rules.has_max_days_without_activity() ? domain::ToDuration(rules.max_days_without_activity())
                                                  : kDefaultMaxWithoutActivity,
            r.page_size() == 0 ? kDefaultStalledPageSize : r.page_size(),
            /*budget=*/5000,
            {}};
  for (const std::string& pipeline : *pipelines) {
    const Cursor* from = resume && resume->pipeline == pipeline ? &*resume : nullptr;
    absl::StatusOr<std::optional<Cursor>> stop = ListPipeline(l, rules, pipeline, from);
    if (!stop.ok()) return stop.status();
    if (stop->has_value()) {
      l.out.set_next_page_token(EncodeToken(r.pipeline_id(), **stop));
      break;
    }
  }
  return std::move(l.out);
}

}  // namespace sfa::analytics::deal_health

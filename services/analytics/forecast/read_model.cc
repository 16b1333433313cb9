#include "analytics/forecast/read_model.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "analytics/forecast/exposure.h"
#include "analytics/forecast/forecast.h"
#include "analytics/stats/durations.h"
#include "base/key_codec.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::forecast {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
using sfa::common::v1::EventEnvelope;

int64_t MicrosOf(const google::protobuf::Timestamp& t) {
  return google::protobuf::util::TimeUtil::TimestampToMicroseconds(t);
}

void PutOptional(base::KeyBuilder& b, const std::optional<int64_t>& v) {
  b.Uint64(v.has_value() ? 1 : 0).Int64(v.value_or(0));
}

// Reads the parts of a value in order; the first failure sticks and names what was being read.
class Reader {
 public:
  Reader(absl::string_view bytes, const char* what) : reader_(bytes), what_(what) {}
  void Str(std::string& out) {
    if (!ok_) return;
    absl::StatusOr<std::string> v = reader_.String();
    ok_ = v.ok();
    if (ok_) out = *std::move(v);
  }
  template <typename Int>
  void I64(Int& out) {
    if (!ok_) return;
    absl::StatusOr<int64_t> v = reader_.Int64();
    ok_ = v.ok();
    if (ok_) out = static_cast<Int>(*v);
  }
  template <typename Int>
  void U64(Int& out) {
    if (!ok_) return;
    absl::StatusOr<uint64_t> v = reader_.Uint64();
    ok_ = v.ok();
    if (ok_) out = static_cast<Int>(*v);
  }
  void Opt(std::optional<int64_t>& out) {
    uint64_t has = 0;
    int64_t v = 0;
    U64(has);
    I64(v);
    if (ok_ && has != 0) out = v;
  }
  absl::Status Done() const {
    if (ok_ && reader_.done()) return absl::OkStatus();
    return absl::DataLossError(absl::StrCat("unreadable ", what_));
  }

 private:
  base::KeyReader reader_;
  const char* what_;
  bool ok_ = true;
};

std::string Prefix(const std::string& tenant, const std::string& pipeline) {
  return base::KeyBuilder().String(tenant).String(pipeline).Release();
}

std::string IndexPrefix(const std::string& tenant, const std::string& pipeline, DateIndex index, uint64_t month) {
  return base::KeyBuilder(Prefix(tenant, pipeline)).Uint64(static_cast<uint64_t>(index)).Uint64(month).Release();
}

std::optional<int64_t> IndexDate(const DealState& s, DateIndex index) {
  return index == DateIndex::kExpectedClose ? s.expected_close : s.first_expected_close;
}

constexpr DateIndex kIndexes[] = {DateIndex::kExpectedClose, DateIndex::kFirstExpectedClose};

// Folds one event of one deal into its row, its open-state entries, its past spans, its win and the
// slippage of wins.
class Fold {
 public:
  Fold(const EventEnvelope& event, eventstore::ReadModelTxn& txn)
      : tenant_(event.tenant()), id_(event.aggregate_id()), at_(MicrosOf(event.occurred_at())), txn_(txn) {}

  absl::Status Created(const ov1::OpportunityCreated& e) {
    SFA_RETURN_IF_ERROR(Load());
    if (found_) return absl::OkStatus();  // a second create for the same id is not a change of this deal
    row_.pipeline_id = e.pipeline_id();
    row_.status = DealStatus::kOpen;
    row_.created = at_;
    DealState& s = row_.state;
    s.opportunity_id = id_;
    s.stage_id = e.stage_id();
    s.owner_user_id = e.owner_user_id();
    s.amount_minor = e.amount().minor_units();
    s.currency = e.amount().currency();
    s.probability_percent = e.probability_percent();
    s.forecast_category = e.forecast_category();
    if (e.has_expected_close_date()) s.expected_close = s.first_expected_close = MicrosOf(e.expected_close_date());
    row_.timeline.emplace_back(at_, e.stage_id());
    SFA_RETURN_IF_ERROR(NotePipelineStart());
    return Commit(std::nullopt);
  }

  absl::Status StageChanged(const ov1::OpportunityStageChanged& e) {
    SFA_RETURN_IF_ERROR(Load());
    if (!found_) return absl::OkStatus();  // a deal created before this read model existed
    const std::optional<DealState> before = OpenState();
    DealState& s = row_.state;
    if (e.has_amount()) {
      s.amount_minor = e.amount().minor_units();
      s.currency = e.amount().currency();
    }
    if (e.has_expected_close_date()) SetExpectedClose(MicrosOf(e.expected_close_date()));
    if (row_.status == DealStatus::kWon) SFA_RETURN_IF_ERROR(Unwin());
    if (row_.status != DealStatus::kOpen) SFA_RETURN_IF_ERROR(ChangeExposure(-1));
    switch (e.kind()) {
      case ov1::STAGE_CHANGE_KIND_WON:
      case ov1::STAGE_CHANGE_KIND_LOST:
        row_.status = e.kind() == ov1::STAGE_CHANGE_KIND_WON ? DealStatus::kWon : DealStatus::kLost;
        row_.timeline.emplace_back(at_, "");
        if (row_.status == DealStatus::kWon) {
          row_.won_at = at_;
          SFA_RETURN_IF_ERROR(Win());
        }
        SFA_RETURN_IF_ERROR(ChangeExposure(+1));
        break;
      default:  // forward, backward, reopened: open in to_stage
        row_.status = DealStatus::kOpen;
        s.stage_id = e.to_stage_id();
        s.probability_percent = e.probability_percent();
        s.forecast_category = e.forecast_category();
        row_.timeline.emplace_back(at_, e.to_stage_id());
        break;
    }
    return Commit(before);
  }

  absl::Status AmountChanged(const ov1::OpportunityAmountChanged& e) {
    SFA_RETURN_IF_ERROR(Load());
    if (!found_) return absl::OkStatus();
    const std::optional<DealState> before = OpenState();
    row_.state.amount_minor = e.to_amount().minor_units();
    row_.state.currency = e.to_amount().currency();
    if (row_.status == DealStatus::kWon) SFA_RETURN_IF_ERROR(PutWon());  // a won deal's amount corrected
    return Commit(before);
  }

  absl::Status CloseDateChanged(const ov1::OpportunityCloseDateChanged& e) {
    SFA_RETURN_IF_ERROR(Load());
    if (!found_) return absl::OkStatus();
    const std::optional<DealState> before = OpenState();
    if (e.has_to_expected_close_date()) {
      SetExpectedClose(MicrosOf(e.to_expected_close_date()));
    } else {
      row_.state.expected_close.reset();
    }
    return Commit(before);
  }

  absl::Status OwnerChanged(const ov1::OpportunityOwnerChanged& e) {
    SFA_RETURN_IF_ERROR(Load());
    if (!found_) return absl::OkStatus();
    const std::optional<DealState> before = OpenState();
    row_.state.owner_user_id = e.to_owner_user_id();
    if (row_.status == DealStatus::kWon) SFA_RETURN_IF_ERROR(PutWon());
    return Commit(before);
  }

 private:
  std::string DealKey() const { return base::KeyBuilder().String(tenant_).String(id_).Release(); }

  absl::Status Load() {
    absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kDealsCf, DealKey());
    if (!bytes.ok()) return bytes.status();
    found_ = bytes->has_value();
    if (!found_) return absl::OkStatus();
    absl::StatusOr<DealRow> row = DealRow::Decode(**bytes, id_);
    if (!row.ok()) return row.status();
    row_ = *std::move(row);
    return absl::OkStatus();
  }

  std::optional<DealState> OpenState() const {
    if (!found_ || row_.status != DealStatus::kOpen) return std::nullopt;
    return row_.state;
  }

  void SetExpectedClose(int64_t micros) {
    row_.state.expected_close = micros;
    if (!row_.state.first_expected_close.has_value()) row_.state.first_expected_close = micros;
  }

  // Ends the open state `before` (if any) at this event and starts the new one (if the deal is open):
  // the old state's index entries become past spans [from, at); a state that began at this same instant
  // was never visible (known at T needs from < T <= to) and leaves no span.
  absl::Status Commit(const std::optional<DealState>& before) {
    const std::optional<DealState> after = row_.status == DealStatus::kOpen ? std::optional(row_.state) : std::nullopt;
    if (before.has_value() && after.has_value() && before->SameAs(*after)) return Save();
    const int64_t at = before.has_value() ? std::max(at_, before->from) : at_;  // times never run backwards
    if (before.has_value()) {
      DealState ended = *before;
      ended.to = at;
      for (DateIndex index : kIndexes) {
        const std::string prefix = IndexPrefix(tenant_, row_.pipeline_id, index, MonthKey(IndexDate(ended, index)));
        SFA_RETURN_IF_ERROR(txn_.Delete(kOpenCf, base::KeyBuilder(prefix).String(id_).Release()));
        if (ended.from < ended.to) {
          SFA_RETURN_IF_ERROR(
              txn_.Put(kSpansCf, base::KeyBuilder(prefix).Int64(ended.to).String(id_).Release(), ended.Encode()));
        }
      }
    }
    if (after.has_value()) {
      row_.state.from = at;
      row_.state.to = kOpen;
      const std::string value = row_.state.Encode();
      for (DateIndex index : kIndexes) {
        const std::string prefix =
            IndexPrefix(tenant_, row_.pipeline_id, index, MonthKey(IndexDate(row_.state, index)));
        SFA_RETURN_IF_ERROR(txn_.Put(kOpenCf, base::KeyBuilder(prefix).String(id_).Release(), value));
      }
    }
    return Save();
  }

  absl::Status Save() { return txn_.Put(kDealsCf, DealKey(), row_.Encode()); }

  std::string WonKey() const {
    return base::KeyBuilder(Prefix(tenant_, row_.pipeline_id)).Int64(row_.won_at).String(id_).Release();
  }
  std::string SlippageKey() const {
    return base::KeyBuilder(Prefix(tenant_, row_.pipeline_id)).Uint64(MonthKey(row_.won_at)).Release();
  }

  absl::Status PutWon() {
    WonRow won{id_, row_.won_at, row_.created, row_.state.amount_minor, row_.state.currency, row_.state.owner_user_id};
    return txn_.Put(kWonCf, WonKey(), won.Encode());
  }

  // The win and its slippage sample (won at - first expected close), in the month of the win.
  absl::Status Win() {
    SFA_RETURN_IF_ERROR(PutWon());
    row_.slippage.reset();
    if (!row_.state.first_expected_close.has_value()) return absl::OkStatus();
    row_.slippage = row_.won_at - *row_.state.first_expected_close;
    return ChangeSlippage(*row_.slippage, +1);
  }

  // A reopened (or re-closed) win is no longer a win: its row and its slippage sample go.
  absl::Status Unwin() {
    SFA_RETURN_IF_ERROR(txn_.Delete(kWonCf, WonKey()));
    if (!row_.slippage.has_value()) return absl::OkStatus();
    const int64_t sample = *row_.slippage;
    row_.slippage.reset();
    return ChangeSlippage(sample, -1);
  }

  absl::Status ChangeSlippage(int64_t sample_micros, int sign) {
    const std::string key = SlippageKey();
    absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kSlippageCf, key);
    if (!bytes.ok()) return bytes.status();
    stats::SlippageHistogram histogram;
    if (bytes->has_value()) {
      absl::StatusOr<stats::SlippageHistogram> parsed = stats::SlippageHistogram::Parse(**bytes);
      if (!parsed.ok()) return parsed.status();
      histogram = *std::move(parsed);
    }
    stats::SlippageHistogram sample;
    sample.Add(absl::Microseconds(sample_micros));
    if (sign > 0) {
      histogram.Merge(sample);
    } else {
      SFA_RETURN_IF_ERROR(histogram.Subtract(sample));
    }
    if (histogram.count() == 0) return txn_.Delete(kSlippageCf, key);
    return txn_.Put(kSlippageCf, key, histogram.Serialize());
  }

  // Adds the closed deal's open time (its timeline up to the close) to the month of the close, or (-1)
  // takes back what an earlier close added. Without a first expected close there is no x to bucket by.
  absl::Status ChangeExposure(int sign) {
    if (sign > 0) {
      row_.exposure_closed_at.reset();
      if (!row_.state.first_expected_close.has_value()) return absl::OkStatus();
      row_.exposure_closed_at = at_;
      row_.exposure_won = row_.status == DealStatus::kWon;
    } else if (!row_.exposure_closed_at.has_value()) {
      return absl::OkStatus();
    }
    const int64_t closed_at = *row_.exposure_closed_at;
    const absl::Time e0 = absl::FromUnixMicros(*row_.state.first_expected_close);
    ExposureTable change;
    for (size_t i = 0; i + 1 < row_.timeline.size() && row_.timeline[i].first < closed_at; ++i) {
      if (row_.timeline[i].second.empty()) continue;
      change.Add(row_.timeline[i].second, row_.exposure_won, absl::FromUnixMicros(row_.timeline[i].first) - e0,
                 absl::FromUnixMicros(std::min(row_.timeline[i + 1].first, closed_at)) - e0);
    }
    if (sign < 0) row_.exposure_closed_at.reset();
    const std::string key = base::KeyBuilder(Prefix(tenant_, row_.pipeline_id)).Uint64(MonthKey(closed_at)).Release();
    absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kExposureCf, key);
    if (!bytes.ok()) return bytes.status();
    ExposureTable table;
    if (bytes->has_value()) {
      absl::StatusOr<ExposureTable> parsed = ExposureTable::Parse(**bytes);
      if (!parsed.ok()) return parsed.status();
      table = *std::move(parsed);
    }
    for (const auto& [stage, cells] : change.stages()) {
      ExposureTable::Cells signed_cells = cells;
      for (int b = 0; b < kOverdueBuckets; ++b) {
        signed_cells.won[b] *= sign;
        signed_cells.lost[b] *= sign;
      }
      table.MergeCells(stage, signed_cells);
    }
    if (table.empty()) return txn_.Delete(kExposureCf, key);
    return txn_.Put(kExposureCf, key, table.Serialize());
  }

  absl::Status NotePipelineStart() {
    const std::string key = Prefix(tenant_, row_.pipeline_id);
    absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kPipelineStartCf, key);
    if (!bytes.ok()) return bytes.status();
    if (bytes->has_value()) {
      absl::StatusOr<int64_t> start = base::KeyReader(**bytes).Int64();
      if (!start.ok()) return absl::DataLossError("unreadable pipeline start");
      if (*start <= at_) return absl::OkStatus();
    }
    return txn_.Put(kPipelineStartCf, key, base::KeyBuilder().Int64(at_).Release());
  }

  const std::string& tenant_;
  const std::string& id_;
  const int64_t at_;
  eventstore::ReadModelTxn& txn_;
  DealRow row_;
  bool found_ = false;
};

template <typename Message>
bool Is(const EventEnvelope& event) {
  return event.payload_type() == Message::descriptor()->full_name();
}

template <typename Message, typename Handler>
absl::Status Dispatch(const EventEnvelope& event, Handler handler) {
  Message m;
  if (!m.ParseFromString(event.payload())) {
    return absl::DataLossError(absl::StrCat("unreadable ", Message::descriptor()->name()));
  }
  return handler(m);
}

}  // namespace

std::string DealState::Encode() const {
  base::KeyBuilder b;
  b.String(stage_id).String(owner_user_id).Int64(amount_minor).String(currency);
  b.Int64(probability_percent).Int64(forecast_category);
  PutOptional(b, expected_close);
  PutOptional(b, first_expected_close);
  b.Int64(from).Int64(to);
  return b.Release();
}

absl::StatusOr<DealState> DealState::Decode(absl::string_view bytes, std::string id) {
  DealState s;
  s.opportunity_id = std::move(id);
  Reader r(bytes, "forecast deal state");
  r.Str(s.stage_id);
  r.Str(s.owner_user_id);
  r.I64(s.amount_minor);
  r.Str(s.currency);
  r.I64(s.probability_percent);
  r.I64(s.forecast_category);
  r.Opt(s.expected_close);
  r.Opt(s.first_expected_close);
  r.I64(s.from);
  r.I64(s.to);
  SFA_RETURN_IF_ERROR(r.Done());
  return s;
}

bool DealState::SameAs(const DealState& o) const {
  return stage_id == o.stage_id && owner_user_id == o.owner_user_id && amount_minor == o.amount_minor &&
         currency == o.currency && probability_percent == o.probability_percent &&
         forecast_category == o.forecast_category && expected_close == o.expected_close &&
         first_expected_close == o.first_expected_close;
}

std::string DealRow::Encode() const {
  std::string head = base::KeyBuilder()
                         .String(pipeline_id)
                         .Uint64(static_cast<uint64_t>(status))
                         .Int64(created)
                         .Int64(won_at)
                         .Uint64(slippage.has_value() ? 1 : 0)
                         .Int64(slippage.value_or(0))
                         .Uint64(exposure_closed_at.has_value() ? 1 : 0)
                         .Int64(exposure_closed_at.value_or(0))
                         .Uint64(exposure_won ? 1 : 0)
                         .String(state.Encode())
                         .Release();
  base::KeyBuilder b(std::move(head));
  b.Uint64(timeline.size());
  for (const auto& [at, stage] : timeline) b.Int64(at).String(stage);
  return b.Release();
}

absl::StatusOr<DealRow> DealRow::Decode(absl::string_view bytes, std::string id) {
  DealRow row;
  std::string state;
  Reader r(bytes, "forecast deal");
  r.Str(row.pipeline_id);
  r.U64(row.status);
  r.I64(row.created);
  r.I64(row.won_at);
  r.Opt(row.slippage);
  r.Opt(row.exposure_closed_at);
  r.U64(row.exposure_won);
  r.Str(state);
  size_t entries = 0;
  r.U64(entries);
  if (entries > bytes.size()) return absl::DataLossError("unreadable forecast deal");
  row.timeline.resize(entries);
  for (auto& [at, stage] : row.timeline) {
    r.I64(at);
    r.Str(stage);
  }
  SFA_RETURN_IF_ERROR(r.Done());
  absl::StatusOr<DealState> s = DealState::Decode(state, std::move(id));
  if (!s.ok()) return s.status();
  row.state = *std::move(s);
  return row;
}

std::string WonRow::Encode() const {
  return base::KeyBuilder().Int64(created).Int64(amount_minor).String(currency).String(owner_user_id).Release();
}

absl::StatusOr<WonRow> WonRow::Decode(absl::string_view key_rest, absl::string_view bytes) {
  WonRow w;
  Reader k(key_rest, "forecast win key");
  k.I64(w.won_at);
  k.Str(w.opportunity_id);
  SFA_RETURN_IF_ERROR(k.Done());
  Reader r(bytes, "forecast win");
  r.I64(w.created);
  r.I64(w.amount_minor);
  r.Str(w.currency);
  r.Str(w.owner_user_id);
  SFA_RETURN_IF_ERROR(r.Done());
  return w;
}

uint64_t MonthKey(std::optional<int64_t> micros) {
  if (!micros.has_value()) return 0;
  const absl::CivilMonth m = absl::ToCivilMonth(absl::FromUnixMicros(*micros), absl::UTCTimeZone());
  return static_cast<uint64_t>(m.year() * 100 + m.month());
}

int64_t MonthEndMicros(uint64_t month) {
  const absl::CivilMonth m(static_cast<int64_t>(month / 100), static_cast<int>(month % 100));
  return absl::ToUnixMicros(absl::FromCivil(m + 1, absl::UTCTimeZone()));
}

std::vector<uint64_t> MonthsCovering(int64_t from_micros, int64_t to_micros) {
  std::vector<uint64_t> out;
  if (to_micros <= from_micros) return out;
  absl::CivilMonth m = absl::ToCivilMonth(absl::FromUnixMicros(from_micros), absl::UTCTimeZone());
  const absl::CivilMonth last = absl::ToCivilMonth(absl::FromUnixMicros(to_micros - 1), absl::UTCTimeZone());
  for (; m <= last; ++m) out.push_back(static_cast<uint64_t>(m.year() * 100 + m.month()));
  return out;
}

absl::Status ForEachState(const eventstore::EventStore& store, const std::string& tenant, const std::string& pipeline,
                          DateIndex index, const std::vector<uint64_t>& months, std::optional<int64_t> as_of,
                          const std::function<absl::Status(DealState&&)>& visit) {
  for (uint64_t month : months) {
    const std::string prefix = IndexPrefix(tenant, pipeline, index, month);
    SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(
        store, kOpenCf, prefix, [&](absl::string_view key, absl::string_view value) -> absl::Status {
          absl::StatusOr<std::string> id = base::KeyReader(key.substr(prefix.size())).String();
          if (!id.ok()) return absl::DataLossError("unreadable forecast open key");
          absl::StatusOr<DealState> s = DealState::Decode(value, *std::move(id));
          if (!s.ok()) return s.status();
          if (as_of.has_value() && s->from >= *as_of) return absl::OkStatus();
          return visit(*std::move(s));
        }));
    if (!as_of.has_value()) continue;
    // Past spans are keyed by their end: the scan starts at as_of, so the states of deals that had closed
    // or changed before it (most of a month long past) are never read.
    absl::Status failure;
    SFA_RETURN_IF_ERROR(eventstore::ScanRange(
        store, kSpansCf, {base::KeyBuilder(prefix).Int64(*as_of).Release(), base::PrefixSuccessor(prefix)}, SIZE_MAX,
        [&](absl::string_view key, absl::string_view value) {
          base::KeyReader reader(key.substr(prefix.size()));
          absl::StatusOr<int64_t> to = reader.Int64();
          absl::StatusOr<std::string> id = to.ok() ? reader.String() : to.status();
          absl::StatusOr<DealState> s =
              id.ok() ? DealState::Decode(value, *std::move(id)) : absl::StatusOr<DealState>(id.status());
          if (!s.ok()) {
            failure = s.status();
            return false;
          }
          if (s->from >= *as_of) return true;
          failure = visit(*std::move(s));
          return failure.ok();
        }));
    SFA_RETURN_IF_ERROR(failure);
  }
  return absl::OkStatus();
}

absl::Status ForEachWin(const eventstore::EventStore& store, const std::string& tenant, const std::string& pipeline,
                        int64_t from, int64_t to, const std::function<absl::Status(WonRow&&)>& visit) {
  if (to <= from) return absl::OkStatus();
  const std::string prefix = Prefix(tenant, pipeline);
  absl::Status failure;
  SFA_RETURN_IF_ERROR(eventstore::ScanRange(store, kWonCf, eventstore::TimeRange(prefix, from, to), SIZE_MAX,
                                            [&](absl::string_view key, absl::string_view value) {
                                              absl::StatusOr<WonRow> won =
                                                  WonRow::Decode(key.substr(prefix.size()), value);
                                              failure = won.ok() ? visit(*std::move(won)) : won.status();
                                              return failure.ok();
                                            }));
  return failure;
}

absl::StatusOr<std::optional<int64_t>> PipelineStart(const eventstore::EventStore& store, const std::string& tenant,
                                                     const std::string& pipeline) {
  absl::StatusOr<std::optional<std::string>> bytes =
      eventstore::GetValue(store, kPipelineStartCf, Prefix(tenant, pipeline));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::optional<int64_t>();
  absl::StatusOr<int64_t> start = base::KeyReader(**bytes).Int64();
  if (!start.ok()) return absl::DataLossError("unreadable pipeline start");
  return std::optional<int64_t>(*start);
}

std::vector<std::string> ForecastProjection::column_families() const {
  return {kPipelineStartCf, kDealsCf, kOpenCf, kSpansCf, kWonCf, kSlippageCf, kExposureCf};
}

// Non-opportunity events (lead, quote topics; organisation and activities) are not this model's concern;
// OpportunityWon / Lost / Reopened repeat what their OpportunityStageChanged already said.
absl::Status ForecastProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.aggregate_type() != "opportunity") return absl::OkStatus();
  Fold fold(event, txn);
  if (Is<ov1::OpportunityCreated>(event)) {
    return Dispatch<ov1::OpportunityCreated>(event, [&](const auto& e) { return fold.Created(e); });
  }
  if (Is<ov1::OpportunityStageChanged>(event)) {
    return Dispatch<ov1::OpportunityStageChanged>(event, [&](const auto& e) { return fold.StageChanged(e); });
  }
  if (Is<ov1::OpportunityAmountChanged>(event)) {
    return Dispatch<ov1::OpportunityAmountChanged>(event, [&](const auto& e) { return fold.AmountChanged(e); });
  }
  if (Is<ov1::OpportunityCloseDateChanged>(event)) {
    return Dispatch<ov1::OpportunityCloseDateChanged>(event, [&](const auto& e) { return fold.CloseDateChanged(e); });
  }
  if (Is<ov1::OpportunityOwnerChanged>(event)) {
    return Dispatch<ov1::OpportunityOwnerChanged>(event, [&](const auto& e) { return fold.OwnerChanged(e); });
  }
  return absl::OkStatus();
}

}  // namespace sfa::analytics::forecast

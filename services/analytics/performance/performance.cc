#include "analytics/performance/performance.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "analytics/dims/dims.h"
#include "analytics/projections/projections.h"
#include "base/key_codec.h"
#include "domain/field_checks.h"
#include "domain/support.h"
#include "eventstore/read_model_rows.h"
#include "eventstore/read_model_scan.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/analytics/v1/analytics_events.pb.h"
#include "sfa/lead/v1/lead_events.pb.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"

namespace sfa::analytics::performance {
namespace {

namespace ov1 = ::sfa::opportunity::v1;
namespace lv1 = ::sfa::lead::v1;
using google::protobuf::util::TimeUtil;
using sfa::common::v1::EventEnvelope;

constexpr char kDealsCf[] = "rm_an_perf_deal";  // t|opp -> Deal
constexpr char kCellsCf[] = "rm_an_perf";       // t|kind|value|month -> Cell
constexpr char kQuotaCf[] = "rm_an_quota";      // t|subject|id|start|end -> QuotaSet
constexpr size_t kMaxIdLength = 64;
constexpr absl::Duration kMaxPeriod = absl::Hours(24 * 366 * 5);

constexpr char kAll[] = "all";
constexpr char kOwner[] = "owner";
constexpr char kLeadSource[] = "lead_source";
constexpr char kProduct[] = "product";
constexpr char kAccount[] = "account";

absl::Time TimeOf(const google::protobuf::Timestamp& t) { return absl::FromUnixNanos(TimeUtil::TimestampToNanoseconds(t)); }
google::protobuf::Timestamp ToProto(absl::Time t) { return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t)); }

// What a deal contributes now: its open amount under its expected close month, and its close if any.
struct Deal {
  std::string owner, account_id, lead_source, currency;
  std::vector<std::string> product_ids;
  int64_t amount = 0;
  uint64_t close_month = 0;  // 0 = no expected close date
  bool open = true;
  // The close that was counted (undone by a reopen): month, won or lost, amount, cycle.
  uint64_t closed_month = 0;
  bool won = false;
  int64_t closed_amount = 0;
  int64_t cycle_micros = 0;

  std::string Encode() const {
    base::KeyBuilder b;
    b.String(owner).String(account_id).String(lead_source).String(currency).Int64(amount).Uint64(close_month);
    b.Uint64(open ? 1 : 0).Uint64(closed_month).Uint64(won ? 1 : 0).Int64(closed_amount).Int64(cycle_micros);
    b.Uint64(product_ids.size());
    for (const std::string& p : product_ids) b.String(p);
    return b.Release();
  }
  static absl::StatusOr<Deal> Decode(absl::string_view bytes) {
    base::KeyReader r(bytes);
    Deal d;
    absl::StatusOr<std::string> owner = r.String(), account = r.String(), source = r.String(), currency = r.String();
    absl::StatusOr<int64_t> amount = r.Int64();
    absl::StatusOr<uint64_t> close = r.Uint64(), open = r.Uint64(), closed = r.Uint64(), won = r.Uint64();
    absl::StatusOr<int64_t> closed_amount = r.Int64(), cycle = r.Int64();
    absl::StatusOr<uint64_t> products = r.Uint64();
    if (!products.ok() || !owner.ok() || !account.ok() || !source.ok() || !currency.ok() || !amount.ok() ||
        !close.ok() || !open.ok() || !closed.ok() || !won.ok() || !closed_amount.ok() || !cycle.ok()) {
      return absl::DataLossError("unreadable performance deal row");
    }
    d = Deal{*owner, *account, *source, *currency, {}, *amount, *close, *open == 1, *closed, *won == 1,
             *closed_amount, *cycle};
    for (uint64_t i = 0; i < *products; ++i) {
      absl::StatusOr<std::string> p = r.String();
      if (!p.ok()) return p.status();
      d.product_ids.push_back(*p);
    }
    return d;
  }
};

// Per dimension value and month. Money per currency: (amount, count).
struct Cell {
  int64_t won = 0, lost = 0, created = 0, leads = 0;
  int64_t cycle_micros = 0;  // sum over the wins
  std::map<std::string, std::pair<int64_t, int64_t>> won_amount;
  std::map<std::string, int64_t> open_closing;  // open amount expected to close in this month
  std::map<std::string, int64_t> activities;    // by kind name

  std::string Encode() const {
    base::KeyBuilder b;
    b.Int64(won).Int64(lost).Int64(created).Int64(leads).Int64(cycle_micros).Uint64(won_amount.size());
    for (const auto& [c, v] : won_amount) b.String(c).Int64(v.first).Int64(v.second);
    b.Uint64(open_closing.size());
    for (const auto& [c, v] : open_closing) b.String(c).Int64(v);
    b.Uint64(activities.size());
    for (const auto& [k, v] : activities) b.String(k).Int64(v);
    return b.Release();
  }
  static absl::StatusOr<Cell> Decode(absl::string_view bytes) {
    base::KeyReader r(bytes);
    Cell c;
    const absl::Status bad = absl::DataLossError("unreadable performance cell");
    absl::StatusOr<int64_t> won = r.Int64(), lost = r.Int64(), created = r.Int64(), leads = r.Int64(), cycle = r.Int64();
    if (!won.ok() || !lost.ok() || !created.ok() || !leads.ok() || !cycle.ok()) return bad;
    c.won = *won, c.lost = *lost, c.created = *created, c.leads = *leads, c.cycle_micros = *cycle;
    absl::StatusOr<uint64_t> n = r.Uint64();
    for (uint64_t i = 0; n.ok() && i < *n; ++i) {
      absl::StatusOr<std::string> currency = r.String();
      absl::StatusOr<int64_t> amount = r.Int64(), count = r.Int64();
      if (!count.ok() || !currency.ok() || !amount.ok()) return bad;
      c.won_amount[*currency] = {*amount, *count};
    }
    n = r.Uint64();
    for (uint64_t i = 0; n.ok() && i < *n; ++i) {
      absl::StatusOr<std::string> currency = r.String();
      absl::StatusOr<int64_t> amount = r.Int64();
      if (!currency.ok() || !amount.ok()) return bad;
      c.open_closing[*currency] = *amount;
    }
    n = r.Uint64();
    for (uint64_t i = 0; n.ok() && i < *n; ++i) {
      absl::StatusOr<std::string> kind = r.String();
      absl::StatusOr<int64_t> count = r.Int64();
      if (!kind.ok() || !count.ok()) return bad;
      c.activities[*kind] = *count;
    }
    if (!n.ok()) return bad;
    return c;
  }
  void Merge(const Cell& o) {
    won += o.won, lost += o.lost, created += o.created, leads += o.leads, cycle_micros += o.cycle_micros;
    for (const auto& [k, v] : o.won_amount) {
      won_amount[k].first += v.first;
      won_amount[k].second += v.second;
    }
    for (const auto& [k, v] : o.open_closing) open_closing[k] += v;
    for (const auto& [k, v] : o.activities) activities[k] += v;
  }
  void Prune() {
    std::erase_if(won_amount, [](const auto& e) { return e.second.first == 0 && e.second.second == 0; });
    std::erase_if(open_closing, [](const auto& e) { return e.second == 0; });
    std::erase_if(activities, [](const auto& e) { return e.second == 0; });
  }
};

template <typename Message>
bool Is(const EventEnvelope& event) {
  return event.payload_type() == Message::descriptor()->full_name();
}

template <typename Message>
absl::StatusOr<Message> Parse(const EventEnvelope& event) {
  Message m;
  if (!m.ParseFromString(event.payload())) return absl::DataLossError(absl::StrCat("unreadable ", Message::descriptor()->name()));
  return m;
}

std::vector<std::pair<const char*, std::string>> DealDims(const Deal& d) {
  std::vector<std::pair<const char*, std::string>> dims = {
      {kAll, ""}, {kOwner, d.owner}, {kLeadSource, d.lead_source}, {kAccount, d.account_id}};
  for (const std::string& p : d.product_ids) dims.push_back({kProduct, p});
  return dims;
}

class Fold {
 public:
  Fold(const EventEnvelope& event, eventstore::ReadModelTxn& txn)
      : event_(event), txn_(txn), month_(projections::MonthOf(TimeOf(event.occurred_at()))) {}

  absl::Status Opportunity() {
    if (Is<ov1::OpportunityCreated>(event_)) {
      absl::StatusOr<ov1::OpportunityCreated> e = Parse<ov1::OpportunityCreated>(event_);
      if (!e.ok()) return e.status();
      deal_.owner = e->owner_user_id();
      deal_.account_id = e->account_id();
      deal_.lead_source = e->lead_source();
      deal_.product_ids.assign(e->product_ids().begin(), e->product_ids().end());
      deal_.currency = e->amount().currency();
      deal_.amount = e->amount().minor_units();
      deal_.close_month = e->has_expected_close_date() ? projections::MonthOf(TimeOf(e->expected_close_date())) : 0;
      SFA_RETURN_IF_ERROR(Count(DealDims(deal_), month_, [](Cell& c) { ++c.created; }));
      SFA_RETURN_IF_ERROR(Pipeline(+1));
      return Save();
    }
    if (Is<ov1::OpportunityAmountChanged>(event_)) {
      absl::StatusOr<ov1::OpportunityAmountChanged> e = Parse<ov1::OpportunityAmountChanged>(event_);
      if (!e.ok()) return e.status();
      return Change([&] {
        deal_.currency = e->to_amount().currency();
        deal_.amount = e->to_amount().minor_units();
      });
    }
    if (Is<ov1::OpportunityCloseDateChanged>(event_)) {
      absl::StatusOr<ov1::OpportunityCloseDateChanged> e = Parse<ov1::OpportunityCloseDateChanged>(event_);
      if (!e.ok()) return e.status();
      return Change([&] {
        deal_.close_month =
            e->has_to_expected_close_date() ? projections::MonthOf(TimeOf(e->to_expected_close_date())) : 0;
      });
    }
    if (Is<ov1::OpportunityOwnerChanged>(event_)) {
      absl::StatusOr<ov1::OpportunityOwnerChanged> e = Parse<ov1::OpportunityOwnerChanged>(event_);
      if (!e.ok()) return e.status();
      return Change([&] { deal_.owner = e->to_owner_user_id(); });
    }
    if (Is<ov1::OpportunityWon>(event_)) {
      absl::StatusOr<ov1::OpportunityWon> e = Parse<ov1::OpportunityWon>(event_);
      if (!e.ok()) return e.status();
      return Close(true, e->amount(), TimeUtil::DurationToMicroseconds(e->sales_cycle()));
    }
    if (Is<ov1::OpportunityLost>(event_)) {
      absl::StatusOr<ov1::OpportunityLost> e = Parse<ov1::OpportunityLost>(event_);
      if (!e.ok()) return e.status();
      return Close(false, e->amount(), 0);
    }
    if (Is<ov1::OpportunityReopened>(event_)) return Reopen();
    return absl::OkStatus();
  }

  absl::Status Activity() {
    absl::StatusOr<ov1::ActivityLogged> e = Parse<ov1::ActivityLogged>(event_);
    if (!e.ok()) return e.status();
    const std::string kind = ov1::ActivityKind_Name(e->kind());
    return Count({{kAll, ""}, {kOwner, e->owner_user_id()}, {kAccount, e->account_id()}}, month_,
                 [&](Cell& c) { ++c.activities[kind]; });
  }

  absl::Status LeadAssigned() {
    absl::StatusOr<lv1::LeadAssigned> e = Parse<lv1::LeadAssigned>(event_);
    if (!e.ok()) return e.status();
    return Count({{kAll, ""}, {kOwner, e->owner_user_id()}}, month_, [](Cell& c) { ++c.leads; });
  }

 private:
  std::string DealKey() const { return base::KeyBuilder().String(event_.tenant()).String(event_.aggregate_id()).Release(); }

  absl::StatusOr<bool> Load() {
    absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kDealsCf, DealKey());
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) return false;  // created before this read model existed
    absl::StatusOr<Deal> deal = Deal::Decode(**bytes);
    if (!deal.ok()) return deal.status();
    deal_ = *std::move(deal);
    return true;
  }
  absl::Status Save() { return txn_.Put(kDealsCf, DealKey(), deal_.Encode()); }

  // The open amount under the expected close month, added (+1) or taken away (-1).
  absl::Status Pipeline(int sign) {
    if (!deal_.open || deal_.close_month == 0 || deal_.currency.empty()) return absl::OkStatus();
    return Count(DealDims(deal_), deal_.close_month,
                 [&](Cell& c) { c.open_closing[deal_.currency] += sign * deal_.amount; });
  }

  template <typename Mutate>
  absl::Status Change(Mutate mutate) {
    absl::StatusOr<bool> found = Load();
    if (!found.ok() || !*found) return found.status();
    SFA_RETURN_IF_ERROR(Pipeline(-1));
    mutate();
    SFA_RETURN_IF_ERROR(Pipeline(+1));
    return Save();
  }

  absl::Status Close(bool won, const sfa::common::v1::Money& amount, int64_t cycle_micros) {
    absl::StatusOr<bool> found = Load();
    if (!found.ok() || !*found) return found.status();
    SFA_RETURN_IF_ERROR(Pipeline(-1));
    deal_.open = false;
    deal_.closed_month = month_;
    deal_.won = won;
    deal_.closed_amount = amount.minor_units();
    deal_.cycle_micros = cycle_micros;
    if (!amount.currency().empty()) deal_.currency = amount.currency();
    SFA_RETURN_IF_ERROR(Outcome(+1));
    return Save();
  }

  absl::Status Reopen() {
    absl::StatusOr<bool> found = Load();
    if (!found.ok() || !*found) return found.status();
    if (deal_.open) return absl::OkStatus();
    SFA_RETURN_IF_ERROR(Outcome(-1));
    deal_.open = true;
    deal_.closed_month = 0;
    SFA_RETURN_IF_ERROR(Pipeline(+1));
    return Save();
  }

  // The counted close, added (+1) or undone (-1) in the month it happened.
  absl::Status Outcome(int sign) {
    return Count(DealDims(deal_), deal_.closed_month, [&](Cell& c) {
      if (!deal_.won) {
        c.lost += sign;
        return;
      }
      c.won += sign;
      c.cycle_micros += sign * deal_.cycle_micros;
      auto& [amount, count] = c.won_amount[deal_.currency];
      amount += sign * deal_.closed_amount;
      count += sign;
    });
  }

  template <typename Change>
  absl::Status Count(const std::vector<std::pair<const char*, std::string>>& dims, uint64_t month, Change change) {
    for (const auto& [kind, value] : dims) {
      const std::string key =
          base::KeyBuilder().String(event_.tenant()).String(kind).String(value).Uint64(month).Release();
      absl::StatusOr<std::optional<std::string>> bytes = txn_.Get(kCellsCf, key);
      if (!bytes.ok()) return bytes.status();
      Cell cell;
      if (bytes->has_value()) {
        absl::StatusOr<Cell> parsed = Cell::Decode(**bytes);
        if (!parsed.ok()) return parsed.status();
        cell = *std::move(parsed);
      }
      change(cell);
      cell.Prune();
      SFA_RETURN_IF_ERROR(txn_.Put(kCellsCf, key, cell.Encode()));
    }
    return absl::OkStatus();
  }

  const EventEnvelope& event_;
  eventstore::ReadModelTxn& txn_;
  const uint64_t month_;
  Deal deal_;
};

const char* KindOf(v1::GroupBy g) {
  switch (g) {
    case v1::GROUP_BY_OWNER:
    case v1::GROUP_BY_TEAM:
    case v1::GROUP_BY_REGION:
      return kOwner;
    case v1::GROUP_BY_LEAD_SOURCE:
      return kLeadSource;
    case v1::GROUP_BY_PRODUCT:
      return kProduct;
    case v1::GROUP_BY_INDUSTRY:
      return kAccount;
    default:
      return kAll;
  }
}

std::string SubjectName(v1::QuotaSubject s) { return s == v1::QUOTA_SUBJECT_TEAM ? "team" : "user"; }

absl::Status ValidatePeriod(const v1::Period& p, const std::string& field) {
  if (!p.has_start() || !p.has_end()) return absl::InvalidArgumentError(absl::StrCat(field, ".start and ", field, ".end are required"));
  SFA_RETURN_IF_ERROR(domain::Time(absl::StrCat(field, ".start"), p.start()));
  SFA_RETURN_IF_ERROR(domain::Time(absl::StrCat(field, ".end"), p.end()));
  const absl::Time start = TimeOf(p.start()), end = TimeOf(p.end());
  if (start >= end) return absl::InvalidArgumentError(absl::StrCat(field, ".start must be before ", field, ".end"));
  if (end - start > kMaxPeriod) return absl::InvalidArgumentError(absl::StrCat(field, " must be at most 5 years long"));
  return absl::OkStatus();
}

absl::Status ValidId(const std::string& field, const std::string& id) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (id.size() > kMaxIdLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be at most ", kMaxIdLength, " characters"));
  }
  const bool ok = std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@';
  });
  if (!ok) return absl::InvalidArgumentError(absl::StrCat(field, " may contain only letters, digits and - _ . @"));
  return absl::OkStatus();
}

// The part of a quota that falls in [start, end), prorated by time: amount x overlap / length (floor).
int64_t Prorated(const v1::QuotaSet& q, absl::Time start, absl::Time end) {
  const absl::Time qs = TimeOf(q.period().start()), qe = TimeOf(q.period().end());
  const absl::Time from = std::max(qs, start), to = std::min(qe, end);
  if (from >= to) return 0;
  const __int128 overlap = absl::ToInt64Seconds(to - from), length = absl::ToInt64Seconds(qe - qs);
  if (length <= 0 || overlap >= length) return q.amount().minor_units();
  return static_cast<int64_t>(static_cast<__int128>(q.amount().minor_units()) * overlap / length);
}

// Quotas per currency of `subject` `id` in the period.
absl::StatusOr<std::map<std::string, int64_t>> QuotaOf(const eventstore::EventStore& store, const std::string& tenant,
                                                       const std::string& subject, const std::string& id,
                                                       absl::Time start, absl::Time end) {
  std::map<std::string, int64_t> out;
  SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(
      store, kQuotaCf, base::KeyBuilder().String(tenant).String(subject).String(id).Release(),
      [&](absl::string_view, absl::string_view value) -> absl::Status {
        v1::QuotaSet q;
        if (!q.ParseFromString(std::string(value))) return absl::DataLossError("unreadable quota");
        if (const int64_t part = Prorated(q, start, end); part != 0) out[q.amount().currency()] += part;
        return absl::OkStatus();
      }));
  return out;
}

void AddMoney(google::protobuf::RepeatedPtrField<sfa::common::v1::Money>* out, const std::string& currency, int64_t v) {
  sfa::common::v1::Money* m = out->Add();
  m->set_currency(currency);
  m->set_minor_units(v);
}

std::optional<double> Ratio(int64_t num, int64_t den) {
  if (den <= 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

// One group's figures.
absl::Status Fill(const eventstore::EventStore& store, const std::string& tenant, v1::GroupBy group_by,
                  const std::string& key, const Cell& closed, const Cell& closing, absl::Time start, absl::Time end,
                  dims::Lookup& lookup, v1::Performance* out) {
  out->set_key(key);
  for (const auto& [currency, v] : closed.won_amount) {
    if (v.second == 0 && v.first == 0) continue;
    AddMoney(out->mutable_won(), currency, v.first);
    if (v.second > 0) AddMoney(out->mutable_average_deal_size(), currency, v.first / v.second);
  }
  std::map<std::string, int64_t> quota;
  if (group_by == v1::GROUP_BY_OWNER) {
    absl::StatusOr<std::map<std::string, int64_t>> q = QuotaOf(store, tenant, "user", key, start, end);
    if (!q.ok()) return q.status();
    quota = *std::move(q);
  } else if (group_by == v1::GROUP_BY_TEAM) {
    absl::StatusOr<std::map<std::string, int64_t>> q = QuotaOf(store, tenant, "team", key, start, end);
    if (!q.ok()) return q.status();
    quota = *std::move(q);
  }
  (void)lookup;
  for (const auto& [currency, amount] : quota) {
    AddMoney(out->mutable_quota(), currency, amount);
    if (amount <= 0) continue;
    const auto won = closed.won_amount.find(currency);
    const int64_t won_amount = won == closed.won_amount.end() ? 0 : won->second.first;
    out->set_attainment(static_cast<double>(won_amount) / static_cast<double>(amount));
    const auto open = closing.open_closing.find(currency);
    const int64_t open_amount = open == closing.open_closing.end() ? 0 : open->second;
    if (amount > won_amount) {
      out->set_pipeline_coverage(static_cast<double>(open_amount) / static_cast<double>(amount - won_amount));
    }
  }
  if (auto r = Ratio(closed.won, closed.won + closed.lost)) out->set_win_rate(*r);
  if (closed.won > 0) {
    out->set_average_cycle_days(absl::ToDoubleHours(absl::Microseconds(closed.cycle_micros)) / 24.0 /
                                static_cast<double>(closed.won));
  }
  for (const auto& [kind, count] : closed.activities) {
    v1::ActivityCount* a = out->add_activities();
    a->set_kind(kind);
    a->set_count(count);
  }
  auto activities = [&](const char* kind) {
    auto it = closed.activities.find(kind);
    return it == closed.activities.end() ? int64_t{0} : it->second;
  };
  const int64_t calls = activities("ACTIVITY_KIND_CALL"), meetings = activities("ACTIVITY_KIND_MEETING");
  if (auto r = Ratio(closed.leads, calls)) out->set_calls_to_leads(*r);
  if (auto r = Ratio(meetings, closed.leads)) out->set_leads_to_meetings(*r);
  if (auto r = Ratio(closed.created, meetings)) out->set_meetings_to_opportunities(*r);
  if (auto r = Ratio(closed.won, closed.created)) out->set_opportunities_to_won(*r);
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> PerformanceProjection::column_families() const { return {kDealsCf, kCellsCf}; }

absl::Status PerformanceProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  Fold fold(event, txn);
  if (Is<ov1::ActivityLogged>(event)) return fold.Activity();
  if (Is<lv1::LeadAssigned>(event)) return fold.LeadAssigned();
  if (event.aggregate_type() == "opportunity") return fold.Opportunity();
  return absl::OkStatus();
}

std::vector<std::string> QuotaProjection::column_families() const { return {kQuotaCf}; }

absl::Status QuotaProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (!Is<v1::QuotaSet>(event)) return absl::OkStatus();
  absl::StatusOr<v1::QuotaSet> q = Parse<v1::QuotaSet>(event);
  if (!q.ok()) return q.status();
  const std::string key = base::KeyBuilder()
                              .String(event.tenant())
                              .String(SubjectName(q->subject()))
                              .String(q->subject_id())
                              .Int64(TimeUtil::TimestampToMicroseconds(q->period().start()))
                              .Int64(TimeUtil::TimestampToMicroseconds(q->period().end()))
                              .Release();
  return txn.Put(kQuotaCf, key, q->SerializeAsString());
}

absl::Status Validate(const v1::GetPerformanceRequest& r) {
  SFA_RETURN_IF_ERROR(ValidatePeriod(r.period(), "period"));
  return dims::ValidateGroupBy(r.group_by(), "group_by");
}

absl::StatusOr<v1::GetPerformanceResponse> Performance(const eventstore::EventStore& store, const std::string& tenant,
                                                       const v1::GetPerformanceRequest& r, absl::Time) {
  const absl::Time start = TimeOf(r.period().start()), end = TimeOf(r.period().end());
  // Whole calendar months (UTC), like every monthly read model here.
  const uint64_t first = projections::MonthOf(start), last = projections::MonthOf(end - absl::Nanoseconds(1));
  const char* kind = KindOf(r.group_by());
  dims::Lookup lookup(store, tenant);
  std::map<std::string, std::pair<Cell, Cell>> groups;  // key -> (events in the period, open closing in it)
  const std::string prefix = base::KeyBuilder().String(tenant).String(kind).Release();
  SFA_RETURN_IF_ERROR(eventstore::ForEachInPrefix(
      store, kCellsCf, prefix, [&](absl::string_view key, absl::string_view value) -> absl::Status {
        base::KeyReader reader(key.substr(prefix.size()));
        absl::StatusOr<std::string> dim = reader.String();
        absl::StatusOr<uint64_t> month = dim.ok() ? reader.Uint64() : dim.status();
        if (!month.ok()) return absl::DataLossError("unreadable performance key");
        if (*month < first || *month > last) return absl::OkStatus();
        absl::StatusOr<Cell> cell = Cell::Decode(value);
        if (!cell.ok()) return cell.status();
        dims::DealKeys deal;
        deal.owner_user_id = deal.account_id = deal.lead_source = *dim;
        deal.product_ids = {*dim};
        for (const std::string& group : lookup.Keys(r.group_by(), deal)) {
          auto& [closed, closing] = groups[group];
          Cell events = *cell;
          events.open_closing.clear();
          closed.Merge(events);
          for (const auto& [currency, amount] : cell->open_closing) closing.open_closing[currency] += amount;
        }
        return absl::OkStatus();
      }));
  v1::GetPerformanceResponse out;
  for (const auto& [key, cells] : groups) {
    SFA_RETURN_IF_ERROR(Fill(store, tenant, r.group_by(), key, cells.first, cells.second, start, end, lookup,
                             out.add_groups()));
  }
  return out;
}

absl::Status Validate(const v1::SetQuotaRequest& r) {
  SFA_RETURN_IF_ERROR(domain::RequestId(r.request_id()));
  if (r.subject() != v1::QUOTA_SUBJECT_USER && r.subject() != v1::QUOTA_SUBJECT_TEAM) {
    return absl::InvalidArgumentError("subject must be QUOTA_SUBJECT_USER or QUOTA_SUBJECT_TEAM");
  }
  SFA_RETURN_IF_ERROR(ValidId("subject_id", r.subject_id()));
  SFA_RETURN_IF_ERROR(ValidatePeriod(r.period(), "period"));
  if (!r.has_amount()) return absl::InvalidArgumentError("amount is required");
  const std::string& currency = r.amount().currency();
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), absl::ascii_isupper)) {
    return absl::InvalidArgumentError("amount.currency must be an ISO 4217 code (three capital letters)");
  }
  if (r.amount().minor_units() < 0) return absl::InvalidArgumentError("amount.minor_units must not be negative");
  return absl::OkStatus();
}

void SetQuota(eventstore::CommandRunner& runner, const server::Principal& principal, const v1::SetQuotaRequest& r,
              std::function<void(absl::StatusOr<v1::SetQuotaResponse>)> done) {
  v1::QuotaSet quota;
  quota.set_subject(r.subject());
  quota.set_subject_id(r.subject_id());
  *quota.mutable_period() = r.period();
  *quota.mutable_amount() = r.amount();
  eventstore::Command<std::optional<v1::QuotaSet>> command;
  // One stream per subject and period: a quota is replaced by setting it again.
  command.stream = {principal.tenant, "quota",
                    absl::StrCat(SubjectName(r.subject()), ":", r.subject_id(), ":",
                                 TimeUtil::TimestampToSeconds(r.period().start()), "-",
                                 TimeUtil::TimestampToSeconds(r.period().end()))};
  command.context.request_id = r.request_id();
  command.context.actor = principal.user;
  command.context.correlation_id = r.request_id();
  command.evolve = [](std::optional<v1::QuotaSet>& state, const EventEnvelope& e) -> absl::Status {
    v1::QuotaSet q;
    if (!q.ParseFromString(e.payload())) return absl::DataLossError("unreadable QuotaSet");
    state = std::move(q);
    return absl::OkStatus();
  };
  command.decide = [quota](const std::optional<v1::QuotaSet>& state,
                           uint64_t) -> absl::StatusOr<std::vector<eventstore::NewEvent>> {
    if (state.has_value() && state->SerializeAsString() == quota.SerializeAsString()) return std::vector<eventstore::NewEvent>{};
    return std::vector<eventstore::NewEvent>{{std::string(v1::QuotaSet::descriptor()->full_name()),
                                              quota.SerializeAsString()}};
  };
  runner.Run<std::optional<v1::QuotaSet>>(
      std::move(command),
      [done = std::move(done)](absl::StatusOr<eventstore::CommandResult<std::optional<v1::QuotaSet>>> result) {
        if (!result.ok()) return done(result.status());
        v1::SetQuotaResponse response;
        if (result->state.has_value()) *response.mutable_quota() = *result->state;
        done(std::move(response));
      });
}

}  // namespace sfa::analytics::performance

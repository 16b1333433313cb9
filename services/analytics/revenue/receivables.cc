// GetReceivables and the receivables read model (quote topic: OrderPlaced, PaymentRecorded).
//
// What is owed at an instant is a sum of changes up to it: an order adds each instalment at its due date's
// day, a payment takes from the instalments oldest due first. Each change is kept as a delta keyed by the
// day it happened and the due day it concerns — summed per (day, due day, currency), and per event for the
// exact tail of a day — so the balance as of T by age is the day sums before T's day plus T's day's events
// up to T, each bucketed by T's date − due day. Work: the (day, due day, currency) rows of the history
// before T and one day's events, never the number of orders.

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/revenue/definitions.h"
#include "analytics/revenue/internal.h"
#include "analytics/revenue/revenue.h"
#include "base/key_codec.h"
#include "base/log.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"
#include "sfa/quote/v1/quote_events.pb.h"

namespace sfa::analytics::revenue {
namespace {

namespace qv1 = ::sfa::quote::v1;
using eventstore::ReadModelTxn;
using sfa::common::v1::EventEnvelope;

constexpr char kDaysCf[] = "rm_an_receivables";          // t|day|due day|currency -> Delta
constexpr char kEventsCf[] = "rm_an_receivables_event";  // t|micros|order|version|n -> due day, currency, Delta
constexpr char kOrdersCf[] = "rm_an_receivables_order";  // t|order -> OrderRow

constexpr int64_t kMicrosPerDay = 86'400'000'000;

// A change of what is owed on one due day: the amount, and the orders whose oldest unpaid instalment is
// due that day (so an open order counts once, in the bucket of its oldest unpaid instalment).
struct Delta {
  int64_t amount = 0;
  int64_t orders = 0;
  bool Zero() const { return amount == 0 && orders == 0; }
};

std::string Encode(const Delta& d) { return base::KeyBuilder().Int64(d.amount).Int64(d.orders).Release(); }

struct Instalment {
  int64_t due_micros = 0;
  int64_t open = 0;  // minor units not yet paid
};

struct OrderRow {
  std::string currency;
  std::vector<Instalment> instalments;  // by due date

  std::string Encode() const {
    base::KeyBuilder b;
    b.String(currency).Uint64(instalments.size());
    for (const Instalment& i : instalments) b.Int64(i.due_micros).Int64(i.open);
    return b.Release();
  }
  static absl::StatusOr<OrderRow> Decode(absl::string_view bytes) {
    ValueReader r(bytes);
    OrderRow row;
    row.currency = r.String();
    const uint64_t n = r.Uint64();
    for (uint64_t i = 0; i < n && r.ok_so_far(); ++i) {
      Instalment in;
      in.due_micros = r.Int64();
      in.open = r.Int64();
      row.instalments.push_back(in);
    }
    if (!r.ok()) return absl::DataLossError("unreadable receivables order row");
    return row;
  }

  // What the order owes per due day, with the order itself counted at its oldest unpaid instalment.
  std::map<int64_t, Delta> Owed() const {
    std::map<int64_t, Delta> out;
    bool oldest = true;
    for (const Instalment& i : instalments) {
      if (i.open <= 0) continue;
      Delta& d = out[DayOf(absl::FromUnixMicros(i.due_micros))];
      d.amount += i.open;
      if (oldest) d.orders = 1;
      oldest = false;
    }
    return out;
  }
};

// Writes after − before as deltas at the event's business time.
absl::Status WriteChange(ReadModelTxn& txn, const EventEnvelope& event, const std::string& currency,
                         const std::map<int64_t, Delta>& before, const std::map<int64_t, Delta>& after) {
  std::map<int64_t, Delta> change = after;
  for (const auto& [due_day, d] : before) {
    change[due_day].amount -= d.amount;
    change[due_day].orders -= d.orders;
  }
  const int64_t micros = MicrosOf(event.occurred_at());
  const int64_t day = DayOf(absl::FromUnixMicros(micros));
  uint64_t n = 0;
  for (const auto& [due_day, d] : change) {
    if (d.Zero()) continue;
    const std::string day_key =
        base::KeyBuilder().String(event.tenant()).Int64(day).Int64(due_day).String(currency).Release();
    absl::StatusOr<std::optional<std::string>> old = txn.Get(kDaysCf, day_key);
    if (!old.ok()) return old.status();
    Delta sum;
    if (old->has_value()) {
      ValueReader r(**old);
      sum.amount = r.Int64();
      sum.orders = r.Int64();
      if (!r.ok()) return absl::DataLossError("unreadable receivables day delta");
    }
    sum.amount += d.amount;
    sum.orders += d.orders;
    SFA_RETURN_IF_ERROR(sum.Zero() ? txn.Delete(kDaysCf, day_key) : txn.Put(kDaysCf, day_key, Encode(sum)));
    const std::string event_key = base::KeyBuilder()
                                      .String(event.tenant())
                                      .Int64(micros)
                                      .String(event.aggregate_id())
                                      .Uint64(event.aggregate_version())
                                      .Uint64(n++)
                                      .Release();
    SFA_RETURN_IF_ERROR(
        txn.Put(kEventsCf, event_key, base::KeyBuilder().Int64(due_day).String(currency).Release() + Encode(d)));
  }
  return absl::OkStatus();
}

std::string OrderKey(const EventEnvelope& event) {
  return base::KeyBuilder().String(event.tenant()).String(event.aggregate_id()).Release();
}

absl::Status Placed(const EventEnvelope& event, const qv1::OrderPlaced& e, ReadModelTxn& txn) {
  OrderRow row;
  row.currency = e.totals().net_total().currency();
  for (const qv1::Instalment& i : e.schedule()) {
    if (row.currency.empty()) row.currency = i.amount().currency();
    row.instalments.push_back({MicrosOf(i.due_date()), i.amount().minor_units()});
  }
  std::stable_sort(row.instalments.begin(), row.instalments.end(),
                   [](const Instalment& a, const Instalment& b) { return a.due_micros < b.due_micros; });
  SFA_RETURN_IF_ERROR(WriteChange(txn, event, row.currency, {}, row.Owed()));
  return txn.Put(kOrdersCf, OrderKey(event), row.Encode());
}

// A payment settles the instalments oldest due first (the quote service records payments per order, not
// per instalment).
absl::Status Paid(const EventEnvelope& event, const qv1::PaymentRecorded& e, ReadModelTxn& txn) {
  absl::StatusOr<std::optional<std::string>> bytes = txn.Get(kOrdersCf, OrderKey(event));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    base::LogWarn("receivables: payment for an order never placed, not counted",
                  {{"tenant", event.tenant()}, {"order", event.aggregate_id()}, {"event", event.event_id()}});
    return absl::OkStatus();
  }
  absl::StatusOr<OrderRow> row = OrderRow::Decode(**bytes);
  if (!row.ok()) return row.status();
  if (e.amount().currency() != row->currency) {
    base::LogWarn("receivables: payment in another currency than the order's, not counted",
                  {{"tenant", event.tenant()},
                   {"order", event.aggregate_id()},
                   {"event", event.event_id()},
                   {"currency", e.amount().currency()},
                   {"order_currency", row->currency}});
    return absl::OkStatus();
  }
  const std::map<int64_t, Delta> before = row->Owed();
  int64_t left = e.amount().minor_units();
  for (Instalment& i : row->instalments) {
    const int64_t take = std::min(left, std::max<int64_t>(i.open, 0));
    i.open -= take;
    left -= take;
  }
  if (left > 0) {
    base::LogWarn(
        "receivables: payment above the open balance, the excess is not counted",
        {{"tenant", event.tenant()}, {"order", event.aggregate_id()}, {"event", event.event_id()}, {"excess", left}});
  }
  SFA_RETURN_IF_ERROR(WriteChange(txn, event, row->currency, before, row->Owed()));
  return txn.Put(kOrdersCf, OrderKey(event), row->Encode());
}

// Balance and orders per age bucket and currency.
struct Buckets {
  std::array<int64_t, kAgeCount> orders{};
  std::array<std::map<std::string, int64_t>, kAgeCount> balance;
  void Add(int64_t as_of_day, int64_t due_day, const std::string& currency, int64_t amount, int64_t count) {
    const int b = static_cast<int>(AgeOf(as_of_day - due_day));
    orders[b] += count;
    balance[b][currency] += amount;
  }
};

}  // namespace

std::vector<std::string> ReceivablesProjection::column_families() const { return {kDaysCf, kEventsCf, kOrdersCf}; }

absl::Status ReceivablesProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.aggregate_type() != "order") return absl::OkStatus();
  if (Is<qv1::OrderPlaced>(event)) {
    absl::StatusOr<qv1::OrderPlaced> e = Parse<qv1::OrderPlaced>(event);
    return e.ok() ? Placed(event, *e, txn) : e.status();
  }
  if (Is<qv1::PaymentRecorded>(event)) {
    absl::StatusOr<qv1::PaymentRecorded> e = Parse<qv1::PaymentRecorded>(event);
    return e.ok() ? Paid(event, *e, txn) : e.status();
  }
  return absl::OkStatus();  // OrderPaid follows the payment that settled the balance: nothing left to move
}

absl::Status Validate(const v1::GetReceivablesRequest& r) {
  return r.has_as_of() ? CheckTimestamp(r.as_of(), "as_of") : absl::OkStatus();
}

absl::StatusOr<v1::GetReceivablesResponse> Receivables(const eventstore::EventStore& store, const std::string& tenant,
                                                       const v1::GetReceivablesRequest& r, absl::Time now) {
  const absl::Time as_of = r.has_as_of() ? TimeOf(r.as_of()) : now;
  const int64_t day = DayOf(as_of);
  const std::string prefix = base::KeyBuilder().String(tenant).Release();
  Buckets buckets;
  absl::Status failure;
  // The days before as_of's day: their sums.
  SFA_RETURN_IF_ERROR(eventstore::ScanRange(store, kDaysCf, {prefix, base::KeyBuilder(prefix).Int64(day).Release()},
                                            SIZE_MAX, [&](absl::string_view key, absl::string_view value) {
                                              ValueReader k(key.substr(prefix.size()));
                                              k.Int64();
                                              const int64_t due_day = k.Int64();
                                              const std::string currency = k.String();
                                              ValueReader v(value);
                                              const int64_t amount = v.Int64(), orders = v.Int64();
                                              if (!k.ok() || !v.ok()) {
                                                failure = absl::DataLossError("unreadable receivables day delta");
                                                return false;
                                              }
                                              buckets.Add(day, due_day, currency, amount, orders);
                                              return true;
                                            }));
  SFA_RETURN_IF_ERROR(failure);
  // as_of's own day: each change up to the instant.
  SFA_RETURN_IF_ERROR(eventstore::ScanRange(store, kEventsCf,
                                            {base::KeyBuilder(prefix).Int64(day * kMicrosPerDay).Release(),
                                             base::KeyBuilder(prefix).Int64(absl::ToUnixMicros(as_of) + 1).Release()},
                                            SIZE_MAX, [&](absl::string_view, absl::string_view value) {
                                              ValueReader v(value);
                                              const int64_t due_day = v.Int64();
                                              const std::string currency = v.String();
                                              const int64_t amount = v.Int64(), orders = v.Int64();
                                              if (!v.ok()) {
                                                failure = absl::DataLossError("unreadable receivables event delta");
                                                return false;
                                              }
                                              buckets.Add(day, due_day, currency, amount, orders);
                                              return true;
                                            }));
  SFA_RETURN_IF_ERROR(failure);
  v1::GetReceivablesResponse out;
  *out.mutable_as_of() = TimestampOf(as_of);
  for (int b = 0; b < kAgeCount; ++b) {
    v1::ReceivablesBucket* bucket = out.add_buckets();
    bucket->set_age(kAgeNames[b]);
    bucket->set_orders(buckets.orders[b]);
    for (const auto& [currency, amount] : buckets.balance[b]) {
      if (amount == 0) continue;
      sfa::common::v1::Money* m = bucket->add_balance();
      m->set_currency(currency);
      m->set_minor_units(amount);
    }
  }
  return out;
}

}  // namespace sfa::analytics::revenue

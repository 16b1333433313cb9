// GetReceivables against a hand-computed table and against an independent oracle (each order's schedule
// and payments folded up to the instant), and the receivables read model's order independence.

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "analytics/revenue/definitions.h"
#include "analytics/revenue/revenue.h"
#include "analytics/revenue/test_events.h"
#include "analytics/testing/harness.h"
#include "eventstore/test_util.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "sfa/quote/v1/quote_events.pb.h"

namespace sfa::analytics::revenue {
namespace {

namespace qv1 = ::sfa::quote::v1;
using analytics::testing::Harness;
using google::protobuf::util::TimeUtil;
using testing::At;
using testing::DumpRevenue;
using testing::EventLog;
using testing::Interleave;
using testing::StreamsReversed;

constexpr char kTenant[] = "acme";

sfa::common::v1::Money Money(int64_t minor_units, const std::string& currency) {
  sfa::common::v1::Money m;
  m.set_minor_units(minor_units);
  m.set_currency(currency);
  return m;
}

struct Due {
  absl::Time at;
  int64_t amount;
};

void Place(EventLog& log, const std::string& order, absl::Time at, const std::string& currency,
           const std::vector<Due>& schedule) {
  qv1::OrderPlaced e;
  e.set_order_id(order);
  int64_t total = 0;
  for (const Due& d : schedule) {
    qv1::Instalment* i = e.add_schedule();
    *i->mutable_due_date() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(d.at));
    *i->mutable_amount() = Money(d.amount, currency);
    total += d.amount;
  }
  *e.mutable_totals()->mutable_net_total() = Money(total, currency);
  log.Add("quote", "order", order, at, e);
}

void Pay(EventLog& log, const std::string& order, absl::Time at, int64_t amount, const std::string& currency) {
  qv1::PaymentRecorded e;
  e.set_order_id(order);
  e.set_payment_id(absl::StrCat(order, "-", absl::ToUnixSeconds(at)));
  *e.mutable_amount() = Money(amount, currency);
  log.Add("quote", "order", order, at, e);
}

void Settled(EventLog& log, const std::string& order, absl::Time at) {
  qv1::OrderPaid e;
  e.set_order_id(order);
  log.Add("quote", "order", order, at, e);
}

// Six orders around 15 March 2025; the ages are worked out beside them.
EventLog March() {
  EventLog log(kTenant);
  // R1: three instalments; 500.00 paid on 10 Feb goes to the first. On 15 Mar: 500.00 of the first
  // (due 31 Jan, 43 days) in 31-60, the second (due 2 Mar, 13 days) in 1-30, the third (1 Apr) current.
  Place(log, "R1", At("2025-01-01T10:00:00Z"), "USD",
        {{At("2025-01-31T10:00:00Z"), 100000},
         {At("2025-03-02T10:00:00Z"), 100000},
         {At("2025-04-01T10:00:00Z"), 100000}});
  Pay(log, "R1", At("2025-02-10T00:00:00Z"), 50000, "USD");
  // R2: 2,000.00 EUR due 1 Dec 2024 (104 days on 15 Mar); 500.00 paid an hour after the 15 Mar query.
  Place(log, "R2", At("2024-11-01T00:00:00Z"), "EUR", {{At("2024-12-01T00:00:00Z"), 200000}});
  Pay(log, "R2", At("2025-03-15T13:00:00Z"), 50000, "EUR");
  // R3: paid in full before its due date.
  Place(log, "R3", At("2025-02-01T00:00:00Z"), "USD", {{At("2025-03-03T00:00:00Z"), 80000}});
  Pay(log, "R3", At("2025-03-01T00:00:00Z"), 80000, "USD");
  Settled(log, "R3", At("2025-03-01T00:00:00Z"));
  // R4: due 10 Jan (64 days on 15 Mar); 100.00 paid the morning of 15 Mar, before the query.
  Place(log, "R4", At("2025-01-10T00:00:00Z"), "USD", {{At("2025-01-10T00:00:00Z"), 60000}});
  Pay(log, "R4", At("2025-03-15T09:00:00Z"), 10000, "USD");
  // R5: placed an hour before the query, due in April. R6: placed a microsecond after it.
  Place(log, "R5", At("2025-03-15T11:00:00Z"), "EUR", {{At("2025-04-14T00:00:00Z"), 70000}});
  Place(log, "R6", At("2025-03-15T12:00:00.000001Z"), "USD", {{At("2025-04-14T00:00:00Z"), 40000}});
  return log;
}

struct Bucket {
  std::string age;
  int64_t orders;
  std::vector<std::string> balance;
};

std::vector<Bucket> Buckets(const v1::GetReceivablesResponse& r) {
  std::vector<Bucket> out;
  for (const v1::ReceivablesBucket& b : r.buckets()) {
    Bucket bucket{b.age(), b.orders(), {}};
    for (const auto& m : b.balance()) bucket.balance.push_back(absl::StrCat(m.minor_units(), " ", m.currency()));
    out.push_back(bucket);
  }
  return out;
}

void ExpectBuckets(const v1::GetReceivablesResponse& got, const std::vector<Bucket>& want) {
  const std::vector<Bucket> buckets = Buckets(got);
  ASSERT_EQ(buckets.size(), want.size()) << got.DebugString();
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE(want[i].age);
    EXPECT_EQ(buckets[i].age, want[i].age);
    EXPECT_EQ(buckets[i].orders, want[i].orders);
    EXPECT_EQ(buckets[i].balance, want[i].balance);
  }
}

v1::GetReceivablesRequest AsOf(absl::Time t) {
  v1::GetReceivablesRequest r;
  *r.mutable_as_of() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
  return r;
}

class ReceivablesTest : public ::testing::Test {
 protected:
  std::unique_ptr<Harness> Start(const std::string& name) {
    absl::StatusOr<std::unique_ptr<Harness>> h = Harness::Start(dir_.Sub(name));
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() ? *std::move(h) : nullptr;
  }
  eventstore::testing::TempDir dir_{"revenue-receivables"};
};

TEST_F(ReceivablesTest, AgesOnFifteenthOfMarch) {
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->Feed(March().events()).ok());
  v1::GetReceivablesResponse got;
  grpc::Status status =
      h->stub().GetReceivables(Harness::Context(kTenant).get(), AsOf(At("2025-03-15T12:00:00Z")), &got);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(TimeUtil::TimestampToNanoseconds(got.as_of()), absl::ToUnixNanos(At("2025-03-15T12:00:00Z")));
  ExpectBuckets(got, {
                         {"current", 1, {"70000 EUR", "100000 USD"}},  // R5 (counted); R1's third instalment
                         {"1-30", 0, {"100000 USD"}},                  // R1's second
                         {"31-60", 1, {"50000 USD"}},                  // R1, its oldest
                         {"61-90", 1, {"50000 USD"}},                  // R4 after the morning's payment
                         {"90+", 1, {"200000 EUR"}},                   // R2, the afternoon's payment not yet
                     });
}

TEST_F(ReceivablesTest, AsOfBeforeAPaymentAndAtIt) {
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->Feed(March().events()).ok());
  // 5 Feb, before R1's payment and R3's: R1's first (due 31 Jan, 5 days) and R4 (26 days) in 1-30; R1's
  // other two and R3 current; R2 (66 days) in 61-90.
  absl::StatusOr<v1::GetReceivablesResponse> feb =
      Receivables(h->store(), kTenant, AsOf(At("2025-02-05T00:00:00Z")), absl::Now());
  ASSERT_TRUE(feb.ok()) << feb.status();
  ExpectBuckets(*feb, {
                          {"current", 1, {"280000 USD"}},
                          {"1-30", 2, {"160000 USD"}},
                          {"31-60", 0, {}},
                          {"61-90", 1, {"200000 EUR"}},
                          {"90+", 0, {}},
                      });
  // At the instant of R2's payment it counts (effective at or before as_of); R6 is there too.
  absl::StatusOr<v1::GetReceivablesResponse> at_payment =
      Receivables(h->store(), kTenant, AsOf(At("2025-03-15T13:00:00Z")), absl::Now());
  ASSERT_TRUE(at_payment.ok()) << at_payment.status();
  ExpectBuckets(*at_payment, {
                                 {"current", 2, {"70000 EUR", "140000 USD"}},
                                 {"1-30", 0, {"100000 USD"}},
                                 {"31-60", 1, {"50000 USD"}},
                                 {"61-90", 1, {"50000 USD"}},
                                 {"90+", 1, {"150000 EUR"}},
                             });
  // Before anything: five empty buckets.
  absl::StatusOr<v1::GetReceivablesResponse> before =
      Receivables(h->store(), kTenant, AsOf(At("2020-01-01T00:00:00Z")), absl::Now());
  ASSERT_TRUE(before.ok());
  ExpectBuckets(*before, {{"current", 0, {}}, {"1-30", 0, {}}, {"31-60", 0, {}}, {"61-90", 0, {}}, {"90+", 0, {}}});
}

TEST_F(ReceivablesTest, WithoutAsOfAnswersForNow) {
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->Feed(March().events()).ok());
  const absl::Time now = At("2025-03-15T12:00:00Z");
  absl::StatusOr<v1::GetReceivablesResponse> implicit = Receivables(h->store(), kTenant, {}, now);
  absl::StatusOr<v1::GetReceivablesResponse> explicit_ = Receivables(h->store(), kTenant, AsOf(now), absl::Now());
  ASSERT_TRUE(implicit.ok() && explicit_.ok());
  EXPECT_EQ(implicit->SerializeAsString(), explicit_->SerializeAsString());
  EXPECT_EQ(Receivables(h->store(), "other", AsOf(now), absl::Now())->buckets(0).balance_size(), 0);
}

TEST_F(ReceivablesTest, RedeliveryRebuildAndInterleavingsChangeNothing) {
  const std::vector<sfa::common::v1::EventEnvelope> events = March().events();
  std::unique_ptr<Harness> incremental = Start("incremental");
  ASSERT_NE(incremental, nullptr);
  for (const auto& e : events) ASSERT_TRUE(incremental->Feed({e}).ok());
  const auto want = DumpRevenue(*incremental);
  ASSERT_FALSE(want.at("rm_an_receivables").empty());
  ASSERT_TRUE(incremental->Feed(events).ok());  // every event again
  EXPECT_EQ(DumpRevenue(*incremental), want);
  for (uint32_t seed = 0; seed < 3; ++seed) {
    SCOPED_TRACE(seed);
    std::unique_ptr<Harness> rebuilt = Start(absl::StrCat("rebuilt", seed));
    ASSERT_NE(rebuilt, nullptr);
    ASSERT_TRUE(rebuilt->Feed(seed == 0 ? StreamsReversed(events) : Interleave(events, seed)).ok());
    EXPECT_EQ(DumpRevenue(*rebuilt), want);
  }
}

// ---------------------------------------------------------------------------------------------------
// The oracle: per order, the schedule and the payments effective by T, paid oldest due first.

struct OracleOrder {
  std::string id, currency;
  absl::Time placed;
  std::vector<Due> schedule;  // ascending due dates
  std::vector<std::pair<absl::Time, int64_t>> payments;
};

struct OracleBuckets {
  std::array<int64_t, kAgeCount> orders{};
  std::array<std::map<std::string, int64_t>, kAgeCount> balance;
};

OracleBuckets Oracle(const std::vector<OracleOrder>& orders, absl::Time as_of) {
  OracleBuckets out;
  const int64_t today = DayOf(as_of);
  for (const OracleOrder& o : orders) {
    if (o.placed > as_of) continue;
    std::vector<int64_t> open;
    for (const Due& d : o.schedule) open.push_back(d.amount);
    for (const auto& [at, amount] : o.payments) {
      if (at > as_of) continue;
      int64_t left = amount;
      for (int64_t& i : open) {
        const int64_t take = std::min(left, i);
        i -= take;
        left -= take;
      }
    }
    bool counted = false;
    for (size_t i = 0; i < open.size(); ++i) {
      if (open[i] == 0) continue;
      const int b = static_cast<int>(AgeOf(today - DayOf(o.schedule[i].at)));
      out.balance[b][o.currency] += open[i];
      if (!counted) ++out.orders[b];
      counted = true;
    }
  }
  return out;
}

TEST_F(ReceivablesTest, EqualsTheOracleAtRandomInstants) {
  std::mt19937 rng(11);
  auto uniform = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  const absl::Time origin = At("2024-01-01T00:00:00Z");
  const std::vector<std::string> currencies = {"USD", "EUR", "CNY"};
  std::vector<OracleOrder> orders;
  EventLog log(kTenant);
  for (int n = 0; n < 300; ++n) {
    OracleOrder o;
    o.id = absl::StrCat("order-", n);
    o.currency = currencies[uniform(0, 2)];
    o.placed = origin + absl::Seconds(uniform(0, 365 * 86400));
    absl::Time due = o.placed;
    int64_t total = 0;
    for (int64_t i = uniform(1, 4); i > 0; --i) {
      due += absl::Seconds(uniform(3600, 60 * 86400));
      o.schedule.push_back({due, uniform(1, 100000)});
      total += o.schedule.back().amount;
    }
    Place(log, o.id, o.placed, o.currency, o.schedule);
    absl::Time at = o.placed;
    int64_t balance = total;
    while (balance > 0 && uniform(0, 3) > 0) {
      at += absl::Seconds(uniform(0, 90 * 86400));  // a payment may share its order's instant
      const int64_t amount = uniform(0, 2) == 0 ? balance : uniform(1, balance);
      o.payments.push_back({at, amount});
      Pay(log, o.id, at, amount, o.currency);
      balance -= amount;
      if (balance == 0) Settled(log, o.id, at);
    }
    orders.push_back(std::move(o));
  }
  std::unique_ptr<Harness> h = Start("h");
  ASSERT_NE(h, nullptr);
  ASSERT_TRUE(h->Feed(Interleave(log.events(), 5)).ok());
  std::vector<absl::Time> instants = {origin, origin + absl::Hours(24 * 400), origin + absl::Hours(24 * 700)};
  for (int i = 0; i < 20; ++i) instants.push_back(origin + absl::Seconds(uniform(0, 500 * 86400)));
  for (const OracleOrder& o : orders) {  // exactly at a placement and at a payment
    if (instants.size() > 40) break;
    instants.push_back(o.placed);
    if (!o.payments.empty()) instants.push_back(o.payments.front().first);
  }
  for (absl::Time t : instants) {
    SCOPED_TRACE(absl::FormatTime(t));
    absl::StatusOr<v1::GetReceivablesResponse> got = Receivables(h->store(), kTenant, AsOf(t), absl::Now());
    ASSERT_TRUE(got.ok()) << got.status();
    const OracleBuckets want = Oracle(orders, t);
    ASSERT_EQ(got->buckets_size(), kAgeCount);
    for (int b = 0; b < kAgeCount; ++b) {
      const v1::ReceivablesBucket& bucket = got->buckets(b);
      EXPECT_EQ(bucket.age(), kAgeNames[b]);
      EXPECT_EQ(bucket.orders(), want.orders[b]) << bucket.age();
      std::map<std::string, int64_t> balance;
      for (const auto& m : bucket.balance()) balance[m.currency()] = m.minor_units();
      std::map<std::string, int64_t> expected;
      for (const auto& [currency, amount] : want.balance[b]) {
        if (amount != 0) expected[currency] = amount;
      }
      EXPECT_EQ(balance, expected) << bucket.age();
    }
  }
}

}  // namespace
}  // namespace sfa::analytics::revenue

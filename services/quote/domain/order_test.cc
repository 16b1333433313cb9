#include "quote/domain/order.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using E = OrderEvent;
using absl::StatusCode;

v1::Pricing Priced(int64_t net) {
  return Pb<v1::Pricing>(TextProto(R"pb(lines { line { line_id: "1" product_id: "shirt" quantity: 10 })pb",
                                   MoneyField("net_amount", net), "} totals {", MoneyField("net_total", net), "}"));
}

std::string Instalment(int day, int64_t amount, absl::string_view currency = "USD") {
  return TextProto("schedule {", TimeField("due_date", Day(day)), MoneyField("amount", amount, currency), "}");
}

PlaceOrder Place(int64_t net, std::vector<std::string> schedule = {}) {
  PlaceOrder command{"ord1", "q1", 2, "o1", "a1", Priced(net), {}, Day(5)};
  for (const std::string& instalment : schedule) {
    command.schedule.push_back(Pb<v1::AcceptQuoteRequest>(instalment).schedule(0));
  }
  return command;
}

E Placed(int64_t net, absl::string_view schedule) {
  auto placed = Pb<v1::OrderPlaced>(TextProto(
      R"pb(order_id: "ord1" quote_id: "q1" quote_version: 2 opportunity_id: "o1" account_id: "a1")pb", schedule));
  const v1::Pricing pricing = Priced(net);
  *placed.mutable_lines() = pricing.lines();
  *placed.mutable_totals() = pricing.totals();
  return E{Day(5), placed};
}

E Paid(int64_t total, int day) {
  return E{Day(day), Pb<v1::OrderPaid>(TextProto(R"pb(order_id: "ord1")pb", MoneyField("paid_total", total)))};
}

TEST(OrderDeciderTest, PlaceOrder) {
  RunDeciderTable<OrderState>(std::vector<DeciderCase<E, PlaceOrder>>{
      {.name = "no schedule: one instalment 30 days after acceptance",
       .when = Place(100000),
       .then = {Placed(100000, Instalment(35, 100000))}},
      {.name = "the customer's schedule",
       .when = Place(100000, {Instalment(5, 30000), Instalment(35, 70000)}),
       .then = {Placed(100000, TextProto(Instalment(5, 30000), Instalment(35, 70000)))}},
      {.name = "nothing to pay: paid at once", .when = Place(0), .then = {Placed(0, ""), Paid(0, 5)}},
      {.name = "a schedule short of the total",
       .when = Place(100000, {Instalment(5, 30000), Instalment(35, 60000)}),
       .code = StatusCode::kFailedPrecondition,
       .message = "invalid_schedule: the instalments sum to 90000 USD, the net total is 100000 USD"},
      {.name = "due dates descending",
       .when = Place(100000, {Instalment(35, 30000), Instalment(5, 70000)}),
       .code = StatusCode::kFailedPrecondition,
       .message = "invalid_schedule: instalment 2 is due at"},
      {.name = "another currency",
       .when = Place(100000, {Instalment(35, 100000, "EUR")}),
       .code = StatusCode::kFailedPrecondition,
       .message = "invalid_schedule: instalment 1 is in EUR"},
      {.name = "taken id",
       .given = {Placed(100000, Instalment(35, 100000))},
       .when = Place(100000),
       .code = StatusCode::kAlreadyExists,
       .message = "order ord1 already exists"},
  });
}

TEST(OrderDeciderTest, PlaceOrderForTheAcceptedQuote) {
  auto created = Pb<v1::QuoteCreated>(R"pb(quote_id: "q1" opportunity_id: "o1" account_id: "a1" currency: "USD")pb");
  *created.mutable_pricing() = Priced(100000);
  const QuoteState accepted =
      Fold(QuoteState{},
           std::vector<QuoteEvent>{{Day(0), created}, {Day(5), Pb<v1::QuoteAccepted>(R"pb(quote_id: "q1"
                                                                                          quote_version: 1
                                                                                          order_id: "ord1")pb")}});
  const PlaceOrder place = PlaceOrderFor(accepted, Pb<v1::AcceptQuoteRequest>(Instalment(35, 100000)).schedule());
  EXPECT_EQ(place.order_id, "ord1");
  EXPECT_EQ(place.quote_id, "q1");
  EXPECT_EQ(place.quote_version, 1u);
  EXPECT_EQ(place.opportunity_id, "o1");
  EXPECT_EQ(place.account_id, "a1");
  EXPECT_EQ(place.pricing.totals().net_total().minor_units(), 100000);
  ASSERT_EQ(place.schedule.size(), 1u);
  EXPECT_EQ(place.accepted_at, Day(5));
}

RecordPayment Pay(int64_t amount, int day, absl::string_view extra = "", absl::string_view currency = "USD") {
  return RecordPayment{Pb<v1::RecordPaymentRequest>(TextProto(
                           R"pb(request_id: "r1" order_id: "ord1" reference: "wire 42")pb",
                           MoneyField("amount", amount, currency), extra, absl::StrCat("payment_id: \"p", day, "\""))),
                       Day(day)};
}

E PaymentRecorded(int64_t amount, int64_t paid, int64_t balance, int day) {
  return E{Day(day),
           Pb<v1::PaymentRecorded>(TextProto(R"pb(order_id: "ord1" reference: "wire 42")pb",
                                             absl::StrCat("payment_id: \"p", day, "\""), MoneyField("amount", amount),
                                             MoneyField("paid_total", paid), MoneyField("balance", balance)))};
}

TEST(OrderDeciderTest, RecordPayment) {
  const E placed = Placed(100000, Instalment(35, 100000));
  RunDeciderTable<OrderState>(std::vector<DeciderCase<E, RecordPayment>>{
      {.name = "a part", .given = {placed}, .when = Pay(40000, 10), .then = {PaymentRecorded(40000, 40000, 60000, 10)}},
      {.name = "the rest: paid",
       .given = {placed, PaymentRecorded(40000, 40000, 60000, 10)},
       .when = Pay(60000, 20),
       .then = {PaymentRecorded(60000, 100000, 0, 20), Paid(100000, 20)}},
      {.name = "all at once: paid",
       .given = {placed},
       .when = Pay(100000, 10),
       .then = {PaymentRecorded(100000, 100000, 0, 10), Paid(100000, 10)}},
      {.name = "back-dated",
       .given = {placed},
       .when = Pay(100, 20, At(Day(8))),
       .then = {E{Day(8),
                  Pb<v1::PaymentRecorded>(TextProto(R"pb(order_id: "ord1" payment_id: "p20" reference: "wire 42")pb",
                                                    MoneyField("amount", 100), MoneyField("paid_total", 100),
                                                    MoneyField("balance", 99900)))}}},
      {.name = "more than the open balance",
       .given = {placed, PaymentRecorded(40000, 40000, 60000, 10)},
       .when = Pay(60001, 20),
       .code = StatusCode::kFailedPrecondition,
       .message = "overpayment: a payment of 60001 USD exceeds the open balance 60000 USD of order ord1"},
      {.name = "a paid order",
       .given = {placed, PaymentRecorded(100000, 100000, 0, 10), Paid(100000, 10)},
       .when = Pay(1, 20),
       .code = StatusCode::kFailedPrecondition,
       .message = "order_paid: order ord1 is paid in full (100000 USD)"},
      {.name = "another currency",
       .given = {placed},
       .when = Pay(100, 10, "", "EUR"),
       .code = StatusCode::kFailedPrecondition,
       .message = "payment_currency_mismatch: order ord1 is payable in USD, not EUR"},
      {.name = "a payment id already recorded",
       .given = {placed, PaymentRecorded(40000, 40000, 60000, 10)},
       .when = Pay(100, 10),
       .code = StatusCode::kAlreadyExists,
       .message = "payment p10 of order ord1 is already recorded"},
      {.name = "before the order was placed",
       .given = {placed},
       .when = Pay(100, 10, At(Day(4))),
       .code = StatusCode::kFailedPrecondition,
       .message = "effective_time_before_last_change"},
      {.name = "unknown order", .when = Pay(100, 10), .code = StatusCode::kNotFound, .message = "order ord1 not found"},
  });
}

TEST(OrderViewTest, BalanceAndPayments) {
  const OrderState state = Fold(
      OrderState{}, std::vector<E>{Placed(100000, Instalment(35, 100000)), PaymentRecorded(40000, 40000, 60000, 10)});
  const v1::Order order = OrderView(state);
  EXPECT_EQ(order.status(), v1::ORDER_STATUS_OPEN);
  EXPECT_EQ(order.paid_total().minor_units(), 40000);
  EXPECT_EQ(order.balance().minor_units(), 60000);
  ASSERT_EQ(order.payments_size(), 1);
  EXPECT_EQ(ToTime(order.payments(0).paid_at()), Day(10));
  EXPECT_EQ(order.version(), 2u);
  EXPECT_EQ(ToTime(order.placed_at()), Day(5));
  EXPECT_EQ(order.schedule_size(), 1);
}

}  // namespace
}  // namespace sfa::quote::domain

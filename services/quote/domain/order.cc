#include "quote/domain/order.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "quote/domain/schedule.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {
namespace {

common::v1::Money MoneyOf(int64_t minor_units, absl::string_view currency) {
  common::v1::Money money;
  money.set_minor_units(minor_units);
  money.set_currency(std::string(currency));
  return money;
}

std::string Amount(const common::v1::Money& money) { return absl::StrCat(money.minor_units(), " ", money.currency()); }

void Apply(OrderState& state, const v1::OrderPlaced& e, absl::Time at) {
  state.exists = true;
  state.placed = e;
  state.status = v1::ORDER_STATUS_OPEN;
  state.balance = e.totals().net_total();
  state.paid_total = MoneyOf(0, e.totals().net_total().currency());
  state.placed_at = at;
}

void Apply(OrderState& state, const v1::PaymentRecorded& e, absl::Time at) {
  v1::Payment payment;
  payment.set_payment_id(e.payment_id());
  *payment.mutable_amount() = e.amount();
  *payment.mutable_paid_at() = ToTimestamp(at);
  payment.set_reference(e.reference());
  state.payments.push_back(std::move(payment));
  state.paid_total = e.paid_total();
  state.balance = e.balance();
}

void Apply(OrderState& state, const v1::OrderPaid&, absl::Time) { state.status = v1::ORDER_STATUS_PAID; }

v1::OrderPaid Paid(const std::string& order_id, const common::v1::Money& paid_total) {
  v1::OrderPaid paid;
  paid.set_order_id(order_id);
  *paid.mutable_paid_total() = paid_total;
  return paid;
}

}  // namespace

PlaceOrder PlaceOrderFor(const QuoteState& accepted,
                         const google::protobuf::RepeatedPtrField<v1::Instalment>& schedule) {
  const QuoteVersion& version = accepted.latest();
  return PlaceOrder{accepted.order_id,
                    accepted.quote_id(),
                    version.quote_version,
                    accepted.created.opportunity_id(),
                    accepted.created.account_id(),
                    version.pricing,
                    {schedule.begin(), schedule.end()},
                    accepted.accepted_at};
}

OrderState Evolve(OrderState state, const OrderEvent& event) {
  std::visit([&](const auto& payload) { Apply(state, payload, event.occurred_at); }, event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  ++state.stream_version;
  return state;
}

absl::StatusOr<std::vector<OrderEvent>> Decide(const OrderState& state, const PlaceOrder& command) {
  if (state.exists) return absl::AlreadyExistsError(absl::StrCat("order ", command.order_id, " already exists"));
  const common::v1::Money& net_total = command.pricing.totals().net_total();
  const std::vector<v1::Instalment> schedule =
      command.schedule.empty() ? DefaultSchedule(net_total, command.accepted_at) : command.schedule;
  SFA_RETURN_IF_ERROR(CheckSchedule(schedule, net_total));
  v1::OrderPlaced placed;
  placed.set_order_id(command.order_id);
  placed.set_quote_id(command.quote_id);
  placed.set_quote_version(command.quote_version);
  placed.set_opportunity_id(command.opportunity_id);
  placed.set_account_id(command.account_id);
  *placed.mutable_lines() = command.pricing.lines();
  *placed.mutable_totals() = command.pricing.totals();
  placed.mutable_schedule()->Assign(schedule.begin(), schedule.end());
  std::vector<OrderEvent> events;
  events.push_back({command.accepted_at, std::move(placed)});
  if (net_total.minor_units() == 0) {
    events.push_back({command.accepted_at, Paid(command.order_id, MoneyOf(0, net_total.currency()))});
  }
  return events;
}

absl::StatusOr<std::vector<OrderEvent>> Decide(const OrderState& state, const RecordPayment& command) {
  const v1::RecordPaymentRequest& request = command.request;
  if (!state.exists) return absl::NotFoundError(absl::StrCat("order ", request.order_id(), " not found"));
  if (state.status == v1::ORDER_STATUS_PAID) {
    return RuleViolation("order_paid", absl::StrCat("order ", request.order_id(), " is paid in full (",
                                                    Amount(state.paid_total), "); no payment is due"));
  }
  const bool known = std::any_of(state.payments.begin(), state.payments.end(),
                                 [&](const v1::Payment& p) { return p.payment_id() == request.payment_id(); });
  if (known) {
    return absl::AlreadyExistsError(
        absl::StrCat("payment ", request.payment_id(), " of order ", request.order_id(), " is already recorded"));
  }
  const common::v1::Money& amount = request.amount();
  if (amount.currency() != state.balance.currency()) {
    return RuleViolation("payment_currency_mismatch",
                         absl::StrCat("order ", request.order_id(), " is payable in ", state.balance.currency(),
                                      ", not ", amount.currency()));
  }
  if (amount.minor_units() > state.balance.minor_units()) {
    return RuleViolation("overpayment", absl::StrCat("a payment of ", Amount(amount), " exceeds the open balance ",
                                                     Amount(state.balance), " of order ", request.order_id()));
  }
  absl::StatusOr<absl::Time> at = EffectiveTimeOf(request, command.now, state.last_changed_at);
  if (!at.ok()) return at.status();
  v1::PaymentRecorded recorded;
  recorded.set_order_id(state.order_id());
  recorded.set_payment_id(request.payment_id());
  *recorded.mutable_amount() = amount;
  *recorded.mutable_paid_total() = MoneyOf(state.paid_total.minor_units() + amount.minor_units(), amount.currency());
  *recorded.mutable_balance() = MoneyOf(state.balance.minor_units() - amount.minor_units(), amount.currency());
  recorded.set_reference(request.reference());
  const bool settled = recorded.balance().minor_units() == 0;
  v1::OrderPaid paid = Paid(state.order_id(), recorded.paid_total());
  std::vector<OrderEvent> events;
  events.push_back({*at, std::move(recorded)});
  if (settled) events.push_back({*at, std::move(paid)});
  return events;
}

v1::Order OrderView(const OrderState& state) {
  const v1::OrderPlaced& placed = state.placed;
  v1::Order order;
  order.set_order_id(placed.order_id());
  order.set_quote_id(placed.quote_id());
  order.set_quote_version(placed.quote_version());
  order.set_opportunity_id(placed.opportunity_id());
  order.set_account_id(placed.account_id());
  *order.mutable_lines() = placed.lines();
  *order.mutable_totals() = placed.totals();
  *order.mutable_schedule() = placed.schedule();
  order.mutable_payments()->Assign(state.payments.begin(), state.payments.end());
  *order.mutable_paid_total() = state.paid_total;
  *order.mutable_balance() = state.balance;
  order.set_status(state.status);
  order.set_version(state.stream_version);
  *order.mutable_placed_at() = ToTimestamp(state.placed_at);
  return order;
}

}  // namespace sfa::quote::domain

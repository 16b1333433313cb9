#ifndef SFA_SERVICES_QUOTE_DOMAIN_ORDER_H_
#define SFA_SERVICES_QUOTE_DOMAIN_ORDER_H_

// The order aggregate: what an accepted quote sold, its payment schedule, and the payments against it
// until it is paid.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "quote/domain/event.h"
#include "quote/domain/quote.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

inline constexpr char kOrderAggregate[] = "order";

using OrderPayload = std::variant<v1::OrderPlaced, v1::PaymentRecorded, v1::OrderPaid>;
using OrderEvent = Event<OrderPayload>;

struct OrderState {
  bool exists = false;
  v1::OrderPlaced placed;
  std::vector<v1::Payment> payments;
  common::v1::Money paid_total;
  common::v1::Money balance;
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  uint64_t stream_version = 0;
  absl::Time placed_at = absl::InfinitePast();
  absl::Time last_changed_at = absl::InfinitePast();

  const std::string& order_id() const { return placed.order_id(); }
};

// The accepted quote version an order is placed for.
struct PlaceOrder {
  std::string order_id;
  std::string quote_id;
  uint64_t quote_version = 0;
  std::string opportunity_id;
  std::string account_id;
  v1::Pricing pricing;
  // As the customer asked; empty = DefaultSchedule.
  std::vector<v1::Instalment> schedule;
  absl::Time accepted_at;
};

struct RecordPayment {
  v1::RecordPaymentRequest request;  // validated; payment_id filled in
  absl::Time now;
};

// The order for a quote whose QuoteAccepted is folded into `accepted`, with the schedule of its
// AcceptQuoteRequest.
PlaceOrder PlaceOrderFor(const QuoteState& accepted,
                         const google::protobuf::RepeatedPtrField<v1::Instalment>& schedule);

OrderState Evolve(OrderState state, const OrderEvent& event);

// OrderPlaced at the acceptance time with the lines, totals and schedule (DefaultSchedule when none was
// asked for), and OrderPaid at once when the net total is zero. ALREADY_EXISTS for a taken id;
// invalid_schedule (CheckSchedule).
absl::StatusOr<std::vector<OrderEvent>> Decide(const OrderState& state, const PlaceOrder& command);

// PaymentRecorded with the new paid total and balance, and OrderPaid when the balance reaches zero.
// NOT_FOUND for an unknown order; order_paid once paid; payment_currency_mismatch; overpayment above the
// open balance; ALREADY_EXISTS for a payment id already recorded.
absl::StatusOr<std::vector<OrderEvent>> Decide(const OrderState& state, const RecordPayment& command);

// The order as GetOrder shows it.
v1::Order OrderView(const OrderState& state);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_ORDER_H_

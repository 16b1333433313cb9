#ifndef SFA_SERVICES_QUOTE_DOMAIN_PRICE_BOOK_H_
#define SFA_SERVICES_QUOTE_DOMAIN_PRICE_BOOK_H_

// The price-book aggregate: list prices, quantity tiers and attribute adjustments in one currency, for a
// scope of accounts and a validity window. Upserted whole.

#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "quote/domain/event.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

inline constexpr char kPriceBookAggregate[] = "price_book";

using PriceBookPayload = std::variant<v1::PriceBookUpserted>;
using PriceBookEvent = Event<PriceBookPayload>;

struct PriceBookState {
  bool exists = false;
  // The book as last upserted; price_book.version() is the stream version.
  v1::PriceBook price_book;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct UpsertPriceBook {
  v1::UpsertPriceBookRequest request;  // validated (currencies, tiers, one entry per product/SKU, window)
  absl::Time now;
};

PriceBookState Evolve(PriceBookState state, const PriceBookEvent& event);

// PriceBookUpserted with the whole book and the next stream version; nothing when the request repeats the
// current book. price_book_currency_changed: a book keeps its currency (quotes priced from it name it).
absl::StatusOr<std::vector<PriceBookEvent>> Decide(const PriceBookState& state, const UpsertPriceBook& command);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_PRICE_BOOK_H_

#include "quote/domain/price_book.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {

PriceBookState Evolve(PriceBookState state, const PriceBookEvent& event) {
  state.exists = true;
  state.price_book = std::get<v1::PriceBookUpserted>(event.payload).price_book();
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<PriceBookEvent>> Decide(const PriceBookState& state, const UpsertPriceBook& command) {
  v1::PriceBook book = command.request.price_book();
  if (state.exists && state.price_book.currency() != book.currency()) {
    return RuleViolation("price_book_currency_changed",
                         absl::StrCat("price book ", book.price_book_id(), " is in ", state.price_book.currency(),
                                      ", not ", book.currency(), "; create another book for ", book.currency()));
  }
  book.set_version(state.price_book.version());
  if (state.exists && google::protobuf::util::MessageDifferencer::Equals(state.price_book, book)) {
    return std::vector<PriceBookEvent>{};
  }
  book.set_version(state.price_book.version() + 1);
  v1::PriceBookUpserted upserted;
  *upserted.mutable_price_book() = std::move(book);
  std::vector<PriceBookEvent> events;
  events.push_back({std::max(command.now, state.last_changed_at), std::move(upserted)});
  return events;
}

}  // namespace sfa::quote::domain

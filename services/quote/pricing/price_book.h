#ifndef SFA_SERVICES_QUOTE_PRICING_PRICE_BOOK_H_
#define SFA_SERVICES_QUOTE_PRICING_PRICE_BOOK_H_

// Which price book prices a quote: the named one, or the best valid, active, in-scope book in the
// quote's currency.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "google/protobuf/timestamp.pb.h"
#include "sfa/quote/v1/quote_types.pb.h"

namespace sfa::quote::pricing {

struct PriceBookQuery {
  std::string account_id;
  std::string industry;
  std::string region;
  std::string currency;
  absl::Time date;
  // A book the caller names; empty = choose.
  std::string price_book_id;
};

// valid_from <= date < valid_to, either bound unset = unbounded (books and promotions alike).
bool ValidAt(bool has_from, const google::protobuf::Timestamp& from, bool has_to, const google::protobuf::Timestamp& to,
             absl::Time date);
bool ValidAt(const v1::PriceBook& book, absl::Time date);
bool ValidAt(const v1::Promotion& promotion, absl::Time date);

// scope.all, or the account id listed (exactly), or the industry or the region listed (ignoring ASCII case).
bool InScope(const v1::PriceBookScope& scope, const PriceBookQuery& query);

// A named book must exist among `books`, be active, valid at the date and in the currency; its scope is
// not checked (a rep may quote from a partner book by name). FAILED_PRECONDITION price_book_not_found,
// price_book_inactive, price_book_not_valid_at_date or price_book_currency otherwise.
//
// Without a name: among the active books valid at the date, in the currency and in scope, the highest
// priority; among equal priorities the smallest price_book_id (byte order), so the choice never depends on
// the order of `books`. FAILED_PRECONDITION no_price_book when none qualifies.
//
// The result points into `books`.
absl::StatusOr<const v1::PriceBook*> ResolvePriceBook(absl::Span<const v1::PriceBook> books,
                                                      const PriceBookQuery& query);

}  // namespace sfa::quote::pricing

#endif  // SFA_SERVICES_QUOTE_PRICING_PRICE_BOOK_H_

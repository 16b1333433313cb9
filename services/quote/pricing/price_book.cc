#include "quote/pricing/price_book.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/support.h"

namespace sfa::quote::pricing {
namespace {

using ::sfa::domain::Rfc3339;
using ::sfa::domain::RuleViolation;
using ::sfa::domain::ToTime;

bool ListsIgnoringCase(const google::protobuf::RepeatedPtrField<std::string>& list, absl::string_view value) {
  if (value.empty()) return false;
  for (const std::string& item : list) {
    if (absl::EqualsIgnoreCase(item, value)) return true;
  }
  return false;
}

absl::StatusOr<const v1::PriceBook*> NamedBook(absl::Span<const v1::PriceBook> books, const PriceBookQuery& query) {
  const std::string& id = query.price_book_id;
  for (const v1::PriceBook& book : books) {
    if (book.price_book_id() != id) continue;
    if (!book.active()) return RuleViolation("price_book_inactive", absl::StrCat("price book ", id, " is not active"));
    if (!ValidAt(book, query.date)) {
      return RuleViolation("price_book_not_valid_at_date",
                           absl::StrCat("price book ", id, " is not valid at ", Rfc3339(query.date)));
    }
    if (book.currency() != query.currency) {
      return RuleViolation("price_book_currency", absl::StrCat("price book ", id, " is in ", book.currency(),
                                                               ", the quote in ", query.currency));
    }
    return &book;
  }
  return RuleViolation("price_book_not_found", absl::StrCat("price book ", id, " does not exist"));
}

}  // namespace

bool ValidAt(bool has_from, const google::protobuf::Timestamp& from, bool has_to, const google::protobuf::Timestamp& to,
             absl::Time date) {
  if (has_from && date < ToTime(from)) return false;
  if (has_to && date >= ToTime(to)) return false;
  return true;
}

bool ValidAt(const v1::PriceBook& book, absl::Time date) {
  return ValidAt(book.has_valid_from(), book.valid_from(), book.has_valid_to(), book.valid_to(), date);
}

bool ValidAt(const v1::Promotion& promotion, absl::Time date) {
  return ValidAt(promotion.has_valid_from(), promotion.valid_from(), promotion.has_valid_to(), promotion.valid_to(),
                 date);
}

bool InScope(const v1::PriceBookScope& scope, const PriceBookQuery& query) {
  if (scope.all()) return true;
  if (!query.account_id.empty()) {
    for (const std::string& account : scope.account_ids()) {
      if (account == query.account_id) return true;
    }
  }
  return ListsIgnoringCase(scope.industries(), query.industry) || ListsIgnoringCase(scope.regions(), query.region);
}

absl::StatusOr<const v1::PriceBook*> ResolvePriceBook(absl::Span<const v1::PriceBook> books,
                                                      const PriceBookQuery& query) {
  if (!query.price_book_id.empty()) return NamedBook(books, query);
  const v1::PriceBook* best = nullptr;
  for (const v1::PriceBook& book : books) {
    if (!book.active() || book.currency() != query.currency || !ValidAt(book, query.date) ||
        !InScope(book.scope(), query)) {
      continue;
    }
    if (best == nullptr || book.priority() > best->priority() ||
        (book.priority() == best->priority() && book.price_book_id() < best->price_book_id())) {
      best = &book;
    }
  }
  if (best == nullptr) {
    return RuleViolation("no_price_book", absl::StrCat("no active price book in ", query.currency, " valid at ",
                                                       Rfc3339(query.date), " applies to account ", query.account_id,
                                                       " (industry ", query.industry, ", region ", query.region, ")"));
  }
  return best;
}

}  // namespace sfa::quote::pricing

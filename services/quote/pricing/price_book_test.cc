#include "quote/pricing/price_book.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "quote/pricing/test_support.h"

namespace sfa::quote::pricing {
namespace {

using fixtures::Book;
using fixtures::Day;
using ::sfa::domain::ToTimestamp;
using ::testing::HasSubstr;

v1::PriceBook Valid(v1::PriceBook book, int from_day, int to_day) {
  *book.mutable_valid_from() = ToTimestamp(Day(from_day));
  *book.mutable_valid_to() = ToTimestamp(Day(to_day));
  return book;
}

v1::PriceBook Scoped(const std::string& id, int priority, std::vector<std::string> accounts,
                     std::vector<std::string> industries, std::vector<std::string> regions) {
  v1::PriceBook book = Book(id);
  book.set_priority(priority);
  book.mutable_scope()->set_all(false);
  for (const std::string& a : accounts) book.mutable_scope()->add_account_ids(a);
  for (const std::string& i : industries) book.mutable_scope()->add_industries(i);
  for (const std::string& r : regions) book.mutable_scope()->add_regions(r);
  return book;
}

PriceBookQuery Query(absl::Time date, const std::string& account = "acme", const std::string& industry = "Retail",
                     const std::string& region = "EMEA") {
  return {account, industry, region, "USD", date, ""};
}

std::string Chosen(const std::vector<v1::PriceBook>& books, const PriceBookQuery& query) {
  absl::StatusOr<const v1::PriceBook*> book = ResolvePriceBook(books, query);
  return book.ok() ? (*book)->price_book_id() : std::string(book.status().message());
}

TEST(PriceBookTest, ValidityIsFromInclusiveToExclusive) {
  const std::vector<v1::PriceBook> books = {Valid(Book("march"), 0, 10)};
  struct Case {
    absl::Time date;
    bool found;
  };
  const Case cases[] = {
      {Day(0) - absl::Seconds(1), false},
      {Day(0), true},  // valid_from is inclusive
      {Day(5), true},
      {Day(10) - absl::Nanoseconds(1), true},
      {Day(10), false},  // valid_to is exclusive
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ResolvePriceBook(books, Query(c.date)).ok(), c.found) << c.date;
  }
  // Unset bounds are unbounded.
  const std::vector<v1::PriceBook> open = {Book("open")};
  EXPECT_EQ(Chosen(open, Query(Day(-10000))), "open");
  EXPECT_EQ(Chosen(open, Query(Day(10000))), "open");
}

TEST(PriceBookTest, ScopeMatchesAccountIndustryRegionOrAll) {
  struct Case {
    std::string name;
    v1::PriceBook book;
    bool in_scope;
  };
  const Case cases[] = {
      {"account", Scoped("b", 0, {"acme"}, {}, {}), true},
      {"other account", Scoped("b", 0, {"globex"}, {}, {}), false},
      {"industry ignoring case", Scoped("b", 0, {}, {"retail"}, {}), true},
      {"region ignoring case", Scoped("b", 0, {}, {}, {"emea"}), true},
      {"other region", Scoped("b", 0, {}, {}, {"APAC"}), false},
      {"empty scope", Scoped("b", 0, {}, {}, {}), false},
      {"all", Book("b"), true},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ResolvePriceBook({c.book}, Query(Day(1))).ok(), c.in_scope) << c.name;
  }
  // An account id is compared exactly; an empty query value matches nothing.
  EXPECT_FALSE(ResolvePriceBook({Scoped("b", 0, {"ACME"}, {}, {})}, Query(Day(1))).ok());
  EXPECT_FALSE(ResolvePriceBook({Scoped("b", 0, {}, {""}, {})}, Query(Day(1), "acme", "", "")).ok());
}

TEST(PriceBookTest, HighestPriorityWinsAndTiesGoToTheSmallestId) {
  std::vector<v1::PriceBook> books = {Scoped("standard", 0, {}, {}, {"EMEA"}), Scoped("retail", 10, {}, {"Retail"}, {}),
                                      Scoped("acme-b", 20, {"acme"}, {}, {}), Scoped("acme-a", 20, {"acme"}, {}, {})};
  EXPECT_EQ(Chosen(books, Query(Day(1))), "acme-a");
  // The order of the candidates does not matter.
  std::swap(books[2], books[3]);
  EXPECT_EQ(Chosen(books, Query(Day(1))), "acme-a");
  // Another account: the industry book; another industry too: the region book.
  EXPECT_EQ(Chosen(books, Query(Day(1), "globex")), "retail");
  EXPECT_EQ(Chosen(books, Query(Day(1), "globex", "Banking")), "standard");
}

TEST(PriceBookTest, SkipsInactiveExpiredAndOtherCurrencyBooks) {
  v1::PriceBook inactive = Book("inactive");
  inactive.set_priority(9);
  inactive.set_active(false);
  v1::PriceBook euro = Book("euro");
  euro.set_priority(9);
  euro.set_currency("EUR");
  v1::PriceBook expired = Valid(Book("expired"), -10, 0);
  expired.set_priority(9);
  const std::vector<v1::PriceBook> books = {inactive, euro, expired, Book("standard")};
  EXPECT_EQ(Chosen(books, Query(Day(1))), "standard");
  const absl::StatusOr<const v1::PriceBook*> none = ResolvePriceBook({inactive, euro, expired}, Query(Day(1)));
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("no_price_book: no active price book in USD"));
}

TEST(PriceBookTest, NamedBookWinsButMustBeUsable) {
  v1::PriceBook partner = Scoped("partner", -5, {"someone-else"}, {}, {});
  v1::PriceBook inactive = Book("inactive");
  inactive.set_active(false);
  v1::PriceBook euro = Book("euro");
  euro.set_currency("EUR");
  const std::vector<v1::PriceBook> books = {Book("standard"), partner, inactive, euro, Valid(Book("future"), 10, 20)};
  struct Case {
    std::string name;
    std::string expected;  // the chosen id, or the start of the error
  };
  const Case cases[] = {
      {"partner", "partner"},  // out of scope and low priority, but named
      {"missing", "price_book_not_found: price book missing does not exist"},
      {"inactive", "price_book_inactive"},
      {"euro", "price_book_currency: price book euro is in EUR, the quote in USD"},
      {"future", "price_book_not_valid_at_date"},
  };
  for (const Case& c : cases) {
    PriceBookQuery query = Query(Day(1));
    query.price_book_id = c.name;
    const absl::StatusOr<const v1::PriceBook*> book = ResolvePriceBook(books, query);
    if (book.ok()) {
      EXPECT_EQ((*book)->price_book_id(), c.expected);
    } else {
      EXPECT_EQ(book.status().code(), absl::StatusCode::kFailedPrecondition) << c.name;
      EXPECT_THAT(book.status().message(), HasSubstr(c.expected)) << c.name;
    }
  }
}

}  // namespace
}  // namespace sfa::quote::pricing

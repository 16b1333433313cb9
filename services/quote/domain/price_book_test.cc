#include "quote/domain/price_book.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using E = PriceBookEvent;
using absl::StatusCode;

constexpr char kStandard[] = R"pb(price_book_id: "standard"
                                  name: "Standard 2024"
                                  currency: "USD"
                                  scope { all: true }
                                  entries {
                                    product_id: "shirt"
                                    list_price { minor_units: 2000 currency: "USD" }
                                    tier_mode: TIER_MODE_RANGE
                                    tiers { min_quantity: 10 percent_off_bp: 500 }
                                  }
                                  active: true)pb";

UpsertPriceBook Upsert(absl::string_view book, int day = 0) {
  return UpsertPriceBook{Pb<v1::UpsertPriceBookRequest>(TextProto(R"pb(request_id: "q1" price_book {)pb", book, "}")),
                         Day(day)};
}

E Upserted(absl::string_view book, int version, int day = 0) {
  return E{Day(day), Pb<v1::PriceBookUpserted>(TextProto("price_book {", book, "version:", version, "}"))};
}

TEST(PriceBookDeciderTest, UpsertPriceBook) {
  const std::string raised = TextProto(kStandard, "priority: 5");
  RunDeciderTable<PriceBookState>(std::vector<DeciderCase<E, UpsertPriceBook>>{
      {.name = "new", .when = Upsert(kStandard), .then = {Upserted(kStandard, 1)}},
      {.name = "unchanged: nothing", .given = {Upserted(kStandard, 1)}, .when = Upsert(kStandard, 1)},
      {.name = "changed",
       .given = {Upserted(kStandard, 1)},
       .when = Upsert(raised, 3),
       .then = {Upserted(raised, 2, 3)}},
      {.name = "a clock that stepped back does not move time backwards",
       .given = {Upserted(kStandard, 1, 3)},
       .when = Upsert(raised, 2),
       .then = {Upserted(raised, 2, 3)}},
      {.name = "another currency",
       .given = {Upserted(kStandard, 1)},
       .when = Upsert(R"pb(price_book_id: "standard" name: "Standard 2024" currency: "EUR")pb", 1),
       .code = StatusCode::kFailedPrecondition,
       .message = "price_book_currency_changed: price book standard is in USD, not EUR"},
  });
}

}  // namespace
}  // namespace sfa::quote::domain

#include "quote/domain/promotion.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "quote/domain/decider_table.h"
#include "quote/domain/test_fixtures.h"

namespace sfa::quote::domain {
namespace {

using E = PromotionEvent;
using absl::StatusCode;

std::string Spring(int usage_quota = 2) {
  return TextProto(R"pb(promotion_id: "spring"
                        name: "Spring sale"
                        kind: PROMOTION_KIND_SPEND_THRESHOLD
                        threshold_amount { minor_units: 100000 currency: "USD" }
                        percent_off_bp: 1000
                        active: true)pb",
                   "usage_quota:", usage_quota);
}

UpsertPromotion Upsert(absl::string_view promotion, int day = 0) {
  return UpsertPromotion{
      Pb<v1::UpsertPromotionRequest>(TextProto(R"pb(request_id: "q1" promotion {)pb", promotion, "}")), Day(day)};
}

E Upserted(absl::string_view promotion, int version, int used = 0, int day = 0) {
  return E{Day(day),
           Pb<v1::PromotionUpserted>(TextProto("promotion {", promotion, "version:", version, "used:", used, "}"))};
}

E Used(absl::string_view quote_id, int used, int day = 1) {
  return E{Day(day), Pb<v1::PromotionUsed>(TextProto(R"pb(promotion_id: "spring")pb",
                                                     absl::StrCat("quote_id: \"", quote_id, "\""), "used:", used))};
}

TEST(PromotionDeciderTest, UpsertPromotion) {
  const std::string spring = Spring();
  const std::string quota5 = Spring(5);
  RunDeciderTable<PromotionState>(std::vector<DeciderCase<E, UpsertPromotion>>{
      {.name = "new", .when = Upsert(spring), .then = {Upserted(spring, 1)}},
      {.name = "a client's used is ignored",
       .when = Upsert(TextProto(spring, "used: 40")),
       .then = {Upserted(spring, 1)}},
      {.name = "unchanged: nothing", .given = {Upserted(spring, 1)}, .when = Upsert(spring, 1)},
      {.name = "unchanged after use, whatever used the request carries",
       .given = {Upserted(spring, 1), Used("qa", 1)},
       .when = Upsert(TextProto(spring, "used: 0"), 2)},
      {.name = "a raised quota keeps the count (the stream version counts the use too)",
       .given = {Upserted(spring, 1), Used("qa", 1)},
       .when = Upsert(quota5, 2),
       .then = {Upserted(quota5, 3, 1, 2)}},
  });
}

TEST(PromotionDeciderTest, UsePromotion) {
  const std::string spring = Spring();
  auto use = [](absl::string_view quote_id, int day = 1) {
    return UsePromotion{"spring", std::string(quote_id), Day(day)};
  };
  RunDeciderTable<PromotionState>(std::vector<DeciderCase<E, UsePromotion>>{
      {.name = "first use", .given = {Upserted(spring, 1)}, .when = use("qa"), .then = {Used("qa", 1)}},
      {.name = "up to the quota",
       .given = {Upserted(spring, 1), Used("qa", 1)},
       .when = use("qb", 2),
       .then = {Used("qb", 2, 2)}},
      {.name = "beyond the quota",
       .given = {Upserted(spring, 1), Used("qa", 1), Used("qb", 2)},
       .when = use("qc", 3),
       .code = StatusCode::kFailedPrecondition,
       .message = "promotion_quota_exhausted: promotion spring was used by 2 of 2 accepted quotes allowed"},
      {.name = "the same quote again counts once",
       .given = {Upserted(spring, 1), Used("qa", 1), Used("qb", 2)},
       .when = use("qa", 3)},
      {.name = "unlimited",
       .given = {Upserted(Spring(0), 1), Used("qa", 1), Used("qb", 2)},
       .when = use("qc", 3),
       .then = {Used("qc", 3, 3)}},
      {.name = "unknown", .when = use("qa"), .code = StatusCode::kNotFound, .message = "promotion spring not found"},
  });
}

}  // namespace
}  // namespace sfa::quote::domain

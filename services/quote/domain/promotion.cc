#include "quote/domain/promotion.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {
namespace {

void Apply(PromotionState& state, const v1::PromotionUpserted& e) {
  state.exists = true;
  state.promotion = e.promotion();
}

void Apply(PromotionState& state, const v1::PromotionUsed& e) {
  state.used_by_quote_ids.insert(e.quote_id());
  state.promotion.set_used(e.used());
  state.promotion.set_version(state.promotion.version() + 1);
}

}  // namespace

PromotionState Evolve(PromotionState state, const PromotionEvent& event) {
  std::visit([&](const auto& payload) { Apply(state, payload); }, event.payload);
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<PromotionEvent>> Decide(const PromotionState& state, const UpsertPromotion& command) {
  v1::Promotion promotion = command.request.promotion();
  promotion.set_used(state.promotion.used());
  promotion.set_version(state.promotion.version());
  if (state.exists && google::protobuf::util::MessageDifferencer::Equals(state.promotion, promotion)) {
    return std::vector<PromotionEvent>{};
  }
  promotion.set_version(state.promotion.version() + 1);
  v1::PromotionUpserted upserted;
  *upserted.mutable_promotion() = std::move(promotion);
  std::vector<PromotionEvent> events;
  events.push_back({std::max(command.now, state.last_changed_at), std::move(upserted)});
  return events;
}

absl::StatusOr<std::vector<PromotionEvent>> Decide(const PromotionState& state, const UsePromotion& command) {
  if (!state.exists) return absl::NotFoundError(absl::StrCat("promotion ", command.promotion_id, " not found"));
  if (state.used_by_quote_ids.contains(command.quote_id)) return std::vector<PromotionEvent>{};
  const v1::Promotion& promotion = state.promotion;
  if (promotion.usage_quota() > 0 && promotion.used() >= promotion.usage_quota()) {
    return RuleViolation("promotion_quota_exhausted",
                         absl::StrCat("promotion ", command.promotion_id, " was used by ", promotion.used(), " of ",
                                      promotion.usage_quota(), " accepted quotes allowed"));
  }
  v1::PromotionUsed used;
  used.set_promotion_id(command.promotion_id);
  used.set_quote_id(command.quote_id);
  used.set_used(promotion.used() + 1);
  std::vector<PromotionEvent> events;
  events.push_back({std::max(command.at, state.last_changed_at), std::move(used)});
  return events;
}

}  // namespace sfa::quote::domain

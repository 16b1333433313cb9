#ifndef SFA_SERVICES_QUOTE_DOMAIN_PROMOTION_H_
#define SFA_SERVICES_QUOTE_DOMAIN_PROMOTION_H_

// The promotion aggregate: a spend or quantity threshold, or buy-X-get-Y, with its window, exclusivity,
// stacking and usage quota, and how many accepted quotes used it.

#include <string>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "quote/domain/event.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "sfa/quote/v1/quote_service.pb.h"

namespace sfa::quote::domain {

inline constexpr char kPromotionAggregate[] = "promotion";

using PromotionPayload = std::variant<v1::PromotionUpserted, v1::PromotionUsed>;
using PromotionEvent = Event<PromotionPayload>;

struct PromotionState {
  bool exists = false;
  // The promotion as last upserted, with `used` and `version` (the stream version) kept current.
  v1::Promotion promotion;
  // The accepted quotes counted in `used`: counting is idempotent per quote.
  absl::flat_hash_set<std::string> used_by_quote_ids;
  absl::Time last_changed_at = absl::InfinitePast();
};

struct UpsertPromotion {
  v1::UpsertPromotionRequest request;  // validated (kind-specific fields); promotion_id filled in
  absl::Time now;
};

// An accepted quote applied the promotion.
struct UsePromotion {
  std::string promotion_id;
  std::string quote_id;
  absl::Time at;  // the acceptance's business time
};

PromotionState Evolve(PromotionState state, const PromotionEvent& event);

// PromotionUpserted with the whole promotion and the next stream version; `used` comes from the state,
// never from the request. Nothing when the request repeats the current promotion.
absl::StatusOr<std::vector<PromotionEvent>> Decide(const PromotionState& state, const UpsertPromotion& command);

// PromotionUsed with the new count; nothing when this quote was already counted. NOT_FOUND for an unknown
// promotion; promotion_quota_exhausted when usage_quota (non-zero) accepted quotes already used it.
absl::StatusOr<std::vector<PromotionEvent>> Decide(const PromotionState& state, const UsePromotion& command);

}  // namespace sfa::quote::domain

#endif  // SFA_SERVICES_QUOTE_DOMAIN_PROMOTION_H_

#include "quote/domain/sku.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/message_differencer.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {
namespace {

absl::Status Mismatch(const v1::Sku& sku, absl::string_view detail) {
  return RuleViolation("sku_attribute_mismatch", absl::StrCat("sku ", sku.sku_id(), " ", detail));
}

// Each of the product's attributes once, with one of its values, and no other key. Reported in the
// product's attribute order, then unknown keys sorted, so the message is the same on every call.
absl::Status CheckAttributeValues(const v1::Sku& sku, const v1::Product& product) {
  const auto& values = sku.attribute_values();
  for (const v1::AttributeDefinition& attribute : product.attributes()) {
    const auto it = values.find(attribute.name());
    if (it == values.end()) return Mismatch(sku, absl::StrCat("has no value for attribute ", attribute.name()));
    if (std::find(attribute.values().begin(), attribute.values().end(), it->second) == attribute.values().end()) {
      return Mismatch(sku, absl::StrCat("has \"", it->second, "\" for attribute ", attribute.name(),
                                        "; allowed: ", absl::StrJoin(attribute.values(), ", ")));
    }
  }
  std::vector<std::string> unknown;
  for (const auto& [name, value] : values) {
    const bool known = std::any_of(product.attributes().begin(), product.attributes().end(),
                                   [&](const v1::AttributeDefinition& a) { return a.name() == name; });
    if (!known) unknown.push_back(name);
  }
  if (unknown.empty()) return absl::OkStatus();
  std::sort(unknown.begin(), unknown.end());
  return Mismatch(sku, absl::StrCat("names attributes product ", product.product_id(),
                                    " does not have: ", absl::StrJoin(unknown, ", ")));
}

}  // namespace

SkuState Evolve(SkuState state, const SkuEvent& event) {
  state.exists = true;
  state.sku = std::get<v1::SkuUpserted>(event.payload).sku();
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<SkuEvent>> Decide(const SkuState& state, const UpsertSku& command) {
  v1::Sku sku = command.request.sku();
  if (!command.product.exists) {
    return absl::NotFoundError(absl::StrCat("sku.product_id ", sku.product_id(), " not found"));
  }
  if (state.exists && state.sku.product_id() != sku.product_id()) {
    return RuleViolation("sku_product_changed", absl::StrCat("sku ", sku.sku_id(), " belongs to product ",
                                                             state.sku.product_id(), ", not ", sku.product_id()));
  }
  SFA_RETURN_IF_ERROR(CheckAttributeValues(sku, command.product.product));
  sku.set_version(state.sku.version());
  if (state.exists && google::protobuf::util::MessageDifferencer::Equals(state.sku, sku)) {
    return std::vector<SkuEvent>{};
  }
  sku.set_version(state.sku.version() + 1);
  v1::SkuUpserted upserted;
  *upserted.mutable_sku() = std::move(sku);
  std::vector<SkuEvent> events;
  events.push_back({std::max(command.now, state.last_changed_at), std::move(upserted)});
  return events;
}

}  // namespace sfa::quote::domain

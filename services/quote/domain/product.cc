#include "quote/domain/product.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {
namespace {

absl::Status CheckComponent(const v1::Product& product, int index, const ComponentLookup& lookup) {
  const v1::BundleComponent& component = product.components(index);
  const std::string field = absl::StrCat("product.components[", index, "]");
  if (component.product_id() == product.product_id()) {
    return RuleViolation("bundle_contains_itself",
                         absl::StrCat(field, " is product ", product.product_id(), " itself"));
  }
  if (!lookup.product_exists) {
    return absl::NotFoundError(absl::StrCat(field, ".product_id ", component.product_id(), " not found"));
  }
  const auto& contained = lookup.contained_product_ids;
  if (std::find(contained.begin(), contained.end(), product.product_id()) != contained.end()) {
    return RuleViolation("bundle_contains_itself", absl::StrCat(field, " ", component.product_id(), " contains ",
                                                                product.product_id(), " itself"));
  }
  if (component.sku_id().empty()) return absl::OkStatus();
  if (lookup.sku_product_id.empty()) {
    return absl::NotFoundError(absl::StrCat(field, ".sku_id ", component.sku_id(), " not found"));
  }
  if (lookup.sku_product_id != component.product_id()) {
    return RuleViolation("component_sku_mismatch",
                         absl::StrCat(field, ".sku_id ", component.sku_id(), " is a SKU of ", lookup.sku_product_id,
                                      ", not of ", component.product_id()));
  }
  return absl::OkStatus();
}

}  // namespace

ProductState Evolve(ProductState state, const ProductEvent& event) {
  state.exists = true;
  state.product = std::get<v1::ProductUpserted>(event.payload).product();
  state.last_changed_at = std::max(state.last_changed_at, event.occurred_at);
  return state;
}

absl::StatusOr<std::vector<ProductEvent>> Decide(const ProductState& state, const UpsertProduct& command) {
  v1::Product product = command.request.product();
  if (command.components.size() != static_cast<size_t>(product.components_size())) {
    return absl::InternalError("UpsertProduct needs one lookup per component");
  }
  for (int i = 0; i < product.components_size(); ++i) {
    SFA_RETURN_IF_ERROR(CheckComponent(product, i, command.components[i]));
  }
  product.set_version(state.product.version());
  // An unchanged upsert appends nothing, so periodic catalogue syncs do not flood the log.
  if (state.exists && google::protobuf::util::MessageDifferencer::Equals(state.product, product)) {
    return std::vector<ProductEvent>{};
  }
  product.set_version(state.product.version() + 1);
  v1::ProductUpserted upserted;
  *upserted.mutable_product() = std::move(product);
  std::vector<ProductEvent> events;
  events.push_back({std::max(command.now, state.last_changed_at), std::move(upserted)});
  return events;
}

}  // namespace sfa::quote::domain

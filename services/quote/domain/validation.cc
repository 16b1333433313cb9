#include "quote/domain/validation.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "quote/domain/limits.h"
#include "quote/domain/support.h"

namespace sfa::quote::domain {
namespace {

using google::protobuf::RepeatedPtrField;
using ::sfa::domain::EffectiveTime;
using ::sfa::domain::Enum;
using ::sfa::domain::FirstError;
using ::sfa::domain::Id;
using ::sfa::domain::Invalid;
using ::sfa::domain::kOptional;
using ::sfa::domain::kRequired;
using ::sfa::domain::Lines;
using ::sfa::domain::Need;
using ::sfa::domain::Ok;
using ::sfa::domain::OptionalMoney;
using ::sfa::domain::RequestId;
using ::sfa::domain::Text;
using ::sfa::domain::Time;

std::string Sub(absl::string_view field, absl::string_view name) { return absl::StrCat(field, ".", name); }
std::string At(absl::string_view field, int index) { return absl::StrCat(field, "[", index, "]"); }

absl::Status PageSizeOf(int32_t page_size) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return Invalid("page_size", absl::StrCat("must be between 0 and ", kMaxPageSize));
  }
  return Ok();
}

absl::Status PageToken(absl::string_view token) {
  if (token.size() > kMaxPageTokenLength) {
    return Invalid("page_token", absl::StrCat("must be at most ", kMaxPageTokenLength, " characters"));
  }
  return Ok();
}

absl::Status Count(absl::string_view field, int size, int max) {
  if (size > max) return Invalid(field, absl::StrCat("must have at most ", max, " entries, not ", size));
  return Ok();
}

absl::Status Range(absl::string_view field, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) return Invalid(field, absl::StrCat("must be between ", min, " and ", max));
  return Ok();
}

absl::Status Quantity(absl::string_view field, int64_t quantity) { return Range(field, quantity, 1, kMaxQuantity); }

absl::Status DiscountBp(absl::string_view field, int32_t bp) { return Range(field, bp, 0, kMaxBasisPoints); }

absl::Status Label(absl::string_view field, absl::string_view text, Need need) {
  return Text(field, text, kMaxLabelLength, need);
}

absl::Status RequiredMoney(absl::string_view field, bool has, const common::v1::Money& money) {
  return has ? ValidateMoney(field, money) : Invalid(field, "is required");
}

absl::Status PositiveMoney(absl::string_view field, bool has, const common::v1::Money& money) {
  SFA_RETURN_IF_ERROR(RequiredMoney(field, has, money));
  if (money.minor_units() == 0) return Invalid(Sub(field, "minor_units"), "must be positive");
  return Ok();
}

// Money whose currency must be `currency` (the price book's).
absl::Status MoneyIn(absl::string_view field, const common::v1::Money& money, absl::string_view currency) {
  SFA_RETURN_IF_ERROR(ValidateMoney(field, money));
  if (money.currency() != currency) {
    return Invalid(Sub(field, "currency"), absl::StrCat("must be ", currency, ", the price book's currency"));
  }
  return Ok();
}

// An amount that may be negative (an attribute adjustment that makes a SKU cheaper).
absl::Status SignedMoneyIn(absl::string_view field, const common::v1::Money& money, absl::string_view currency) {
  if (money.minor_units() < -kMaxMinorUnits) {
    return Invalid(Sub(field, "minor_units"), absl::StrCat("must be at least ", -kMaxMinorUnits));
  }
  common::v1::Money magnitude = money;
  magnitude.set_minor_units(std::llabs(money.minor_units()));
  return MoneyIn(field, magnitude, currency);
}

// Both set: `to` must be after `from`.
absl::Status Window(absl::string_view field, bool has_from, const google::protobuf::Timestamp& from, bool has_to,
                    const google::protobuf::Timestamp& to) {
  SFA_RETURN_IF_ERROR(FirstError(
      {has_from ? Time(Sub(field, "valid_from"), from) : Ok(), has_to ? Time(Sub(field, "valid_to"), to) : Ok()}));
  if (has_from && has_to && ToTime(to) <= ToTime(from))
    return Invalid(Sub(field, "valid_to"), "must be after valid_from");
  return Ok();
}

template <typename Check>
absl::Status EachOf(absl::string_view field, const RepeatedPtrField<std::string>& values, int max, Check check) {
  SFA_RETURN_IF_ERROR(Count(field, values.size(), max));
  for (int i = 0; i < values.size(); ++i) SFA_RETURN_IF_ERROR(check(At(field, i), values[i]));
  return Ok();
}

absl::Status Ids(absl::string_view field, const RepeatedPtrField<std::string>& ids, int max) {
  return EachOf(field, ids, max, [](const std::string& f, const std::string& id) { return Id(f, id, kRequired); });
}

absl::Status Labels(absl::string_view field, const RepeatedPtrField<std::string>& labels, int max) {
  return EachOf(field, labels, max,
                [](const std::string& f, const std::string& label) { return Label(f, label, kRequired); });
}

// `key` must not have been seen in this list; `what` describes the repeated thing.
absl::Status Distinct(absl::flat_hash_set<std::string>& seen, const std::string& key, absl::string_view field,
                      absl::string_view what) {
  if (!seen.insert(key).second) return Invalid(field, absl::StrCat("repeats ", what));
  return Ok();
}

absl::Status QuoteLines(const RepeatedPtrField<v1::QuoteLine>& lines) {
  if (lines.empty()) return Invalid("lines", "is required");
  SFA_RETURN_IF_ERROR(Count("lines", lines.size(), kMaxQuoteLines));
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < lines.size(); ++i) {
    const std::string field = At("lines", i);
    const v1::QuoteLine& line = lines[i];
    SFA_RETURN_IF_ERROR(Id(Sub(field, "line_id"), line.line_id(), kOptional));
    if (!line.line_id().empty()) {
      SFA_RETURN_IF_ERROR(Distinct(ids, line.line_id(), Sub(field, "line_id"), line.line_id()));
    }
    SFA_RETURN_IF_ERROR(FirstError({Id(Sub(field, "product_id"), line.product_id(), kRequired),
                                    Id(Sub(field, "sku_id"), line.sku_id(), kOptional),
                                    Quantity(Sub(field, "quantity"), line.quantity()),
                                    DiscountBp(Sub(field, "manual_discount_bp"), line.manual_discount_bp())}));
  }
  return Ok();
}

// The quote's currency: required unless a price book is named (its currency is the quote's).
absl::Status QuoteCurrency(absl::string_view currency, absl::string_view price_book_id) {
  if (currency.empty() && price_book_id.empty()) {
    return Invalid("currency", "is required unless price_book_id names the book");
  }
  return ValidateCurrency("currency", currency, /*required=*/false);
}

// ---------------------------------------------------------------------------------------------------
// Catalogue

absl::Status Attributes(const v1::Product& product) {
  SFA_RETURN_IF_ERROR(Count("product.attributes", product.attributes_size(), kMaxAttributeDefinitions));
  absl::flat_hash_set<std::string> names;
  for (int i = 0; i < product.attributes_size(); ++i) {
    const std::string field = At("product.attributes", i);
    const v1::AttributeDefinition& attribute = product.attributes(i);
    SFA_RETURN_IF_ERROR(Label(Sub(field, "name"), attribute.name(), kRequired));
    SFA_RETURN_IF_ERROR(Distinct(names, attribute.name(), Sub(field, "name"), attribute.name()));
    if (attribute.values().empty()) return Invalid(Sub(field, "values"), "is required");
    SFA_RETURN_IF_ERROR(Count(Sub(field, "values"), attribute.values_size(), kMaxAttributeValues));
    absl::flat_hash_set<std::string> values;
    for (int k = 0; k < attribute.values_size(); ++k) {
      const std::string value_field = At(Sub(field, "values"), k);
      SFA_RETURN_IF_ERROR(Label(value_field, attribute.values(k), kRequired));
      SFA_RETURN_IF_ERROR(Distinct(values, attribute.values(k), value_field, attribute.values(k)));
    }
  }
  return Ok();
}

absl::Status Component(const std::string& field, const v1::BundleComponent& component) {
  SFA_RETURN_IF_ERROR(FirstError({Id(Sub(field, "product_id"), component.product_id(), kRequired),
                                  Id(Sub(field, "sku_id"), component.sku_id(), kOptional),
                                  Range(Sub(field, "min_quantity"), component.min_quantity(), 0, kMaxQuantity),
                                  Quantity(Sub(field, "max_quantity"), component.max_quantity())}));
  if (component.required() && component.min_quantity() == 0) {
    return Invalid(Sub(field, "min_quantity"), "must be at least 1 for a required component");
  }
  if (component.max_quantity() < component.min_quantity()) {
    return Invalid(Sub(field, "max_quantity"),
                   absl::StrCat("must be at least min_quantity ", component.min_quantity()));
  }
  return Ok();
}

absl::Status Components(const v1::Product& product) {
  SFA_RETURN_IF_ERROR(Count("product.components", product.components_size(), kMaxBundleComponents));
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < product.components_size(); ++i) {
    const std::string field = At("product.components", i);
    const v1::BundleComponent& component = product.components(i);
    SFA_RETURN_IF_ERROR(Component(field, component));
    const std::string what = component.sku_id().empty()
                                 ? absl::StrCat("product ", component.product_id())
                                 : absl::StrCat("product ", component.product_id(), " SKU ", component.sku_id());
    SFA_RETURN_IF_ERROR(Distinct(seen, absl::StrCat(component.product_id(), "/", component.sku_id()), field, what));
  }
  return Ok();
}

absl::Status AttributeValues(const v1::Sku& sku) {
  const auto& values = sku.attribute_values();
  SFA_RETURN_IF_ERROR(Count("sku.attribute_values", static_cast<int>(values.size()), kMaxAttributeDefinitions));
  // Map iteration order is unspecified; sort so that the reported field is the same on every call.
  std::vector<std::string> keys;
  for (const auto& [key, value] : values) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    const std::string field = absl::StrCat("sku.attribute_values[\"", absl::CHexEscape(key.substr(0, 80)), "\"]");
    SFA_RETURN_IF_ERROR(Label(absl::StrCat(field, " key"), key, kRequired));
    SFA_RETURN_IF_ERROR(Label(field, values.at(key), kRequired));
  }
  return Ok();
}

// ---------------------------------------------------------------------------------------------------
// Price books

absl::Status Tier(const std::string& field, const v1::PriceTier& tier, int64_t previous_min,
                  absl::string_view currency) {
  SFA_RETURN_IF_ERROR(Range(Sub(field, "min_quantity"), tier.min_quantity(), 2, kMaxQuantity));
  if (tier.min_quantity() <= previous_min) {
    return Invalid(Sub(field, "min_quantity"), absl::StrCat("must be above the previous tier's ", previous_min));
  }
  switch (tier.price_case()) {
    case v1::PriceTier::kUnitPrice:
      return MoneyIn(Sub(field, "unit_price"), tier.unit_price(), currency);
    case v1::PriceTier::kPercentOffBp:
      return DiscountBp(Sub(field, "percent_off_bp"), tier.percent_off_bp());
    default:
      return Invalid(field, "needs a unit_price or a percent_off_bp");
  }
}

absl::Status Adjustment(const std::string& field, const v1::AttributeAdjustment& adjustment,
                        absl::string_view currency) {
  SFA_RETURN_IF_ERROR(FirstError({Label(Sub(field, "attribute"), adjustment.attribute(), kRequired),
                                  Label(Sub(field, "value"), adjustment.value(), kRequired)}));
  switch (adjustment.adjustment_case()) {
    case v1::AttributeAdjustment::kAmount:
      return SignedMoneyIn(Sub(field, "amount"), adjustment.amount(), currency);
    case v1::AttributeAdjustment::kPercentBp:
      return Range(Sub(field, "percent_bp"), adjustment.percent_bp(), kMinAdjustmentBasisPoints,
                   kMaxAdjustmentBasisPoints);
    default:
      return Invalid(field, "needs an amount or a percent_bp");
  }
}

absl::Status Entry(const std::string& field, const v1::PriceBookEntry& entry, absl::string_view currency) {
  SFA_RETURN_IF_ERROR(FirstError({Id(Sub(field, "product_id"), entry.product_id(), kRequired),
                                  Id(Sub(field, "sku_id"), entry.sku_id(), kOptional)}));
  if (!entry.has_list_price()) return Invalid(Sub(field, "list_price"), "is required");
  SFA_RETURN_IF_ERROR(MoneyIn(Sub(field, "list_price"), entry.list_price(), currency));
  SFA_RETURN_IF_ERROR(Enum(Sub(field, "tier_mode"), entry.tier_mode(), v1::TierMode_IsValid,
                           entry.tiers().empty() ? kOptional : kRequired));
  SFA_RETURN_IF_ERROR(Count(Sub(field, "tiers"), entry.tiers_size(), kMaxTiers));
  int64_t previous_min = 1;  // a single unit is the list price
  for (int i = 0; i < entry.tiers_size(); ++i) {
    SFA_RETURN_IF_ERROR(Tier(At(Sub(field, "tiers"), i), entry.tiers(i), previous_min, currency));
    previous_min = entry.tiers(i).min_quantity();
  }
  SFA_RETURN_IF_ERROR(Count(Sub(field, "adjustments"), entry.adjustments_size(), kMaxAdjustments));
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < entry.adjustments_size(); ++i) {
    const std::string adjustment_field = At(Sub(field, "adjustments"), i);
    const v1::AttributeAdjustment& adjustment = entry.adjustments(i);
    SFA_RETURN_IF_ERROR(Adjustment(adjustment_field, adjustment, currency));
    const std::string key = absl::StrCat(adjustment.attribute(), "=", adjustment.value());
    SFA_RETURN_IF_ERROR(Distinct(seen, key, adjustment_field, key));
  }
  return Ok();
}

absl::Status Scope(const v1::PriceBookScope& scope) {
  return FirstError({Ids("price_book.scope.account_ids", scope.account_ids(), kMaxScopeEntries),
                     Labels("price_book.scope.industries", scope.industries(), kMaxScopeEntries),
                     Labels("price_book.scope.regions", scope.regions(), kMaxScopeEntries)});
}

absl::Status Entries(const v1::PriceBook& book) {
  SFA_RETURN_IF_ERROR(Count("price_book.entries", book.entries_size(), kMaxPriceBookEntries));
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < book.entries_size(); ++i) {
    const std::string field = At("price_book.entries", i);
    const v1::PriceBookEntry& entry = book.entries(i);
    SFA_RETURN_IF_ERROR(Entry(field, entry, book.currency()));
    // A SKU entry is keyed by its SKU alone: two entries for one SKU under different products cannot both hold.
    const std::string key =
        entry.sku_id().empty() ? absl::StrCat("product ", entry.product_id()) : absl::StrCat("SKU ", entry.sku_id());
    SFA_RETURN_IF_ERROR(Distinct(seen, key, field, absl::StrCat("the entry for ", key)));
  }
  return Ok();
}

absl::Status PriceBook(const v1::PriceBook& book) {
  return FirstError(
      {Id("price_book.price_book_id", book.price_book_id(), kOptional),
       Text("price_book.name", book.name(), kMaxNameLength, kRequired),
       ValidateCurrency("price_book.currency", book.currency(), /*required=*/true),
       Window("price_book", book.has_valid_from(), book.valid_from(), book.has_valid_to(), book.valid_to()),
       Range("price_book.priority", book.priority(), -kMaxPriority, kMaxPriority), Scope(book.scope()), Entries(book)});
}

// ---------------------------------------------------------------------------------------------------
// Promotions

absl::Status NotFor(absl::string_view field, bool set, v1::PromotionKind kind) {
  if (!set) return Ok();
  return Invalid(
      field, absl::StrCat("must not be set for ", absl::StripPrefix(v1::PromotionKind_Name(kind), "PROMOTION_KIND_")));
}

absl::Status RequiredFor(absl::string_view field, v1::PromotionKind kind) {
  return Invalid(field,
                 absl::StrCat("is required for ", absl::StripPrefix(v1::PromotionKind_Name(kind), "PROMOTION_KIND_")));
}

absl::Status Benefit(const v1::Promotion& promotion) {
  switch (promotion.benefit_case()) {
    case v1::Promotion::kAmountOff:
      SFA_RETURN_IF_ERROR(PositiveMoney("promotion.amount_off", true, promotion.amount_off()));
      if (promotion.has_threshold_amount() &&
          promotion.amount_off().currency() != promotion.threshold_amount().currency()) {
        return Invalid("promotion.amount_off.currency", "must be the threshold_amount's currency");
      }
      return Ok();
    case v1::Promotion::kPercentOffBp:
      return Range("promotion.percent_off_bp", promotion.percent_off_bp(), 1, kMaxBasisPoints);
    default:
      return RequiredFor("promotion.amount_off or percent_off_bp", promotion.kind());
  }
}

// The fields a promotion's kind needs, and none of another kind's, in field order.
absl::Status KindFields(const v1::Promotion& promotion) {
  const v1::PromotionKind kind = promotion.kind();
  const bool spend = kind == v1::PROMOTION_KIND_SPEND_THRESHOLD;
  const bool quantity = kind == v1::PROMOTION_KIND_QUANTITY_THRESHOLD;
  const bool buy_get = kind == v1::PROMOTION_KIND_BUY_X_GET_Y;
  if (spend) {
    SFA_RETURN_IF_ERROR(
        PositiveMoney("promotion.threshold_amount", promotion.has_threshold_amount(), promotion.threshold_amount()));
  }
  SFA_RETURN_IF_ERROR(NotFor("promotion.threshold_amount", !spend && promotion.has_threshold_amount(), kind));
  if (quantity) SFA_RETURN_IF_ERROR(Quantity("promotion.threshold_quantity", promotion.threshold_quantity()));
  SFA_RETURN_IF_ERROR(NotFor("promotion.threshold_quantity", !quantity && promotion.threshold_quantity() != 0, kind));
  if (!buy_get) {
    SFA_RETURN_IF_ERROR(Benefit(promotion));
    const bool any_buy_get = !promotion.buy_product_id().empty() || promotion.buy_quantity() != 0 ||
                             !promotion.get_product_id().empty() || promotion.get_quantity() != 0 ||
                             promotion.get_percent_off_bp() != 0;
    return NotFor("promotion.buy_product_id, buy_quantity, get_product_id, get_quantity and get_percent_off_bp",
                  any_buy_get, kind);
  }
  SFA_RETURN_IF_ERROR(NotFor("promotion.amount_off or percent_off_bp",
                             promotion.benefit_case() != v1::Promotion::BENEFIT_NOT_SET, kind));
  return FirstError({Id("promotion.buy_product_id", promotion.buy_product_id(), kRequired),
                     Quantity("promotion.buy_quantity", promotion.buy_quantity()),
                     Id("promotion.get_product_id", promotion.get_product_id(), kRequired),
                     Quantity("promotion.get_quantity", promotion.get_quantity()),
                     Range("promotion.get_percent_off_bp", promotion.get_percent_off_bp(), 1, kMaxBasisPoints)});
}

absl::Status Promotion(const v1::Promotion& promotion) {
  SFA_RETURN_IF_ERROR(
      FirstError({Id("promotion.promotion_id", promotion.promotion_id(), kOptional),
                  Text("promotion.name", promotion.name(), kMaxNameLength, kRequired),
                  Enum("promotion.kind", promotion.kind(), v1::PromotionKind_IsValid, kRequired),
                  Window("promotion", promotion.has_valid_from(), promotion.valid_from(), promotion.has_valid_to(),
                         promotion.valid_to()),
                  Ids("promotion.eligible_product_ids", promotion.eligible_product_ids(), kMaxEligibleIds),
                  Ids("promotion.eligible_sku_ids", promotion.eligible_sku_ids(), kMaxEligibleIds),
                  Label("promotion.exclusivity_group", promotion.exclusivity_group(), kOptional),
                  Range("promotion.usage_quota", promotion.usage_quota(), 0, kMaxUsageQuota)}));
  return KindFields(promotion);
}

// ---------------------------------------------------------------------------------------------------
// Approval

absl::Status ApprovalRules(const RepeatedPtrField<v1::ApprovalRule>& rules) {
  SFA_RETURN_IF_ERROR(Count("rules", rules.size(), kMaxApprovalRules));
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < rules.size(); ++i) {
    const std::string field = At("rules", i);
    const v1::ApprovalRule& rule = rules[i];
    SFA_RETURN_IF_ERROR(Id(Sub(field, "rule_id"), rule.rule_id(), kRequired));
    SFA_RETURN_IF_ERROR(Distinct(ids, rule.rule_id(), Sub(field, "rule_id"), rule.rule_id()));
    SFA_RETURN_IF_ERROR(
        FirstError({DiscountBp(Sub(field, "min_discount_bp"), rule.min_discount_bp()),
                    OptionalMoney(Sub(field, "min_net_amount"), rule.has_min_net_amount(), rule.min_net_amount())}));
    const std::string roles_field = Sub(field, "approver_roles");
    if (rule.approver_roles().empty()) return Invalid(roles_field, "is required");
    SFA_RETURN_IF_ERROR(Count(roles_field, rule.approver_roles_size(), kMaxApproverRoles));
    absl::flat_hash_set<std::string> roles;
    for (int k = 0; k < rule.approver_roles_size(); ++k) {
      SFA_RETURN_IF_ERROR(ValidateRole(At(roles_field, k), rule.approver_roles(k)));
      SFA_RETURN_IF_ERROR(Distinct(roles, rule.approver_roles(k), At(roles_field, k), rule.approver_roles(k)));
    }
  }
  return Ok();
}

absl::Status Schedule(const RepeatedPtrField<v1::Instalment>& schedule) {
  SFA_RETURN_IF_ERROR(Count("schedule", schedule.size(), kMaxInstalments));
  for (int i = 0; i < schedule.size(); ++i) {
    const std::string field = At("schedule", i);
    const v1::Instalment& instalment = schedule[i];
    SFA_RETURN_IF_ERROR(instalment.has_due_date() ? Time(Sub(field, "due_date"), instalment.due_date())
                                                  : Invalid(Sub(field, "due_date"), "is required"));
    SFA_RETURN_IF_ERROR(PositiveMoney(Sub(field, "amount"), instalment.has_amount(), instalment.amount()));
  }
  return Ok();
}

template <typename Request>
absl::Status QuoteCommand(const Request& request) {
  return FirstError({RequestId(request.request_id()), Id("quote_id", request.quote_id(), kRequired)});
}

}  // namespace

absl::Status ValidateCurrency(absl::string_view field, absl::string_view currency, bool required) {
  if (currency.empty()) return required ? Invalid(field, "is required") : Ok();
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), absl::ascii_isupper)) {
    return Invalid(field, "must be a 3-letter ISO 4217 code in upper case, e.g. USD");
  }
  return Ok();
}

absl::Status ValidateRole(absl::string_view field, absl::string_view role) {
  const auto lower_alnum = [](char c) { return absl::ascii_isdigit(c) || (c >= 'a' && c <= 'z'); };
  const bool shape =
      !role.empty() && role.size() <= 64 && lower_alnum(role.front()) &&
      std::all_of(role.begin(), role.end(), [&](char c) { return lower_alnum(c) || c == '.' || c == '_' || c == '-'; });
  if (!shape) return Invalid(field, "must be 1-64 characters of [a-z0-9._-], starting with a letter or digit");
  return Ok();
}

int PageSize(int32_t requested) { return requested == 0 ? kDefaultPageSize : requested; }

absl::Status Validate(const v1::UpsertProductRequest& request) {
  SFA_RETURN_IF_ERROR(RequestId(request.request_id()));
  if (!request.has_product()) return Invalid("product", "is required");
  const v1::Product& product = request.product();
  return FirstError({Id("product.product_id", product.product_id(), kRequired),
                     Text("product.name", product.name(), kMaxNameLength, kRequired),
                     Label("product.series", product.series(), kOptional), Attributes(product), Components(product)});
}

absl::Status Validate(const v1::UpsertSkuRequest& request) {
  SFA_RETURN_IF_ERROR(RequestId(request.request_id()));
  if (!request.has_sku()) return Invalid("sku", "is required");
  const v1::Sku& sku = request.sku();
  return FirstError({Id("sku.sku_id", sku.sku_id(), kOptional), Id("sku.product_id", sku.product_id(), kRequired),
                     Text("sku.name", sku.name(), kMaxNameLength, kOptional), AttributeValues(sku)});
}

absl::Status Validate(const v1::GetProductRequest& request) {
  return Id("product_id", request.product_id(), kRequired);
}

absl::Status Validate(const v1::ListProductsRequest& request) {
  return FirstError(
      {Label("series", request.series(), kOptional), PageSizeOf(request.page_size()), PageToken(request.page_token())});
}

absl::Status Validate(const v1::UpsertPriceBookRequest& request) {
  SFA_RETURN_IF_ERROR(RequestId(request.request_id()));
  if (!request.has_price_book()) return Invalid("price_book", "is required");
  return PriceBook(request.price_book());
}

absl::Status Validate(const v1::GetPriceBookRequest& request) {
  return Id("price_book_id", request.price_book_id(), kRequired);
}

absl::Status Validate(const v1::ListPriceBooksRequest& request) {
  return FirstError({ValidateCurrency("currency", request.currency(), /*required=*/false),
                     PageSizeOf(request.page_size()), PageToken(request.page_token())});
}

absl::Status Validate(const v1::UpsertPromotionRequest& request) {
  SFA_RETURN_IF_ERROR(RequestId(request.request_id()));
  if (!request.has_promotion()) return Invalid("promotion", "is required");
  return Promotion(request.promotion());
}

absl::Status Validate(const v1::ListPromotionsRequest& request) {
  return FirstError({request.has_valid_at() ? Time("valid_at", request.valid_at()) : Ok(),
                     PageSizeOf(request.page_size()), PageToken(request.page_token())});
}

absl::Status Validate(const v1::PriceQuoteRequest& request) {
  return FirstError({QuoteLines(request.lines()), Id("account_id", request.account_id(), kOptional),
                     Label("industry", request.industry(), kOptional), Label("region", request.region(), kOptional),
                     QuoteCurrency(request.currency(), request.price_book_id()),
                     request.has_date() ? Time("date", request.date()) : Ok(),
                     Id("price_book_id", request.price_book_id(), kOptional)});
}

absl::Status Validate(const v1::CreateQuoteRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("quote_id", request.quote_id(), kOptional),
                     Text("name", request.name(), kMaxNameLength, kOptional),
                     Id("opportunity_id", request.opportunity_id(), kRequired),
                     QuoteCurrency(request.currency(), request.price_book_id()), QuoteLines(request.lines()),
                     Id("price_book_id", request.price_book_id(), kOptional),
                     request.has_valid_until() ? Time("valid_until", request.valid_until()) : Ok()});
}

absl::Status Validate(const v1::ReviseQuoteRequest& request) {
  return FirstError({QuoteCommand(request), QuoteLines(request.lines()),
                     request.has_valid_until() ? Time("valid_until", request.valid_until()) : Ok()});
}

absl::Status Validate(const v1::CloneQuoteRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("from_quote_id", request.from_quote_id(), kRequired),
                     Id("quote_id", request.quote_id(), kOptional),
                     Id("opportunity_id", request.opportunity_id(), kOptional)});
}

absl::Status Validate(const v1::GetQuoteRequest& request) { return Id("quote_id", request.quote_id(), kRequired); }

absl::Status Validate(const v1::ListQuotesRequest& request) {
  return FirstError({Id("opportunity_id", request.opportunity_id(), kOptional),
                     Enum("status", request.status(), v1::QuoteStatus_IsValid, kOptional),
                     PageSizeOf(request.page_size()), PageToken(request.page_token())});
}

absl::Status Validate(const v1::DiffQuoteVersionsRequest& request) {
  return FirstError({Id("quote_id", request.quote_id(), kRequired),
                     request.from_version() == 0 ? Invalid("from_version", "is required") : Ok(),
                     request.to_version() == 0 ? Invalid("to_version", "is required") : Ok()});
}

absl::Status Validate(const v1::DefineApprovalPolicyRequest& request) {
  return FirstError({RequestId(request.request_id()), ApprovalRules(request.rules())});
}

absl::Status Validate(const v1::GetApprovalPolicyRequest&) { return Ok(); }

absl::Status Validate(const v1::SubmitQuoteRequest& request) { return QuoteCommand(request); }

absl::Status Validate(const v1::ApproveQuoteRequest& request) {
  return FirstError(
      {QuoteCommand(request), Text("comment", request.comment(), kMaxCommentLength, kOptional, Lines::kMulti)});
}

absl::Status Validate(const v1::RejectQuoteRequest& request) {
  return FirstError(
      {QuoteCommand(request), Text("comment", request.comment(), kMaxCommentLength, kRequired, Lines::kMulti)});
}

absl::Status Validate(const v1::SendQuoteRequest& request) { return QuoteCommand(request); }

absl::Status Validate(const v1::AcceptQuoteRequest& request) {
  return FirstError({QuoteCommand(request), Schedule(request.schedule()), Id("order_id", request.order_id(), kOptional),
                     EffectiveTime(request)});
}

absl::Status Validate(const v1::DeclineQuoteRequest& request) {
  return FirstError(
      {QuoteCommand(request), Text("reason", request.reason(), kMaxCommentLength, kOptional, Lines::kMulti)});
}

absl::Status Validate(const v1::GetOrderRequest& request) { return Id("order_id", request.order_id(), kRequired); }

absl::Status Validate(const v1::ListOrdersRequest& request) {
  return FirstError({Id("account_id", request.account_id(), kOptional),
                     Enum("status", request.status(), v1::OrderStatus_IsValid, kOptional),
                     PageSizeOf(request.page_size()), PageToken(request.page_token())});
}

absl::Status Validate(const v1::RecordPaymentRequest& request) {
  return FirstError({RequestId(request.request_id()), Id("order_id", request.order_id(), kRequired),
                     Id("payment_id", request.payment_id(), kOptional),
                     PositiveMoney("amount", request.has_amount(), request.amount()),
                     Label("reference", request.reference(), kOptional), EffectiveTime(request)});
}

}  // namespace sfa::quote::domain

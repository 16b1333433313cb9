#include "quote/domain/diff.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "google/protobuf/util/message_differencer.h"

namespace sfa::quote::domain {
namespace {

absl::flat_hash_map<std::string, const v1::PricedLine*> ByLineId(const v1::Pricing& pricing) {
  absl::flat_hash_map<std::string, const v1::PricedLine*> lines;
  for (const v1::PricedLine& line : pricing.lines()) lines.emplace(line.line().line_id(), &line);
  return lines;
}

void AddChange(v1::QuoteDiff& diff, const v1::PricedLine* before, const v1::PricedLine* after) {
  v1::LineChange* change = diff.add_lines();
  change->set_line_id(before != nullptr ? before->line().line_id() : after->line().line_id());
  change->set_change(before == nullptr ? "added" : after == nullptr ? "removed" : "changed");
  if (before != nullptr) *change->mutable_before() = *before;
  if (after != nullptr) *change->mutable_after() = *after;
}

// The ids of `from` that `other` does not have, in the order of `from`.
void Missing(const google::protobuf::RepeatedPtrField<std::string>& from,
             const google::protobuf::RepeatedPtrField<std::string>& other,
             google::protobuf::RepeatedPtrField<std::string>* out) {
  for (const std::string& id : from) {
    if (std::find(other.begin(), other.end(), id) == other.end()) *out->Add() = id;
  }
}

}  // namespace

v1::QuoteDiff DiffPricing(const v1::Pricing& before, const v1::Pricing& after) {
  v1::QuoteDiff diff;
  const auto before_lines = ByLineId(before);
  const auto after_lines = ByLineId(after);
  for (const v1::PricedLine& line : before.lines()) {
    const auto it = after_lines.find(line.line().line_id());
    if (it == after_lines.end()) {
      AddChange(diff, &line, nullptr);
    } else if (!google::protobuf::util::MessageDifferencer::Equals(line, *it->second)) {
      AddChange(diff, &line, it->second);
    }
  }
  for (const v1::PricedLine& line : after.lines()) {
    if (!before_lines.contains(line.line().line_id())) AddChange(diff, nullptr, &line);
  }
  *diff.mutable_totals_before() = before.totals();
  *diff.mutable_totals_after() = after.totals();
  Missing(after.applied_promotion_ids(), before.applied_promotion_ids(), diff.mutable_promotions_added());
  Missing(before.applied_promotion_ids(), after.applied_promotion_ids(), diff.mutable_promotions_removed());
  return diff;
}

}  // namespace sfa::quote::domain

#include "lead/domain/conditions.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sfa::lead::domain {
namespace {

constexpr absl::string_view kAttributePrefix = "attributes.";

std::string Fold(absl::string_view text) { return absl::AsciiStrToLower(absl::StripAsciiWhitespace(text)); }

std::optional<int64_t> Score(absl::string_view field, const LeadFacts& facts) {
  if (field == "score.fit") return facts.fit;
  if (field == "score.behaviour") return facts.behaviour;
  return facts.predictive_percent;
}

// The field's value as text; "" when absent.
std::string Value(absl::string_view field, const LeadFacts& facts) {
  if (absl::StartsWith(field, kAttributePrefix)) {
    const auto it = facts.attributes.find(std::string(field.substr(kAttributePrefix.size())));
    return it == facts.attributes.end() ? "" : it->second;
  }
  if (absl::StartsWith(field, "score.")) {
    const std::optional<int64_t> score = Score(field, facts);
    return score ? absl::StrCat(*score) : "";
  }
  if (field == "channel") return facts.source.channel();
  if (field == "origin") return facts.source.origin();
  if (field == "campaign_id") return facts.source.campaign_id();
  if (field == "company.name") return facts.company.name();
  if (field == "company.industry") return facts.company.industry();
  if (field == "company.employees") return facts.company.employees() > 0 ? absl::StrCat(facts.company.employees()) : "";
  if (field == "company.country") return facts.company.country();
  if (field == "company.city") return facts.company.city();
  if (field == "person.email") return facts.person.email();
  if (field == "person.phone") return facts.person.phone();
  return "";
}

bool Compare(const v1::Condition& condition, absl::string_view value) {
  int64_t number = 0;
  switch (condition.operator_()) {
    case v1::CONDITION_OPERATOR_EQUALS:
      return !condition.values().empty() && Fold(value) == Fold(condition.values(0));
    case v1::CONDITION_OPERATOR_NOT_EQUALS:
      return condition.values().empty() || Fold(value) != Fold(condition.values(0));
    case v1::CONDITION_OPERATOR_IN:
      return std::any_of(condition.values().begin(), condition.values().end(),
                         [&](const std::string& v) { return Fold(value) == Fold(v); });
    case v1::CONDITION_OPERATOR_CONTAINS:
      return !condition.values().empty() && absl::StrContains(Fold(value), Fold(condition.values(0)));
    case v1::CONDITION_OPERATOR_AT_LEAST:
      return absl::SimpleAtoi(value, &number) && number >= condition.number();
    case v1::CONDITION_OPERATOR_AT_MOST:
      return absl::SimpleAtoi(value, &number) && number <= condition.number();
    case v1::CONDITION_OPERATOR_IS_SET:
      return !Fold(value).empty();
    default:
      return false;
  }
}

}  // namespace

bool IsKnownConditionField(absl::string_view field, bool allow_scores) {
  if (absl::StartsWith(field, kAttributePrefix)) return field.size() > kAttributePrefix.size();
  if (field == "score.fit" || field == "score.behaviour" || field == "score.predictive_percent") return allow_scores;
  for (absl::string_view known :
       {"channel", "origin", "campaign_id", "company.name", "company.industry", "company.employees", "company.country",
        "company.city", "person.email", "person.phone"}) {
    if (field == known) return true;
  }
  return false;
}

bool Holds(const v1::Condition& condition, const LeadFacts& facts) {
  return Compare(condition, Value(condition.field(), facts));
}

bool AllHold(const google::protobuf::RepeatedPtrField<v1::Condition>& conditions, const LeadFacts& facts) {
  return std::all_of(conditions.begin(), conditions.end(), [&](const v1::Condition& c) { return Holds(c, facts); });
}

}  // namespace sfa::lead::domain

#ifndef SFA_SERVICES_LEAD_DOMAIN_CONDITIONS_H_
#define SFA_SERVICES_LEAD_DOMAIN_CONDITIONS_H_

// Evaluation of the Conditions that fit-scoring and assignment rules put on a lead.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "sfa/lead/v1/lead_types.pb.h"

namespace sfa::lead::domain {

// What a condition may look at.
struct LeadFacts {
  v1::LeadSource source;
  v1::Person person;
  v1::Company company;
  std::map<std::string, std::string> attributes;
  // Scores, for assignment rules; unset ones make score conditions false.
  std::optional<int64_t> fit;
  std::optional<int64_t> behaviour;
  std::optional<int64_t> predictive_percent;
};

// Whether `field` names something a condition can test (see Condition.field); score.* only when
// `allow_scores`.
bool IsKnownConditionField(absl::string_view field, bool allow_scores);

// True when `condition` holds for `facts`. Text compares trimmed and case-insensitively; AT_LEAST and
// AT_MOST need a field that reads as an integer, otherwise they are false.
bool Holds(const v1::Condition& condition, const LeadFacts& facts);

// True when every condition holds (an empty list holds).
bool AllHold(const google::protobuf::RepeatedPtrField<v1::Condition>& conditions, const LeadFacts& facts);

}  // namespace sfa::lead::domain

#endif  // SFA_SERVICES_LEAD_DOMAIN_CONDITIONS_H_

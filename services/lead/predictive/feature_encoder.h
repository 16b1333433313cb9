#ifndef SFA_SERVICES_LEAD_PREDICTIVE_FEATURE_ENCODER_H_
#define SFA_SERVICES_LEAD_PREDICTIVE_FEATURE_ENCODER_H_

// Turns OutcomeFeatures into the fixed row of floats the booster reads, and the booster's per-column
// contributions back into per-field factors. Built from the training outcomes, immutable afterwards.
//
// Columns, in this order:
//  - one-hot per categorical field: channel, origin, campaign_id, company.industry, company.country,
//    company.city and each attribute key that is not numeric. Values compare trimmed and ASCII
//    case-insensitively ("google" is "Google"). A missing value is the category "<missing>", so "not
//    answered" can carry its own weight. Categories seen fewer than min_category_count times (and beyond
//    the max_categories_per_field most frequent) share the column "<other>", as does any value first seen
//    when predicting.
//  - numeric attributes: a key whose non-empty values are nearly all (numeric_attribute_share) numbers
//    gets one column with the number; anything else there is missing (NaN, which XGBoost routes by the
//    split's learned default direction).
//  - company.employees, 0 being missing.
//  - per EngagementKind its total count and total duration_seconds, 0 when the lead has none.
// OutcomeFeatures.age is never read: the age of a decided lead (capture to outcome) is not comparable with
// the age of an open lead being scored, so it would teach the model something false.
// Attribute keys on fewer than min_category_count outcomes are ignored; at most max_attribute_keys keys
// (the most frequent) are kept, which bounds the width of a row whatever the input.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "lead/predictive/example.h"
#include "sfa/lead/v1/lead_types.pb.h"

namespace sfa::lead::predictive {

struct EncoderOptions {
  int min_category_count = 10;
  int max_categories_per_field = 50;
  int max_attribute_keys = 100;
  double numeric_attribute_share = 0.95;
};

class FeatureEncoder {
 public:
  static FeatureEncoder Fit(absl::Span<const v1::OutcomeFeatures* const> outcomes, const EncoderOptions& options);

  int num_columns() const { return static_cast<int>(column_names_.size()); }
  // "channel=Google", "channel=<other>", "engagement.VISIT.count", … one per column.
  const std::vector<std::string>& column_names() const { return column_names_; }

  // Writes num_columns() values into `row` (NaN = missing). Never fails: unknown values are "<other>",
  // unparseable or non-finite numbers are missing.
  void Encode(const v1::OutcomeFeatures& features, absl::Span<float> row) const;

  // One factor per field: the sum of its columns' contributions (`contributions` holds one per column;
  // anything after, such as the bias, is ignored), named after this lead's category for a categorical
  // field ("company.country=India", "channel=<other>") and after the field for a numeric one.
  std::vector<Factor> Explain(const v1::OutcomeFeatures& features, absl::Span<const float> contributions) const;

 private:
  enum class Source {
    kChannel,
    kOrigin,
    kCampaign,
    kIndustry,
    kCountry,
    kCity,
    kAttribute,
    kEmployees,
    kEngagementCount,
    kEngagementDuration,
  };

  struct Field {
    std::string name{};
    Source source = Source::kChannel;
    std::string attribute_key{};  // kAttribute only
    int engagement_kind = 0;      // kEngagement* only
    int first_column = 0;
    bool categorical = false;
    // Categorical only: normalised value → column offset within the field; labels[offset] names the
    // column, the last one being "<other>".
    absl::flat_hash_map<std::string, int> offset_of{};
    std::vector<std::string> labels{};
  };

  // Per EngagementKind number: summed count and duration of one lead.
  struct EngagementSums {
    std::vector<double> count;
    std::vector<double> duration_seconds;
  };

  void AddCategorical(Field field, absl::Span<const v1::OutcomeFeatures* const> outcomes,
                      const EncoderOptions& options);
  void AddNumeric(Field field);
  // The field's trimmed text for this lead; empty when missing.
  static absl::string_view CategoryText(const Field& field, const v1::OutcomeFeatures& features);
  // The column (offset within the field) a categorical field sets for this lead.
  int CategoryOffset(const Field& field, const v1::OutcomeFeatures& features) const;
  static EngagementSums SumEngagement(const v1::OutcomeFeatures& features);
  // NaN when missing.
  static double NumericValue(const Field& field, const v1::OutcomeFeatures& features, const EngagementSums& sums);

  std::vector<Field> fields_;
  std::vector<std::string> column_names_;
};

}  // namespace sfa::lead::predictive

#endif  // SFA_SERVICES_LEAD_PREDICTIVE_FEATURE_ENCODER_H_

#include "lead/predictive/feature_encoder.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace sfa::lead::predictive {
namespace {

constexpr absl::string_view kMissing = "<missing>";
constexpr absl::string_view kOther = "<other>";
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// The category of a text value: trimmed, ASCII lower-cased; "<missing>" when empty.
std::string CategoryKey(absl::string_view raw) {
  if (raw.empty()) return std::string(kMissing);
  return absl::AsciiStrToLower(raw);
}

std::optional<double> ParseNumber(absl::string_view text) {
  double value = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(text), &value) || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Out-of-range double → float conversion is undefined behaviour, so it is checked first.
float ToColumnValue(double value) {
  if (!std::isfinite(value) || std::fabs(value) > FLT_MAX) return kNaN;
  return static_cast<float>(value);
}

// ENGAGEMENT_KIND_PAGE_VIEW → PAGE_VIEW.
std::string KindName(int kind) {
  return std::string(
      absl::StripPrefix(v1::EngagementKind_Name(static_cast<v1::EngagementKind>(kind)), "ENGAGEMENT_KIND_"));
}

struct AttributeKey {
  std::string key;
  int present = 0;  // outcomes with a non-empty value
  int numeric = 0;  // of those, the ones whose value is a finite number
};

// The attribute keys worth a field: on at least min_category_count outcomes, the max_attribute_keys most
// frequent, in key order so that columns do not move with the counts.
std::vector<AttributeKey> FrequentAttributeKeys(absl::Span<const v1::OutcomeFeatures* const> outcomes,
                                                const EncoderOptions& options) {
  absl::flat_hash_map<std::string, AttributeKey> by_key;
  for (const v1::OutcomeFeatures* outcome : outcomes) {
    for (const auto& [key, value] : outcome->attributes()) {
      const absl::string_view text = absl::StripAsciiWhitespace(value);
      if (text.empty()) continue;
      AttributeKey& seen = by_key[key];
      ++seen.present;
      if (ParseNumber(text).has_value()) ++seen.numeric;
    }
  }
  std::vector<AttributeKey> keys;
  for (auto& [key, seen] : by_key) {
    if (seen.present < options.min_category_count) continue;
    seen.key = key;
    keys.push_back(std::move(seen));
  }
  std::sort(keys.begin(), keys.end(), [](const AttributeKey& a, const AttributeKey& b) {
    return a.present != b.present ? a.present > b.present : a.key < b.key;
  });
  if (keys.size() > static_cast<size_t>(std::max(options.max_attribute_keys, 0))) {
    keys.resize(std::max(options.max_attribute_keys, 0));
  }
  std::sort(keys.begin(), keys.end(), [](const AttributeKey& a, const AttributeKey& b) { return a.key < b.key; });
  return keys;
}

}  // namespace

FeatureEncoder FeatureEncoder::Fit(absl::Span<const v1::OutcomeFeatures* const> outcomes,
                                   const EncoderOptions& options) {
  FeatureEncoder encoder;
  const std::pair<Source, absl::string_view> kFixedCategorical[] = {
      {Source::kChannel, "channel"},         {Source::kOrigin, "origin"},
      {Source::kCampaign, "campaign_id"},    {Source::kIndustry, "company.industry"},
      {Source::kCountry, "company.country"}, {Source::kCity, "company.city"},
  };
  for (const auto& [source, name] : kFixedCategorical) {
    encoder.AddCategorical(Field{.name = std::string(name), .source = source}, outcomes, options);
  }
  for (const AttributeKey& key : FrequentAttributeKeys(outcomes, options)) {
    Field field{.name = absl::StrCat("attributes.", key.key), .source = Source::kAttribute, .attribute_key = key.key};
    if (key.numeric >= options.numeric_attribute_share * key.present) {
      encoder.AddNumeric(std::move(field));
    } else {
      encoder.AddCategorical(std::move(field), outcomes, options);
    }
  }
  encoder.AddNumeric(Field{.name = "company.employees", .source = Source::kEmployees});
  for (int kind = v1::EngagementKind_MIN; kind <= v1::EngagementKind_MAX; ++kind) {
    if (kind == v1::ENGAGEMENT_KIND_UNSPECIFIED || !v1::EngagementKind_IsValid(kind)) continue;
    const std::string prefix = absl::StrCat("engagement.", KindName(kind));
    encoder.AddNumeric(
        Field{.name = absl::StrCat(prefix, ".count"), .source = Source::kEngagementCount, .engagement_kind = kind});
    encoder.AddNumeric(Field{.name = absl::StrCat(prefix, ".duration_seconds"),
                             .source = Source::kEngagementDuration,
                             .engagement_kind = kind});
  }
  return encoder;
}

void FeatureEncoder::AddCategorical(Field field, absl::Span<const v1::OutcomeFeatures* const> outcomes,
                                    const EncoderOptions& options) {
  struct Seen {
    std::string key;
    int count = 0;
    absl::flat_hash_map<std::string, int> spellings;
  };
  absl::flat_hash_map<std::string, Seen> by_key;
  for (const v1::OutcomeFeatures* outcome : outcomes) {
    const absl::string_view raw = CategoryText(field, *outcome);
    Seen& seen = by_key[CategoryKey(raw)];
    ++seen.count;
    ++seen.spellings[raw.empty() ? kMissing : raw];
  }
  std::vector<Seen> kept;
  for (auto& [key, seen] : by_key) {
    if (seen.count < options.min_category_count) continue;
    seen.key = key;
    kept.push_back(std::move(seen));
  }
  std::sort(kept.begin(), kept.end(),
            [](const Seen& a, const Seen& b) { return a.count != b.count ? a.count > b.count : a.key < b.key; });
  if (kept.size() > static_cast<size_t>(std::max(options.max_categories_per_field, 0))) {
    kept.resize(std::max(options.max_categories_per_field, 0));
  }

  field.categorical = true;
  field.first_column = num_columns();
  for (const Seen& seen : kept) {
    // The label is the spelling seen most often ("Google" rather than "google"), ties by byte order.
    const auto best = std::min_element(seen.spellings.begin(), seen.spellings.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    field.offset_of[seen.key] = static_cast<int>(field.labels.size());
    field.labels.push_back(best->first);
  }
  field.labels.push_back(std::string(kOther));
  for (const std::string& label : field.labels) column_names_.push_back(absl::StrCat(field.name, "=", label));
  fields_.push_back(std::move(field));
}

void FeatureEncoder::AddNumeric(Field field) {
  field.categorical = false;
  field.first_column = num_columns();
  column_names_.push_back(field.name);
  fields_.push_back(std::move(field));
}

absl::string_view FeatureEncoder::CategoryText(const Field& field, const v1::OutcomeFeatures& features) {
  switch (field.source) {
    case Source::kChannel:
      return absl::StripAsciiWhitespace(features.source().channel());
    case Source::kOrigin:
      return absl::StripAsciiWhitespace(features.source().origin());
    case Source::kCampaign:
      return absl::StripAsciiWhitespace(features.source().campaign_id());
    case Source::kIndustry:
      return absl::StripAsciiWhitespace(features.company().industry());
    case Source::kCountry:
      return absl::StripAsciiWhitespace(features.company().country());
    case Source::kCity:
      return absl::StripAsciiWhitespace(features.company().city());
    case Source::kAttribute: {
      const auto it = features.attributes().find(field.attribute_key);
      return it == features.attributes().end() ? absl::string_view() : absl::StripAsciiWhitespace(it->second);
    }
    default:
      return {};
  }
}

int FeatureEncoder::CategoryOffset(const Field& field, const v1::OutcomeFeatures& features) const {
  const auto it = field.offset_of.find(CategoryKey(CategoryText(field, features)));
  return it == field.offset_of.end() ? static_cast<int>(field.labels.size()) - 1 : it->second;
}

FeatureEncoder::EngagementSums FeatureEncoder::SumEngagement(const v1::OutcomeFeatures& features) {
  EngagementSums sums;
  sums.count.assign(v1::EngagementKind_ARRAYSIZE, 0);
  sums.duration_seconds.assign(v1::EngagementKind_ARRAYSIZE, 0);
  for (const v1::EngagementTotal& total : features.engagement()) {
    // proto3 keeps enum numbers it does not know; those have no column.
    if (total.kind() <= 0 || total.kind() >= v1::EngagementKind_ARRAYSIZE) continue;
    sums.count[total.kind()] += static_cast<double>(total.count());
    sums.duration_seconds[total.kind()] += static_cast<double>(total.duration_seconds());
  }
  return sums;
}

double FeatureEncoder::NumericValue(const Field& field, const v1::OutcomeFeatures& features,
                                    const EngagementSums& sums) {
  constexpr double kMissingNumber = std::numeric_limits<double>::quiet_NaN();
  switch (field.source) {
    case Source::kAttribute:
      return ParseNumber(CategoryText(field, features)).value_or(kMissingNumber);
    case Source::kEmployees:
      return features.company().employees() == 0 ? kMissingNumber : static_cast<double>(features.company().employees());
    case Source::kEngagementCount:
      return sums.count[field.engagement_kind];
    case Source::kEngagementDuration:
      return sums.duration_seconds[field.engagement_kind];
    default:
      return kMissingNumber;
  }
}

void FeatureEncoder::Encode(const v1::OutcomeFeatures& features, absl::Span<float> row) const {
  assert(row.size() == static_cast<size_t>(num_columns()));
  const EngagementSums sums = SumEngagement(features);
  for (const Field& field : fields_) {
    if (!field.categorical) {
      row[field.first_column] = ToColumnValue(NumericValue(field, features, sums));
      continue;
    }
    std::fill_n(row.begin() + field.first_column, field.labels.size(), 0.0f);
    row[field.first_column + CategoryOffset(field, features)] = 1.0f;
  }
}

std::vector<Factor> FeatureEncoder::Explain(const v1::OutcomeFeatures& features,
                                            absl::Span<const float> contributions) const {
  std::vector<Factor> factors;
  if (contributions.size() < static_cast<size_t>(num_columns())) return factors;
  for (const Field& field : fields_) {
    const int width = field.categorical ? static_cast<int>(field.labels.size()) : 1;
    double sum = 0;
    for (int column = field.first_column; column < field.first_column + width; ++column) sum += contributions[column];
    factors.push_back(Factor{
        .feature = field.categorical ? absl::StrCat(field.name, "=", field.labels[CategoryOffset(field, features)])
                                     : field.name,
        .contribution = sum});
  }
  return factors;
}

}  // namespace sfa::lead::predictive

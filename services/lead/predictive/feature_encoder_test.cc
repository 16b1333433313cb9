#include "lead/predictive/feature_encoder.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::lead::predictive {
namespace {

using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::Not;

v1::OutcomeFeatures Lead(const std::string& channel, const std::string& occupation = "") {
  v1::OutcomeFeatures features;
  features.mutable_source()->set_channel(channel);
  if (!occupation.empty()) (*features.mutable_attributes())["occupation"] = occupation;
  return features;
}

FeatureEncoder FitOn(const std::vector<v1::OutcomeFeatures>& outcomes, int min_category_count = 2) {
  std::vector<const v1::OutcomeFeatures*> refs;
  for (const v1::OutcomeFeatures& outcome : outcomes) refs.push_back(&outcome);
  return FeatureEncoder::Fit(refs, EncoderOptions{.min_category_count = min_category_count});
}

std::vector<float> EncodeWith(const FeatureEncoder& encoder, const v1::OutcomeFeatures& features) {
  std::vector<float> row(encoder.num_columns(), -1);
  encoder.Encode(features, absl::MakeSpan(row));
  return row;
}

float Column(const FeatureEncoder& encoder, const std::vector<float>& row, const std::string& name) {
  const auto& names = encoder.column_names();
  const auto it = std::find(names.begin(), names.end(), name);
  EXPECT_NE(it, names.end()) << name;
  return it == names.end() ? -1 : row[it - names.begin()];
}

TEST(FeatureEncoderTest, PoolsRareCategoriesAndFoldsCase) {
  const FeatureEncoder encoder =
      FitOn({Lead("Google"), Lead("google"), Lead("Google"), Lead("Reference"), Lead("Reference"), Lead("Rare")});
  EXPECT_THAT(encoder.column_names(), IsSupersetOf({"channel=Google", "channel=Reference", "channel=<other>"}));
  EXPECT_THAT(encoder.column_names(), Not(Contains("channel=Rare")));
  EXPECT_THAT(encoder.column_names(), Not(Contains("channel=google")));

  const std::vector<float> row = EncodeWith(encoder, Lead("  GOOGLE "));
  EXPECT_EQ(Column(encoder, row, "channel=Google"), 1);
  EXPECT_EQ(Column(encoder, row, "channel=Reference"), 0);
  EXPECT_EQ(Column(encoder, row, "channel=<other>"), 0);
  EXPECT_EQ(Column(encoder, EncodeWith(encoder, Lead("Rare")), "channel=<other>"), 1);
  EXPECT_EQ(Column(encoder, EncodeWith(encoder, Lead("never seen")), "channel=<other>"), 1);
}

TEST(FeatureEncoderTest, MissingIsItsOwnCategoryWhenCommon) {
  const FeatureEncoder encoder = FitOn({Lead("A", "Student"), Lead("A", "Student"), Lead("A"), Lead("A")});
  EXPECT_THAT(encoder.column_names(),
              IsSupersetOf({"attributes.occupation=Student", "attributes.occupation=<missing>"}));
  EXPECT_EQ(Column(encoder, EncodeWith(encoder, Lead("A")), "attributes.occupation=<missing>"), 1);
  EXPECT_EQ(Column(encoder, EncodeWith(encoder, Lead("A", " ")), "attributes.occupation=<missing>"), 1);
}

TEST(FeatureEncoderTest, MostlyNumericAttributesBecomeNumbers) {
  std::vector<v1::OutcomeFeatures> outcomes(40);
  for (int i = 0; i < 40; ++i) (*outcomes[i].mutable_attributes())["rating"] = std::to_string(i % 5);
  (*outcomes[0].mutable_attributes())["rating"] = "n/a";  // 1 in 40 is "nearly all"
  const FeatureEncoder encoder = FitOn(outcomes);
  EXPECT_THAT(encoder.column_names(), Contains("attributes.rating"));

  v1::OutcomeFeatures lead;
  (*lead.mutable_attributes())["rating"] = " 3.5 ";
  EXPECT_EQ(Column(encoder, EncodeWith(encoder, lead), "attributes.rating"), 3.5f);
  for (const char* unusable : {"n/a", "nan", "inf", "1e999", ""}) {
    (*lead.mutable_attributes())["rating"] = unusable;
    EXPECT_TRUE(std::isnan(Column(encoder, EncodeWith(encoder, lead), "attributes.rating"))) << unusable;
  }
}

TEST(FeatureEncoderTest, RareAttributeKeysAreIgnored) {
  std::vector<v1::OutcomeFeatures> outcomes(10);
  (*outcomes[0].mutable_attributes())["once"] = "x";
  const FeatureEncoder encoder = FitOn(outcomes);
  for (const std::string& name : encoder.column_names()) EXPECT_EQ(name.find("attributes.once"), std::string::npos);
}

TEST(FeatureEncoderTest, EngagementIsSummedPerKindAndEmployeesZeroIsMissing) {
  const FeatureEncoder encoder = FitOn({Lead("A"), Lead("A")});
  v1::OutcomeFeatures lead;
  for (const int count : {2, 3}) {
    v1::EngagementTotal* visit = lead.add_engagement();
    visit->set_kind(v1::ENGAGEMENT_KIND_VISIT);
    visit->set_count(count);
    visit->set_duration_seconds(60);
  }
  lead.add_engagement()->set_kind(static_cast<v1::EngagementKind>(99));  // a kind from a newer contract
  const std::vector<float> row = EncodeWith(encoder, lead);
  EXPECT_EQ(Column(encoder, row, "engagement.VISIT.count"), 5);
  EXPECT_EQ(Column(encoder, row, "engagement.VISIT.duration_seconds"), 120);
  EXPECT_EQ(Column(encoder, row, "engagement.CALL.count"), 0);
  EXPECT_TRUE(std::isnan(Column(encoder, row, "company.employees")));

  lead.mutable_company()->set_employees(250);
  EXPECT_EQ(Column(encoder, EncodeWith(encoder, lead), "company.employees"), 250);
}

// Age at outcome is not comparable with the age of an open lead, so it must not reach the model.
TEST(FeatureEncoderTest, IgnoresAge) {
  const FeatureEncoder encoder = FitOn({Lead("A"), Lead("A")});
  v1::OutcomeFeatures young = Lead("A"), old = Lead("A");
  old.mutable_age()->set_seconds(86400 * 365);
  const std::vector<float> a = EncodeWith(encoder, young), b = EncodeWith(encoder, old);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i]))) << encoder.column_names()[i];
  }
}

TEST(FeatureEncoderTest, ExplainSumsAFieldsColumnsUnderTheLeadsValue) {
  const FeatureEncoder encoder = FitOn({Lead("Google"), Lead("Google"), Lead("Reference"), Lead("Reference")});
  std::vector<float> contributions(encoder.num_columns() + 1, 0);  // + the bias
  const auto& names = encoder.column_names();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].rfind("channel=", 0) == 0) contributions[i] = 0.25;
    if (names[i] == "engagement.VISIT.count") contributions[i] = -0.5;
  }
  contributions.back() = 7;  // the bias is not a factor

  const auto contribution_of = [&](const v1::OutcomeFeatures& lead, const std::string& name) {
    for (const Factor& factor : encoder.Explain(lead, contributions)) {
      if (factor.feature == name) return factor.contribution;
    }
    ADD_FAILURE() << "no factor " << name;
    return 0.0;
  };
  EXPECT_DOUBLE_EQ(contribution_of(Lead("Reference"), "channel=Reference"), 0.75);  // Google, Reference, <other>
  EXPECT_DOUBLE_EQ(contribution_of(Lead("Reference"), "engagement.VISIT.count"), -0.5);
  EXPECT_DOUBLE_EQ(contribution_of(Lead("never seen"), "channel=<other>"), 0.75);
  EXPECT_EQ(encoder.Explain(Lead("Reference"), {}).size(), 0u) << "too few contributions explain nothing";
}

}  // namespace
}  // namespace sfa::lead::predictive

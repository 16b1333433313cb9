#include "lead/predictive/model.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sfa::lead::predictive {
namespace {

constexpr const char* kChannels[] = {"Partner", "Google", "Direct", "Social"};
constexpr const char* kCountries[] = {"India", "Spain", "Kenya", "Peru", "Japan"};

// Leads that convert exactly when they came from the channel "Partner"; country and visits are noise.
std::vector<Example> PartnerConverts(int n, uint64_t seed, const std::string& id_prefix = "lead-") {
  std::mt19937_64 random(seed);
  std::vector<Example> examples;
  for (int i = 0; i < n; ++i) {
    Example& example = examples.emplace_back();
    example.lead_id = absl::StrCat(id_prefix, seed, "-", i);
    const std::string channel = kChannels[random() % 4];
    example.features.mutable_source()->set_channel(channel);
    example.features.mutable_company()->set_country(kCountries[random() % 5]);
    v1::EngagementTotal* visits = example.features.add_engagement();
    visits->set_kind(v1::ENGAGEMENT_KIND_VISIT);
    visits->set_count(static_cast<int64_t>(random() % 10));
    example.converted = channel == "Partner";
  }
  return examples;
}

TrainOptions Quick() { return TrainOptions{.rounds = 40}; }

double AucOn(const Model& model, const std::vector<Example>& examples) {
  std::vector<double> scores;
  std::vector<bool> labels;
  for (const Example& example : examples) {
    absl::StatusOr<Prediction> prediction = model.Predict(example.features);
    EXPECT_TRUE(prediction.ok()) << prediction.status();
    scores.push_back(prediction.ok() ? prediction->probability : 0);
    labels.push_back(example.converted);
  }
  return Auc(scores, labels).value_or(-1);
}

TEST(ModelTest, RefusesTooFewOutcomes) {
  absl::StatusOr<std::shared_ptr<const Model>> model = Model::Train(PartnerConverts(kMinExamples - 1, 1));
  EXPECT_EQ(model.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StartsWith(model.status().message(), "too_few_outcomes")) << model.status();
  EXPECT_TRUE(Model::Train({}).status().code() == absl::StatusCode::kFailedPrecondition);
}

TEST(ModelTest, RefusesASingleOutcomeClass) {
  for (const bool converted : {false, true}) {
    std::vector<Example> examples = PartnerConverts(50, 2);
    for (Example& example : examples) example.converted = converted;
    absl::StatusOr<std::shared_ptr<const Model>> model = Model::Train(examples);
    EXPECT_EQ(model.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(absl::StartsWith(model.status().message(), "single_outcome_class")) << model.status();
  }
}

TEST(ModelTest, RefusesOptionsOutOfRange) {
  const std::vector<Example> examples = PartnerConverts(50, 3);
  for (const TrainOptions& options :
       {TrainOptions{.holdout_percent = 100}, TrainOptions{.rounds = 0}, TrainOptions{.eta = 0},
        TrainOptions{.subsample = 1.5}, TrainOptions{.threads = 0}, TrainOptions{.min_category_count = 0}}) {
    EXPECT_EQ(Model::Train(examples, options).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(ModelTest, LearnsTheDecidingCategoryAndNamesItAsTheTopFactor) {
  absl::StatusOr<std::shared_ptr<const Model>> model = Model::Train(PartnerConverts(800, 4));
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_GT(AucOn(**model, PartnerConverts(400, 5)), 0.95);

  const TrainingStats& stats = (*model)->stats();
  EXPECT_EQ(stats.training_size + stats.holdout_size, 800);
  EXPECT_NEAR(stats.holdout_size, 160, 40);
  ASSERT_TRUE(stats.holdout_auc.has_value());
  EXPECT_GT(*stats.holdout_auc, 0.95);

  v1::OutcomeFeatures partner;
  partner.mutable_source()->set_channel("Partner");
  absl::StatusOr<Prediction> yes = (*model)->Predict(partner);
  ASSERT_TRUE(yes.ok()) << yes.status();
  EXPECT_GT(yes->probability, 0.8);
  ASSERT_FALSE(yes->top_factors.empty());
  EXPECT_EQ(yes->top_factors[0].feature, "channel=Partner");
  EXPECT_GT(yes->top_factors[0].contribution, 0);

  v1::OutcomeFeatures google;
  google.mutable_source()->set_channel("google");  // case-insensitive, named as trained
  absl::StatusOr<Prediction> no = (*model)->Predict(google);
  ASSERT_TRUE(no.ok()) << no.status();
  EXPECT_LT(no->probability, 0.2);
  ASSERT_FALSE(no->top_factors.empty());
  EXPECT_EQ(no->top_factors[0].feature, "channel=Google");
  EXPECT_LT(no->top_factors[0].contribution, 0);
}

TEST(ModelTest, PredictAcceptsAnyFeatures) {
  absl::StatusOr<std::shared_ptr<const Model>> model = Model::Train(PartnerConverts(200, 6), Quick());
  ASSERT_TRUE(model.ok()) << model.status();

  std::vector<v1::OutcomeFeatures> inputs(6);
  inputs[1].mutable_source()->set_channel("a channel never seen");
  inputs[2].mutable_source()->set_channel(std::string(1 << 20, 'x'));
  (*inputs[2].mutable_attributes())[std::string(1000, 'k')] = std::string(1 << 16, 'v');
  (*inputs[3].mutable_attributes())["score"] = "nan";
  (*inputs[3].mutable_attributes())["size"] = "1e999";
  inputs[3].mutable_company()->set_employees(std::numeric_limits<int64_t>::max());
  inputs[4].add_engagement()->set_kind(static_cast<v1::EngagementKind>(99));
  v1::EngagementTotal* odd = inputs[4].add_engagement();
  odd->set_kind(v1::ENGAGEMENT_KIND_VISIT);
  odd->set_count(std::numeric_limits<int64_t>::min());
  odd->set_duration_seconds(std::numeric_limits<int64_t>::max());
  inputs[5].mutable_age()->set_seconds(-1);
  inputs[5].mutable_source()->set_channel("\xff\xfe not utf-8");

  for (const v1::OutcomeFeatures& input : inputs) {
    absl::StatusOr<Prediction> prediction = (*model)->Predict(input);
    ASSERT_TRUE(prediction.ok()) << prediction.status();
    EXPECT_GE(prediction->probability, 0);
    EXPECT_LE(prediction->probability, 1);
    EXPECT_LE(prediction->top_factors.size(), 5u);
    for (size_t i = 1; i < prediction->top_factors.size(); ++i) {
      EXPECT_GE(std::fabs(prediction->top_factors[i - 1].contribution),
                std::fabs(prediction->top_factors[i].contribution));
    }
  }
}

TEST(ModelTest, TopKBoundsTheFactors) {
  absl::StatusOr<std::shared_ptr<const Model>> model = Model::Train(PartnerConverts(200, 7), Quick());
  ASSERT_TRUE(model.ok()) << model.status();
  const v1::OutcomeFeatures lead = PartnerConverts(1, 8)[0].features;
  EXPECT_TRUE((*model)->Predict(lead, 0)->top_factors.empty());
  EXPECT_TRUE((*model)->Predict(lead, -3)->top_factors.empty());
  EXPECT_EQ((*model)->Predict(lead, 1)->top_factors.size(), 1u);
}

TEST(ModelTest, SameOutcomesAndOptionsGiveTheSameModel) {
  const std::vector<Example> examples = PartnerConverts(300, 9);
  absl::StatusOr<std::shared_ptr<const Model>> a = Model::Train(examples, Quick());
  absl::StatusOr<std::shared_ptr<const Model>> b = Model::Train(examples, Quick());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->stats().holdout_auc, (*b)->stats().holdout_auc);
  for (const Example& example : PartnerConverts(20, 10)) {
    EXPECT_EQ((*a)->Predict(example.features)->probability, (*b)->Predict(example.features)->probability);
  }
}

// The holdout only measures: the served model learns from every outcome.
TEST(ModelTest, ServedModelLearnsFromTheHoldoutToo) {
  std::vector<Example> examples = PartnerConverts(400, 11);
  int moved = 0;
  for (Example& example : examples) {
    if (!InHoldout(example.lead_id, 20)) continue;
    example.features.mutable_source()->set_channel("HoldoutOnly");
    ++moved;
  }
  ASSERT_GT(moved, 20);
  absl::StatusOr<std::shared_ptr<const Model>> model = Model::Train(examples, Quick());
  ASSERT_TRUE(model.ok()) << model.status();
  const std::vector<std::string>& columns = (*model)->encoder().column_names();
  EXPECT_NE(std::find(columns.begin(), columns.end(), "channel=HoldoutOnly"), columns.end());
}

TEST(ModelTest, NoAucWithoutAHoldoutOfBothClasses) {
  std::vector<Example> examples = PartnerConverts(300, 12);
  for (Example& example : examples) {
    if (InHoldout(example.lead_id, 20)) example.converted = false;
  }
  absl::StatusOr<std::shared_ptr<const Model>> one_class = Model::Train(examples, Quick());
  ASSERT_TRUE(one_class.ok()) << one_class.status();
  EXPECT_GT((*one_class)->stats().holdout_size, 0);
  EXPECT_FALSE((*one_class)->stats().holdout_auc.has_value());

  absl::StatusOr<std::shared_ptr<const Model>> none =
      Model::Train(examples, TrainOptions{.holdout_percent = 0, .rounds = 40});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ((*none)->stats().holdout_size, 0);
  EXPECT_EQ((*none)->stats().training_size, 300);
  EXPECT_FALSE((*none)->stats().holdout_auc.has_value());
}

TEST(ModelTest, ConcurrentPredictionsAgreeWithSequentialOnes) {
  absl::StatusOr<std::shared_ptr<const Model>> model = Model::Train(PartnerConverts(300, 13), Quick());
  ASSERT_TRUE(model.ok()) << model.status();
  const std::vector<Example> leads = PartnerConverts(100, 14);
  std::vector<double> expected;
  for (const Example& lead : leads) expected.push_back((*model)->Predict(lead.features)->probability);

  std::vector<std::vector<double>> got(4);
  std::vector<std::thread> threads;
  for (auto& results : got) {
    threads.emplace_back([&] {
      for (const Example& lead : leads) {
        absl::StatusOr<Prediction> prediction = (*model)->Predict(lead.features);
        results.push_back(prediction.ok() ? prediction->probability : -1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& results : got) EXPECT_EQ(results, expected);
}

}  // namespace
}  // namespace sfa::lead::predictive

// The shape checks of the three requests: every refusal is INVALID_ARGUMENT naming the field.

#include <functional>
#include <string>
#include <vector>

#include "analytics/deal_health/deal_health.h"
#include "domain/support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::analytics::deal_health {
namespace {

absl::Time T(int day) { return absl::FromUnixSeconds(1'700'000'000) + absl::Hours(24 * day); }

template <typename Request>
struct Case {
  std::string name;
  std::function<void(Request&)> change;
  std::string field;  // empty: valid
};

template <typename Request>
void Check(const Request& valid, const std::vector<Case<Request>>& cases) {
  ASSERT_TRUE(Validate(valid).ok()) << Validate(valid);
  for (const Case<Request>& c : cases) {
    Request r = valid;
    c.change(r);
    const absl::Status s = Validate(r);
    if (c.field.empty()) {
      EXPECT_TRUE(s.ok()) << c.name << ": " << s;
      continue;
    }
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(std::string(s.message()), ::testing::StartsWith(c.field + " ")) << c.name << ": " << s;
  }
}

TEST(DealHealthValidation, Waterfall) {
  v1::GetPipelineWaterfallRequest valid;
  *valid.mutable_from() = domain::ToTimestamp(T(0));
  *valid.mutable_to() = domain::ToTimestamp(T(90));
  valid.set_pipeline_id("p1");
  using R = v1::GetPipelineWaterfallRequest;
  Check<R>(valid, {
                      {"no from", [](R& r) { r.clear_from(); }, "from"},
                      {"no to", [](R& r) { r.clear_to(); }, "to"},
                      {"bad from", [](R& r) { r.mutable_from()->set_nanos(-1); }, "from"},
                      {"to before from", [](R& r) { *r.mutable_to() = domain::ToTimestamp(T(-1)); }, "to"},
                      {"to equals from", [](R& r) { *r.mutable_to() = r.from(); }, "to"},
                      {"window too long", [](R& r) { *r.mutable_to() = domain::ToTimestamp(T(401)); }, "to"},
                      {"400 days", [](R& r) { *r.mutable_to() = domain::ToTimestamp(T(400)); }, ""},
                      {"long pipeline", [](R& r) { r.set_pipeline_id(std::string(65, 'p')); }, "pipeline_id"},
                      {"odd pipeline", [](R& r) { r.set_pipeline_id("p 1"); }, "pipeline_id"},
                      {"any pipeline", [](R& r) { r.clear_pipeline_id(); }, ""},
                      {"negative cap", [](R& r) { r.set_max_deals_per_movement(-1); }, "max_deals_per_movement"},
                      {"cap too big", [](R& r) { r.set_max_deals_per_movement(1001); }, "max_deals_per_movement"},
                      {"largest cap", [](R& r) { r.set_max_deals_per_movement(1000); }, ""},
                  });
}

TEST(DealHealthValidation, ListStalled) {
  v1::ListStalledDealsRequest valid;
  valid.set_pipeline_id("p1");
  using R = v1::ListStalledDealsRequest;
  Check<R>(valid, {
                      {"long pipeline", [](R& r) { r.set_pipeline_id(std::string(65, 'p')); }, "pipeline_id"},
                      {"negative page", [](R& r) { r.set_page_size(-1); }, "page_size"},
                      {"page too big", [](R& r) { r.set_page_size(501); }, "page_size"},
                      {"largest page", [](R& r) { r.set_page_size(500); }, ""},
                      {"huge token", [](R& r) { r.set_page_token(std::string(5000, 'a')); }, "page_token"},
                  });
}

TEST(DealHealthValidation, DefineStallPolicy) {
  v1::DefineStallPolicyRequest valid;
  valid.set_request_id("req-1");
  v1::StallThreshold* t = valid.mutable_policy()->add_thresholds();
  t->set_pipeline_id("p1");
  t->set_stage_id("s1");
  *t->mutable_max_time_in_stage() = domain::ToDurationProto(absl::Hours(24 * 30));
  using R = v1::DefineStallPolicyRequest;
  auto days = [](int d) { return domain::ToDurationProto(absl::Hours(24 * d)); };
  Check<R>(
      valid,
      {
          {"no request id", [](R& r) { r.clear_request_id(); }, "request_id"},
          {"no policy", [](R& r) { r.clear_policy(); }, "policy"},
          {"empty policy", [](R& r) { r.mutable_policy()->Clear(); }, ""},
          {"no pipeline", [](R& r) { r.mutable_policy()->mutable_thresholds(0)->clear_pipeline_id(); },
           "policy.thresholds[0].pipeline_id"},
          {"long stage", [](R& r) { r.mutable_policy()->mutable_thresholds(0)->set_stage_id(std::string(65, 's')); },
           "policy.thresholds[0].stage_id"},
          {"no max", [](R& r) { r.mutable_policy()->mutable_thresholds(0)->clear_max_time_in_stage(); },
           "policy.thresholds[0].max_time_in_stage"},
          {"zero max", [&](R& r) { *r.mutable_policy()->mutable_thresholds(0)->mutable_max_time_in_stage() = days(0); },
           "policy.thresholds[0].max_time_in_stage"},
          {"negative max",
           [&](R& r) { *r.mutable_policy()->mutable_thresholds(0)->mutable_max_time_in_stage() = days(-3); },
           "policy.thresholds[0].max_time_in_stage"},
          {"max too long",
           [&](R& r) { *r.mutable_policy()->mutable_thresholds(0)->mutable_max_time_in_stage() = days(5 * 365 + 1); },
           "policy.thresholds[0].max_time_in_stage"},
          {"mixed-sign duration",
           [](R& r) {
             r.mutable_policy()->mutable_thresholds(0)->mutable_max_time_in_stage()->set_seconds(5);
             r.mutable_policy()->mutable_thresholds(0)->mutable_max_time_in_stage()->set_nanos(-1);
           },
           "policy.thresholds[0].max_time_in_stage"},
          {"repeated stage", [](R& r) { *r.mutable_policy()->add_thresholds() = r.policy().thresholds(0); },
           "policy.thresholds[1]"},
          {"too many",
           [](R& r) {
             for (int i = 0; i < 500; ++i) {
               v1::StallThreshold* more = r.mutable_policy()->add_thresholds();
               *more = r.policy().thresholds(0);
               more->set_stage_id(absl::StrCat("x", i));
             }
           },
           "policy.thresholds"},
          {"zero idle", [&](R& r) { *r.mutable_policy()->mutable_max_days_without_activity() = days(0); },
           "policy.max_days_without_activity"},
          {"45 days idle", [&](R& r) { *r.mutable_policy()->mutable_max_days_without_activity() = days(45); }, ""},
          {"expected version", [](R& r) { r.set_expected_version(3); }, ""},
      });
}

}  // namespace
}  // namespace sfa::analytics::deal_health

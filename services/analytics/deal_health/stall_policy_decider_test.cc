// The stall policy's decider as given-events / when-command / then-events.

#include <string>
#include <vector>

#include "analytics/deal_health/deal_health.h"
#include "domain/support.h"
#include "gtest/gtest.h"

namespace sfa::analytics::deal_health {
namespace {

v1::DefineStallPolicyRequest Request(const std::string& request_id, int stage_days) {
  v1::DefineStallPolicyRequest r;
  r.set_request_id(request_id);
  v1::StallThreshold* t = r.mutable_policy()->add_thresholds();
  t->set_pipeline_id("p1");
  t->set_stage_id("s1");
  *t->mutable_max_time_in_stage() = domain::ToDurationProto(absl::Hours(24 * stage_days));
  return r;
}

sfa::common::v1::EventEnvelope Defined(const v1::StallPolicyDefined& policy, uint64_t version) {
  sfa::common::v1::EventEnvelope e;
  e.set_aggregate_version(version);
  e.set_payload_type(v1::StallPolicyDefined::descriptor()->full_name());
  e.set_payload(policy.SerializeAsString());
  return e;
}

// Given / when / then.
TEST(StallPolicyDecider, DefinesOnceAndThenOnlyWhatChanges) {
  StallPolicyState none;
  std::vector<v1::StallPolicyDefined> first = DecideStallPolicy(none, Request("r1", 30));
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].version(), 1u);
  EXPECT_EQ(first[0].thresholds(0).stage_id(), "s1");

  StallPolicyState defined;
  ASSERT_TRUE(EvolveStallPolicy(defined, Defined(first[0], 1)).ok());
  EXPECT_EQ(defined.version, 1u);
  EXPECT_TRUE(DecideStallPolicy(defined, Request("r2", 30)).empty());  // the same policy: nothing to record

  std::vector<v1::StallPolicyDefined> changed = DecideStallPolicy(defined, Request("r3", 20));
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].version(), 2u);
  EXPECT_EQ(domain::ToDuration(changed[0].thresholds(0).max_time_in_stage()), absl::Hours(24 * 20));

  StallPolicyState corrupt;
  sfa::common::v1::EventEnvelope other = Defined(first[0], 1);
  other.set_payload_type("sfa.analytics.v1.QuotaSet");
  EXPECT_EQ(EvolveStallPolicy(corrupt, other).code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace sfa::analytics::deal_health

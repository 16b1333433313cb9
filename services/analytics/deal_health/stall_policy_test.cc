// DefineStallPolicy end to end: request-id idempotency, expected_version, the actor, the read model.

#include <memory>
#include <string>

#include "analytics/deal_health/deal_health.h"
#include "analytics/testing/harness.h"
#include "base/key_codec.h"
#include "domain/support.h"
#include "eventstore/read_model_scan.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace sfa::analytics::deal_health {
namespace {

using ::testing::HasSubstr;

v1::DefineStallPolicyRequest Request(const std::string& request_id, int stage_days, uint64_t expected_version = 0) {
  v1::DefineStallPolicyRequest r;
  r.set_request_id(request_id);
  r.set_expected_version(expected_version);
  v1::StallThreshold* t = r.mutable_policy()->add_thresholds();
  t->set_pipeline_id("p1");
  t->set_stage_id("s1");
  *t->mutable_max_time_in_stage() = domain::ToDurationProto(absl::Hours(24 * stage_days));
  return r;
}

class DefineStallPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<analytics::testing::Harness>> h =
        analytics::testing::Harness::Start(dir_.Sub("data"));
    ASSERT_TRUE(h.ok()) << h.status();
    harness_ = *std::move(h);
  }

  grpc::Status Define(const v1::DefineStallPolicyRequest& r, v1::DefineStallPolicyResponse* out,
                      const std::string& user = "manager1") {
    return harness_->stub().DefineStallPolicy(analytics::testing::Harness::Context("acme", user).get(), r, out);
  }

  uint64_t StreamVersion() {
    absl::StatusOr<uint64_t> v = harness_->store().StreamVersion({"acme", kStallPolicyStream, kStallPolicyId});
    EXPECT_TRUE(v.ok()) << v.status();
    return v.value_or(0);
  }

  eventstore::testing::TempDir dir_;
  std::unique_ptr<analytics::testing::Harness> harness_;
};

TEST_F(DefineStallPolicyTest, ARetriedRequestIdAppendsOneEvent) {
  v1::DefineStallPolicyResponse first, retry;
  ASSERT_TRUE(Define(Request("req-1", 30), &first).ok());
  ASSERT_TRUE(Define(Request("req-1", 30), &retry).ok());
  EXPECT_EQ(StreamVersion(), 1u);
  EXPECT_EQ(first.policy().version(), 1u);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first.policy(), retry.policy()));

  absl::StatusOr<std::vector<sfa::common::v1::EventEnvelope>> events =
      harness_->store().ReadStream({"acme", kStallPolicyStream, kStallPolicyId});
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].actor(), "manager1");
  EXPECT_EQ((*events)[0].request_id(), "req-1");
  EXPECT_EQ((*events)[0].payload_type(), "sfa.analytics.v1.StallPolicyDefined");

  // The same policy under a new request id records nothing either.
  v1::DefineStallPolicyResponse same;
  ASSERT_TRUE(Define(Request("req-2", 30), &same).ok());
  EXPECT_EQ(StreamVersion(), 1u);
  EXPECT_EQ(same.policy().version(), 1u);
}

TEST_F(DefineStallPolicyTest, AStaleExpectedVersionIsAborted) {
  v1::DefineStallPolicyResponse out;
  ASSERT_TRUE(Define(Request("req-1", 30, 0), &out).ok());
  ASSERT_TRUE(Define(Request("req-2", 20, 1), &out).ok());
  EXPECT_EQ(out.policy().version(), 2u);
  const grpc::Status stale = Define(Request("req-3", 10, 1), &out);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(stale.error_message(), HasSubstr("expected_version 1"));
  EXPECT_EQ(StreamVersion(), 2u);

  // The read model (same commit as the event) holds the latest policy with its version.
  absl::StatusOr<std::optional<v1::StallPolicyDefined>> row = eventstore::GetRow<v1::StallPolicyDefined>(
      harness_->store(), kStallPolicyCf, base::KeyBuilder().String("acme").Release());
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->version(), 2u);
  EXPECT_EQ(domain::ToDuration((*row)->thresholds(0).max_time_in_stage()), absl::Hours(24 * 20));

  // Rebuilt from the store's own events, the read model is the same.
  const auto before = eventstore::testing::DumpColumnFamily(harness_->store(), kStallPolicyCf);
  ASSERT_TRUE(harness_->store().RebuildProjection("stall_policy").ok());
  EXPECT_EQ(eventstore::testing::DumpColumnFamily(harness_->store(), kStallPolicyCf), before);
}

TEST_F(DefineStallPolicyTest, InvalidPoliciesNameTheField) {
  v1::DefineStallPolicyResponse out;
  v1::DefineStallPolicyRequest r = Request("req-1", 30);
  r.mutable_policy()->mutable_thresholds(0)->set_stage_id("");
  grpc::Status s = Define(r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("policy.thresholds[0].stage_id"));
  EXPECT_EQ(StreamVersion(), 0u);
}

}  // namespace
}  // namespace sfa::analytics::deal_health

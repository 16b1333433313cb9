// Bad requests to GetLeadSourceReport and GetReceivables over gRPC: INVALID_ARGUMENT naming the field.

#include <memory>
#include <string>

#include "analytics/revenue/test_events.h"
#include "analytics/testing/harness.h"
#include "eventstore/test_util.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace sfa::analytics::revenue {
namespace {

using analytics::testing::Harness;
using google::protobuf::util::TimeUtil;
using testing::At;
using ::testing::HasSubstr;

google::protobuf::Timestamp Ts(absl::Time t) { return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t)); }

class RevenueValidationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Harness>> h = Harness::Start(dir_.Sub("h"));
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
  }
  grpc::Status Report(const v1::GetLeadSourceReportRequest& r) {
    v1::GetLeadSourceReportResponse out;
    return h_->stub().GetLeadSourceReport(Harness::Context("acme").get(), r, &out);
  }
  grpc::Status Receivables(const v1::GetReceivablesRequest& r) {
    v1::GetReceivablesResponse out;
    return h_->stub().GetReceivables(Harness::Context("acme").get(), r, &out);
  }
  eventstore::testing::TempDir dir_{"revenue-validation"};
  std::unique_ptr<Harness> h_;
};

v1::GetLeadSourceReportRequest Period(absl::Time start, absl::Time end) {
  v1::GetLeadSourceReportRequest r;
  *r.mutable_period()->mutable_start() = Ts(start);
  *r.mutable_period()->mutable_end() = Ts(end);
  return r;
}

TEST_F(RevenueValidationTest, LeadSourceReportNamesTheField) {
  const absl::Time jan = At("2025-01-01T00:00:00Z");
  struct Case {
    std::string name;
    v1::GetLeadSourceReportRequest request;
    std::string message;
  };
  std::vector<Case> cases;
  cases.push_back({"no period", {}, "period is required"});
  {
    v1::GetLeadSourceReportRequest r = Period(jan, jan + absl::Hours(24));
    r.mutable_period()->clear_start();
    cases.push_back({"no start", r, "period.start is required"});
  }
  {
    v1::GetLeadSourceReportRequest r = Period(jan, jan + absl::Hours(24));
    r.mutable_period()->clear_end();
    cases.push_back({"no end", r, "period.end is required"});
  }
  {
    v1::GetLeadSourceReportRequest r = Period(jan, jan + absl::Hours(24));
    r.mutable_period()->mutable_start()->set_nanos(-1);
    cases.push_back({"bad start", r, "period.start is not a valid timestamp"});
  }
  {
    v1::GetLeadSourceReportRequest r = Period(jan, jan + absl::Hours(24));
    r.mutable_period()->mutable_end()->set_seconds(400'000'000'000);  // after 9999-12-31
    cases.push_back({"bad end", r, "period.end is not a valid timestamp"});
  }
  cases.push_back({"empty", Period(jan, jan), "period.start must be before period.end"});
  cases.push_back({"reversed", Period(jan, jan - absl::Seconds(1)), "period.start must be before period.end"});
  cases.push_back(
      {"too long", Period(jan, jan + absl::Hours(24 * 1827) + absl::Seconds(1)), "period may span at most 1827 days"});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    grpc::Status s = Report(c.request);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(s.error_message(), HasSubstr(c.message));
  }
  // The longest period allowed, and the shortest.
  EXPECT_TRUE(Report(Period(jan, jan + absl::Hours(24 * 1827))).ok());
  EXPECT_TRUE(Report(Period(jan, jan + absl::Nanoseconds(1))).ok());
}

TEST_F(RevenueValidationTest, ReceivablesNamesTheField) {
  v1::GetReceivablesRequest r;
  r.mutable_as_of()->set_seconds(1'700'000'000);
  r.mutable_as_of()->set_nanos(1'000'000'000);
  grpc::Status s = Receivables(r);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("as_of is not a valid timestamp"));
  r.mutable_as_of()->set_seconds(-70'000'000'000);  // before 0001-01-01
  r.mutable_as_of()->set_nanos(0);
  EXPECT_EQ(Receivables(r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Receivables({}).ok());  // unset: now
  r.mutable_as_of()->set_seconds(1'700'000'000);
  EXPECT_TRUE(Receivables(r).ok());
}

TEST_F(RevenueValidationTest, WithoutATenantIsUnauthenticated) {
  grpc::ClientContext context;
  v1::GetReceivablesResponse out;
  EXPECT_EQ(h_->stub().GetReceivables(&context, {}, &out).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace sfa::analytics::revenue

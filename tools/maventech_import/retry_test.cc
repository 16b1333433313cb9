#include "tools/maventech_import/retry.h"

#include "gtest/gtest.h"

namespace sfa::tools::maventech {
namespace {

TEST(RetryTest, ResendsOnlyWhatARetryCanFix) {
  EXPECT_TRUE(IsRetryable(grpc::StatusCode::ABORTED));
  EXPECT_TRUE(IsRetryable(grpc::StatusCode::UNAVAILABLE));
  EXPECT_TRUE(IsRetryable(grpc::StatusCode::DEADLINE_EXCEEDED));
  for (grpc::StatusCode code :
       {grpc::StatusCode::INVALID_ARGUMENT, grpc::StatusCode::NOT_FOUND, grpc::StatusCode::ALREADY_EXISTS,
        grpc::StatusCode::FAILED_PRECONDITION, grpc::StatusCode::RESOURCE_EXHAUSTED, grpc::StatusCode::INTERNAL}) {
    EXPECT_FALSE(IsRetryable(code)) << StatusCodeName(code);
  }
}

TEST(RetryTest, StopsTheImportWhenNoOtherRequestCouldSucceed) {
  EXPECT_TRUE(StopsImport(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_TRUE(StopsImport(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_TRUE(StopsImport(grpc::StatusCode::UNIMPLEMENTED));
  EXPECT_TRUE(StopsImport(grpc::StatusCode::UNAVAILABLE));
  EXPECT_FALSE(StopsImport(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_FALSE(StopsImport(grpc::StatusCode::INVALID_ARGUMENT));
}

TEST(RetryTest, BackoffDoublesUpToTheCapAndScalesByJitter) {
  const RetryPolicy policy{
      .max_attempts = 8, .initial_backoff = absl::Milliseconds(100), .max_backoff = absl::Seconds(1)};
  EXPECT_EQ(Backoff(policy, 1, 1.0), absl::Milliseconds(100));
  EXPECT_EQ(Backoff(policy, 2, 1.0), absl::Milliseconds(200));
  EXPECT_EQ(Backoff(policy, 4, 1.0), absl::Milliseconds(800));
  EXPECT_EQ(Backoff(policy, 5, 1.0), absl::Seconds(1));
  EXPECT_EQ(Backoff(policy, 60, 1.0), absl::Seconds(1));
  EXPECT_EQ(Backoff(policy, 2, 0.5), absl::Milliseconds(100));
}

TEST(RetryTest, NamesStatusCodes) {
  EXPECT_STREQ(StatusCodeName(grpc::StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_STREQ(StatusCodeName(grpc::StatusCode::OK), "OK");
}

}  // namespace
}  // namespace sfa::tools::maventech

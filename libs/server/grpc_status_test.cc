#include "server/grpc_status.h"

#include <vector>

#include "gtest/gtest.h"

namespace sfa::server {
namespace {

struct Row {
  absl::StatusCode absl_code;
  grpc::StatusCode grpc_code;
  const char* name;
};

const std::vector<Row>& Table() {
  static const auto* rows = new std::vector<Row>{
      {absl::StatusCode::kOk, grpc::StatusCode::OK, "OK"},
      {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED, "CANCELLED"},
      {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN, "UNKNOWN"},
      {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT"},
      {absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED"},
      {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND, "NOT_FOUND"},
      {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS, "ALREADY_EXISTS"},
      {absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED"},
      {absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED"},
      {absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION, "FAILED_PRECONDITION"},
      {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED, "ABORTED"},
      {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE, "OUT_OF_RANGE"},
      {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED"},
      {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL, "INTERNAL"},
      {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE, "UNAVAILABLE"},
      {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS, "DATA_LOSS"},
      {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED"},
  };
  return *rows;
}

TEST(GrpcStatusTest, TableCoversEveryCanonicalCode) { EXPECT_EQ(Table().size(), 17u); }

TEST(GrpcStatusTest, ToGrpcKeepsCodeAndMessage) {
  for (const Row& row : Table()) {
    SCOPED_TRACE(row.name);
    grpc::Status s = ToGrpcStatus(absl::Status(row.absl_code, "field x is bad"));
    EXPECT_EQ(s.error_code(), row.grpc_code);
    // OK carries no message in either library.
    EXPECT_EQ(s.error_message(), row.absl_code == absl::StatusCode::kOk ? "" : "field x is bad");
  }
}

TEST(GrpcStatusTest, FromGrpcKeepsCodeAndMessage) {
  for (const Row& row : Table()) {
    SCOPED_TRACE(row.name);
    absl::Status s = FromGrpcStatus(grpc::Status(row.grpc_code, row.grpc_code == grpc::OK ? "" : "why"));
    EXPECT_EQ(s.code(), row.absl_code);
    EXPECT_EQ(s.message(), row.absl_code == absl::StatusCode::kOk ? "" : "why");
  }
}

TEST(GrpcStatusTest, RoundTrips) {
  for (const Row& row : Table()) {
    absl::Status original(row.absl_code, row.absl_code == absl::StatusCode::kOk ? "" : "m");
    EXPECT_EQ(FromGrpcStatus(ToGrpcStatus(original)), original) << row.name;
  }
}

TEST(GrpcStatusTest, NamesEveryCode) {
  for (const Row& row : Table()) EXPECT_EQ(GrpcCodeName(row.grpc_code), row.name);
}

TEST(GrpcStatusTest, NonCanonicalCodesBecomeUnknown) {
  EXPECT_EQ(ToGrpcStatus(absl::Status(static_cast<absl::StatusCode>(42), "odd")).error_code(),
            grpc::StatusCode::UNKNOWN);
  EXPECT_EQ(FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(42), "odd")).code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(42)), "UNKNOWN");
}

}  // namespace
}  // namespace sfa::server

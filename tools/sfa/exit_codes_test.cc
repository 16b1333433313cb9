#include "tools/sfa/exit_codes.h"

#include <set>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace sfa::tools::cli {
namespace {

TEST(ExitCodesTest, ScriptsCanTellTheFailuresTheyActOnApart) {
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::OK), 0);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::INVALID_ARGUMENT), 3);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::NOT_FOUND), 4);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::ALREADY_EXISTS), 5);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::FAILED_PRECONDITION), 6);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::ABORTED), 7);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAUTHENTICATED), 8);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::PERMISSION_DENIED), 9);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::RESOURCE_EXHAUSTED), 10);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNAVAILABLE), 11);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::DEADLINE_EXCEEDED), 12);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::UNIMPLEMENTED), 13);
  EXPECT_EQ(ExitCodeFor(grpc::StatusCode::OUT_OF_RANGE), ExitCodeFor(grpc::StatusCode::INVALID_ARGUMENT));
  for (grpc::StatusCode code : {grpc::StatusCode::CANCELLED, grpc::StatusCode::UNKNOWN, grpc::StatusCode::INTERNAL,
                                grpc::StatusCode::DATA_LOSS, static_cast<grpc::StatusCode>(99)}) {
    EXPECT_EQ(ExitCodeFor(code), kExitFailure) << StatusCodeName(code);
  }
}

TEST(ExitCodesTest, NoStatusSharesTheUsageCode) {
  for (int code = 0; code <= 16; ++code) {
    EXPECT_NE(ExitCodeFor(static_cast<grpc::StatusCode>(code)), kExitUsage) << code;
  }
}

TEST(ExitCodesTest, TheDocumentedTableIsTheMapping) {
  std::set<int> documented;
  for (const ExitCodeRow& row : ExitCodeTable()) documented.insert(row.exit_code);
  for (int code = 0; code <= 16; ++code) {
    const auto status = static_cast<grpc::StatusCode>(code);
    EXPECT_TRUE(documented.count(ExitCodeFor(status))) << StatusCodeName(status);
    bool named = false;
    for (const ExitCodeRow& row : ExitCodeTable()) {
      if (row.exit_code == ExitCodeFor(status) && absl::StrContains(row.statuses, StatusCodeName(status))) {
        named = true;
      }
    }
    EXPECT_TRUE(named) << StatusCodeName(status) << " is not in the row of exit code " << ExitCodeFor(status);
  }
}

TEST(ExitCodesTest, ErrorLinesNameTheCode) {
  EXPECT_EQ(ErrorLine(grpc::StatusCode::NOT_FOUND, "opportunity deal-9 not found"),
            "sfa: NOT_FOUND: opportunity deal-9 not found");
  EXPECT_EQ(ErrorLine(grpc::StatusCode::UNIMPLEMENTED, "", "GetFunnel is not implemented"),
            "sfa: UNIMPLEMENTED: GetFunnel is not implemented");
  EXPECT_EQ(UsageLine("--limit: bad"), "sfa: USAGE: --limit: bad");
  EXPECT_EQ(StatusCodeName(static_cast<grpc::StatusCode>(42)), "UNKNOWN");
}

}  // namespace
}  // namespace sfa::tools::cli

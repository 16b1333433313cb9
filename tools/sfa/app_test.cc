// The CLI end to end in-process: arguments and environment in, exit code and output out, against fake
// services that record what they were sent.

#include "tools/sfa/app.h"

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sfa/opportunity/v1/opportunity_service.grpc.pb.h"
#include "sfa/quote/v1/quote_service.grpc.pb.h"

namespace sfa::tools::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
namespace ov1 = ::sfa::opportunity::v1;
namespace qv1 = ::sfa::quote::v1;

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result Sfa(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
  args.insert(args.begin(), "sfa");
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  Environment environment = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  const int code = RunCli(static_cast<int>(argv.size()), argv.data(), environment, out, err);
  return {code, out.str(), err.str()};
}

// Records the metadata and requests it is sent; answers from a canned opportunity.
class FakeOpportunityService final : public ov1::OpportunityService::Service {
 public:
  grpc::Status MoveStage(grpc::ServerContext* context, const ov1::MoveStageRequest* request,
                         ov1::MoveStageResponse* response) override {
    Record(context);
    move = *request;
    response->mutable_opportunity()->set_opportunity_id(request->opportunity_id());
    response->mutable_opportunity()->set_stage_id(request->to_stage_id());
    return grpc::Status::OK;
  }
  grpc::Status GetOpportunity(grpc::ServerContext* context, const ov1::GetOpportunityRequest* request,
                              ov1::GetOpportunityResponse*) override {
    Record(context);
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        absl::StrCat("opportunity ", request->opportunity_id(), " not found"));
  }
  grpc::Status ListOpportunities(grpc::ServerContext* context, const ov1::ListOpportunitiesRequest* request,
                                 ov1::ListOpportunitiesResponse* response) override {
    Record(context);
    list_requests.push_back(*request);
    for (int i = 0; i < request->page_size(); ++i) response->add_opportunities()->set_opportunity_id("o");
    response->set_next_page_token("more");
    return grpc::Status::OK;
  }

  void Record(grpc::ServerContext* context) {
    metadata.clear();
    for (const auto& [key, value] : context->client_metadata()) {
      metadata[std::string(key.data(), key.size())] = std::string(value.data(), value.size());
    }
  }

  std::map<std::string, std::string> metadata;
  ov1::MoveStageRequest move;
  std::vector<ov1::ListOpportunitiesRequest> list_requests;
};

class FakeQuoteService final : public qv1::QuoteService::Service {
 public:
  grpc::Status PriceQuote(grpc::ServerContext*, const qv1::PriceQuoteRequest* request,
                          qv1::PriceQuoteResponse* response) override {
    price = *request;
    response->set_price_book_id("book");
    return grpc::Status::OK;
  }
  qv1::PriceQuoteRequest price;
};

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&opportunity_);
    builder.RegisterService(&quote_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    target_ = absl::StrCat("127.0.0.1:", port_);
  }
  void TearDown() override { server_->Shutdown(); }

  std::map<std::string, std::string> Env() {
    return {{"SFA_TARGET_OPPORTUNITY", target_},
            {"SFA_TARGET_QUOTE", target_},
            {"SFA_TENANT", "demo"},
            {"SFA_USER", "alice"}};
  }

  FakeOpportunityService opportunity_;
  FakeQuoteService quote_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string target_;
};

TEST_F(AppTest, SendsTheIdentityAndTheFlagsAsTheRequest) {
  Result r = Sfa({"opp", "move", "deal-1", "--stage", "engaging", "--criteria", "budget,authority", "--criteria",
                  "need", "--reason", "demo done", "--roles", "manager", "--team", "east", "--request-id", "req-1"},
                 Env());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(opportunity_.metadata["x-sfa-tenant"], "demo");
  EXPECT_EQ(opportunity_.metadata["x-sfa-user"], "alice");
  EXPECT_EQ(opportunity_.metadata["x-sfa-roles"], "manager");
  EXPECT_EQ(opportunity_.metadata["x-sfa-team"], "east");
  EXPECT_EQ(opportunity_.move.opportunity_id(), "deal-1");
  EXPECT_EQ(opportunity_.move.to_stage_id(), "engaging");
  EXPECT_THAT(opportunity_.move.criteria_met(), ::testing::ElementsAre("budget", "authority", "need"));
  EXPECT_EQ(opportunity_.move.reason(), "demo done");
  EXPECT_EQ(opportunity_.move.request_id(), "req-1");
  EXPECT_FALSE(opportunity_.move.has_effective_time());
  EXPECT_THAT(r.out, HasSubstr("opportunity: deal-1"));

  // One value per --criteria, so a flag before the ID never swallows it.
  r = Sfa({"opp", "move", "--criteria", "budget", "deal-2", "--stage", "engaging"}, Env());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(opportunity_.move.opportunity_id(), "deal-2");
  EXPECT_THAT(opportunity_.move.criteria_met(), ::testing::ElementsAre("budget"));
}

TEST_F(AppTest, GeneratesARequestIdAndHonoursGlobalFlagsBeforeTheCommand) {
  std::map<std::string, std::string> env = Env();
  env.erase("SFA_TENANT");
  Result r = Sfa({"--tenant", "acme", "opp", "move", "d", "--stage", "s", "--effective-time", "2017-03-01"}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(opportunity_.metadata["x-sfa-tenant"], "acme");
  EXPECT_EQ(opportunity_.metadata.count("x-sfa-roles"), 0u);
  EXPECT_THAT(opportunity_.move.request_id(), StartsWith("sfa-cli-"));
  EXPECT_EQ(opportunity_.move.effective_time().seconds(), 1488326400);  // 2017-03-01T00:00:00Z
}

TEST_F(AppTest, PricesTheBasketAsTyped) {
  Result r =
      Sfa({"quote", "price", "--line", "gtx-pro:3", "mg-special/red:10:5%", "--currency", "USD", "--json"}, Env());
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(quote_.price.lines_size(), 2);
  EXPECT_EQ(quote_.price.lines(0).line_id(), "1");
  EXPECT_EQ(quote_.price.lines(0).product_id(), "gtx-pro");
  EXPECT_EQ(quote_.price.lines(1).sku_id(), "red");
  EXPECT_EQ(quote_.price.lines(1).manual_discount_bp(), 500);
  EXPECT_EQ(quote_.price.currency(), "USD");
  EXPECT_THAT(r.out, HasSubstr("\"price_book_id\": \"book\""));
}

TEST_F(AppTest, ListsFollowPagesUpToTheLimit) {
  Result r = Sfa({"opp", "list", "--limit", "3", "--status", "won", "--close-from", "2017-01-01"}, Env());
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(opportunity_.list_requests.size(), 1u);
  EXPECT_EQ(opportunity_.list_requests[0].page_size(), 3);
  EXPECT_EQ(opportunity_.list_requests[0].status(), ov1::OPPORTUNITY_STATUS_WON);
  EXPECT_TRUE(opportunity_.list_requests[0].has_close_date_from());
  EXPECT_FALSE(opportunity_.list_requests[0].has_close_date_to());
  EXPECT_THAT(r.out, HasSubstr("3 opportunities; more with --page-token more"));
}

TEST_F(AppTest, MapsTheStatusToTheExitCodeAndStderr) {
  Result r = Sfa({"opp", "get", "deal-9"}, Env());
  EXPECT_EQ(r.code, 4);
  EXPECT_EQ(r.err, "sfa: NOT_FOUND: opportunity deal-9 not found\n");
  EXPECT_EQ(r.out, "");

  // The fake does not implement GetAccount: the generated default answers UNIMPLEMENTED.
  r = Sfa({"account", "get", "acme"}, Env());
  EXPECT_EQ(r.code, 13);
  EXPECT_THAT(r.err, HasSubstr("sfa: UNIMPLEMENTED: "));
  EXPECT_THAT(r.err, HasSubstr("sfa.opportunity.v1.OpportunityService/GetAccount"));
}

TEST(AppUsageTest, BadArgumentsExitTwoBeforeAnythingIsSent) {
  const std::map<std::string, std::string> env = {
      {"SFA_TENANT", "demo"}, {"SFA_USER", "me"}, {"SFA_HOST", "127.0.0.1"}, {"SFA_OPPORTUNITY_GRPC_PORT", "1"}};
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {},
           {"bogus"},
           {"opp"},
           {"opp", "get"},
           {"opp", "create", "--name", "x"},
           {"opp", "list", "--status", "closed"},
           {"opp", "list", "--limit", "-1"},
           {"opp", "list", "--limit", "many"},
           {"opp", "create", "--name", "x", "--pipeline", "p", "--amount", "12.345 USD"},
           {"opp", "create", "--name", "x", "--pipeline", "p", "--amount", "12"},
           {"quote", "price", "--line", "gtx-pro"},
           {"forecast", "--period", "2017-Q5"},
           {"funnel", "--period", "2017", "--from", "2017-01-01"},
           {"pipeline", "--as-of", "yesterday"},
           {"opp", "get", "x", "--deadline", "0"},
       }) {
    Result r = Sfa(args, env);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(args, " ") << "\n" << r.err;
    EXPECT_THAT(r.err, StartsWith("sfa: USAGE: ")) << absl::StrJoin(args, " ");
    EXPECT_EQ(r.out, "") << absl::StrJoin(args, " ");
  }
  Result r = Sfa({"opp", "list", "--status", "closed"}, env);
  EXPECT_THAT(r.err, HasSubstr("open|won|lost"));
}

TEST(AppUsageTest, NoTenantIsAUsageErrorNamingTheFlag) {
  Result r = Sfa({"lead", "get", "x"}, {{"USER", "me"}});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--tenant"));
}

TEST(AppUsageTest, AnUnreachableServiceIsUnavailableNamingTheTarget) {
  Result r =
      Sfa({"opp", "get", "x", "--target", "127.0.0.1:1", "--deadline", "5"}, {{"SFA_TENANT", "t"}, {"USER", "u"}});
  EXPECT_EQ(r.code, 11) << r.err;
  EXPECT_THAT(r.err, StartsWith("sfa: UNAVAILABLE: "));
  EXPECT_THAT(r.err, HasSubstr("(opportunity service at 127.0.0.1:1)"));
}

TEST(AppUsageTest, HelpExitCodesAndCompletionNeedNoService) {
  Result r = Sfa({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("pipeline"));
  EXPECT_THAT(r.out, HasSubstr("--tenant"));

  r = Sfa({"quote", "price", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("--line"));

  r = Sfa({"exit-codes"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("NOT_FOUND"));
  EXPECT_THAT(r.out, HasSubstr("UNIMPLEMENTED"));

  r = Sfa({"completion", "bash"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("complete -F _sfa_complete sfa"));
  EXPECT_THAT(r.out, HasSubstr("\"opp move\") words=\""));
  EXPECT_THAT(r.out, HasSubstr("--stage"));
  // The script must parse, and complete what an operator types.
  const std::string script = ::testing::TempDir() + "/sfa-completion.bash";
  std::ofstream(script) << r.out;
  const std::string check =
      "bash -c 'source " + script +
      "; COMP_WORDS=(sfa opp mo); COMP_CWORD=2; _sfa_complete; [[ \"${COMPREPLY[*]}\" == move ]]'";
  EXPECT_EQ(std::system(check.c_str()), 0) << r.out;
}

}  // namespace
}  // namespace sfa::tools::cli

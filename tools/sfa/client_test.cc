#include "tools/sfa/client.h"

#include <vector>

#include "gtest/gtest.h"

namespace sfa::tools::cli {
namespace {

namespace lv1 = ::sfa::lead::v1;

// A server holding `total` leads, answering pages of at most page_size, with "after:<n>" tokens.
struct FakeLeadPages {
  explicit FakeLeadPages(int total) : total(total) {}
  int total;
  std::vector<int> page_sizes_asked;

  grpc::Status operator()(int page_size, const std::string& token, google::protobuf::Message* message) {
    auto* page = static_cast<lv1::ListLeadsResponse*>(message);
    page_sizes_asked.push_back(page_size);
    int start = token.empty() ? 0 : std::stoi(token.substr(6));
    int end = std::min(total, start + page_size);
    for (int i = start; i < end; ++i) page->add_leads()->set_lead_id("lead-" + std::to_string(i));
    if (end < total) page->set_next_page_token("after:" + std::to_string(end));
    return grpc::Status::OK;
  }
};

TEST(CollectPagesTest, StopsAtTheLimitAndKeepsTheTokenThatContinues) {
  FakeLeadPages server(1200);
  lv1::ListLeadsResponse merged;
  ASSERT_TRUE(CollectPages(20, "", std::ref(server), &merged).ok());
  EXPECT_EQ(merged.leads_size(), 20);
  EXPECT_EQ(merged.next_page_token(), "after:20");
  EXPECT_EQ(server.page_sizes_asked, std::vector<int>({20}));

  lv1::ListLeadsResponse next;
  ASSERT_TRUE(CollectPages(5, merged.next_page_token(), std::ref(server), &next).ok());
  EXPECT_EQ(next.leads(0).lead_id(), "lead-20");
}

TEST(CollectPagesTest, FollowsPagesOfAtMostTheServiceLimitUntilTheEnd) {
  FakeLeadPages server(1200);
  lv1::ListLeadsResponse all;
  ASSERT_TRUE(CollectPages(0, "", std::ref(server), &all).ok());
  EXPECT_EQ(all.leads_size(), 1200);
  EXPECT_EQ(all.leads(1199).lead_id(), "lead-1199");
  EXPECT_EQ(all.next_page_token(), "");
  EXPECT_EQ(server.page_sizes_asked, std::vector<int>({500, 500, 500}));

  FakeLeadPages small(3);
  lv1::ListLeadsResponse few;
  ASSERT_TRUE(CollectPages(700, "", std::ref(small), &few).ok());
  EXPECT_EQ(few.leads_size(), 3);
  EXPECT_EQ(few.next_page_token(), "");
}

TEST(CollectPagesTest, ReturnsTheFirstError) {
  lv1::ListLeadsResponse merged;
  const grpc::Status status = CollectPages(
      10, "",
      [](int, const std::string&, google::protobuf::Message*) {
        return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "status: unknown");
      },
      &merged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(ClientTest, OneRequestIdPerInvocationUnlessGiven) {
  Client generated(Settings{});
  const std::string id = generated.request_id();
  EXPECT_EQ(id.rfind("sfa-cli-", 0), 0u);
  EXPECT_EQ(id.size(), 8u + 32u);
  EXPECT_EQ(generated.request_id(), id);
  EXPECT_NE(NewRequestId(), NewRequestId());

  Settings settings;
  settings.request_id = "retry-7";
  Client given(settings);
  EXPECT_EQ(given.request_id(), "retry-7");
}

}  // namespace
}  // namespace sfa::tools::cli

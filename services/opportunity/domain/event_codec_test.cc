#include <string>

#include "gtest/gtest.h"
#include "opportunity/domain/account.h"
#include "opportunity/domain/decider_table.h"
#include "opportunity/domain/event.h"
#include "opportunity/domain/opportunity.h"

namespace sfa::opportunity::domain {
namespace {

TEST(EventCodecTest, RoundTripsAPayloadByItsTypeName) {
  const OpportunityPayload payload = Pb<v1::OpportunityStageChanged>(
      R"pb(
        opportunity_id: "o1" from_stage_id: "qualify" to_stage_id: "propose" kind: STAGE_CHANGE_KIND_FORWARD)pb");
  EXPECT_EQ(PayloadType(payload), "sfa.opportunity.v1.OpportunityStageChanged");
  const absl::StatusOr<OpportunityPayload> parsed =
      ParsePayload<OpportunityPayload>("sfa.opportunity.v1.OpportunityStageChanged", SerializePayload(payload));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_TRUE(std::holds_alternative<v1::OpportunityStageChanged>(*parsed));
  EXPECT_EQ(std::get<v1::OpportunityStageChanged>(*parsed).to_stage_id(), "propose");
}

TEST(EventCodecTest, FindsEveryAlternative) {
  const AccountPayload payload = Pb<v1::AccountParentChanged>(R"pb(account_id: "a1" to_parent_account_id: "p1")pb");
  const absl::StatusOr<AccountPayload> parsed =
      ParsePayload<AccountPayload>(PayloadType(payload), SerializePayload(payload));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->index(), 2u);
}

TEST(EventCodecTest, RefusesAPayloadOfAnotherAggregate) {
  const absl::StatusOr<AccountPayload> parsed = ParsePayload<AccountPayload>("sfa.opportunity.v1.OpportunityWon", "");
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(parsed.status().message(), "unknown event payload type sfa.opportunity.v1.OpportunityWon");
}

TEST(EventCodecTest, RefusesCorruptBytes) {
  const absl::StatusOr<OpportunityPayload> parsed =
      ParsePayload<OpportunityPayload>("sfa.opportunity.v1.OpportunityWon", std::string("\xff\xff\xff", 3));
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace sfa::opportunity::domain

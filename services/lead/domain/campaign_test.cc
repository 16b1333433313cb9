#include "lead/domain/campaign.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lead/domain/decider_table.h"
#include "lead/domain/test_fixtures.h"

namespace sfa::lead::domain {
namespace {

using E = CampaignEvent;
using absl::StatusCode;

UpsertCampaign Upsert(absl::string_view text, int day = 0) {
  return UpsertCampaign{Pb<v1::UpsertCampaignRequest>(TextProto(R"pb(request_id: "q1" campaign_id: "c1")pb", text)),
                        Day(day)};
}

E Upserted(absl::string_view text, int day = 0) {
  return E{Day(day), Pb<v1::CampaignUpserted>(TextProto(R"pb(campaign_id: "c1")pb", text))};
}

const E& Created() {
  static const E* created = new E(Upserted(TextProto(R"pb(channel: "Google"
                                                          name: "Spring search"
                                                          changed_fields: "channel"
                                                          changed_fields: "name")pb")));
  return *created;
}

TEST(CampaignDeciderTest, UpsertCampaign) {
  const std::string start = TextProto("start_time { seconds:", SecondsOf(Day(10)), "}");
  const std::string end = TextProto("end_time { seconds:", SecondsOf(Day(5)), "}");
  RunDeciderTable<CampaignState>(std::vector<DeciderCase<E, UpsertCampaign>>{
      {.name = "new", .when = Upsert(R"pb(channel: "Google" name: "Spring search")pb"), .then = {Created()}},
      {.name = "rename only",
       .given = {Created()},
       .when = Upsert(R"pb(name: "Spring search 2" channel: "Google")pb", 1),
       .then = {Upserted(R"pb(channel: "Google" name: "Spring search 2" changed_fields: "name")pb", 1)}},
      {.name = "no change: nothing", .given = {Created()}, .when = Upsert(R"pb(name: "Spring search")pb", 1)},
      {.name = "new without a name",
       .when = Upsert(R"pb(channel: "Google")pb"),
       .code = StatusCode::kInvalidArgument,
       .message = "name is required to create campaign c1"},
      {.name = "ends before it starts",
       .given = {Created()},
       .when = Upsert(TextProto(start, end), 1),
       .code = StatusCode::kFailedPrecondition,
       .message = "campaign_ends_before_start"},
  });
}

RecordCampaignCost Cost(int64_t minor_units, absl::string_view currency, int day = 1) {
  return RecordCampaignCost{Pb<v1::RecordCampaignCostRequest>(
                                TextProto(R"pb(request_id: "q2" campaign_id: "c1" amount {)pb",
                                          "minor_units:", minor_units, absl::StrCat("currency: \"", currency, "\" }"))),
                            Day(day)};
}

E CostRecorded(int64_t amount, int64_t total, int day = 1) {
  return E{Day(day), Pb<v1::CampaignCostRecorded>(TextProto(R"pb(campaign_id: "c1")pb", "amount { minor_units:", amount,
                                                            "currency: \"USD\" } total_cost { minor_units:", total,
                                                            "currency: \"USD\" }"))};
}

TEST(CampaignDeciderTest, RecordCampaignCost) {
  RunDeciderTable<CampaignState>(std::vector<DeciderCase<E, RecordCampaignCost>>{
      {.name = "first cost fixes the currency",
       .given = {Created()},
       .when = Cost(5000, "USD"),
       .then = {CostRecorded(5000, 5000)}},
      {.name = "adds up",
       .given = {Created(), CostRecorded(5000, 5000)},
       .when = Cost(2500, "USD", 2),
       .then = {CostRecorded(2500, 7500, 2)}},
      {.name = "another currency",
       .given = {Created(), CostRecorded(5000, 5000)},
       .when = Cost(100, "EUR", 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "campaign_currency_mismatch: campaign c1 records costs in USD, not EUR"},
      {.name = "beyond the total limit",
       .given = {Created(), CostRecorded(999'999'999'999'999, 999'999'999'999'999)},
       .when = Cost(2, "USD", 2),
       .code = StatusCode::kFailedPrecondition,
       .message = "campaign_cost_limit"},
      {.name = "unknown campaign",
       .when = Cost(1, "USD"),
       .code = StatusCode::kNotFound,
       .message = "campaign c1 not found"},
  });
}

}  // namespace
}  // namespace sfa::lead::domain

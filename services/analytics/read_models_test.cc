// Every Kafka-fed read model of the analytics service (ReadModels::kafka()), checked together on a
// simulated history: the same events delivered twice change nothing, and a read model built from the
// events in another order (deal after deal instead of business time, the pipeline definitions last, one event per commit instead of 500)
// is byte-identical — so a rebuild from the sources equals the incremental one, whatever the interleaving
// of aggregates.

#include <algorithm>
#include <string>
#include <vector>

#include "analytics/testing/harness.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "tools/simulator/event_sink.h"
#include "tools/simulator/simulation.h"

namespace sfa::analytics {
namespace {

namespace sim = ::sfa::tools::simulator;

std::vector<sfa::common::v1::EventEnvelope> Events(const sim::Simulation& simulation, sim::EventOrder order) {
  std::vector<sfa::common::v1::EventEnvelope> out;
  sim::EventSinkOptions options;
  options.tenant = "acme";
  options.order = order;
  absl::StatusOr<sim::EventSinkStats> emitted = sim::EmitEvents(simulation, options, [&](const auto& e) {
    out.push_back(e);
    return absl::OkStatus();
  });
  EXPECT_TRUE(emitted.ok()) << emitted.status();
  return out;
}

TEST(AnalyticsReadModelsTest, RedeliveryChangesNothingAndAnyOrderBuildsTheSameReadModels) {
  sim::SimulationOptions options;
  options.seed = 11;
  options.deals = 3'000;
  absl::StatusOr<sim::Simulation> simulation = sim::Simulation::Create(sim::DefaultModel(), options);
  ASSERT_TRUE(simulation.ok()) << simulation.status();
  const std::vector<sfa::common::v1::EventEnvelope> by_time = Events(*simulation, sim::EventOrder::kByTime);
  std::vector<sfa::common::v1::EventEnvelope> by_deal = Events(*simulation, sim::EventOrder::kByDeal);
  // Aggregates travel on different partitions: in the other order the pipelines' definitions come last,
  // after every deal (each aggregate's own events stay in order).
  std::stable_partition(by_deal.begin(), by_deal.end(),
                        [](const sfa::common::v1::EventEnvelope& e) { return e.aggregate_type() != "pipeline"; });
  ASSERT_EQ(by_time.size(), by_deal.size());

  eventstore::testing::TempDir dir("analytics-read-models");
  auto live = testing::Harness::Start(dir.Sub("live"));
  ASSERT_TRUE(live.ok()) << live.status();
  ASSERT_TRUE((*live)->Feed(by_time, 500).ok());
  const auto incremental = (*live)->DumpKafkaReadModels();
  size_t rows = 0;
  for (const auto& [cf, content] : incremental) rows += content.size();
  EXPECT_GT(rows, 10'000u);

  // The same events again (a consumer restarted before committing its offsets): nothing changes.
  ASSERT_TRUE((*live)->Feed(by_time, 500).ok());
  EXPECT_TRUE((*live)->DumpKafkaReadModels() == incremental) << "a redelivery changed a read model";

  auto rebuilt = testing::Harness::Start(dir.Sub("rebuilt"));
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  ASSERT_TRUE((*rebuilt)->Feed(by_deal, 1).ok());
  const auto other_order = (*rebuilt)->DumpKafkaReadModels();
  for (const auto& [cf, content] : incremental) {
    EXPECT_TRUE(other_order.at(cf) == content) << cf << ": " << content.size() << " rows incrementally, "
                                                << other_order.at(cf).size() << " rebuilt in another order";
  }
}

}  // namespace
}  // namespace sfa::analytics

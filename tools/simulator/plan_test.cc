#include "tools/simulator/plan.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "opportunity/domain/validation.h"

namespace sfa::tools::simulator {
namespace {

namespace domain = ::sfa::opportunity::domain;

Simulation Make(uint64_t seed, int64_t deals) {
  SimulationOptions options;
  options.seed = seed;
  options.deals = deals;
  absl::StatusOr<Simulation> sim = Simulation::Create(DefaultModel(), options);
  EXPECT_TRUE(sim.ok()) << sim.status();
  return *std::move(sim);
}

std::vector<std::string> AllRequestIds(const Simulation& sim) {
  std::vector<std::string> ids;
  for (const SetupPhase& phase : SetupPlan(sim)) {
    for (const Command& c : phase.commands) ids.push_back(RequestIdOf(c));
  }
  for (int64_t i = 0; i < sim.deals(); ++i) {
    for (const Command& c : DealCommands(sim, sim.Deal(i))) ids.push_back(RequestIdOf(c));
  }
  return ids;
}

TEST(PlanTest, IdsFollowTheScheme) {
  EXPECT_EQ(RequestId(7, 12, 0), "sim:7:12:0");
  EXPECT_EQ(OpportunityId(7, 12), "s7-d0000012");
  EXPECT_EQ(ActivityId(7, 12, 3), "s7-d0000012-a3");
  const Simulation sim = Make(7, 50);
  const DealHistory deal = sim.Deal(12);
  const std::vector<Command> commands = DealCommands(sim, deal);
  for (size_t k = 0; k < commands.size(); ++k) EXPECT_EQ(RequestIdOf(commands[k]), RequestId(7, 12, k));
  EXPECT_EQ(RequestIdOf(PipelineRequest(sim)), "sim:7:setup:pipeline:sim");
}

// A rerun sends exactly the same requests (so the service answers them from its request ids and changes
// nothing); every request id is used once.
TEST(PlanTest, RequestIdsAreDeterministicAndUnique) {
  const Simulation a = Make(11, 300);
  const Simulation b = Make(11, 300);
  const std::vector<std::string> ids = AllRequestIds(a);
  EXPECT_EQ(ids, AllRequestIds(b));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (int64_t i = 0; i < a.deals(); ++i) {
    const std::vector<Command> x = DealCommands(a, a.Deal(i));
    const std::vector<Command> y = DealCommands(b, b.Deal(i));
    ASSERT_EQ(x.size(), y.size());
    for (size_t k = 0; k < x.size(); ++k) {
      ASSERT_EQ(std::visit([](const auto& r) { return r.SerializeAsString(); }, x[k]),
                std::visit([](const auto& r) { return r.SerializeAsString(); }, y[k]));
    }
  }
  const std::vector<std::string> other = AllRequestIds(Make(12, 300));
  EXPECT_TRUE(absl::StrContains(other.back(), "sim:12:"));
  EXPECT_NE(ids.back(), other.back());
}

TEST(PlanTest, EveryRequestIsValid) {
  const Simulation sim = Make(3, 300);
  const auto valid = [](const Command& c) { return std::visit([](const auto& r) { return domain::Validate(r); }, c); };
  for (const SetupPhase& phase : SetupPlan(sim)) {
    for (const Command& c : phase.commands) ASSERT_TRUE(valid(c).ok()) << RequestIdOf(c) << valid(c);
  }
  int backward = 0;
  for (int64_t i = 0; i < sim.deals(); ++i) {
    const DealHistory deal = sim.Deal(i);
    const std::vector<Command> commands = DealCommands(sim, deal);
    ASSERT_EQ(commands.size(), deal.StepsBefore(sim.horizon()));
    ASSERT_TRUE(std::holds_alternative<v1::CreateOpportunityRequest>(commands[0]));
    const auto& create = std::get<v1::CreateOpportunityRequest>(commands[0]);
    EXPECT_EQ(create.stage_id(), sim.model().stages[deal.steps[0].stage].stage_id);
    EXPECT_EQ(create.effective_time().seconds(), deal.created_at);
    for (const Command& c : commands) {
      ASSERT_TRUE(valid(c).ok()) << RequestIdOf(c) << valid(c);
      if (const auto* move = std::get_if<v1::MoveStageRequest>(&c); move && !move->reason().empty()) ++backward;
    }
  }
  EXPECT_GT(backward, 0) << "backward moves carry a reason";
}

TEST(PlanTest, PipelineCarriesTheConfiguredProbabilities) {
  SimulationOptions options;
  options.deals = 10;
  absl::StatusOr<Simulation> sim = Simulation::Create(DefaultModel(ConfiguredProbabilities::kSkewed), options);
  ASSERT_TRUE(sim.ok());
  const v1::DefinePipelineRequest pipeline = PipelineRequest(*sim);
  ASSERT_EQ(pipeline.stages_size(), 7);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(pipeline.stages(i).probability_percent(), SkewedPercents()[i]);
  EXPECT_EQ(pipeline.stages(5).type(), v1::STAGE_TYPE_WON);
  EXPECT_EQ(pipeline.stages(6).type(), v1::STAGE_TYPE_LOST);
}

}  // namespace
}  // namespace sfa::tools::simulator

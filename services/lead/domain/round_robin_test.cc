#include "lead/domain/round_robin.h"

#include <cstdlib>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace sfa::lead::domain {
namespace {

std::vector<TeamMember> Team(int a, int b, int c) { return {{"a", a, 0}, {"b", b, 0}, {"c", c, 0}}; }

TEST(RoundRobinTest, ScheduleSpreadsSlotsByCapacity) {
  EXPECT_EQ(RotationSchedule(Team(1, 1, 2)), (std::vector<size_t>{2, 0, 1, 2}));
  // gcd-reduced: 300:300:600 is the same rotation as 1:1:2.
  EXPECT_EQ(RotationSchedule(Team(300, 300, 600)), RotationSchedule(Team(1, 1, 2)));
  EXPECT_EQ(RotationSchedule(Team(0, 3, 0)), (std::vector<size_t>{1}));
  EXPECT_TRUE(RotationSchedule({}).empty());
}

TEST(RoundRobinTest, ThousandLeadsFollowCapacityWhenItDoesNotBind) {
  std::vector<TeamMember> team = Team(300, 300, 600);
  uint64_t position = 0;
  for (int lead = 0; lead < 1000; ++lead) {
    const auto pick = PickRoundRobin(team, position);
    ASSERT_TRUE(pick.has_value());
    ++team[pick->member].open_leads;
    position = pick->next_position;
    for (const TeamMember& m : team) ASSERT_LE(m.open_leads, m.capacity);
  }
  EXPECT_LE(std::abs(team[0].open_leads - 250), 1);
  EXPECT_LE(std::abs(team[1].open_leads - 250), 1);
  EXPECT_LE(std::abs(team[2].open_leads - 500), 1);
}

TEST(RoundRobinTest, NoMemberEverExceedsCapacityWhenItBinds) {
  std::vector<TeamMember> team = Team(1, 1, 2);
  std::mt19937 random(42);
  uint64_t position = 0;
  int assigned = 0;
  int refused = 0;
  for (int lead = 0; lead < 1000; ++lead) {
    // Some owners close a lead between arrivals.
    for (TeamMember& m : team) {
      if (m.open_leads > 0 && random() % 3 == 0) --m.open_leads;
    }
    const auto pick = PickRoundRobin(team, position);
    if (!pick) {
      for (const TeamMember& m : team) EXPECT_EQ(m.open_leads, m.capacity);
      ++refused;
      continue;
    }
    EXPECT_LT(team[pick->member].open_leads, team[pick->member].capacity);
    ++team[pick->member].open_leads;
    position = pick->next_position;
    ++assigned;
    for (const TeamMember& m : team) ASSERT_LE(m.open_leads, m.capacity);
  }
  EXPECT_GT(assigned, 0);
  EXPECT_GT(refused, 0);
}

TEST(RoundRobinTest, SkipsMembersAtCapacityAndKeepsTheRotation) {
  std::vector<TeamMember> team = Team(1, 1, 2);
  team[2].open_leads = 2;               // c is full
  auto pick = PickRoundRobin(team, 0);  // slot 0 is c: skipped to a
  ASSERT_TRUE(pick.has_value());
  EXPECT_EQ(pick->member, 0u);
  EXPECT_EQ(pick->next_position, 2u);
  team[0].open_leads = 1;
  team[1].open_leads = 1;
  EXPECT_FALSE(PickRoundRobin(team, pick->next_position).has_value());
  EXPECT_FALSE(PickRoundRobin({}, 0).has_value());
}

}  // namespace
}  // namespace sfa::lead::domain

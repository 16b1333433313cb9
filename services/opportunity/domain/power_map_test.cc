#include "opportunity/domain/power_map.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "opportunity/domain/test_fixtures.h"

namespace sfa::opportunity::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

CommitteeMember Member(std::string id, v1::BuyingRole role, std::optional<absl::Time> last_activity = std::nullopt,
                       int influence = 3, v1::Attitude attitude = v1::ATTITUDE_NEUTRAL, std::string reports_to = "") {
  CommitteeMember m;
  m.contact_id = std::move(id);
  m.role = role;
  m.last_activity_at = last_activity;
  m.influence = influence;
  m.attitude = attitude;
  m.reports_to_contact_id = std::move(reports_to);
  return m;
}

// "kind contact_id" per gap, for compact expectations.
std::vector<std::string> Kinds(const std::vector<v1::PowerMapGap>& gaps) {
  std::vector<std::string> out;
  for (const v1::PowerMapGap& gap : gaps) {
    out.push_back(absl::StrCat(v1::PowerMapGapKind_Name(gap.kind()), " ", gap.contact_id()));
  }
  return out;
}

const absl::Time kNow = Day(100);
const absl::Duration kMonth = absl::Hours(24 * 30);

TEST(PowerMapTest, AnEmptyCommitteeLacksBothKeyRoles) {
  EXPECT_THAT(Kinds(FindPowerMapGaps({}, kNow, kMonth)),
              ElementsAre("POWER_MAP_GAP_KIND_NO_DECISION_MAKER ", "POWER_MAP_GAP_KIND_NO_ECONOMIC_BUYER "));
}

TEST(PowerMapTest, AWellCoveredCommitteeHasNoGaps) {
  const std::vector<CommitteeMember> members = {
      Member("dm", v1::BUYING_ROLE_DECISION_MAKER, Day(95)),
      Member("eb", v1::BUYING_ROLE_ECONOMIC_BUYER, Day(71)),                     // 29 days ago: inside the window
      Member("tb", v1::BUYING_ROLE_TECHNICAL_BUYER),                             // never met, but not a key role
      Member("sk", v1::BUYING_ROLE_BLOCKER, Day(99), 3, v1::ATTITUDE_OPPONENT),  // an opponent of influence 3
  };
  EXPECT_THAT(Kinds(FindPowerMapGaps(members, kNow, kMonth)), IsEmpty());
}

TEST(PowerMapTest, FindsEveryGap) {
  const std::vector<CommitteeMember> members = {
      Member("eb", v1::BUYING_ROLE_ECONOMIC_BUYER, Day(40)),
      Member("champ", v1::BUYING_ROLE_CHAMPION),
      Member("foe", v1::BUYING_ROLE_INFLUENCER, Day(99), 4, v1::ATTITUDE_OPPONENT),
  };
  const std::vector<v1::PowerMapGap> gaps = FindPowerMapGaps(members, kNow, kMonth);
  EXPECT_THAT(
      Kinds(gaps),
      ElementsAre("POWER_MAP_GAP_KIND_NO_DECISION_MAKER ", "POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED eb",
                  "POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED champ", "POWER_MAP_GAP_KIND_INFLUENTIAL_OPPONENT foe"));
  EXPECT_EQ(gaps[1].description(), "no activity with economic buyer eb in 30 days (last 60 days ago)");
  EXPECT_EQ(gaps[2].description(), "no activity ever with champion champ");
  EXPECT_EQ(gaps[3].description(), "opponent foe has influence 4");
}

TEST(PowerMapTest, TheWindowIsAParameter) {
  const std::vector<CommitteeMember> members = {Member("dm", v1::BUYING_ROLE_DECISION_MAKER, Day(95)),
                                                Member("eb", v1::BUYING_ROLE_ECONOMIC_BUYER, Day(95))};
  EXPECT_THAT(Kinds(FindPowerMapGaps(members, kNow, absl::Hours(24 * 7))), IsEmpty());
  EXPECT_THAT(
      Kinds(FindPowerMapGaps(members, kNow, absl::Hours(24 * 3))),
      ElementsAre("POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED dm", "POWER_MAP_GAP_KIND_KEY_ROLE_NOT_CONTACTED eb"));
}

std::vector<std::string> Lines(const std::vector<v1::ReportingLine>& lines) {
  std::vector<std::string> out;
  for (const v1::ReportingLine& line : lines) {
    out.push_back(absl::StrCat(line.contact_id(), "->", line.manager_contact_id(), line.direct() ? "" : " (indirect)"));
  }
  return out;
}

TEST(PowerMapTest, ReportingLinesBetweenMembers) {
  // ceo <- cfo <- controller (not a member) <- analyst; it <- ceo; loop1 <-> loop2 outside the committee.
  const std::vector<CommitteeMember> members = {
      Member("ceo", v1::BUYING_ROLE_DECISION_MAKER),
      Member("cfo", v1::BUYING_ROLE_ECONOMIC_BUYER, std::nullopt, 3, v1::ATTITUDE_NEUTRAL, "ceo"),
      Member("analyst", v1::BUYING_ROLE_USER, std::nullopt, 1, v1::ATTITUDE_SUPPORTER, "controller"),
      Member("lonely", v1::BUYING_ROLE_USER, std::nullopt, 1, v1::ATTITUDE_SUPPORTER, "loop1"),
      Member("nobody-above", v1::BUYING_ROLE_USER, std::nullopt, 1, v1::ATTITUDE_SUPPORTER, "external"),
  };
  const absl::flat_hash_map<std::string, std::string> reports_to = {
      {"cfo", "ceo"}, {"controller", "cfo"}, {"analyst", "controller"}, {"loop1", "loop2"}, {"loop2", "loop1"}};
  EXPECT_THAT(Lines(ReportingLines(members, reports_to)), ElementsAre("cfo->ceo", "analyst->cfo (indirect)"));
}

}  // namespace
}  // namespace sfa::opportunity::domain

#include "lead/predictive/holdout.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace sfa::lead::predictive {
namespace {

TEST(InHoldoutTest, HoldsOutRoughlyTheAskedShare) {
  int held = 0;
  for (int i = 0; i < 20000; ++i) held += InHoldout(absl::StrCat("lead-", i), 20);
  EXPECT_NEAR(held / 20000.0, 0.20, 0.015);
}

TEST(InHoldoutTest, NoneAtZeroAllAtHundred) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_FALSE(InHoldout(absl::StrCat("lead-", i), 0));
    EXPECT_TRUE(InHoldout(absl::StrCat("lead-", i), 100));
  }
}

TEST(InHoldoutTest, AGrowingHoldoutKeepsItsLeads) {
  for (int i = 0; i < 1000; ++i) {
    const std::string id = absl::StrCat("lead-", i);
    if (InHoldout(id, 10)) {
      EXPECT_TRUE(InHoldout(id, 20)) << id;
    }
  }
}

// The split must not change between builds, processes or machines: a lead that was held out stays held out.
// These values pin the hash; if this test fails, the hash changed.
TEST(InHoldoutTest, IsStableAcrossProcesses) {
  std::string pattern;
  for (int i = 0; i < 32; ++i) pattern += InHoldout(absl::StrCat("xedu-", 660700 + i), 20) ? '1' : '0';
  EXPECT_EQ(pattern, "00000000001100000010000010001000");
  EXPECT_EQ(InHoldout("", 50), InHoldout("", 50));
}

}  // namespace
}  // namespace sfa::lead::predictive

#include "tools/simulator/run.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace sfa::tools::simulator {
namespace {

const absl::Time kNow = absl::FromCivil(absl::CivilDay(2026, 11, 23), absl::UTCTimeZone());

TEST(RunTest, ValidatesTheConfig) {
  Config config;
  EXPECT_TRUE(ValidateConfig(config, kNow).ok());
  config.simulation.to = absl::CivilDay(2026, 11, 23);
  EXPECT_TRUE(absl::StrContains(ValidateConfig(config, kNow).message(), "--to")) << "horizon in the future";
  config.dry_run = true;
  EXPECT_TRUE(ValidateConfig(config, kNow).ok()) << "files only: any horizon";
  config = Config();
  config.api.tenant = "Acme";
  EXPECT_TRUE(absl::StrContains(ValidateConfig(config, kNow).message(), "--tenant"));
  config = Config();
  config.api.concurrency = 0;
  EXPECT_TRUE(absl::StrContains(ValidateConfig(config, kNow).message(), "--concurrency"));
  config = Config();
  config.simulation.deals = 0;
  EXPECT_TRUE(absl::StrContains(ValidateConfig(config, kNow).message(), "--deals"));
  config = Config();
  config.simulation.to = config.simulation.from - 1;
  EXPECT_TRUE(absl::StrContains(ValidateConfig(config, kNow).message(), "--to"));
}

TEST(RunTest, DryRunWritesTheTruthAndTheEvents) {
  const std::string dir = ::testing::TempDir();
  Config config;
  config.dry_run = true;
  config.simulation.deals = 200;
  config.configured = ConfiguredProbabilities::kSkewed;
  config.truth_json = absl::StrCat(dir, "/truth-", ::getpid(), ".json");
  config.emit_events = absl::StrCat(dir, "/events-", ::getpid(), ".bin");
  std::ostringstream out;
  EXPECT_EQ(RunSimulator(config, out), kExitComplete);
  EXPECT_TRUE(absl::StrContains(out.str(), "200 deals")) << out.str();
  EXPECT_TRUE(absl::StrContains(out.str(), "configured probabilities skewed")) << out.str();
  std::ifstream truth(config.truth_json);
  std::stringstream text;
  text << truth.rdbuf();
  EXPECT_TRUE(absl::StrContains(text.str(), "\"configured_probabilities\": \"skewed\""));
  int64_t envelopes = 0;
  EXPECT_TRUE(ReadEventsFile(config.emit_events, [&](const common::v1::EventEnvelope&) {
                ++envelopes;
                return absl::OkStatus();
              }).ok());
  EXPECT_GT(envelopes, 200);
  std::remove(config.truth_json.c_str());
  std::remove(config.emit_events.c_str());
}

TEST(RunTest, UnwritableFileIsBadInput) {
  Config config;
  config.dry_run = true;
  config.simulation.deals = 10;
  config.truth_json = "/nonexistent-dir/truth.json";
  std::ostringstream out;
  EXPECT_EQ(RunSimulator(config, out), kExitBadInput);
}

}  // namespace
}  // namespace sfa::tools::simulator

// Tests the broker's config checks and the atomic bootstrap-file write.

#include "tools/kafka_broker/broker_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string tmpl = std::string(base != nullptr ? base : "/tmp") + "/broker_runner_test.XXXXXX";
  EXPECT_NE(mkdtemp(tmpl.data()), nullptr);
  return tmpl;
}

TEST(ParseTopicListTest, SplitsAndTrims) {
  auto topics = ParseTopicList("a, b ,c");
  ASSERT_TRUE(topics.ok()) << topics.status();
  EXPECT_THAT(*topics, ElementsAre("a", "b", "c"));
}

TEST(ParseTopicListTest, RejectsEmptyItemsAndDuplicates) {
  EXPECT_THAT(ParseTopicList("a,,b").status().message(), HasSubstr("empty"));
  EXPECT_THAT(ParseTopicList("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(ParseTopicList("a,b,a").status().message(), HasSubstr("twice"));
}

TEST(ValidateBrokerConfigTest, DefaultsAreValid) { EXPECT_TRUE(ValidateBrokerConfig({}).ok()); }

TEST(ValidateBrokerConfigTest, NamesTheBadFlag) {
  BrokerConfig c;
  c.kafka.partitions = 0;
  EXPECT_THAT(ValidateBrokerConfig(c).message(), HasSubstr("--partitions"));
  c = {};
  c.kafka.brokers = kMaxBrokers + 1;
  EXPECT_THAT(ValidateBrokerConfig(c).message(), HasSubstr("--brokers"));
  c = {};
  c.kafka.topics = {"ok", "not ok"};
  EXPECT_THAT(ValidateBrokerConfig(c).message(), HasSubstr("\"not ok\""));
  c = {};
  c.kafka.topics = {};
  EXPECT_THAT(ValidateBrokerConfig(c).message(), HasSubstr("--topics"));
}

TEST(WriteFileAtomicallyTest, ReplacesContentsAndLeavesNoTempFile) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/bootstrap";
  ASSERT_TRUE(WriteFileAtomically(path, "old\n").ok());
  ASSERT_TRUE(WriteFileAtomically(path, "127.0.0.1:1234\n").ok());
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), "127.0.0.1:1234\n");
  struct stat st;
  EXPECT_NE(stat((path + ".tmp." + std::to_string(getpid())).c_str(), &st), 0);
  unlink(path.c_str());
  rmdir(dir.c_str());
}

TEST(WriteFileAtomicallyTest, FailsInMissingDirectory) {
  absl::Status s = WriteFileAtomically("/nonexistent-dir-for-sfa-test/bootstrap", "x");
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("/nonexistent-dir-for-sfa-test/bootstrap"));
}

}  // namespace
}  // namespace sfa::tools

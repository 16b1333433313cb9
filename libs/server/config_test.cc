#include "server/config.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/reflection.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::server {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

ServiceDefaults LeadDefaults(int grpc_port = 50051) {
  ServiceDefaults d;
  d.service_name = "lead";
  d.grpc_port = grpc_port;
  d.metrics_port = 9464;
  d.kafka_topic = "sfa.lead.events.v1";
  return d;
}

RawConfig ValidRaw() {
  RawConfig raw;
  raw.defaults = LeadDefaults();
  raw.data_dir = "/var/lib/sfa/lead";
  raw.kafka_brokers = "kafka-0:9092,kafka-1:9092";
  return raw;
}

// Expects INVALID_ARGUMENT whose message names the flag and its environment variable.
void ExpectNamesFlag(const RawConfig& raw, const std::string& flag) {
  absl::StatusOr<ServerConfig> config = ValidateServerConfig(raw);
  ASSERT_FALSE(config.ok()) << "accepted a config with a bad --" << flag;
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), AllOf(HasSubstr("--" + flag), HasSubstr(EnvVarForFlag(flag))));
}

// Sets an environment variable for the scope of a test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(ValidateServerConfigTest, ResolvesServiceDefaults) {
  absl::StatusOr<ServerConfig> config = ValidateServerConfig(ValidRaw());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->service_name, "lead");
  EXPECT_EQ(config->grpc_port, 50051);
  EXPECT_EQ(config->metrics_port, 9464);
  EXPECT_EQ(config->kafka_topic, "sfa.lead.events.v1");
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->log_level, base::LogLevel::kInfo);
  EXPECT_EQ(config->shutdown_grace, absl::Seconds(10));
  EXPECT_TRUE(config->sync_writes);
}

TEST(ValidateServerConfigTest, GivenValuesOverrideDefaults) {
  RawConfig raw = ValidRaw();
  raw.grpc_port = 6000;
  raw.metrics_port = 6001;
  raw.kafka_topic = "custom.topic";
  raw.log_level = "warn";
  raw.sync_writes = false;
  absl::StatusOr<ServerConfig> config = ValidateServerConfig(raw);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc_port, 6000);
  EXPECT_EQ(config->metrics_port, 6001);
  EXPECT_EQ(config->kafka_topic, "custom.topic");
  EXPECT_EQ(config->log_level, base::LogLevel::kWarn);
  EXPECT_FALSE(config->sync_writes);
}

TEST(ValidateServerConfigTest, RefusesPortsOutOfRange) {
  RawConfig raw = ValidRaw();
  raw.grpc_port = 70000;
  ExpectNamesFlag(raw, "grpc_port");
  raw = ValidRaw();
  raw.metrics_port = -1;
  ExpectNamesFlag(raw, "metrics_port");
}

TEST(ValidateServerConfigTest, PortZeroOnlyWhenEphemeralPortsAllowed) {
  RawConfig raw = ValidRaw();
  raw.defaults.grpc_port = 0;
  ExpectNamesFlag(raw, "grpc_port");
  raw.defaults.allow_ephemeral_ports = true;
  absl::StatusOr<ServerConfig> config = ValidateServerConfig(raw);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc_port, 0);
}

TEST(ValidateServerConfigTest, RefusesSamePortForGrpcAndMetrics) {
  RawConfig raw = ValidRaw();
  raw.metrics_port = 50051;
  ExpectNamesFlag(raw, "metrics_port");
}

TEST(ValidateServerConfigTest, RefusesEmptyDataDir) {
  RawConfig raw = ValidRaw();
  raw.data_dir = "";
  ExpectNamesFlag(raw, "data_dir");
  raw.defaults.data_dir = "/srv/lead";  // a service default fills the gap
  absl::StatusOr<ServerConfig> config = ValidateServerConfig(raw);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->data_dir, "/srv/lead");
}

TEST(ValidateServerConfigTest, RefusesMalformedBrokers) {
  for (const char* brokers : {"", " ", "localhost", "localhost:", ":9092", "host:port", "host:0", "host:70000",
                              "a:1,,b:2", "a:1,", "a b:1"}) {
    SCOPED_TRACE(brokers);
    RawConfig raw = ValidRaw();
    raw.kafka_brokers = brokers;
    ExpectNamesFlag(raw, "kafka_brokers");
  }
}

TEST(ValidateServerConfigTest, AcceptsBrokerLists) {
  for (const char* brokers : {"localhost:9092", "127.0.0.1:1, 10.0.0.2:65535", "[::1]:9092"}) {
    SCOPED_TRACE(brokers);
    RawConfig raw = ValidRaw();
    raw.kafka_brokers = brokers;
    EXPECT_TRUE(ValidateServerConfig(raw).ok());
  }
}

TEST(ValidateServerConfigTest, RefusesUnknownLogLevel) {
  RawConfig raw = ValidRaw();
  raw.log_level = "verbose";
  ExpectNamesFlag(raw, "log_level");
}

TEST(ValidateServerConfigTest, RefusesBadTopicAndGrace) {
  RawConfig raw = ValidRaw();
  raw.defaults.kafka_topic = "";
  ExpectNamesFlag(raw, "kafka_topic");
  raw = ValidRaw();
  raw.kafka_topic = "has space";
  ExpectNamesFlag(raw, "kafka_topic");
  raw = ValidRaw();
  raw.shutdown_grace_seconds = -1;
  ExpectNamesFlag(raw, "shutdown_grace_seconds");
}

TEST(EnvVarForFlagTest, UpperCasesWithPrefix) {
  EXPECT_EQ(EnvVarForFlag("grpc_port"), "SFA_GRPC_PORT");
  EXPECT_EQ(EnvVarForFlag("shutdown_grace_seconds"), "SFA_SHUTDOWN_GRACE_SECONDS");
}

class FlagsTest : public ::testing::Test {
 private:
  absl::FlagSaver saver_;  // every test leaves the global flags as it found them
};

TEST_F(FlagsTest, EnvironmentOverridesFlagDefaults) {
  ScopedEnv port("SFA_GRPC_PORT", "7001");
  ScopedEnv level("SFA_LOG_LEVEL", "debug");
  ScopedEnv sync("SFA_SYNC_WRITES", "false");
  ASSERT_TRUE(ApplyEnvOverrides().ok());
  RawConfig raw = RawConfigFromFlags(LeadDefaults());
  EXPECT_EQ(raw.grpc_port, 7001);
  EXPECT_EQ(raw.log_level, "debug");
  EXPECT_FALSE(raw.sync_writes);
}

TEST_F(FlagsTest, MalformedEnvironmentValueNamesTheVariable) {
  ScopedEnv port("SFA_GRPC_PORT", "fifty");
  absl::Status status = ApplyEnvOverrides();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), AllOf(HasSubstr("SFA_GRPC_PORT"), HasSubstr("fifty")));
}

TEST_F(FlagsTest, CommandLineWinsOverEnvironment) {
  ScopedEnv port("SFA_GRPC_PORT", "7001");
  ScopedEnv dir("SFA_DATA_DIR", "/from/env");
  std::vector<std::string> args = {"lead", "--grpc_port=7002", "positional"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::vector<char*> rest = ParseCommandLine(static_cast<int>(argv.size()), argv.data(), "test");
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_STREQ(rest[1], "positional");

  absl::StatusOr<ServerConfig> config = LoadServerConfig(LeadDefaults(/*grpc_port=*/50051));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->grpc_port, 7002);        // command line
  EXPECT_EQ(config->data_dir, "/from/env");  // environment, not overridden
}

TEST_F(FlagsTest, DashedFlagNamesAreAccepted) {
  std::vector<std::string> args = {"opportunity", "--kafka-brokers=127.0.0.1:9092", "--log-level", "warn",
                                   "--data_dir=/d", "--", "--not-a-flag"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  EXPECT_EQ(NormalizeFlagSpelling(static_cast<int>(argv.size()), argv.data()),
            (std::vector<std::string>{"opportunity", "--kafka_brokers=127.0.0.1:9092", "--log_level", "warn",
                                      "--data_dir=/d", "--", "--not-a-flag"}));
  ParseCommandLine(5, argv.data(), "test");
  absl::StatusOr<ServerConfig> config = LoadServerConfig(LeadDefaults(/*grpc_port=*/50051));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->kafka_brokers, "127.0.0.1:9092");
  EXPECT_EQ(config->log_level, base::LogLevel::kWarn);
}

TEST(OrExitTest, ExitsNonZeroWithOneLineReason) {
  RawConfig raw = ValidRaw();
  raw.log_level = "loud";
  EXPECT_EXIT(OrExit("lead", ValidateServerConfig(raw)), ::testing::ExitedWithCode(2),
              "msg=\"startup failed\" service=lead code=INVALID_ARGUMENT reason=.*--log_level");
}

}  // namespace
}  // namespace sfa::server

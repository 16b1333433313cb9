// sfa-kafka-broker: hosts the embedded Kafka (librdkafka's mock cluster) for the dev stack and tests.
// Wiring only: flags -> BrokerConfig -> RunBroker.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "absl/strings/str_join.h"
#include "base/log.h"
#include "tools/kafka_broker/broker_runner.h"

namespace {

constexpr int kExitBadFlags = 2;

int BadFlags(const std::string& reason) {
  std::fprintf(stderr, "sfa-kafka-broker: %s (see --help)\n", reason.c_str());
  return kExitBadFlags;
}

}  // namespace

int main(int argc, char** argv) {
  sfa::tools::BrokerConfig config;
  std::string topics = absl::StrJoin(config.kafka.topics, ",");
  std::string log_level = "info";

  CLI::App app{
      "Embedded Kafka for development and tests: librdkafka's mock cluster on loopback.\n"
      "SIGUSR1 takes all brokers down, SIGUSR2 brings them back, SIGTERM/SIGINT stop it."};
  app.add_option("--bootstrap-file", config.bootstrap_file,
                 "Write the bootstrap address here (atomically, once topics exist); removed on exit");
  app.add_option("--partitions", config.kafka.partitions, "Partitions per topic")->capture_default_str();
  app.add_option("--brokers", config.kafka.brokers, "Number of mock brokers")->capture_default_str();
  app.add_option("--topics", topics, "Comma-separated topics to create")->capture_default_str();
  app.add_option("--log-level", log_level, "debug, info, warn or error")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return BadFlags(e.what());
  }

  sfa::base::LogLevel level;
  if (!sfa::base::ParseLogLevel(log_level, &level)) return BadFlags("--log-level: unknown level " + log_level);
  sfa::base::SetLogLevel(level);
  absl::StatusOr<std::vector<std::string>> topic_list = sfa::tools::ParseTopicList(topics);
  if (!topic_list.ok()) return BadFlags(std::string(topic_list.status().message()));
  config.kafka.topics = *std::move(topic_list);
  if (absl::Status s = sfa::tools::ValidateBrokerConfig(config); !s.ok()) return BadFlags(std::string(s.message()));

  sfa::tools::BlockBrokerSignals();  // before RunBroker starts any thread
  if (absl::Status s = sfa::tools::RunBroker(config); !s.ok()) {
    sfa::base::LogError("kafka broker failed", {{"error", s.ToString()}});
    return 1;
  }
  return 0;
}

// sfa-erp-consumer: follows sfa.*.events.v1 topics in a Kafka consumer group and prints the events an ERP
// acts on (orders, payments, won deals) as JSON lines. Wiring only: flags -> ConsumerConfig -> RunConsumer.

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "base/log.h"
#include "tools/erp_consumer/consumer.h"

namespace {

constexpr int kExitBadFlags = 2;

std::atomic<bool> g_stop{false};

void RequestStop(int) { g_stop.store(true); }

int BadFlags(const std::string& reason) {
  std::fprintf(stderr, "sfa-erp-consumer: %s (see --help)\n", reason.c_str());
  return kExitBadFlags;
}

}  // namespace

int main(int argc, char** argv) {
  sfa::tools::erp::ConsumerConfig config;
  std::string topics = absl::StrJoin(config.topics, ",");

  CLI::App app{
      "Prints the events an ERP acts on (OrderPlaced, PaymentRecorded, OrderPaid, OpportunityWon,\n"
      "OpportunityReopened) as JSON lines on stdout; logs go to stderr. SIGTERM/SIGINT stop it."};
  app.add_option("--brokers", config.brokers, "Kafka bootstrap servers, host:port[,host:port...]")->required();
  app.add_option("--topics", topics, "Comma-separated topics to follow")->capture_default_str();
  app.add_option("--group", config.group, "Consumer group id; offsets are committed under it")->capture_default_str();
  app.add_flag("--from-beginning", config.from_beginning,
               "A group without committed offsets starts at the oldest event instead of only new ones");
  app.add_flag("--exit-at-end", config.exit_at_end, "Exit once every assigned partition is read to its end");
  app.add_flag("--all-events", config.all_events, "Print every event type, not only the ERP ones");
  std::vector<std::string> kafka_settings;
  app.add_option("-X,--kafka", kafka_settings,
                 "librdkafka setting name=value, applied last (repeatable), e.g. -X security.protocol=ssl");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    return BadFlags(e.what());
  }
  absl::StatusOr<std::vector<std::string>> topic_list = sfa::tools::erp::ParseTopics(topics);
  if (!topic_list.ok()) return BadFlags(std::string(topic_list.status().message()));
  config.topics = *std::move(topic_list);
  for (const std::string& text : kafka_settings) {
    absl::StatusOr<std::pair<std::string, std::string>> setting = sfa::tools::erp::ParseKafkaSetting(text);
    if (!setting.ok()) return BadFlags(std::string(setting.status().message()));
    config.kafka_settings.push_back(*std::move(setting));
  }
  if (absl::Status s = sfa::tools::erp::ValidateConsumerConfig(config); !s.ok()) {
    return BadFlags(std::string(s.message()));
  }

  std::signal(SIGTERM, RequestStop);
  std::signal(SIGINT, RequestStop);
  if (absl::Status s = sfa::tools::erp::RunConsumer(config, std::cout, g_stop); !s.ok()) {
    sfa::base::LogError("erp consumer failed", {{"error", s.ToString()}});
    return absl::IsInvalidArgument(s) ? kExitBadFlags : 1;  // a -X setting librdkafka refused
  }
  return 0;
}

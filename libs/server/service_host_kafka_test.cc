// ServiceHost against the embedded Kafka: the outbox relay it starts publishes to the configured topic.
// Kept apart from service_host_test.cc because sfa_embedded_kafka puts tools/ on the include path, where
// the tools/stack script shadows the standard <stack> header that httplib's <regex> includes.

#include <functional>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "eventstore/test_util.h"
#include "gtest/gtest.h"
#include "tools/kafka_broker/embedded_kafka.h"
#include "server/service_host.h"

namespace sfa::server {
namespace {

constexpr char kTopic[] = "sfa.hosttest.events.v1";

TEST(ServiceHostKafkaTest, RelayPublishesToTheConfiguredTopic) {
  tools::EmbeddedKafkaOptions kafka_options;
  kafka_options.topics = {kTopic};
  absl::StatusOr<std::unique_ptr<tools::EmbeddedKafka>> kafka = tools::EmbeddedKafka::Start(kafka_options);
  ASSERT_TRUE(kafka.ok()) << kafka.status();

  eventstore::testing::TempDir dir("service-host-kafka-test");
  base::MetricsRegistry metrics;
  ServerConfig config;
  config.service_name = "hosttest";
  config.listen_host = "127.0.0.1";
  config.data_dir = dir.Sub("data");
  config.kafka_brokers = (*kafka)->bootstrap_servers();
  config.kafka_topic = kTopic;
  config.sync_writes = false;
  ServiceHostOptions options;
  options.metrics = &metrics;
  options.handle_signals = false;

  absl::StatusOr<std::unique_ptr<ServiceHost>> host = ServiceHost::Create(config, options);
  ASSERT_TRUE(host.ok()) << host.status();
  ASSERT_TRUE((*host)->Start().ok());
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE((*host)
                    ->store()
                    ->Append(eventstore::testing::MakeAppend({"acme", "lead", "l1"}, i - 1,
                                                             {eventstore::testing::MakeEvent("test.LeadTouched", "x")}))
                    .ok());
  }
  base::Gauge& delivered = metrics.AddGauge("sfa_outbox_delivered_position", "", {"topic"}).WithLabels({kTopic});
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (delivered.value() < 3 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_EQ(delivered.value(), 3) << "the relay did not deliver to " << kTopic;
  (*host)->Shutdown();
}

}  // namespace
}  // namespace sfa::server

#ifndef SFA_TOOLS_KAFKA_BROKER_EMBEDDED_KAFKA_H_
#define SFA_TOOLS_KAFKA_BROKER_EMBEDDED_KAFKA_H_

// librdkafka's mock cluster (rdkafka_mock.h) hosted in this process: a real Kafka protocol endpoint on
// loopback for the dev stack (tools/kafka_broker) and for tests. Nothing in libs/ or services/ uses it:
// they only ever see a bootstrap address.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sfa::tools {

struct EmbeddedKafkaOptions {
  int brokers = 1;
  int partitions = 3;  // per topic
  // Topics created at start; the mock cluster has no CreateTopics admin call.
  std::vector<std::string> topics = {"sfa.lead.events.v1", "sfa.opportunity.events.v1", "sfa.quote.events.v1"};
};

// Kafka's rule for topic names: 1..249 characters from [a-zA-Z0-9._-], and not "." or "..".
bool IsValidKafkaTopicName(const std::string& topic);

class EmbeddedKafka {
 public:
  static absl::StatusOr<std::unique_ptr<EmbeddedKafka>> Start(EmbeddedKafkaOptions options = {});
  ~EmbeddedKafka();

  // "127.0.0.1:port,..." — a new random port on every start.
  const std::string& bootstrap_servers() const { return bootstrap_; }
  // Creates one more topic (idempotent).
  absl::Status CreateTopic(const std::string& topic, int partitions);
  // Simulates an outage: every broker closes its connections and refuses new ones, keeping its data.
  void SetAllBrokersDown();
  void SetAllBrokersUp();

  class Impl;

 private:
  explicit EmbeddedKafka(std::unique_ptr<Impl> impl, std::string bootstrap);
  std::unique_ptr<Impl> impl_;
  std::string bootstrap_;
};

}  // namespace sfa::tools

#endif  // SFA_TOOLS_KAFKA_BROKER_EMBEDDED_KAFKA_H_

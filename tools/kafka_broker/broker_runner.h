#ifndef SFA_TOOLS_KAFKA_BROKER_BROKER_RUNNER_H_
#define SFA_TOOLS_KAFKA_BROKER_BROKER_RUNNER_H_

// The sfa-kafka-broker process below its flags: a validated config, the bootstrap file it publishes,
// and the signal loop that keeps the embedded Kafka up until SIGTERM/SIGINT.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/kafka_broker/embedded_kafka.h"

namespace sfa::tools {

struct BrokerConfig {
  // Where the bootstrap address is published once the topics exist; empty = not published.
  std::string bootstrap_file;
  EmbeddedKafkaOptions kafka;
};

// Upper bounds that keep a typo from taking the machine down; the mock keeps ~5 MB per partition.
inline constexpr int kMaxBrokers = 16;
inline constexpr int kMaxPartitions = 256;

// "a,b , c" -> {"a", "b", "c"}; empty items are an error, as are duplicates.
absl::StatusOr<std::vector<std::string>> ParseTopicList(absl::string_view list);

// InvalidArgument naming the first bad field.
absl::Status ValidateBrokerConfig(const BrokerConfig& config);

// Writes `contents` to `path` so a reader sees either nothing or all of it: a temporary file in the
// same directory, fsync, rename.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// Blocks SIGTERM, SIGINT, SIGUSR1 and SIGUSR2 in the calling thread; call before any thread starts so
// every thread inherits the mask and RunBroker's sigwait is the only receiver.
void BlockBrokerSignals();

// Starts the embedded Kafka, publishes the bootstrap file, then serves signals: SIGUSR1 takes every
// broker down, SIGUSR2 brings them back, SIGTERM/SIGINT stop it (bootstrap file removed). OK on a clean
// stop. BlockBrokerSignals must have been called first.
absl::Status RunBroker(const BrokerConfig& config);

}  // namespace sfa::tools

#endif  // SFA_TOOLS_KAFKA_BROKER_BROKER_RUNNER_H_

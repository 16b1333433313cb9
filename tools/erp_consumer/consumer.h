#ifndef SFA_TOOLS_ERP_CONSUMER_CONSUMER_H_
#define SFA_TOOLS_ERP_CONSUMER_CONSUMER_H_

// sfa-erp-consumer below its flags: a plain Kafka consumer in a consumer group that prints the events an
// ERP acts on as JSON lines, storing each record's offset only after its line is written.

#include <atomic>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sfa::tools::erp {

struct ConsumerConfig {
  std::string brokers;  // bootstrap servers, "host:port[,host:port...]"
  std::vector<std::string> topics = {"sfa.quote.events.v1"};
  std::string group = "sfa-erp-example";
  // A group without committed offsets starts at the oldest record instead of only new ones. A group that
  // has committed resumes where it stopped either way.
  bool from_beginning = false;
  // Stop once every assigned partition has been read to its end (tests, one-off exports).
  bool exit_at_end = false;
  // Print every event, not only the ERP ones (IsErpEvent).
  bool all_events = false;
  // librdkafka settings applied after the example's own (security.protocol, sasl.*, session.timeout.ms...).
  std::vector<std::pair<std::string, std::string>> kafka_settings;
};

// "a, b,c" -> {"a", "b", "c"}; INVALID_ARGUMENT for an empty item or a repeated topic.
absl::StatusOr<std::vector<std::string>> ParseTopics(absl::string_view list);

// "name=value" -> {name, value}; INVALID_ARGUMENT without a name or an '='.
absl::StatusOr<std::pair<std::string, std::string>> ParseKafkaSetting(absl::string_view text);

// INVALID_ARGUMENT naming the first missing setting.
absl::Status ValidateConsumerConfig(const ConsumerConfig& config);

// Consumes until `stop` is set (or, with exit_at_end, every assigned partition is at its end), writing one
// JSON line per printed event to `out`. A record that is not a valid envelope is logged and skipped.
absl::Status RunConsumer(const ConsumerConfig& config, std::ostream& out, const std::atomic<bool>& stop);

}  // namespace sfa::tools::erp

#endif  // SFA_TOOLS_ERP_CONSUMER_CONSUMER_H_

#ifndef SFA_LIBS_MESSAGING_RDKAFKA_UTIL_H_
#define SFA_LIBS_MESSAGING_RDKAFKA_UTIL_H_

// Owning handles and configuration helpers for the librdkafka C API, shared by the relay and the runner.
// The C API rather than rdkafkacpp because the relay needs rd_kafka_fatal_error/purge and per-message
// opaques, and one API for both sides keeps the error handling uniform.

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "messaging/cloudevents.h"

namespace sfa::messaging {

struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
};
struct KafkaMessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
struct KafkaPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
struct KafkaHeadersDeleter {
  void operator()(rd_kafka_headers_t* h) const { rd_kafka_headers_destroy(h); }
};
using KafkaConfPtr = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;
using KafkaMessagePtr = std::unique_ptr<rd_kafka_message_t, KafkaMessageDeleter>;
using KafkaPartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaPartitionListDeleter>;
using KafkaHeadersPtr = std::unique_ptr<rd_kafka_headers_t, KafkaHeadersDeleter>;

// A configuration with `defaults` applied first and `overrides` (the caller's extra properties) last.
// INVALID_ARGUMENT names the property librdkafka refused.
absl::StatusOr<KafkaConfPtr> MakeKafkaConf(const std::map<std::string, std::string>& defaults,
                                           const std::map<std::string, std::string>& overrides);

// An error code as absl::Status with its librdkafka name, e.g. "Local: Broker transport failure".
absl::Status KafkaError(rd_kafka_resp_err_t err, absl::string_view context);

// librdkafka headers from name/value pairs, and back.
KafkaHeadersPtr ToKafkaHeaders(const KafkaHeaders& headers);
KafkaHeaders FromKafkaHeaders(const rd_kafka_message_t& message);

// Partition ids of `topic` from cluster metadata; UNAVAILABLE if the broker did not answer in time,
// NOT_FOUND if the topic does not exist.
absl::StatusOr<std::vector<int32_t>> TopicPartitions(rd_kafka_t* rk, const std::string& topic, int timeout_ms);

}  // namespace sfa::messaging

#endif  // SFA_LIBS_MESSAGING_RDKAFKA_UTIL_H_

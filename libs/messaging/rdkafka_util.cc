#include "messaging/rdkafka_util.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"

namespace sfa::messaging {
namespace {

absl::Status Set(rd_kafka_conf_t* conf, const std::string& key, const std::string& value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    return absl::InvalidArgumentError(absl::StrCat("kafka property ", key, ": ", errstr));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KafkaConfPtr> MakeKafkaConf(const std::map<std::string, std::string>& defaults,
                                           const std::map<std::string, std::string>& overrides) {
  KafkaConfPtr conf(rd_kafka_conf_new());
  for (const auto* props : {&defaults, &overrides}) {
    for (const auto& [key, value] : *props) {
      if (absl::Status s = Set(conf.get(), key, value); !s.ok()) return s;
    }
  }
  return conf;
}

absl::Status KafkaError(rd_kafka_resp_err_t err, absl::string_view context) {
  std::string message = absl::StrCat(context, ": ", rd_kafka_err2str(err));
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return absl::OkStatus();
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
      return absl::UnavailableError(message);
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
      return absl::NotFoundError(message);
    default:
      return absl::InternalError(message);
  }
}

KafkaHeadersPtr ToKafkaHeaders(const KafkaHeaders& headers) {
  KafkaHeadersPtr out(rd_kafka_headers_new(headers.size()));
  for (const auto& [name, value] : headers) {
    // Cannot fail: only a read-only header list refuses additions.
    rd_kafka_header_add(out.get(), name.data(), static_cast<ssize_t>(name.size()), value.data(),
                        static_cast<ssize_t>(value.size()));
  }
  return out;
}

KafkaHeaders FromKafkaHeaders(const rd_kafka_message_t& message) {
  KafkaHeaders out;
  rd_kafka_headers_t* hdrs = nullptr;  // owned by the message
  if (rd_kafka_message_headers(&message, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  const char* name;
  const void* value;
  size_t size;
  for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
    out.emplace_back(name, value == nullptr ? std::string() : std::string(static_cast<const char*>(value), size));
  }
  return out;
}

absl::StatusOr<std::vector<int32_t>> TopicPartitions(rd_kafka_t* rk, const std::string& topic, int timeout_ms) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, timeout_ms);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return KafkaError(err, absl::StrCat("metadata for topic ", topic));
  }
  std::vector<int32_t> partitions;
  absl::Status status;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = md->topics[i];
    if (topic != t.topic) continue;
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = KafkaError(t.err, absl::StrCat("metadata for topic ", topic));
      break;
    }
    for (int p = 0; p < t.partition_cnt; ++p) partitions.push_back(t.partitions[p].id);
  }
  rd_kafka_metadata_destroy(md);
  if (!status.ok()) return status;
  if (partitions.empty()) return absl::NotFoundError(absl::StrCat("topic ", topic, " has no partitions"));
  std::sort(partitions.begin(), partitions.end());
  return partitions;
}

}  // namespace sfa::messaging

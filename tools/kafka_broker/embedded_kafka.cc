#include "tools/kafka_broker/embedded_kafka.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <cassert>
#include <map>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace sfa::tools {

bool IsValidKafkaTopicName(const std::string& topic) {
  constexpr size_t kMaxTopicNameLength = 249;
  if (topic.empty() || topic.size() > kMaxTopicNameLength || topic == "." || topic == "..") return false;
  for (char c : topic) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// Owns the rd_kafka_t handle the mock cluster hangs off and the cluster itself; the cluster runs its
// own thread, and every rd_kafka_mock_* call is a request to it, so the methods are thread-safe.
class EmbeddedKafka::Impl {
 public:
  Impl(rd_kafka_t* rk, rd_kafka_mock_cluster_t* cluster, int brokers) : rk_(rk), cluster_(cluster), brokers_(brokers) {}
  ~Impl() {
    // The cluster uses the handle's queues and logger, so it goes first.
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(rk_);
  }

  absl::Status CreateTopic(const std::string& topic, int partitions) {
    if (!IsValidKafkaTopicName(topic)) {
      return absl::InvalidArgumentError(absl::StrCat("invalid topic name \"", topic, "\""));
    }
    if (partitions < 1) {
      return absl::InvalidArgumentError(absl::StrCat("topic ", topic, ": partitions must be >= 1"));
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = topics_.find(topic); it != topics_.end()) {
      if (it->second == partitions) return absl::OkStatus();
      return absl::AlreadyExistsError(
          absl::StrCat("topic ", topic, " exists with ", it->second, " partitions, not ", partitions));
    }
    rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, brokers_);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("creating topic ", topic, ": ", rd_kafka_err2str(err)));
    }
    topics_[topic] = partitions;
    return absl::OkStatus();
  }

  void SetBrokersUp(bool up) {
    // Mock broker ids are 1..N, so these calls cannot fail for want of a broker.
    for (int32_t id = 1; id <= brokers_; ++id) {
      rd_kafka_resp_err_t err =
          up ? rd_kafka_mock_broker_set_up(cluster_, id) : rd_kafka_mock_broker_set_down(cluster_, id);
      assert(err == RD_KAFKA_RESP_ERR_NO_ERROR);
      (void)err;
    }
  }

 private:
  rd_kafka_t* const rk_;
  rd_kafka_mock_cluster_t* const cluster_;
  const int brokers_;
  std::mutex mu_;
  std::map<std::string, int> topics_;  // guarded by mu_
};

absl::StatusOr<std::unique_ptr<EmbeddedKafka>> EmbeddedKafka::Start(EmbeddedKafkaOptions options) {
  if (options.brokers < 1) return absl::InvalidArgumentError("brokers must be >= 1");
  if (options.partitions < 1) return absl::InvalidArgumentError("partitions must be >= 1");

  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster: it never connects anywhere, and the mock logs at debug/info
  // level on every connection, which would drown the dev stack's logs. Errors still come through.
  if (rd_kafka_conf_set(conf, "log_level", "3", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "client.id", "sfa-embedded-kafka", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("rdkafka conf: ", errstr));
  }
  // rd_kafka_new takes ownership of conf on success only.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("rd_kafka_new: ", errstr));
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, options.brokers);
  if (cluster == nullptr) {
    rd_kafka_destroy(rk);
    return absl::InternalError("rd_kafka_mock_cluster_new failed (no loopback port?)");
  }
  auto impl = std::make_unique<Impl>(rk, cluster, options.brokers);
  for (const std::string& topic : options.topics) {
    if (absl::Status s = impl->CreateTopic(topic, options.partitions); !s.ok()) return s;
  }
  std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  return std::unique_ptr<EmbeddedKafka>(new EmbeddedKafka(std::move(impl), std::move(bootstrap)));
}

EmbeddedKafka::EmbeddedKafka(std::unique_ptr<Impl> impl, std::string bootstrap)
    : impl_(std::move(impl)), bootstrap_(std::move(bootstrap)) {}

EmbeddedKafka::~EmbeddedKafka() = default;

absl::Status EmbeddedKafka::CreateTopic(const std::string& topic, int partitions) {
  return impl_->CreateTopic(topic, partitions);
}

void EmbeddedKafka::SetAllBrokersDown() { impl_->SetBrokersUp(false); }

void EmbeddedKafka::SetAllBrokersUp() { impl_->SetBrokersUp(true); }

}  // namespace sfa::tools

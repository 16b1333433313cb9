#include "tools/erp_consumer/consumer.h"

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/log.h"
#include "tools/erp_consumer/erp_event.h"

namespace sfa::tools::erp {
namespace {

constexpr int kPollMs = 500;  // how often `stop` is looked at while the topics are quiet

using Partition = std::pair<std::string, int32_t>;

// The partitions this group member owns and which of them it has read to the end (for exit_at_end).
// librdkafka's default assignors rebalance eagerly: each assignment replaces the previous one.
class Assignment : public RdKafka::RebalanceCb {
 public:
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    owned_.clear();
    at_end_.clear();
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      for (const RdKafka::TopicPartition* p : partitions) owned_.insert({p->topic(), p->partition()});
      consumer->assign(partitions);
    } else {
      consumer->unassign();
    }
    base::LogInfo("partitions assigned", {{"count", owned_.size()}});
  }

  void Read(const Partition& p) { at_end_.erase(p); }
  void AtEnd(const Partition& p) { at_end_.insert(p); }
  bool AllAtEnd() const {
    return !owned_.empty() &&
           std::all_of(owned_.begin(), owned_.end(), [this](const Partition& p) { return at_end_.count(p) > 0; });
  }

 private:
  std::set<Partition> owned_;
  std::set<Partition> at_end_;
};

absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> Subscribe(const ConsumerConfig& config,
                                                                  Assignment* assignment) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  const std::pair<const char*, std::string> settings[] = {
      {"bootstrap.servers", config.brokers},
      {"group.id", config.group},
      {"client.id", "sfa-erp-consumer"},
      // At least once: a record's offset is stored only after its line is written (see RunConsumer), and
      // stored offsets are committed in the background and on close.
      {"enable.auto.offset.store", "false"},
      {"enable.auto.commit", "true"},
      {"auto.offset.reset", config.from_beginning ? "earliest" : "latest"},
      {"enable.partition.eof", config.exit_at_end ? "true" : "false"},
  };
  std::string error;
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka setting ", name, ": ", error));
    }
  }
  for (const auto& [name, value] : config.kafka_settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("-X ", name, ": ", error));
    }
  }
  if (conf->set("rebalance_cb", assignment, error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("kafka rebalance_cb: ", error));
  }
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), error));
  if (consumer == nullptr) return absl::InternalError(absl::StrCat("cannot create kafka consumer: ", error));
  if (RdKafka::ErrorCode err = consumer->subscribe(config.topics); err != RdKafka::ERR_NO_ERROR) {
    return absl::InternalError(absl::StrCat("cannot subscribe: ", RdKafka::err2str(err)));
  }
  return consumer;
}

// Writes the record's line when it is one to print. A record that is not an sfa event is logged and
// skipped (an ERP would park it in a dead-letter table); only a failed write is an error.
absl::Status Print(const RdKafka::Message& message, const ConsumerConfig& config, std::ostream& out) {
  KafkaRecord record{message.topic_name(), message.partition(), message.offset(),
                     message.key() != nullptr ? *message.key() : std::string(),
                     std::string(static_cast<const char*>(message.payload()), message.len())};
  const std::initializer_list<base::LogField> where = {
      {"topic", record.topic}, {"partition", record.partition}, {"offset", record.offset}};
  absl::StatusOr<sfa::common::v1::EventEnvelope> envelope = DecodeEnvelope(record.value);
  if (!envelope.ok()) {
    base::LogWarn("skipping a record that is not an sfa event", where);
    return absl::OkStatus();
  }
  if (!config.all_events && !IsErpEvent(envelope->payload_type())) return absl::OkStatus();
  absl::StatusOr<tools::erp_consumer::ErpEventLine> line = ToLine(record, *envelope);
  if (!line.ok()) {
    base::LogWarn("skipping an event whose payload does not parse", where);
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> json = ToJson(*line);
  if (!json.ok()) return json.status();
  out << *json << '\n';
  out.flush();
  if (!out) return absl::UnavailableError("cannot write to the output");
  return absl::OkStatus();
}

void StoreOffset(RdKafka::KafkaConsumer& consumer, const RdKafka::Message& message) {
  std::unique_ptr<RdKafka::TopicPartition> next(
      RdKafka::TopicPartition::create(message.topic_name(), message.partition(), message.offset() + 1));
  std::vector<RdKafka::TopicPartition*> offsets = {next.get()};
  if (RdKafka::ErrorCode err = consumer.offsets_store(offsets); err != RdKafka::ERR_NO_ERROR) {
    // The partition was revoked meanwhile: its new owner reads the record again (at least once).
    base::LogWarn("offset not stored", {{"topic", message.topic_name()}, {"error", RdKafka::err2str(err)}});
  }
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseTopics(absl::string_view list) {
  std::vector<std::string> topics;
  for (absl::string_view item : absl::StrSplit(list, ',')) {
    std::string topic(absl::StripAsciiWhitespace(item));
    if (topic.empty()) return absl::InvalidArgumentError(absl::StrCat("--topics: empty topic in \"", list, "\""));
    if (std::find(topics.begin(), topics.end(), topic) != topics.end()) {
      return absl::InvalidArgumentError(absl::StrCat("--topics: ", topic, " is listed twice"));
    }
    topics.push_back(std::move(topic));
  }
  return topics;
}

absl::StatusOr<std::pair<std::string, std::string>> ParseKafkaSetting(absl::string_view text) {
  const size_t eq = text.find('=');
  if (eq == absl::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(absl::StrCat("-X wants name=value, got \"", text, "\""));
  }
  return std::make_pair(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
}

absl::Status ValidateConsumerConfig(const ConsumerConfig& config) {
  if (config.brokers.empty()) return absl::InvalidArgumentError("--brokers is required");
  if (config.topics.empty()) return absl::InvalidArgumentError("--topics names no topic");
  if (config.group.empty()) return absl::InvalidArgumentError("--group must not be empty");
  return absl::OkStatus();
}

absl::Status RunConsumer(const ConsumerConfig& config, std::ostream& out, const std::atomic<bool>& stop) {
  Assignment assignment;
  absl::StatusOr<std::unique_ptr<RdKafka::KafkaConsumer>> consumer = Subscribe(config, &assignment);
  if (!consumer.ok()) return consumer.status();
  base::LogInfo("erp consumer started",
                {{"brokers", config.brokers}, {"topics", absl::StrJoin(config.topics, ",")}, {"group", config.group}});
  absl::Status result = absl::OkStatus();
  while (result.ok() && !stop.load()) {
    std::unique_ptr<RdKafka::Message> message((*consumer)->consume(kPollMs));
    const Partition partition = {message->topic_name(), message->partition()};
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        assignment.Read(partition);
        result = Print(*message, config, out);
        // Stored (and so committed) only once the line is out: after a crash the record comes again.
        if (result.ok()) StoreOffset(**consumer, *message);
        break;
      case RdKafka::ERR__TIMED_OUT:
        break;
      case RdKafka::ERR__PARTITION_EOF:
        assignment.AtEnd(partition);
        break;
      case RdKafka::ERR__FATAL:
        result = absl::InternalError(absl::StrCat("kafka: ", message->errstr()));
        break;
      case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
        // A long-running consumer waits for the topic to appear; a run that must end cannot.
        if (config.exit_at_end) result = absl::NotFoundError(absl::StrCat("kafka: ", message->errstr()));
        base::LogWarn("kafka: unknown topic", {{"error", message->errstr()}});
        break;
      default:
        base::LogWarn("kafka consumer error", {{"error", message->errstr()}});  // librdkafka retries these
    }
    if (config.exit_at_end && assignment.AllAtEnd()) break;
  }
  (*consumer)->close();  // commits the stored offsets and leaves the group
  base::LogInfo("erp consumer stopped", {{"group", config.group}});
  return result;
}

}  // namespace sfa::tools::erp

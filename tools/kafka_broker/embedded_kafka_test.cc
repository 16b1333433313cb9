// Tests the embedded Kafka through a real client: what the services and kcat would see.

#include "tools/kafka_broker/embedded_kafka.h"

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace sfa::tools {
namespace {

constexpr char kLeadTopic[] = "sfa.lead.events.v1";

// Counts delivery reports, successful or not.
class DeliveryCounter : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++delivered;
    } else {
      ++failed;
    }
  }
  std::atomic<int> delivered{0};
  std::atomic<int> failed{0};
};

std::unique_ptr<RdKafka::Conf> ClientConf(const std::string& bootstrap) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [k, v] : std::map<std::string, std::string>{
           {"bootstrap.servers", bootstrap},
           {"log_level", "2"},
           // Reconnect quickly once the brokers are back, so the outage test stays short.
           {"reconnect.backoff.ms", "50"},
           {"reconnect.backoff.max.ms", "200"},
       }) {
    EXPECT_EQ(conf->set(k, v, err), RdKafka::Conf::CONF_OK) << k << ": " << err;
  }
  return conf;
}

struct Producer {
  DeliveryCounter counter;
  std::unique_ptr<RdKafka::Producer> producer;
};

std::unique_ptr<Producer> MakeProducer(const std::string& bootstrap) {
  auto p = std::make_unique<Producer>();
  auto conf = ClientConf(bootstrap);
  std::string err;
  EXPECT_EQ(conf->set("dr_cb", &p->counter, err), RdKafka::Conf::CONF_OK) << err;
  EXPECT_EQ(conf->set("message.timeout.ms", "60000", err), RdKafka::Conf::CONF_OK) << err;
  p->producer.reset(RdKafka::Producer::create(conf.get(), err));
  EXPECT_NE(p->producer, nullptr) << err;
  return p;
}

RdKafka::ErrorCode Produce(RdKafka::Producer& producer, const std::string& key, const std::string& value) {
  return producer.produce(kLeadTopic, 0, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(value.data()), value.size(),
                          key.data(), key.size(), 0, nullptr);
}

// Polls the producer until `delivered` reports arrived or the deadline passes.
bool PollUntilDelivered(Producer& p, int delivered, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    p.producer->poll(50);
    if (p.counter.delivered.load() >= delivered) return true;
  }
  return false;
}

TEST(EmbeddedKafkaTest, MetadataListsConfiguredTopicsAndPartitions) {
  auto kafka = EmbeddedKafka::Start({.brokers = 2, .partitions = 4});
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  ASSERT_FALSE((*kafka)->bootstrap_servers().empty());

  auto p = MakeProducer((*kafka)->bootstrap_servers());
  RdKafka::Metadata* raw = nullptr;
  ASSERT_EQ(p->producer->metadata(true, nullptr, &raw, 10000), RdKafka::ERR_NO_ERROR);
  std::unique_ptr<RdKafka::Metadata> md(raw);

  EXPECT_EQ(md->brokers()->size(), 2u);
  std::map<std::string, size_t> partitions;
  for (const RdKafka::TopicMetadata* t : *md->topics()) partitions[t->topic()] = t->partitions()->size();
  EXPECT_EQ(partitions, (std::map<std::string, size_t>{
                            {"sfa.lead.events.v1", 4}, {"sfa.opportunity.events.v1", 4}, {"sfa.quote.events.v1", 4}}));
}

TEST(EmbeddedKafkaTest, CreateTopicIsIdempotentAndRejectsConflicts) {
  auto kafka = EmbeddedKafka::Start({.topics = {}});
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  EXPECT_TRUE((*kafka)->CreateTopic("extra", 2).ok());
  EXPECT_TRUE((*kafka)->CreateTopic("extra", 2).ok());
  EXPECT_EQ((*kafka)->CreateTopic("extra", 5).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ((*kafka)->CreateTopic("bad topic", 1).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ((*kafka)->CreateTopic("t", 0).code(), absl::StatusCode::kInvalidArgument);
}

TEST(EmbeddedKafkaTest, StartRejectsBadOptions) {
  EXPECT_EQ(EmbeddedKafka::Start({.brokers = 0}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EmbeddedKafka::Start({.partitions = 0}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EmbeddedKafkaTest, ProducedMessageIsConsumed) {
  auto kafka = EmbeddedKafka::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  const std::string bootstrap = (*kafka)->bootstrap_servers();

  auto p = MakeProducer(bootstrap);
  ASSERT_EQ(Produce(*p->producer, "lead-1", "hello"), RdKafka::ERR_NO_ERROR);
  ASSERT_TRUE(PollUntilDelivered(*p, 1, absl::Seconds(20)));

  // Manual assignment, as the projection runners do: no group join.
  auto conf = ClientConf(bootstrap);
  std::string err;
  ASSERT_EQ(conf->set("group.id", "embedded-kafka-test", err), RdKafka::Conf::CONF_OK) << err;
  ASSERT_EQ(conf->set("enable.auto.commit", "false", err), RdKafka::Conf::CONF_OK) << err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  ASSERT_NE(consumer, nullptr) << err;
  std::unique_ptr<RdKafka::TopicPartition> tp(
      RdKafka::TopicPartition::create(kLeadTopic, 0, RdKafka::Topic::OFFSET_BEGINNING));
  ASSERT_EQ(consumer->assign({tp.get()}), RdKafka::ERR_NO_ERROR);

  absl::Time deadline = absl::Now() + absl::Seconds(20);
  std::string key, value;
  while (absl::Now() < deadline && value.empty()) {
    std::unique_ptr<RdKafka::Message> m(consumer->consume(100));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    key = *m->key();
    value.assign(static_cast<const char*>(m->payload()), m->len());
  }
  EXPECT_EQ(key, "lead-1");
  EXPECT_EQ(value, "hello");
  consumer->close();
}

TEST(EmbeddedKafkaTest, BrokersDownHoldsDeliveryUntilBrokersUp) {
  auto kafka = EmbeddedKafka::Start();
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  auto p = MakeProducer((*kafka)->bootstrap_servers());
  ASSERT_EQ(Produce(*p->producer, "k", "before"), RdKafka::ERR_NO_ERROR);
  ASSERT_TRUE(PollUntilDelivered(*p, 1, absl::Seconds(20)));

  (*kafka)->SetAllBrokersDown();
  ASSERT_EQ(Produce(*p->producer, "k", "during"), RdKafka::ERR_NO_ERROR);
  EXPECT_FALSE(PollUntilDelivered(*p, 2, absl::Seconds(1)));
  EXPECT_EQ(p->counter.delivered.load(), 1);

  (*kafka)->SetAllBrokersUp();
  EXPECT_TRUE(PollUntilDelivered(*p, 2, absl::Seconds(30)));
  EXPECT_EQ(p->counter.failed.load(), 0);
}

}  // namespace
}  // namespace sfa::tools

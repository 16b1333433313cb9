#include "tools/erp_consumer/erp_event.h"

#include <google/protobuf/util/json_util.h>

#include "gtest/gtest.h"
#include "sfa/opportunity/v1/opportunity_events.pb.h"
#include "sfa/quote/v1/quote_events.pb.h"
#include "tools/erp_consumer/consumer.h"

namespace sfa::tools::erp {
namespace {

using ::sfa::common::v1::EventEnvelope;
using ::sfa::tools::erp_consumer::ErpEventLine;

EventEnvelope PaymentEnvelope(const sfa::quote::v1::PaymentRecorded& payment) {
  EventEnvelope e;
  e.set_event_id("6f1c2a56-0000-4000-8000-000000000001");
  e.set_tenant("acme");
  e.set_aggregate_type("order");
  e.set_aggregate_id(payment.order_id());
  e.set_aggregate_version(3);
  e.mutable_occurred_at()->set_seconds(1767225600);
  e.set_payload_type("sfa.quote.v1.PaymentRecorded");
  e.set_payload(payment.SerializeAsString());
  return e;
}

sfa::quote::v1::PaymentRecorded FinalPayment() {
  sfa::quote::v1::PaymentRecorded p;
  p.set_order_id("ord-1");
  p.set_payment_id("pay-2");
  p.mutable_amount()->set_minor_units(4000);
  p.mutable_amount()->set_currency("USD");
  p.mutable_paid_total()->set_minor_units(10000);
  p.mutable_paid_total()->set_currency("USD");
  p.mutable_balance()->set_currency("USD");  // paid in full: 0 minor units
  return p;
}

TEST(ErpEventTest, OnlyOrdersPaymentsAndWonDealsAreErpEvents) {
  EXPECT_TRUE(IsErpEvent("sfa.quote.v1.OrderPlaced"));
  EXPECT_TRUE(IsErpEvent("sfa.quote.v1.PaymentRecorded"));
  EXPECT_TRUE(IsErpEvent("sfa.quote.v1.OrderPaid"));
  EXPECT_TRUE(IsErpEvent("sfa.opportunity.v1.OpportunityWon"));
  EXPECT_TRUE(IsErpEvent("sfa.opportunity.v1.OpportunityReopened"));
  EXPECT_FALSE(IsErpEvent("sfa.quote.v1.QuoteCreated"));
  EXPECT_FALSE(IsErpEvent("sfa.opportunity.v1.OpportunityLost"));
  EXPECT_FALSE(IsErpEvent("OrderPlaced"));
}

TEST(ErpEventTest, JsonLineCarriesWhereWhatAndTheDecodedPayload) {
  const EventEnvelope envelope = PaymentEnvelope(FinalPayment());
  KafkaRecord record{"sfa.quote.events.v1", 2, 17, "ord-1", envelope.SerializeAsString()};
  absl::StatusOr<EventEnvelope> decoded = DecodeEnvelope(record.value);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  absl::StatusOr<ErpEventLine> line = ToLine(record, *decoded);
  ASSERT_TRUE(line.ok()) << line.status();
  absl::StatusOr<std::string> json = ToJson(*line);
  ASSERT_TRUE(json.ok()) << json.status();

  EXPECT_EQ(json->find('\n'), std::string::npos);
  EXPECT_NE(json->find(R"("topic":"sfa.quote.events.v1","partition":2,"offset":"17","key":"ord-1")"), std::string::npos)
      << *json;
  EXPECT_NE(json->find(R"("event_type":"sfa.quote.v1.PaymentRecorded")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("effective_time":"2026-01-01T00:00:00Z")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("tenant":"acme","aggregate_type":"order","aggregate_id":"ord-1","aggregate_version":"3")"),
            std::string::npos)
      << *json;
  EXPECT_NE(json->find(R"("@type":"type.googleapis.com/sfa.quote.v1.PaymentRecorded")"), std::string::npos) << *json;
  // Zero values are printed: a paid order's balance says 0 rather than leaving it out.
  EXPECT_NE(json->find(R"("balance":{"minor_units":"0","currency":"USD"})"), std::string::npos) << *json;

  // The line parses back with erp_event_line.proto, payload included.
  ErpEventLine parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok());
  EXPECT_EQ(parsed.aggregate_version(), 3u);
  EXPECT_EQ(parsed.event_id(), envelope.event_id());
  sfa::quote::v1::PaymentRecorded payment;
  ASSERT_TRUE(parsed.payload().UnpackTo(&payment));
  EXPECT_EQ(payment.SerializeAsString(), FinalPayment().SerializeAsString());
}

TEST(ErpEventTest, NewerEventTypeGivesALineWithoutPayload) {
  EventEnvelope envelope = PaymentEnvelope(FinalPayment());
  envelope.set_payload_type("sfa.quote.v1.OrderCancelledInAFutureRevision");
  absl::StatusOr<ErpEventLine> line = ToLine(KafkaRecord{"t", 0, 0, "ord-1", ""}, envelope);
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_FALSE(line->has_payload());
  EXPECT_EQ(line->event_type(), "sfa.quote.v1.OrderCancelledInAFutureRevision");
}

TEST(ErpEventTest, RecordsThatAreNotSfaEventsAreRefused) {
  EXPECT_FALSE(DecodeEnvelope("\xff\xff not protobuf").ok());
  EXPECT_FALSE(DecodeEnvelope(EventEnvelope().SerializeAsString()).ok());  // no payload_type
  EventEnvelope envelope = PaymentEnvelope(FinalPayment());
  envelope.set_payload("\xff\xff not protobuf");
  EXPECT_EQ(ToLine(KafkaRecord{}, envelope).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConsumerConfigTest, FlagsAreCheckedAtTheEdge) {
  absl::StatusOr<std::vector<std::string>> topics = ParseTopics("sfa.quote.events.v1, sfa.opportunity.events.v1");
  ASSERT_TRUE(topics.ok()) << topics.status();
  EXPECT_EQ(*topics, (std::vector<std::string>{"sfa.quote.events.v1", "sfa.opportunity.events.v1"}));
  EXPECT_FALSE(ParseTopics("a,,b").ok());
  EXPECT_FALSE(ParseTopics("").ok());
  EXPECT_FALSE(ParseTopics("a,a").ok());
  absl::StatusOr<std::pair<std::string, std::string>> setting = ParseKafkaSetting("sasl.password=a=b");
  ASSERT_TRUE(setting.ok()) << setting.status();
  EXPECT_EQ(*setting, (std::pair<std::string, std::string>{"sasl.password", "a=b"}));
  EXPECT_FALSE(ParseKafkaSetting("security.protocol").ok());
  EXPECT_FALSE(ParseKafkaSetting("=ssl").ok());
  ConsumerConfig config;
  EXPECT_EQ(ValidateConsumerConfig(config).message(), "--brokers is required");
  config.brokers = "127.0.0.1:9092";
  EXPECT_TRUE(ValidateConsumerConfig(config).ok());
}

}  // namespace
}  // namespace sfa::tools::erp

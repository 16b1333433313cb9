#include "messaging/cloudevents.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sfa::messaging {
namespace {

using ::testing::Contains;
using ::testing::Pair;
using ::testing::SizeIs;

sfa::common::v1::EventEnvelope Envelope() {
  sfa::common::v1::EventEnvelope e;
  e.set_event_id("0b7e4c1e-5d2f-4a53-9d5c-2f7a1c9e8b10");
  e.set_tenant("acme");
  e.set_aggregate_type("opportunity");
  e.set_aggregate_id("opp-42");
  e.set_aggregate_version(7);
  e.set_global_position(1234);
  e.mutable_occurred_at()->set_seconds(1'700'000'000);
  e.mutable_occurred_at()->set_nanos(500'000'000);
  e.set_payload_type("sfa.opportunity.v1.OpportunityStageChanged");
  e.set_source("opportunity");
  return e;
}

std::map<std::string, std::string> AsMap(const KafkaHeaders& headers) {
  return std::map<std::string, std::string>(headers.begin(), headers.end());
}

TEST(CloudEventHeadersTest, CarriesEveryAttributeOfTheBinaryBinding) {
  const std::map<std::string, std::string> h = AsMap(CloudEventHeaders(Envelope(), "/sfa/opportunity"));
  EXPECT_EQ(h.at("ce_specversion"), "1.0");
  EXPECT_EQ(h.at("ce_id"), "0b7e4c1e-5d2f-4a53-9d5c-2f7a1c9e8b10");
  EXPECT_EQ(h.at("ce_source"), "/sfa/opportunity");
  EXPECT_EQ(h.at("ce_type"), "sfa.opportunity.v1.OpportunityStageChanged");
  EXPECT_EQ(h.at("ce_time"), "2023-11-14T22:13:20.5Z");
  EXPECT_EQ(h.at("ce_subject"), "opportunity/opp-42");
  EXPECT_EQ(h.at("content-type"), "application/protobuf");
  EXPECT_EQ(h.at("ce_tenant"), "acme");
  EXPECT_EQ(h.at("ce_sequence"), "00000000000000000007");
  EXPECT_THAT(h, SizeIs(9));
}

TEST(CloudEventHeadersTest, OmitsTimeWhenTheEnvelopeHasNone) {
  sfa::common::v1::EventEnvelope e = Envelope();
  e.clear_occurred_at();
  const KafkaHeaders headers = CloudEventHeaders(e, "/sfa/opportunity");
  EXPECT_EQ(AsMap(headers).count("ce_time"), 0);
  absl::StatusOr<CloudEventAttributes> parsed = ParseCloudEventHeaders(headers);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->time, absl::InfinitePast());
}

TEST(CloudEventHeadersTest, WholeSecondsHaveNoFraction) {
  EXPECT_EQ(FormatRfc3339Utc(absl::FromUnixSeconds(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Utc(absl::FromUnixNanos(1)), "1970-01-01T00:00:00.000000001Z");
}

TEST(CloudEventHeadersTest, SequenceSortsLikeTheVersion) {
  EXPECT_LT(FormatSequence(9), FormatSequence(10));
  EXPECT_LT(FormatSequence(99'999), FormatSequence(100'000));
  EXPECT_EQ(FormatSequence(UINT64_MAX), "18446744073709551615");
}

TEST(ParseCloudEventHeadersTest, RoundTrips) {
  absl::StatusOr<CloudEventAttributes> a = ParseCloudEventHeaders(CloudEventHeaders(Envelope(), "/sfa/opportunity"));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->specversion, "1.0");
  EXPECT_EQ(a->id, "0b7e4c1e-5d2f-4a53-9d5c-2f7a1c9e8b10");
  EXPECT_EQ(a->source, "/sfa/opportunity");
  EXPECT_EQ(a->type, "sfa.opportunity.v1.OpportunityStageChanged");
  EXPECT_EQ(a->subject, "opportunity/opp-42");
  EXPECT_EQ(a->content_type, "application/protobuf");
  EXPECT_EQ(a->tenant, "acme");
  EXPECT_EQ(a->sequence, 7u);
  EXPECT_EQ(a->time, absl::FromUnixSeconds(1'700'000'000) + absl::Milliseconds(500));
}

TEST(ParseCloudEventHeadersTest, AcceptsAnOffsetTime) {
  KafkaHeaders h = CloudEventHeaders(Envelope(), "/s");
  for (auto& [name, value] : h) {
    if (name == "ce_time") value = "2023-11-15T06:13:20.5+08:00";
  }
  absl::StatusOr<CloudEventAttributes> a = ParseCloudEventHeaders(h);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->time, absl::FromUnixSeconds(1'700'000'000) + absl::Milliseconds(500));
}

KafkaHeaders Without(absl::string_view name) {
  KafkaHeaders out;
  for (const auto& h : CloudEventHeaders(Envelope(), "/s")) {
    if (h.first != name) out.push_back(h);
  }
  return out;
}

TEST(ParseCloudEventHeadersTest, RefusesAMissingRequiredHeaderNamingIt) {
  for (const char* name :
       {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_subject", "content-type", "ce_tenant", "ce_sequence"}) {
    absl::StatusOr<CloudEventAttributes> a = ParseCloudEventHeaders(Without(name));
    ASSERT_FALSE(a.ok()) << name;
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(a.status().message()), ::testing::HasSubstr(name));
  }
}

TEST(ParseCloudEventHeadersTest, RefusesMalformedValues) {
  auto with = [](absl::string_view name, absl::string_view value) {
    KafkaHeaders h = Without(name);
    h.emplace_back(std::string(name), std::string(value));
    return ParseCloudEventHeaders(h);
  };
  EXPECT_FALSE(with("ce_specversion", "0.3").ok());
  EXPECT_FALSE(with("ce_sequence", "-1").ok());
  EXPECT_FALSE(with("ce_sequence", "7a").ok());
  EXPECT_FALSE(with("ce_time", "yesterday").ok());
  KafkaHeaders repeated = CloudEventHeaders(Envelope(), "/s");
  repeated.emplace_back("ce_id", "other");
  EXPECT_FALSE(ParseCloudEventHeaders(repeated).ok());
}

}  // namespace
}  // namespace sfa::messaging

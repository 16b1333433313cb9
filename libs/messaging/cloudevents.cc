#include "messaging/cloudevents.h"

#include <algorithm>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sfa::messaging {
namespace {

constexpr char kSpecVersion[] = "ce_specversion";
constexpr char kId[] = "ce_id";
constexpr char kSource[] = "ce_source";
constexpr char kType[] = "ce_type";
constexpr char kTime[] = "ce_time";
constexpr char kSubject[] = "ce_subject";
constexpr char kContentType[] = "content-type";
constexpr char kTenant[] = "ce_tenant";
constexpr char kSequence[] = "ce_sequence";

absl::Time ToAbslTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

// Header name -> value; a repeated name is an error because CloudEvents attributes are single-valued.
absl::StatusOr<std::map<std::string, std::string>> IndexHeaders(const KafkaHeaders& headers) {
  std::map<std::string, std::string> index;
  for (const auto& [name, value] : headers) {
    if (!index.emplace(name, value).second) {
      return absl::InvalidArgumentError(absl::StrCat("header ", name, " is repeated"));
    }
  }
  return index;
}

absl::StatusOr<std::string> Required(const std::map<std::string, std::string>& index, absl::string_view name) {
  auto it = index.find(std::string(name));
  if (it == index.end() || it->second.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("header ", name, " is missing or empty"));
  }
  return it->second;
}

}  // namespace

std::string FormatRfc3339Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", t, absl::UTCTimeZone());
}

std::string FormatSequence(uint64_t version) {
  std::string digits = absl::StrCat(version);
  return std::string(20 - std::min<size_t>(20, digits.size()), '0') + digits;
}

KafkaHeaders CloudEventHeaders(const sfa::common::v1::EventEnvelope& event, absl::string_view source) {
  KafkaHeaders headers = {
      {kSpecVersion, kCloudEventsSpecVersion},
      {kId, event.event_id()},
      {kSource, std::string(source)},
      {kType, event.payload_type()},
      {kSubject, absl::StrCat(event.aggregate_type(), "/", event.aggregate_id())},
      {kContentType, kEnvelopeContentType},
      {kTenant, event.tenant()},
      {kSequence, FormatSequence(event.aggregate_version())},
  };
  // `time` is optional in CloudEvents; an envelope without occurred_at must not claim the epoch.
  if (event.has_occurred_at()) {
    headers.emplace_back(kTime, FormatRfc3339Utc(ToAbslTime(event.occurred_at())));
  }
  return headers;
}

absl::StatusOr<CloudEventAttributes> ParseCloudEventHeaders(const KafkaHeaders& headers) {
  absl::StatusOr<std::map<std::string, std::string>> index = IndexHeaders(headers);
  if (!index.ok()) return index.status();
  CloudEventAttributes attrs;
  struct Field {
    const char* name;
    std::string* out;
  };
  for (const Field& f : {Field{kSpecVersion, &attrs.specversion}, Field{kId, &attrs.id}, Field{kSource, &attrs.source},
                         Field{kType, &attrs.type}, Field{kSubject, &attrs.subject},
                         Field{kContentType, &attrs.content_type}, Field{kTenant, &attrs.tenant}}) {
    absl::StatusOr<std::string> value = Required(*index, f.name);
    if (!value.ok()) return value.status();
    *f.out = *std::move(value);
  }
  if (attrs.specversion != kCloudEventsSpecVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("header ", kSpecVersion, " is \"", attrs.specversion, "\", want \"1.0\""));
  }
  absl::StatusOr<std::string> sequence = Required(*index, kSequence);
  if (!sequence.ok()) return sequence.status();
  if (!std::all_of(sequence->begin(), sequence->end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(*sequence, &attrs.sequence)) {
    return absl::InvalidArgumentError(
        absl::StrCat("header ", kSequence, " is not an unsigned integer: \"", *sequence, "\""));
  }
  auto time = index->find(kTime);
  if (time != index->end()) {
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, time->second, &attrs.time, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("header ", kTime, " is not RFC 3339: \"", time->second, "\": ", error));
    }
  }
  return attrs;
}

}  // namespace sfa::messaging

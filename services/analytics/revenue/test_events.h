#ifndef SFA_SERVICES_ANALYTICS_REVENUE_TEST_EVENTS_H_
#define SFA_SERVICES_ANALYTICS_REVENUE_TEST_EVENTS_H_

// Test-only: envelopes as the lead, opportunity and quote services publish them (versions per aggregate,
// positions per source), interleavings of them that keep each aggregate's order, and the revenue read
// models' column families for byte-for-byte comparisons.

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "analytics/testing/harness.h"
#include "google/protobuf/util/time_util.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace sfa::analytics::revenue::testing {

using sfa::common::v1::EventEnvelope;

class EventLog {
 public:
  explicit EventLog(std::string tenant) : tenant_(std::move(tenant)) {}

  // Appends the next event of (source, type, id) at business time `at`.
  template <typename Message>
  void Add(const std::string& source, const std::string& type, const std::string& id, absl::Time at,
           const Message& payload) {
    EventEnvelope e;
    e.set_event_id(absl::StrCat(source, "-", ++positions_[source]));
    e.set_tenant(tenant_);
    e.set_source(source);
    e.set_aggregate_type(type);
    e.set_aggregate_id(id);
    e.set_aggregate_version(++versions_[source + "/" + type + "/" + id]);
    e.set_global_position(positions_[source]);
    *e.mutable_occurred_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(at));
    *e.mutable_recorded_at() = e.occurred_at();
    e.set_payload_type(Message::descriptor()->full_name());
    e.set_payload(payload.SerializeAsString());
    events_.push_back(std::move(e));
  }
  const std::vector<EventEnvelope>& events() const { return events_; }

 private:
  std::string tenant_;
  std::map<std::string, uint64_t> positions_;
  std::map<std::string, uint64_t> versions_;
  std::vector<EventEnvelope> events_;
};

// A random interleaving of `events` in which each aggregate's events keep their order (what partitions
// and topics consumed at different speeds deliver).
inline std::vector<EventEnvelope> Interleave(const std::vector<EventEnvelope>& events, uint32_t seed) {
  std::map<std::string, std::vector<const EventEnvelope*>> streams;
  for (const EventEnvelope& e : events) {
    streams[absl::StrCat(e.tenant(), "/", e.source(), "/", e.aggregate_type(), "/", e.aggregate_id())].push_back(&e);
  }
  std::vector<std::pair<std::vector<const EventEnvelope*>, size_t>> queues;
  for (auto& [key, stream] : streams) queues.push_back({std::move(stream), 0});
  std::mt19937 rng(seed);
  std::vector<EventEnvelope> out;
  while (!queues.empty()) {
    const size_t i = std::uniform_int_distribution<size_t>(0, queues.size() - 1)(rng);
    out.push_back(*queues[i].first[queues[i].second++]);
    if (queues[i].second == queues[i].first.size()) queues.erase(queues.begin() + static_cast<std::ptrdiff_t>(i));
  }
  return out;
}

// Each aggregate's events together, the aggregates in the reverse order of their first event: the
// deliberately worst order (a deal before its lead, a later deal before an earlier one, costs before the
// campaign's leads).
inline std::vector<EventEnvelope> StreamsReversed(const std::vector<EventEnvelope>& events) {
  std::vector<std::string> order;
  std::map<std::string, std::vector<const EventEnvelope*>> streams;
  for (const EventEnvelope& e : events) {
    const std::string key = absl::StrCat(e.tenant(), "/", e.source(), "/", e.aggregate_type(), "/", e.aggregate_id());
    if (streams[key].empty()) order.push_back(key);
    streams[key].push_back(&e);
  }
  std::vector<EventEnvelope> out;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    for (const EventEnvelope* e : streams[*it]) out.push_back(*e);
  }
  return out;
}

// The events of `source` first, then the rest, each in their original order.
inline std::vector<EventEnvelope> SourceFirst(const std::vector<EventEnvelope>& events, const std::string& source) {
  std::vector<EventEnvelope> out;
  for (const EventEnvelope& e : events) {
    if (e.source() == source) out.push_back(e);
  }
  for (const EventEnvelope& e : events) {
    if (e.source() != source) out.push_back(e);
  }
  return out;
}

// The column families of the revenue read models (lead_source and receivables), dumped.
inline std::map<std::string, std::vector<std::pair<std::string, std::string>>> DumpRevenue(
    analytics::testing::Harness& h) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  for (auto& [cf, rows] : h.DumpKafkaReadModels()) {
    if (absl::StartsWith(cf, "rm_an_lead_source") || absl::StartsWith(cf, "rm_an_receivables")) {
      out[cf] = std::move(rows);
    }
  }
  return out;
}

inline absl::Time At(const std::string& rfc3339) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) std::abort();
  return t;
}

}  // namespace sfa::analytics::revenue::testing

#endif  // SFA_SERVICES_ANALYTICS_REVENUE_TEST_EVENTS_H_

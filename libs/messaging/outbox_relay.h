#ifndef SFA_LIBS_MESSAGING_OUTBOX_RELAY_H_
#define SFA_LIBS_MESSAGING_OUTBOX_RELAY_H_

// Publishes a service's event log to Kafka: reads EventStore::ReadAll from a cursor kept in the store's
// meta column family, produces in position order with an idempotent producer (acks=all), key = aggregate
// id, value = EventEnvelope, CloudEvents binary-mode headers. The cursor moves only on delivery reports,
// so Kafka being down never fails a command: events wait in RocksDB and go out when it is back.

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/metrics.h"
#include "eventstore/event_store.h"

namespace sfa::messaging {

struct OutboxRelayOptions {
  std::string brokers;                      // bootstrap servers
  std::string topic;                        // e.g. "sfa.lead.events.v1"
  std::string source = "/sfa/unknown";      // CloudEvents ce_source
  size_t max_in_flight = 10'000;            // produced but not yet acknowledged
  absl::Duration idle_poll = absl::Milliseconds(50);  // wait for new events when caught up
  std::map<std::string, std::string> producer_config;  // extra librdkafka properties (security, ...)
  base::MetricsRegistry* metrics = &base::MetricsRegistry::Default();
};

class OutboxRelay {
 public:
  // Starts the relay thread. The store must outlive the relay.
  static absl::StatusOr<std::unique_ptr<OutboxRelay>> Start(eventstore::EventStore* store,
                                                            OutboxRelayOptions options);
  ~OutboxRelay();  // Stop(absl::ZeroDuration()) if not stopped

  // Stops reading the log, waits up to `flush_timeout` for in-flight deliveries, persists the cursor.
  void Stop(absl::Duration flush_timeout);

  // Highest position P such that every event at or below P has been acknowledged by Kafka.
  uint64_t delivered_position() const;
  // Events committed but not yet acknowledged.
  uint64_t pending() const;

  // Raises an idempotent-producer fatal error on the current producer (rd_kafka_test_fatal_error), as a
  // broker-side sequence error would; tests use it to check that the relay recovers.
  absl::Status InjectFatalErrorForTesting();

  class Impl;

 private:
  explicit OutboxRelay(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfa::messaging

#endif  // SFA_LIBS_MESSAGING_OUTBOX_RELAY_H_

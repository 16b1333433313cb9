#ifndef SFA_LIBS_MESSAGING_PROJECTION_RUNNER_H_
#define SFA_LIBS_MESSAGING_PROJECTION_RUNNER_H_

// Feeds read models from Kafka topics. Partitions are assigned manually (no consumer-group join);
// each poll's events are applied through EventStore::Commit, and the partition offsets and each source
// aggregate's last-applied version are written in that same batch. On start it seeks to the stored
// offsets; an event whose version is not above the last applied one changes nothing.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "base/metrics.h"
#include "eventstore/event_store.h"
#include "eventstore/projection.h"

namespace sfa::messaging {

struct ProjectionRunnerOptions {
  std::string brokers;
  std::vector<std::string> topics;
  // Read models fed by these topics (their column families must be among the store's
  // extra_column_families). Not owned.
  std::vector<eventstore::Projection*> projections;
  // Scale-out: this replica consumes partitions p with p % replicas == replica_ordinal.
  int replica_ordinal = 0;
  int replicas = 1;
  size_t max_batch = 500;  // events applied per commit at most
  std::map<std::string, std::string> consumer_config;  // extra librdkafka properties
  base::MetricsRegistry* metrics = &base::MetricsRegistry::Default();
};

// meta-cf key of the next offset to read from a partition: "proj_offset/<topic>/<partition>" -> u64 BE.
// One runner per store consumes a topic: the key does not name the runner.
std::string ProjectionOffsetKey(absl::string_view topic, int32_t partition);

class ProjectionRunner {
 public:
  // Starts the runner thread; partitions are assigned on it, retrying while Kafka is unreachable.
  // The store must outlive the runner.
  static absl::StatusOr<std::unique_ptr<ProjectionRunner>> Start(eventstore::EventStore* store,
                                                                 ProjectionRunnerOptions options);
  ~ProjectionRunner();  // Stop()
  void Stop();

  // Events known on the assigned partitions (high watermarks) and not yet applied.
  int64_t lag() const;
  // Records consumed since start: applied, skipped as duplicates, or skipped as poison.
  uint64_t consumed() const;

  class Impl;

 private:
  explicit ProjectionRunner(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Declares the runner's metric families (no series): a service without Kafka-fed read models exposes
// the same families as one with them.
void DeclareProjectionRunnerMetrics(base::MetricsRegistry& registry);

}  // namespace sfa::messaging

#endif  // SFA_LIBS_MESSAGING_PROJECTION_RUNNER_H_

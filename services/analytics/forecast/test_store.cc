#include "analytics/forecast/test_store.h"

#include "eventstore/test_util.h"
#include "messaging/dedup_apply.h"

namespace sfa::analytics::forecast::testing {

absl::StatusOr<std::unique_ptr<TestStore>> TestStore::Open(const std::string& path) {
  std::unique_ptr<TestStore> t(new TestStore());
  eventstore::EventStoreOptions options;
  options.path = path;
  options.service = "analytics";
  options.sync = false;
  for (eventstore::Projection* p :
       std::vector<eventstore::Projection*>{&t->dims_, &t->stage_stats_, &t->pipeline_as_of_, &t->forecast_}) {
    for (std::string& cf : p->column_families()) options.extra_column_families.push_back(std::move(cf));
  }
  absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store = eventstore::EventStore::Open(std::move(options));
  if (!store.ok()) return store.status();
  t->store_ = *std::move(store);
  return t;
}

absl::Status TestStore::Apply(const std::vector<sfa::common::v1::EventEnvelope>& events) {
  // stage_stats first: the others may read the pipeline definitions it keeps (as ReadModels orders them).
  const std::vector<eventstore::Projection*> projections = {&dims_, &stage_stats_, &pipeline_as_of_, &forecast_};
  return store_->Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
    for (const auto& e : events) {
      absl::StatusOr<messaging::ApplyOutcome> applied = messaging::ApplyOnce(e, projections, txn);
      if (!applied.ok()) return applied.status();
    }
    return absl::OkStatus();
  });
}

absl::Status TestStore::Add(const sfa::common::v1::EventEnvelope& event, size_t batch) {
  pending_.push_back(event);
  return pending_.size() >= batch ? Flush() : absl::OkStatus();
}

absl::Status TestStore::Flush() {
  absl::Status s = Apply(pending_);
  pending_.clear();
  return s;
}

std::map<std::string, std::vector<std::pair<std::string, std::string>>> TestStore::DumpForecast() const {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> out;
  for (const std::string& cf : forecast_.column_families())
    out[cf] = eventstore::testing::DumpColumnFamily(*store_, cf);
  return out;
}

}  // namespace sfa::analytics::forecast::testing

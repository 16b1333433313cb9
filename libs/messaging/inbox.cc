#include "messaging/inbox.h"

#include <utility>
#include <vector>

#include "base/key_codec.h"
#include "base/log.h"
#include "eventstore/read_model_scan.h"

namespace sfa::messaging {
namespace {

using sfa::common::v1::EventEnvelope;

// Entries in arrival order: a per-inbox sequence kept in the family itself under the empty key.
constexpr char kSequenceKey[] = "";

constexpr size_t kBatch = 100;

bool Permanent(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kDataLoss:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

}  // namespace

InboxProjection::InboxProjection(std::string name, std::function<bool(const EventEnvelope&)> wanted)
    : name_(std::move(name)), cf_("rm_inbox_" + name_), wanted_(std::move(wanted)) {}

absl::Status InboxProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (!wanted_(event)) return absl::OkStatus();
  absl::StatusOr<std::optional<std::string>> last = txn.Get(cf_, kSequenceKey);
  if (!last.ok()) return last.status();
  const uint64_t next = (last->has_value() && (*last)->size() == 8 ? base::DecodeUint64(**last) : 0) + 1;
  if (absl::Status s = txn.Put(cf_, kSequenceKey, base::EncodeUint64(next)); !s.ok()) return s;
  return txn.Put(cf_, base::KeyBuilder().Uint64(next).Release(), event.SerializeAsString());
}

InboxFamilies InboxFamilies::Declare(base::MetricsRegistry& m) {
  return InboxFamilies{
      &m.AddCounter("sfa_inbox_handled_total", "Inbox events whose reaction succeeded.", {"inbox"}),
      &m.AddCounter("sfa_inbox_dropped_total", "Inbox events whose reaction failed for good.", {"inbox"}),
      &m.AddCounter("sfa_inbox_retries_total", "Inbox reactions that failed and will be retried.", {"inbox"}),
  };
}

void DeclareInboxMetrics(base::MetricsRegistry& registry) { InboxFamilies::Declare(registry); }

InboxWorker::InboxWorker(eventstore::EventStore* store, const InboxProjection* inbox, Reaction react,
                         InboxWorkerOptions options)
    : store_(store), inbox_(inbox), react_(std::move(react)), options_(std::move(options)) {
  const InboxFamilies f = InboxFamilies::Declare(*options_.metrics);
  handled_ = &f.handled->WithLabels({inbox_->name()});
  dropped_ = &f.dropped->WithLabels({inbox_->name()});
  retried_ = &f.retried->WithLabels({inbox_->name()});
  thread_ = std::thread([this] { Loop(); });
}

InboxWorker::~InboxWorker() { Stop(); }

void InboxWorker::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

size_t InboxWorker::pending() const {
  size_t n = 0;
  const std::string first = base::KeyBuilder().Uint64(0).Release();
  (void)eventstore::ScanRange(*store_, inbox_->cf(), {first, ""}, SIZE_MAX, [&](absl::string_view, absl::string_view) {
    ++n;
    return true;
  });
  return n;
}

void InboxWorker::Loop() {
  for (;;) {
    const absl::Duration wait = Pass();
    absl::MutexLock lock(&mu_);
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_; };
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping), wait)) return;
  }
}

absl::Duration InboxWorker::Pass() {
  std::vector<std::pair<std::string, std::string>> batch;
  const std::string first = base::KeyBuilder().Uint64(0).Release();  // after the sequence key ""
  absl::Status scanned = eventstore::ScanRange(*store_, inbox_->cf(), {first, ""}, kBatch,
                                               [&](absl::string_view key, absl::string_view value) {
                                                 batch.emplace_back(std::string(key), std::string(value));
                                                 return true;
                                               });
  if (!scanned.ok()) {
    base::LogWarn("inbox scan failed", {{"inbox", inbox_->name()}, {"error", scanned.ToString()}});
    return options_.poll_interval;
  }
  for (const auto& [key, value] : batch) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return absl::ZeroDuration();
    }
    EventEnvelope event;
    absl::Status reacted = event.ParseFromString(value) ? react_(event)
                                                        : absl::DataLossError("unreadable inbox entry");
    if (!reacted.ok() && !Permanent(reacted)) {
      // Oldest first: later entries wait, so reactions on one record keep their order.
      retried_->Inc();
      backoff_ = std::min(options_.max_backoff,
                          backoff_ == absl::ZeroDuration() ? options_.poll_interval : backoff_ * 2);
      base::LogWarn("inbox reaction failed; retrying", {{"inbox", inbox_->name()},
                                                         {"event", event.payload_type()},
                                                         {"aggregate", event.aggregate_id()},
                                                         {"error", reacted.ToString()},
                                                         {"retry_in_ms", absl::ToInt64Milliseconds(backoff_)}});
      return backoff_;
    }
    backoff_ = absl::ZeroDuration();
    if (reacted.ok()) {
      handled_->Inc();
    } else {
      dropped_->Inc();
      base::LogError("inbox reaction refused; event dropped", {{"inbox", inbox_->name()},
                                                                {"event", event.payload_type()},
                                                                {"aggregate", event.aggregate_id()},
                                                                {"error", reacted.ToString()}});
    }
    absl::Status removed = store_->Commit([&](eventstore::ReadModelTxn& txn) { return txn.Delete(inbox_->cf(), key); });
    if (!removed.ok()) {
      base::LogWarn("inbox entry not removed", {{"inbox", inbox_->name()}, {"error", removed.ToString()}});
      return options_.poll_interval;
    }
  }
  return batch.size() == kBatch ? absl::ZeroDuration() : options_.poll_interval;
}

}  // namespace sfa::messaging

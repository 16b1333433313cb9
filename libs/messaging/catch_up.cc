#include "messaging/catch_up.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/log.h"
#include "messaging/dedup_apply.h"

namespace sfa::messaging {
namespace {

using eventstore::EventEnvelope;

// The label the shared projection counters carry for events that came through catch-up.
constexpr char kFeedLabel[] = "catch_up";

absl::Status FromGrpc(const grpc::Status& s) {
  // grpc and absl share the canonical code numbering.
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()),
                      absl::StrCat("EventFeed.ReadEvents: ", s.error_message()));
}

absl::Status ApplyBatch(eventstore::EventStore* store, const std::vector<eventstore::Projection*>& projections,
                        const std::vector<EventEnvelope>& batch, const ApplyMetrics& metrics, CatchUpResult* result) {
  ApplyCounts counts;
  absl::Status s = store->Commit([&](eventstore::ReadModelTxn& txn) -> absl::Status {
    counts = ApplyCounts();
    for (const EventEnvelope& event : batch) {
      absl::StatusOr<ApplyOutcome> outcome = ApplyOnce(event, projections, txn);
      if (!outcome.ok()) {
        return absl::Status(outcome.status().code(), absl::StrCat("position ", event.global_position(), " event ",
                                                                  event.event_id(), ": ", outcome.status().message()));
      }
      counts.Add(*outcome);
    }
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  metrics.Record(counts);
  result->applied += counts.applied;
  result->duplicates += counts.duplicates;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CatchUpResult> CatchUp(sfa::common::v1::EventFeed::StubInterface& feed, eventstore::EventStore* store,
                                      const std::vector<eventstore::Projection*>& projections,
                                      const CatchUpOptions& options) {
  if (store == nullptr) return absl::InvalidArgumentError("catch-up needs a store");
  if (options.batch_size == 0) return absl::InvalidArgumentError("batch_size must be > 0");
  const ApplyMetrics metrics = ApplyMetrics::Create(*options.metrics, kFeedLabel);
  base::Counter& poison = options.metrics
                              ->AddCounter("sfa_projection_poison_total",
                                           "Records skipped because they are not a valid EventEnvelope.", {"topic"})
                              .WithLabels({kFeedLabel});
  grpc::ClientContext context;
  if (options.setup_context) options.setup_context(context);
  sfa::common::v1::ReadEventsRequest request;
  request.set_from_position(options.from_position);
  request.set_follow(false);
  std::unique_ptr<grpc::ClientReaderInterface<EventEnvelope>> reader = feed.ReadEvents(&context, request);

  CatchUpResult result;
  std::vector<EventEnvelope> batch;
  batch.reserve(options.batch_size);
  EventEnvelope event;
  absl::Status status;
  while (status.ok() && reader->Read(&event)) {
    ++result.events;
    result.last_position = event.global_position();
    if (absl::Status valid = ValidateForApply(event); !valid.ok()) {
      // Skipped exactly as the Kafka runner skips it, so both feeds build the same read model.
      poison.Inc();
      base::LogWarn("catch-up skips an invalid event",
                    {{"position", event.global_position()}, {"error", valid.message()}});
      continue;
    }
    batch.push_back(std::move(event));
    event.Clear();
    if (batch.size() >= options.batch_size) {
      status = ApplyBatch(store, projections, batch, metrics, &result);
      batch.clear();
    }
  }
  if (!status.ok()) {
    context.TryCancel();  // Finish would otherwise wait for the server to send the rest
    reader->Finish();     // the cancellation status says nothing the apply error does not
    return status;
  }
  if (!batch.empty()) {
    if (absl::Status s = ApplyBatch(store, projections, batch, metrics, &result); !s.ok()) {
      reader->Finish();  // the stream has ended already; its status is secondary to the apply error
      return s;
    }
  }
  if (grpc::Status s = reader->Finish(); !s.ok()) return FromGrpc(s);
  return result;
}

}  // namespace sfa::messaging

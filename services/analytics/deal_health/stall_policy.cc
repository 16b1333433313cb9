// The stall policy: one aggregate per tenant (stall_policy/default), written by DefineStallPolicy through
// the shared CommandRunner (request-id idempotency, expected_version), read by ListStalledDeals from
// its own read model, updated in the same commit as the event.

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "analytics/deal_health/deal_health.h"
#include "base/key_codec.h"
#include "domain/field_checks.h"
#include "domain/support.h"
#include "eventstore/read_model_rows.h"
#include "google/protobuf/util/message_differencer.h"

namespace sfa::analytics::deal_health {
namespace {

using sfa::common::v1::EventEnvelope;

// Seconds and nanos within google.protobuf.Duration's range and of one sign; then 0 < d <= kMaxStallDuration.
absl::Status PositiveDuration(absl::string_view field, const google::protobuf::Duration& d) {
  constexpr int64_t kMaxSeconds = 315'576'000'000;
  const bool well_formed = d.seconds() >= -kMaxSeconds && d.seconds() <= kMaxSeconds && d.nanos() > -1'000'000'000 &&
                           d.nanos() < 1'000'000'000 && !(d.seconds() > 0 && d.nanos() < 0) &&
                           !(d.seconds() < 0 && d.nanos() > 0);
  if (!well_formed) return domain::Invalid(field, "is not a valid duration");
  const absl::Duration value = domain::ToDuration(d);
  if (value <= absl::ZeroDuration()) return domain::Invalid(field, "must be positive");
  if (value > kMaxStallDuration) {
    return domain::Invalid(field, absl::StrCat("must be at most ", kMaxStallDuration / absl::Hours(24), " days"));
  }
  return absl::OkStatus();
}

absl::Status ValidatePolicy(const v1::StallPolicyDefined& policy) {
  if (policy.thresholds_size() > static_cast<int>(kMaxStallThresholds)) {
    return domain::Invalid("policy.thresholds", absl::StrCat("must have at most ", kMaxStallThresholds, " entries"));
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < policy.thresholds_size(); ++i) {
    const v1::StallThreshold& t = policy.thresholds(i);
    const std::string field = absl::StrCat("policy.thresholds[", i, "]");
    SFA_RETURN_IF_ERROR(domain::Id(absl::StrCat(field, ".pipeline_id"), t.pipeline_id(), domain::kRequired));
    SFA_RETURN_IF_ERROR(domain::Id(absl::StrCat(field, ".stage_id"), t.stage_id(), domain::kRequired));
    if (!t.has_max_time_in_stage()) return domain::Invalid(absl::StrCat(field, ".max_time_in_stage"), "is required");
    SFA_RETURN_IF_ERROR(PositiveDuration(absl::StrCat(field, ".max_time_in_stage"), t.max_time_in_stage()));
    if (!seen.emplace(t.pipeline_id(), t.stage_id()).second) {
      return domain::Invalid(field, absl::StrCat("repeats pipeline ", t.pipeline_id(), " stage ", t.stage_id()));
    }
  }
  if (policy.has_max_days_without_activity()) {
    SFA_RETURN_IF_ERROR(PositiveDuration("policy.max_days_without_activity", policy.max_days_without_activity()));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> StallPolicyProjection::column_families() const { return {kStallPolicyCf}; }

absl::Status StallPolicyProjection::Apply(const EventEnvelope& event, eventstore::ReadModelTxn& txn) {
  if (event.payload_type() != v1::StallPolicyDefined::descriptor()->full_name()) return absl::OkStatus();
  v1::StallPolicyDefined policy;
  if (!policy.ParseFromString(event.payload())) return absl::DataLossError("unreadable StallPolicyDefined");
  policy.set_version(event.aggregate_version());
  return eventstore::WriteRow(txn, kStallPolicyCf, base::KeyBuilder().String(event.tenant()).Release(), policy);
}

absl::Status EvolveStallPolicy(StallPolicyState& state, const EventEnvelope& event) {
  if (event.payload_type() != v1::StallPolicyDefined::descriptor()->full_name()) {
    return absl::DataLossError(absl::StrCat("unexpected ", event.payload_type(), " in a stall_policy stream"));
  }
  if (!state.policy.ParseFromString(event.payload())) return absl::DataLossError("unreadable StallPolicyDefined");
  state.version = event.aggregate_version();
  state.policy.set_version(state.version);
  return absl::OkStatus();
}

std::vector<v1::StallPolicyDefined> DecideStallPolicy(const StallPolicyState& state,
                                                      const v1::DefineStallPolicyRequest& request) {
  v1::StallPolicyDefined next = request.policy();
  next.set_version(state.version);
  if (state.version > 0 && google::protobuf::util::MessageDifferencer::Equals(next, state.policy)) return {};
  next.set_version(state.version + 1);
  return {std::move(next)};
}

absl::Status Validate(const v1::DefineStallPolicyRequest& r) {
  SFA_RETURN_IF_ERROR(domain::RequestId(r.request_id()));
  if (!r.has_policy()) return domain::Invalid("policy", "is required");
  SFA_RETURN_IF_ERROR(ValidatePolicy(r.policy()));
  if (r.expected_version() > static_cast<uint64_t>(INT64_MAX)) {
    return domain::Invalid("expected_version", "is out of range");
  }
  return absl::OkStatus();
}

void DefineStallPolicy(eventstore::CommandRunner& runner, const server::Principal& principal,
                       const v1::DefineStallPolicyRequest& request,
                       std::function<void(absl::StatusOr<v1::DefineStallPolicyResponse>)> done) {
  eventstore::Command<StallPolicyState> command;
  command.stream = {principal.tenant, kStallPolicyStream, kStallPolicyId};
  command.context.request_id = request.request_id();
  command.context.actor = principal.user;
  command.context.correlation_id = request.request_id();
  // 0 = whatever the current version is (as every service's expected_version).
  command.expected_version =
      request.expected_version() == 0 ? eventstore::kAnyVersion : static_cast<int64_t>(request.expected_version());
  command.evolve = EvolveStallPolicy;
  command.decide = [request](const StallPolicyState& state,
                             uint64_t) -> absl::StatusOr<std::vector<eventstore::NewEvent>> {
    std::vector<eventstore::NewEvent> events;
    for (const v1::StallPolicyDefined& e : DecideStallPolicy(state, request)) {
      eventstore::NewEvent event;
      event.payload_type = v1::StallPolicyDefined::descriptor()->full_name();
      event.payload = e.SerializeAsString();
      events.push_back(std::move(event));
    }
    return events;
  };
  runner.Run<StallPolicyState>(std::move(command),
                               [done = std::move(done)](absl::StatusOr<eventstore::CommandResult<StallPolicyState>> r) {
                                 if (!r.ok()) return done(r.status());
                                 v1::DefineStallPolicyResponse out;
                                 *out.mutable_policy() = std::move(r->state.policy);
                                 done(std::move(out));
                               });
}

}  // namespace sfa::analytics::deal_health

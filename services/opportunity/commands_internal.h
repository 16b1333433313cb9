#ifndef SFA_SERVICES_OPPORTUNITY_COMMANDS_INTERNAL_H_
#define SFA_SERVICES_OPPORTUNITY_COMMANDS_INTERNAL_H_

// Template definitions shared by the commands_*.cc files: how a command runs through the CommandRunner
// and how its reply is built from a read-model view. Include from those files only.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "opportunity/commands.h"

namespace sfa::opportunity {

// A retried request id answers with the stream of its first call; if that call was another command
// (a client reusing ids), its record is not what this command returns.
inline absl::StatusOr<std::string> IdOfStream(const eventstore::StreamId& stream, absl::string_view type,
                                              absl::string_view request_id) {
  if (stream.type != type) {
    return absl::AlreadyExistsError(
        absl::StrCat("request_id ", request_id, " was already used for a ", stream.type, " command"));
  }
  return stream.id;
}

template <typename State, typename DecideFn>
void Commands::Execute(const Principal& p, const std::string& id, const std::string& request_id,
                       uint64_t expected_version, DecideFn decide, IdReply done) {
  eventstore::Command<State> command;
  command.stream = {p.tenant, Aggregate<State>::kType, id};
  command.context.request_id = request_id;
  command.context.actor = p.user;
  command.context.correlation_id = request_id;
  command.expected_version = expected_version == 0 ? eventstore::kAnyVersion : static_cast<int64_t>(expected_version);
  // A retried request id is answered with the first call's stream; when that is another aggregate type
  // (a reused id) its events are not this state's, and IdOfStream below reports the reuse.
  command.evolve = [](State& state, const eventstore::EventEnvelope& event) {
    if (event.aggregate_type() != Aggregate<State>::kType) return absl::OkStatus();
    return EvolveEnvelope(state, event);
  };
  command.decide = [decide = std::move(decide)](const State& state,
                                                uint64_t) -> absl::StatusOr<std::vector<eventstore::NewEvent>> {
    auto events = decide(state);
    if (!events.ok()) return events.status();
    return ToNewEvents(*events);
  };
  base::Executor* executor = deps_.executor;
  deps_.runner->Run<State>(std::move(command), [executor, request_id, done = std::move(done)](
                                                   absl::StatusOr<eventstore::CommandResult<State>> result) {
    absl::StatusOr<std::string> changed =
        result.ok() ? IdOfStream(result->append.stream, Aggregate<State>::kType, request_id) : result.status();
    executor->Post([done, changed = std::move(changed)] { done(changed); });
  });
}

// An IdReply that answers with `view(id)` placed in the response by `set`.
template <typename Response, typename ViewFn, typename SetFn>
std::function<void(absl::StatusOr<std::string>)> ViewReply(Reply<Response> reply, ViewFn view, SetFn set) {
  return [reply = std::move(reply), view = std::move(view), set = std::move(set)](absl::StatusOr<std::string> id) {
    if (!id.ok()) return reply(id.status());
    auto row = view(*id);
    if (!row.ok()) return reply(row.status());
    Response response;
    set(response, *std::move(row));
    reply(std::move(response));
  };
}

template <typename Response>
std::function<void(absl::StatusOr<std::string>)> Commands::OpportunityReply(const std::string& tenant,
                                                                            Reply<Response> reply) const {
  const Queries* queries = deps_.queries;
  return ViewReply<Response>(
      std::move(reply), [queries, tenant](const std::string& id) { return queries->Opportunity(tenant, id); },
      [](Response& r, v1::Opportunity o) { *r.mutable_opportunity() = std::move(o); });
}

}  // namespace sfa::opportunity

#endif  // SFA_SERVICES_OPPORTUNITY_COMMANDS_INTERNAL_H_

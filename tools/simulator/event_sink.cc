#include "tools/simulator/event_sink.h"

#include <fcntl.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/util/delimited_message_util.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <queue>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "opportunity/domain/account.h"
#include "opportunity/domain/activity.h"
#include "opportunity/domain/opportunity.h"
#include "opportunity/domain/pipeline.h"
#include "opportunity/domain/sales_team.h"
#include "opportunity/domain/support.h"
#include "opportunity/domain/user.h"
#include "opportunity/domain/validation.h"
#include "tools/simulator/plan.h"
#include "tools/simulator/random.h"

namespace sfa::tools::simulator {
namespace {

namespace domain = ::sfa::opportunity::domain;
using common::v1::EventEnvelope;

constexpr char kSource[] = "opportunity";

uint64_t Fnv1a(absl::string_view text, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// A version-8 UUID (RFC 9562: custom bits) from the event's identity, so reruns give the same ids.
std::string EventId(absl::string_view tenant, absl::string_view type, absl::string_view id, uint64_t version) {
  const std::string key = absl::StrCat(tenant, "/", type, "/", id, "/", version);
  uint64_t hi = Mix64(Fnv1a(key, 0xcbf29ce484222325ULL));
  uint64_t lo = Mix64(Fnv1a(key, 0x84222325cbf29ce4ULL) ^ hi);
  hi = (hi & ~uint64_t{0xF000}) | 0x8000;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                         lo & 0xFFFFFFFFFFFFULL);
}

absl::Time At(int64_t unix_seconds) { return absl::FromUnixSeconds(unix_seconds); }

absl::Status Refused(const std::string& request_id, const absl::Status& status) {
  return absl::InternalError(
      absl::StrCat("the opportunity domain refused ", request_id, " (a simulator bug): ", status.ToString()));
}

class Emitter {
 public:
  Emitter(const Simulation& sim, const EventSinkOptions& options, const EnvelopeCallback& emit)
      : sim_(sim), options_(options), emit_(emit) {}

  absl::Status Setup();
  absl::Status RunByDeal();
  absl::Status RunByTime();
  const EventSinkStats& stats() const { return stats_; }

 private:
  struct Deal {
    DealHistory history;
    std::string id;
    std::vector<Command> commands;
    domain::OpportunityState state;
    uint64_t version = 0;
    size_t next = 0;
  };

  Deal Start(int64_t index) const;
  absl::Status RunStep(Deal& deal);
  absl::Status SetupCommand(const Command& command);

  template <typename State, typename DomainCommand>
  absl::Status DecideAndPublish(State& state, uint64_t& version, const char* type, const std::string& id,
                                const DomainCommand& command, int64_t& counter);

  template <typename Payload>
  absl::Status Publish(absl::string_view type, const std::string& id, uint64_t version,
                       const domain::Event<Payload>& event, const std::string& request_id);

  const Simulation& sim_;
  const EventSinkOptions& options_;
  const EnvelopeCallback& emit_;
  EventSinkStats stats_;
  uint64_t position_ = 0;
  EventEnvelope envelope_;
  absl::flat_hash_map<std::string, domain::UserState> users_;
  absl::flat_hash_map<std::string, uint64_t> user_versions_;
  domain::PipelineState pipeline_;
  absl::flat_hash_set<std::string> accounts_;
};

template <typename Payload>
absl::Status Emitter::Publish(absl::string_view type, const std::string& id, uint64_t version,
                              const domain::Event<Payload>& event, const std::string& request_id) {
  envelope_.Clear();
  envelope_.set_event_id(EventId(options_.tenant, type, id, version));
  envelope_.set_tenant(options_.tenant);
  envelope_.set_aggregate_type(std::string(type));
  envelope_.set_aggregate_id(id);
  envelope_.set_aggregate_version(version);
  envelope_.set_global_position(++position_);
  *envelope_.mutable_occurred_at() = domain::ToTimestamp(event.occurred_at);
  *envelope_.mutable_recorded_at() = envelope_.occurred_at();
  envelope_.set_actor(options_.actor);
  envelope_.set_request_id(request_id);
  envelope_.set_correlation_id(request_id);
  envelope_.set_payload_type(domain::PayloadType(event.payload));
  envelope_.set_payload(domain::SerializePayload(event.payload));
  envelope_.set_source(kSource);
  ++stats_.envelopes;
  stats_.bytes += static_cast<int64_t>(envelope_.ByteSizeLong());
  return emit_(envelope_);
}

template <typename State, typename DomainCommand>
absl::Status Emitter::DecideAndPublish(State& state, uint64_t& version, const char* type, const std::string& id,
                                       const DomainCommand& command, int64_t& counter) {
  const std::string& request_id = command.request.request_id();
  if (absl::Status valid = domain::Validate(command.request); !valid.ok()) return Refused(request_id, valid);
  ++stats_.commands;
  auto events = domain::Decide(state, command);
  if (!events.ok()) return Refused(request_id, events.status());
  // A command that changes nothing leaves the service no answer to replay for its request id, so a rerun
  // would be decided again on the later state; every simulated step must change something.
  if (events->empty()) return Refused(request_id, absl::InternalError("decided no events"));
  for (const auto& event : *events) {
    state = domain::Evolve(std::move(state), event);
    if (absl::Status s = Publish(type, id, ++version, event, request_id); !s.ok()) return s;
    ++counter;
  }
  return absl::OkStatus();
}

absl::Status Emitter::SetupCommand(const Command& command) {
  const absl::Time now = At(sim_.start());
  int64_t& counter = stats_.setup_envelopes;
  if (const auto* r = std::get_if<v1::UpsertUserRequest>(&command)) {
    domain::UserState& user = users_[r->user_id()];
    return DecideAndPublish(user, user_versions_[r->user_id()], domain::kUserAggregate, r->user_id(),
                            domain::UpsertUser{*r, now}, counter);
  }
  if (const auto* r = std::get_if<v1::UpsertSalesTeamRequest>(&command)) {
    domain::UpsertSalesTeam team{*r, {}, {}, now};
    team.users[r->manager_user_id()] = users_[r->manager_user_id()];
    for (const std::string& member : r->member_user_ids()) team.users[member] = users_[member];
    domain::SalesTeamState state;
    uint64_t version = 0;
    return DecideAndPublish(state, version, domain::kSalesTeamAggregate, r->team_id(), team, counter);
  }
  if (const auto* r = std::get_if<v1::DefinePipelineRequest>(&command)) {
    uint64_t version = pipeline_.versions.size();
    return DecideAndPublish(pipeline_, version, domain::kPipelineAggregate, r->pipeline_id(),
                            domain::DefinePipeline{*r, now}, counter);
  }
  if (const auto* r = std::get_if<v1::CreateAccountRequest>(&command)) {
    domain::AccountState state;
    uint64_t version = 0;
    accounts_.insert(r->account_id());
    return DecideAndPublish(state, version, domain::kAccountAggregate, r->account_id(),
                            domain::CreateAccount{*r, {}, {}, now}, counter);
  }
  return absl::InternalError(absl::StrCat("not a setup command: ", CommandName(command)));
}

absl::Status Emitter::Setup() {
  for (const SetupPhase& phase : SetupPlan(sim_)) {
    for (const Command& command : phase.commands) {
      if (absl::Status s = SetupCommand(command); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

Emitter::Deal Emitter::Start(int64_t index) const {
  Deal deal;
  deal.history = sim_.Deal(index);
  deal.id = OpportunityId(sim_.seed(), index);
  deal.commands = DealCommands(sim_, deal.history);
  return deal;
}

absl::Status Emitter::RunStep(Deal& deal) {
  const Command& command = deal.commands[deal.next++];
  const absl::Time now = At(sim_.horizon());
  const domain::PipelineDefinition pipeline = pipeline_.Latest();
  int64_t& counter = stats_.opportunity_envelopes;
  return std::visit(domain::Overloaded{
                        [&](const v1::CreateOpportunityRequest& r) {
                          const bool account_exists = r.account_id().empty() || accounts_.contains(r.account_id());
                          return DecideAndPublish(
                              deal.state, deal.version, domain::kOpportunityAggregate, deal.id,
                              domain::CreateOpportunity{r, pipeline, account_exists, users_[r.owner_user_id()], now},
                              counter);
                        },
                        [&](const v1::MoveStageRequest& r) {
                          return DecideAndPublish(deal.state, deal.version, domain::kOpportunityAggregate, deal.id,
                                                  domain::MoveStage{r, pipeline, now}, counter);
                        },
                        [&](const v1::UpdateOpportunityRequest& r) {
                          return DecideAndPublish(deal.state, deal.version, domain::kOpportunityAggregate, deal.id,
                                                  domain::UpdateOpportunity{r, {}, now}, counter);
                        },
                        [&](const v1::CloseWonRequest& r) {
                          return DecideAndPublish(deal.state, deal.version, domain::kOpportunityAggregate, deal.id,
                                                  domain::CloseWon{r, pipeline, now}, counter);
                        },
                        [&](const v1::CloseLostRequest& r) {
                          return DecideAndPublish(deal.state, deal.version, domain::kOpportunityAggregate, deal.id,
                                                  domain::CloseLost{r, pipeline, now}, counter);
                        },
                        [&](const v1::LogActivityRequest& r) {
                          domain::LogActivity log{r, {}, {}, users_[r.owner_user_id()], now};
                          log.subject = {true, deal.state.account_id, deal.id, deal.state.owner_user_id};
                          domain::ActivityState state;
                          uint64_t version = 0;
                          return DecideAndPublish(state, version, domain::kActivityAggregate, r.activity_id(), log,
                                                  stats_.activity_envelopes);
                        },
                        [&](const auto& r) {
                          return absl::InternalError(absl::StrCat("not a deal command: ", r.GetDescriptor()->name()));
                        },
                    },
                    command);
}

absl::Status Emitter::RunByDeal() {
  for (int64_t i = 0; i < sim_.deals(); ++i) {
    Deal deal = Start(i);
    ++stats_.deals;
    while (deal.next < deal.commands.size()) {
      if (absl::Status s = RunStep(deal); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Emitter::RunByTime() {
  // Pending steps as (time, deal index), earliest first; the deals they belong to by index.
  using Pending = std::pair<int64_t, int64_t>;
  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> pending;
  absl::flat_hash_map<int64_t, Deal> open;
  int64_t next = 0;
  for (;;) {
    while (next < sim_.deals() && (pending.empty() || sim_.CreatedAt(next) <= pending.top().first)) {
      Deal deal = Start(next);
      ++stats_.deals;
      if (!deal.commands.empty()) {
        pending.emplace(deal.history.steps[0].at, next);
        open.emplace(next, std::move(deal));
      }
      ++next;
    }
    if (pending.empty()) return absl::OkStatus();
    const int64_t index = pending.top().second;
    pending.pop();
    auto it = open.find(index);
    Deal& deal = it->second;
    if (absl::Status s = RunStep(deal); !s.ok()) return s;
    if (deal.next < deal.commands.size()) {
      pending.emplace(deal.history.steps[deal.next].at, index);
    } else {
      open.erase(it);
    }
  }
}

}  // namespace

absl::StatusOr<EventSinkStats> EmitEvents(const Simulation& simulation, const EventSinkOptions& options,
                                          const EnvelopeCallback& emit) {
  Emitter emitter(simulation, options, emit);
  if (absl::Status s = emitter.Setup(); !s.ok()) return s;
  absl::Status run = options.order == EventOrder::kByTime ? emitter.RunByTime() : emitter.RunByDeal();
  if (!run.ok()) return run;
  return emitter.stats();
}

absl::StatusOr<EventSinkStats> WriteEventsFile(const Simulation& simulation, const EventSinkOptions& options,
                                               const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  google::protobuf::io::FileOutputStream out(fd);
  absl::StatusOr<EventSinkStats> stats = EmitEvents(simulation, options, [&](const EventEnvelope& envelope) {
    if (google::protobuf::util::SerializeDelimitedToZeroCopyStream(envelope, &out)) return absl::OkStatus();
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", std::strerror(out.GetErrno())));
  });
  const bool closed = out.Close();  // flushes
  if (!stats.ok()) return stats.status();
  if (!closed) return absl::InternalError(absl::StrCat("cannot write ", path, ": ", std::strerror(out.GetErrno())));
  return stats;
}

absl::Status ReadEventsFile(const std::string& path, const EnvelopeCallback& each) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  google::protobuf::io::FileInputStream in(fd);
  in.SetCloseOnDelete(true);
  EventEnvelope envelope;
  for (int64_t n = 0;; ++n) {
    bool clean_eof = false;
    if (!google::protobuf::util::ParseDelimitedFromZeroCopyStream(&envelope, &in, &clean_eof)) {
      if (clean_eof) return absl::OkStatus();
      return absl::DataLossError(absl::StrCat(path, ": envelope ", n + 1, " is truncated or corrupt"));
    }
    if (absl::Status s = each(envelope); !s.ok()) return s;
  }
}

}  // namespace sfa::tools::simulator

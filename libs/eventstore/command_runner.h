#ifndef SFA_LIBS_EVENTSTORE_COMMAND_RUNNER_H_
#define SFA_LIBS_EVENTSTORE_COMMAND_RUNNER_H_

// Runs a command against one aggregate the same way in every service: answer a retried request id
// with the first result; fold the stream into state; decide; append at the version the decision saw.
// Commands on one aggregate are serialized in-process; a version conflict with another writer is
// ABORTED when the caller named an expected version, and is retried on fresh state when it did not. Completion is asynchronous so gRPC callback threads never wait for an fsync.

#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <typeinfo>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "eventstore/event_store.h"
#include "google/protobuf/util/time_util.h"

namespace sfa::eventstore {

template <typename State>
struct Command {
  StreamId stream;
  CommandContext context;
  int64_t expected_version = kAnyVersion;  // from the caller; kAnyVersion retries conflicts itself
  // Folds one stored event into the state (the aggregate's Evolve behind its payload decoder). It may
  // read the envelope's version, payload and occurred_at only: the runner also folds events it has
  // decided but not yet stored, to answer with (and cache) the state after the command.
  std::function<absl::Status(State&, const EventEnvelope&)> evolve;
  // Decides on the state at `version` (0: no stream yet). No events means nothing to change.
  std::function<absl::StatusOr<std::vector<NewEvent>>(const State&, uint64_t version)> decide;
};

template <typename State>
struct CommandResult {
  // What the store recorded; `deduplicated` when the request id had been seen. For a command that
  // decided no events, first_version > last_version and the positions are 0.
  AppendResult append;
  // The aggregate after the command (for a retried request id: as it is now), and its version.
  State state;
  uint64_t version = 0;
};

// Shared by every command of a service. Owns one thread that re-runs commands whose append lost a
// race (or whose duplicate must be answered from storage), so the event store's sequencer thread,
// which completes appends, never reads or decides.
class CommandRunner {
 public:
  explicit CommandRunner(EventStore* store, int max_attempts = 5) : store_(store), max_attempts_(max_attempts) {
    worker_ = std::thread([this] { WorkLoop(); });
  }
  // Waits for commands in flight. Destroy it before the store, once no new commands arrive.
  ~CommandRunner() {
    {
      absl::MutexLock lock(&mu_);
      auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return in_flight_ == 0; };
      mu_.Await(absl::Condition(&idle));
      stopping_ = true;
    }
    worker_.join();
  }
  CommandRunner(const CommandRunner&) = delete;
  CommandRunner& operator=(const CommandRunner&) = delete;

  // Commands on one aggregate run one after the other (the next starts when the previous completed),
  // so in-process callers never conflict; conflicts with other writers are retried or ABORTED.
  template <typename State>
  void Run(Command<State> command, std::function<void(absl::StatusOr<CommandResult<State>>)> done) {
    std::string key = StreamKey(command.stream);
    Done<State> finish = [this, key, done = std::move(done)](absl::StatusOr<CommandResult<State>> r) {
      done(std::move(r));
      absl::MutexLock lock(&mu_);
      auto it = waiting_.find(key);
      if (it->second.empty()) {
        waiting_.erase(it);
      } else {
        queue_.push_back(std::move(it->second.front()));
        it->second.pop_front();
      }
      --in_flight_;
    };
    auto cmd = std::make_shared<Command<State>>(std::move(command));
    std::function<void()> start = [this, cmd, finish = std::move(finish)]() mutable {
      Attempt(cmd, std::move(finish), 1);
    };
    {
      absl::MutexLock lock(&mu_);
      ++in_flight_;
      auto [it, idle] = waiting_.try_emplace(key);
      if (!idle) {
        it->second.push_back(std::move(start));
        return;
      }
    }
    start();
  }

  template <typename State>
  absl::StatusOr<CommandResult<State>> RunSync(Command<State> command) {
    absl::Notification finished;
    absl::StatusOr<CommandResult<State>> out = absl::UnknownError("not run");
    Run<State>(std::move(command), [&](absl::StatusOr<CommandResult<State>> r) {
      out = std::move(r);
      finished.Notify();
    });
    finished.WaitForNotification();
    return out;
  }

  // Folds a stream into a state; version 0 and a default state when it does not exist. Starts from the
  // state this runner last committed for the stream, when it has it, and folds only what came after.
  template <typename State>
  absl::StatusOr<std::pair<State, uint64_t>> Load(
      const StreamId& stream, const std::function<absl::Status(State&, const EventEnvelope&)>& evolve) const {
    State state{};
    uint64_t version = 0;
    if (std::shared_ptr<const State> cached = Cached<State>(StreamKey(stream), &version)) state = *cached;
    absl::StatusOr<std::vector<EventEnvelope>> events = store_->ReadStream(stream, version + 1);
    if (!events.ok()) return events.status();
    for (const EventEnvelope& e : *events) {
      if (e.aggregate_version() != version + 1) {
        return absl::DataLossError(absl::StrCat("stream ", stream.type, "/", stream.id, " jumps from version ",
                                                version, " to ", e.aggregate_version()));
      }
      if (absl::Status s = evolve(state, e); !s.ok()) return s;
      ++version;
    }
    return std::make_pair(std::move(state), version);
  }

 private:
  template <typename State>
  using Done = std::function<void(absl::StatusOr<CommandResult<State>>)>;

  template <typename State>
  void Attempt(std::shared_ptr<Command<State>> cmd, Done<State> done, int attempt) {
    if (!cmd->context.request_id.empty()) {
      absl::StatusOr<std::optional<AppendResult>> seen =
          store_->FindRequest(cmd->stream.tenant, cmd->context.request_id);
      if (!seen.ok()) return done(seen.status());
      if (seen->has_value() && (*seen)->stream.type != cmd->stream.type) {
        return done(absl::AlreadyExistsError(absl::StrCat("request_id ", cmd->context.request_id,
                                                          " was already used for a ", (*seen)->stream.type,
                                                          " command")));
      }
      if (seen->has_value()) return done(Answered<State>(*cmd, **seen));
    }
    absl::StatusOr<std::pair<State, uint64_t>> loaded = Load<State>(cmd->stream, cmd->evolve);
    if (!loaded.ok()) return done(loaded.status());
    auto& [state, version] = *loaded;
    if (cmd->expected_version != kAnyVersion && static_cast<uint64_t>(cmd->expected_version) != version) {
      return done(absl::AbortedError(absl::StrCat("expected_version ", cmd->expected_version, " but ",
                                                  cmd->stream.type, " ", cmd->stream.id, " is at version ",
                                                  version)));
    }
    absl::StatusOr<std::vector<NewEvent>> decided = cmd->decide(state, version);
    if (!decided.ok()) return done(decided.status());
    if (decided->empty()) {
      CommandResult<State> unchanged{AppendResult{cmd->stream, version + 1, version, 0, 0, false}, std::move(state),
                                     version};
      return done(std::move(unchanged));
    }

    // Fold the decided events now, on this thread, so the completion only hands the result over.
    auto after = std::make_shared<CommandResult<State>>();
    after->state = std::move(state);
    after->version = version;
    EventEnvelope env;
    env.set_tenant(cmd->stream.tenant);
    env.set_aggregate_type(cmd->stream.type);
    env.set_aggregate_id(cmd->stream.id);
    const absl::Time now = store_->options().clock->Now();
    // Only a fold of exactly what will be stored may be cached: an event without a business time gets
    // the commit time, which is not known yet.
    bool cacheable = true;
    for (const NewEvent& e : *decided) {
      cacheable = cacheable && e.occurred_at != absl::InfinitePast();
      const absl::Time at = e.occurred_at == absl::InfinitePast() ? now : e.occurred_at;
      *env.mutable_occurred_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(at));
      env.set_aggregate_version(++after->version);
      env.set_payload_type(e.payload_type);
      env.set_payload(e.payload);
      if (absl::Status s = cmd->evolve(after->state, env); !s.ok()) return done(s);
    }

    // The copy for the cache is made here too; the completion only publishes it once durable.
    auto snapshot = cacheable ? std::make_shared<const State>(after->state) : nullptr;
    AppendRequest request{cmd->stream, static_cast<int64_t>(version), std::move(*decided), cmd->context};
    store_->AppendAsync(std::move(request), [this, cmd, done = std::move(done), after, snapshot,
                                             attempt](absl::StatusOr<AppendResult> appended) mutable {
      const bool lost_race = absl::IsAborted(appended.status()) && cmd->expected_version == kAnyVersion &&
                             attempt < max_attempts_;
      if (lost_race || (appended.ok() && appended->deduplicated)) {
        // Re-decide, or answer the duplicate from storage, off the sequencer thread.
        Post([this, cmd, done = std::move(done), attempt]() mutable { Attempt(cmd, std::move(done), attempt + 1); });
        return;
      }
      if (!appended.ok()) return done(appended.status());
      if (snapshot != nullptr) Remember(StreamKey(cmd->stream), after->version, std::move(snapshot));
      after->append = *appended;
      done(std::move(*after));
    });
  }

  // A request id seen before: the first result, with the aggregate it created or changed as it is now.
  template <typename State>
  absl::StatusOr<CommandResult<State>> Answered(const Command<State>& cmd, const AppendResult& first) const {
    absl::StatusOr<std::pair<State, uint64_t>> loaded = Load<State>(first.stream, cmd.evolve);
    if (!loaded.ok()) return loaded.status();
    CommandResult<State> out{first, std::move(loaded->first), loaded->second};
    out.append.deduplicated = true;
    return out;
  }

  // Committed states by stream key. Dropped whole past kCacheSize entries (the hot streams refill it).
  static constexpr size_t kCacheSize = 20'000;
  struct CachedState {
    uint64_t version;
    std::shared_ptr<const void> state;
    const std::type_info* type;
  };

  template <typename State>
  std::shared_ptr<const State> Cached(const std::string& key, uint64_t* version) const {
    absl::MutexLock lock(&cache_mu_);
    auto it = cache_.find(key);
    if (it == cache_.end() || *it->second.type != typeid(State)) return nullptr;
    *version = it->second.version;
    return std::static_pointer_cast<const State>(it->second.state);
  }

  template <typename State>
  void Remember(const std::string& key, uint64_t version, std::shared_ptr<const State> state) {
    absl::MutexLock lock(&cache_mu_);
    if (cache_.size() >= kCacheSize) cache_.clear();
    cache_[key] = CachedState{version, std::move(state), &typeid(State)};
  }

  void Post(std::function<void()> fn) {
    absl::MutexLock lock(&mu_);
    queue_.push_back(std::move(fn));
  }

  void WorkLoop() {
    for (;;) {
      std::function<void()> fn;
      {
        absl::MutexLock lock(&mu_);
        auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; };
        mu_.Await(absl::Condition(&ready));
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }

  EventStore* const store_;
  const int max_attempts_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  mutable absl::Mutex cache_mu_;
  absl::flat_hash_map<std::string, CachedState> cache_ ABSL_GUARDED_BY(cache_mu_);
  // Aggregates with a command running, and the commands waiting behind it.
  absl::flat_hash_map<std::string, std::deque<std::function<void()>>> waiting_ ABSL_GUARDED_BY(mu_);
  std::thread worker_;
};

}  // namespace sfa::eventstore

#endif  // SFA_LIBS_EVENTSTORE_COMMAND_RUNNER_H_

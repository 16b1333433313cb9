// Child process of eventstore_crash_test: appends under load with fsync on and reports each
// acknowledged append on stdout ("<request_id> <first_position> <last_position> <stream> <last_version>"),
// until the parent kills it with SIGKILL.
//
// Usage: eventstore_crash_child <db_path> <run_tag>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <db_path> <run_tag>\n", argv[0]);
    return 2;
  }
  sfa::eventstore::EventStoreOptions options;
  options.path = argv[1];
  options.service = "crash";
  options.sync = true;
  auto store = sfa::eventstore::EventStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  const std::string tag = argv[2];
  constexpr int kWriters = 8;
  constexpr int kEventsPerAppend = 3;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(w * 7919 + std::hash<std::string>()(tag));
      for (uint64_t seq = 0;; ++seq) {
        sfa::eventstore::AppendRequest req;
        req.stream = {absl::StrCat("t", rng() % 3), "thing", absl::StrCat("s", rng() % 50)};
        req.context.request_id = absl::StrCat(tag, "-w", w, "-", seq);
        for (int e = 0; e < kEventsPerAppend; ++e) {
          req.events.push_back({"test.Happened", std::string(64 + rng() % 512, 'x'), absl::InfinitePast(), ""});
        }
        auto r = (*store)->Append(req);
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
          _exit(1);
        }
        // One write() per line: atomic on a pipe, so the parent never sees half a report.
        std::string line = absl::StrCat(req.context.request_id, " ", r->first_position, " ", r->last_position, " ",
                                        req.stream.tenant, "/", req.stream.id, " ", r->last_version, "\n");
        if (write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(1);
      }
    });
  }
  for (auto& t : writers) t.join();
  return 0;
}

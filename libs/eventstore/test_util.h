#ifndef SFA_LIBS_EVENTSTORE_TEST_UTIL_H_
#define SFA_LIBS_EVENTSTORE_TEST_UTIL_H_

// Helpers for tests that need a scratch event store: a temporary directory removed on destruction, a
// full dump of a column family for byte-for-byte comparisons, and a quick way to make events.

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "eventstore/event_store.h"

namespace sfa::eventstore::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "sfa-test");
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Every key and value of a column family, in key order.
std::vector<std::pair<std::string, std::string>> DumpColumnFamily(const EventStore& store, absl::string_view cf);

NewEvent MakeEvent(const std::string& payload_type, const std::string& payload,
                   absl::Time occurred_at = absl::InfinitePast());

AppendRequest MakeAppend(const StreamId& stream, int64_t expected_version, std::vector<NewEvent> events,
                         const std::string& request_id = "");

}  // namespace sfa::eventstore::testing

#endif  // SFA_LIBS_EVENTSTORE_TEST_UTIL_H_

#include "eventstore/test_util.h"

#include <unistd.h>

#include <memory>

#include "rocksdb/db.h"
#include "rocksdb/iterator.h"

namespace sfa::eventstore::testing {

TempDir::TempDir(const std::string& prefix) {
  std::string base = std::filesystem::temp_directory_path().string();
  if (const char* t = std::getenv("TEST_TMPDIR"); t != nullptr && *t != '\0') base = t;
  std::string tmpl = base + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) std::abort();
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::pair<std::string, std::string>> DumpColumnFamily(const EventStore& store, absl::string_view cf) {
  std::vector<std::pair<std::string, std::string>> out;
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(rocksdb::ReadOptions(), store.Handle(cf)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) out.emplace_back(it->key().ToString(), it->value().ToString());
  return out;
}

NewEvent MakeEvent(const std::string& payload_type, const std::string& payload, absl::Time occurred_at) {
  NewEvent e;
  e.payload_type = payload_type;
  e.payload = payload;
  e.occurred_at = occurred_at;
  return e;
}

AppendRequest MakeAppend(const StreamId& stream, int64_t expected_version, std::vector<NewEvent> events,
                         const std::string& request_id) {
  AppendRequest r;
  r.stream = stream;
  r.expected_version = expected_version;
  r.events = std::move(events);
  r.context.request_id = request_id;
  r.context.actor = "tester";
  return r;
}

}  // namespace sfa::eventstore::testing

#ifndef SFA_LIBS_BASE_KEY_CODEC_H_
#define SFA_LIBS_BASE_KEY_CODEC_H_

// Order-preserving RocksDB key encoding shared by every store and read model: comparing two encoded
// keys bytewise gives the same order as comparing their parts one by one.
//   strings  escaped (0x00 -> 0x00 0xFF) and terminated by 0x00 0x01, so "a" < "a\0" < "ab";
//   uint64   8 bytes big-endian; int64 big-endian with the sign bit flipped.

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sfa::base {

class KeyBuilder {
 public:
  KeyBuilder() = default;
  explicit KeyBuilder(std::string prefix) : key_(std::move(prefix)) {}

  KeyBuilder& String(absl::string_view s);
  KeyBuilder& Uint64(uint64_t v);
  KeyBuilder& Int64(int64_t v);
  // Raw bytes with no terminator; only as the last part of a key.
  KeyBuilder& Raw(absl::string_view s);

  const std::string& key() const { return key_; }
  std::string Release() { return std::move(key_); }

 private:
  std::string key_;
};

// Reads the parts of a key in the order they were written.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}

  absl::StatusOr<std::string> String();
  absl::StatusOr<uint64_t> Uint64();
  absl::StatusOr<int64_t> Int64();
  bool done() const { return rest_.empty(); }
  absl::string_view rest() const { return rest_; }

 private:
  absl::string_view rest_;
};

// The smallest key greater than every key that starts with `prefix` (for iterate_upper_bound).
// Empty when no such key exists (prefix of all 0xFF).
std::string PrefixSuccessor(absl::string_view prefix);

// Big-endian fixed-width helpers for values and counters.
std::string EncodeUint64(uint64_t v);
uint64_t DecodeUint64(absl::string_view bytes);  // bytes.size() must be 8

}  // namespace sfa::base

#endif  // SFA_LIBS_BASE_KEY_CODEC_H_

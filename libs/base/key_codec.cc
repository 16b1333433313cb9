#include "base/key_codec.h"

#include "absl/status/status.h"

namespace sfa::base {
namespace {

constexpr char kEscape = '\x00';
constexpr char kEscapedZero = '\xFF';
constexpr char kTerminator = '\x01';

void AppendBigEndian(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

}  // namespace

KeyBuilder& KeyBuilder::String(absl::string_view s) {
  key_.reserve(key_.size() + s.size() + 2);
  for (char c : s) {
    key_.push_back(c);
    if (c == kEscape) key_.push_back(kEscapedZero);
  }
  key_.push_back(kEscape);
  key_.push_back(kTerminator);
  return *this;
}

KeyBuilder& KeyBuilder::Uint64(uint64_t v) {
  AppendBigEndian(key_, v);
  return *this;
}

KeyBuilder& KeyBuilder::Int64(int64_t v) {
  AppendBigEndian(key_, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
  return *this;
}

KeyBuilder& KeyBuilder::Raw(absl::string_view s) {
  key_.append(s.data(), s.size());
  return *this;
}

absl::StatusOr<std::string> KeyReader::String() {
  std::string out;
  for (size_t i = 0; i + 1 < rest_.size(); ++i) {
    if (rest_[i] != kEscape) {
      out.push_back(rest_[i]);
      continue;
    }
    if (rest_[i + 1] == kEscapedZero) {
      out.push_back(kEscape);
      ++i;
    } else if (rest_[i + 1] == kTerminator) {
      rest_.remove_prefix(i + 2);
      return out;
    } else {
      return absl::DataLossError("key: bad escape in string part");
    }
  }
  return absl::DataLossError("key: unterminated string part");
}

absl::StatusOr<uint64_t> KeyReader::Uint64() {
  if (rest_.size() < 8) return absl::DataLossError("key: short integer part");
  uint64_t v = DecodeUint64(rest_.substr(0, 8));
  rest_.remove_prefix(8);
  return v;
}

absl::StatusOr<int64_t> KeyReader::Int64() {
  absl::StatusOr<uint64_t> v = Uint64();
  if (!v.ok()) return v.status();
  return static_cast<int64_t>(*v ^ (uint64_t{1} << 63));
}

std::string PrefixSuccessor(absl::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    unsigned char last = static_cast<unsigned char>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

std::string EncodeUint64(uint64_t v) {
  std::string out;
  AppendBigEndian(out, v);
  return out;
}

uint64_t DecodeUint64(absl::string_view bytes) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < bytes.size(); ++i) v = (v << 8) | static_cast<unsigned char>(bytes[i]);
  return v;
}

}  // namespace sfa::base

#ifndef SFA_SERVICES_ANALYTICS_REVENUE_INTERNAL_H_
#define SFA_SERVICES_ANALYTICS_REVENUE_INTERNAL_H_

// Internal to revenue/: reading an envelope's payload and business time, and decoding the rows' values
// (written with base::KeyBuilder, as the other analytics read models do).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/key_codec.h"
#include "google/protobuf/timestamp.pb.h"
#include "sfa/common/v1/event_envelope.pb.h"

namespace sfa::analytics::revenue {

template <typename Message>
bool Is(const sfa::common::v1::EventEnvelope& event) {
  return event.payload_type() == Message::descriptor()->full_name();
}

template <typename Message>
absl::StatusOr<Message> Parse(const sfa::common::v1::EventEnvelope& event) {
  Message m;
  if (!m.ParseFromString(event.payload())) {
    return absl::DataLossError(
        absl::StrCat("unreadable ", Message::descriptor()->name(), " in event ", event.event_id()));
  }
  return m;
}

// INVALID_ARGUMENT naming `field` unless `t` lies in 0001-01-01 .. 9999-12-31 with nanos in [0, 10^9).
inline absl::Status CheckTimestamp(const google::protobuf::Timestamp& t, absl::string_view field) {
  constexpr int64_t kMinSeconds = -62'135'596'800, kMaxSeconds = 253'402'300'799;
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 || t.nanos() > 999'999'999) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid timestamp"));
  }
  return absl::OkStatus();
}

// Exact over the whole Timestamp range (nanoseconds in an int64 would overflow beyond 1677..2262).
inline absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

inline int64_t MicrosOf(const google::protobuf::Timestamp& t) { return absl::ToUnixMicros(TimeOf(t)); }

inline google::protobuf::Timestamp TimestampOf(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t seconds = absl::ToUnixSeconds(t);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

// Reads a value's parts in order; after the first failure every read returns a default and ok() is false.
class ValueReader {
 public:
  explicit ValueReader(absl::string_view bytes) : reader_(bytes) {}
  std::string String() { return Take(reader_.String()); }
  int64_t Int64() { return Take(reader_.Int64()); }
  uint64_t Uint64() { return Take(reader_.Uint64()); }
  // Every part read and nothing left over.
  bool ok() const { return ok_ && reader_.done(); }
  // Every part read so far (for keys read only in part).
  bool ok_so_far() const { return ok_; }

 private:
  template <typename T>
  T Take(absl::StatusOr<T> v) {
    if (!ok_ || !v.ok()) {
      ok_ = false;
      return T();
    }
    return *std::move(v);
  }
  base::KeyReader reader_;
  bool ok_ = true;
};

}  // namespace sfa::analytics::revenue

#endif  // SFA_SERVICES_ANALYTICS_REVENUE_INTERNAL_H_

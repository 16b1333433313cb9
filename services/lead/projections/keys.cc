#include "lead/projections/keys.h"

#include "base/key_codec.h"

namespace sfa::lead::projections {

std::string TenantPrefix(absl::string_view tenant) { return base::KeyBuilder().String(tenant).Release(); }

std::string Key(absl::string_view tenant, absl::string_view a) {
  return base::KeyBuilder().String(tenant).String(a).Release();
}

std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b) {
  return base::KeyBuilder().String(tenant).String(a).String(b).Release();
}

std::string IndexPrefix(absl::string_view tenant, absl::string_view dimension, absl::string_view value) {
  return base::KeyBuilder().String(tenant).String(dimension).String(value).Release();
}

std::string IndexKey(absl::string_view tenant, absl::string_view dimension, absl::string_view value,
                     absl::Time created_at, absl::string_view lead_id) {
  return base::KeyBuilder(IndexPrefix(tenant, dimension, value))
      .Int64(-absl::ToUnixMicros(created_at))
      .String(lead_id)
      .Release();
}

std::string EngagementKey(absl::string_view tenant, absl::string_view lead_id, uint64_t version) {
  return base::KeyBuilder().String(tenant).String(lead_id).Uint64(version).Release();
}

std::string EncodeEngagement(absl::Time occurred_at, absl::string_view payload) {
  std::string out = base::EncodeUint64(static_cast<uint64_t>(absl::ToUnixMicros(occurred_at)));
  out.append(payload.data(), payload.size());
  return out;
}

bool DecodeEngagement(absl::string_view value, EngagementValue* out) {
  if (value.size() < 8) return false;
  out->occurred_at = absl::FromUnixMicros(static_cast<int64_t>(base::DecodeUint64(value.substr(0, 8))));
  out->payload = value.substr(8);
  return true;
}

std::string EncodeCount(uint64_t n) { return base::EncodeUint64(n); }

uint64_t DecodeCount(absl::string_view value) { return value.size() == 8 ? base::DecodeUint64(value) : 0; }

}  // namespace sfa::lead::projections

#include "opportunity/projections/keys.h"

#include "opportunity/domain/support.h"

namespace sfa::opportunity::projections {

int64_t KeyMicros(absl::Time time) { return absl::ToUnixMicros(time); }

int64_t CloseDateKey(const v1::Opportunity& opportunity) {
  if (opportunity.status() == v1::OPPORTUNITY_STATUS_WON || opportunity.status() == v1::OPPORTUNITY_STATUS_LOST) {
    return KeyMicros(domain::ToTime(opportunity.closed_at()));
  }
  if (opportunity.has_expected_close_date()) return KeyMicros(domain::ToTime(opportunity.expected_close_date()));
  return kNoCloseDate;
}

std::string TenantPrefix(absl::string_view tenant) { return base::KeyBuilder().String(tenant).Release(); }

std::string Key(absl::string_view tenant, absl::string_view a) {
  return base::KeyBuilder().String(tenant).String(a).Release();
}

std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b) {
  return base::KeyBuilder().String(tenant).String(a).String(b).Release();
}

std::string Key(absl::string_view tenant, absl::string_view a, absl::string_view b, absl::string_view c) {
  return base::KeyBuilder().String(tenant).String(a).String(b).String(c).Release();
}

std::string TimedKey(const std::string& prefix, int64_t value, absl::string_view id) {
  return base::KeyBuilder(prefix).Int64(value).String(id).Release();
}

std::string TimedBound(const std::string& prefix, int64_t value) {
  return base::KeyBuilder(prefix).Int64(value).Release();
}

}  // namespace sfa::opportunity::projections

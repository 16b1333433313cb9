#include "quote/projections/keys.h"

#include "base/key_codec.h"

namespace sfa::quote::projections {

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

}  // namespace sfa::quote::projections

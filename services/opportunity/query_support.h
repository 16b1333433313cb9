#ifndef SFA_SERVICES_OPPORTUNITY_QUERY_SUPPORT_H_
#define SFA_SERVICES_OPPORTUNITY_QUERY_SUPPORT_H_

// Small pieces the query code shares: required rows, ids read back from index keys, paged lists over
// an index whose entries name rows, and the summary view of an opportunity.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "eventstore/event_store.h"
#include "eventstore/read_model_scan.h"
#include "sfa/opportunity/v1/opportunity_service.pb.h"

namespace sfa::opportunity {

// The row at `key`, or NOT_FOUND "<what> <id> not found".
template <typename Message>
absl::StatusOr<Message> RequiredRow(const eventstore::EventStore& store, absl::string_view cf, absl::string_view key,
                                    absl::string_view what, absl::string_view id) {
  absl::StatusOr<std::optional<Message>> row = eventstore::GetRow<Message>(store, cf, key);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
  return **std::move(row);
}

// The last part of an index key whose parts are `layout`: 's' string, 'i' Int64, 'u' Uint64; the last
// part is the record id (a string).
absl::StatusOr<std::string> IdAt(absl::string_view key, absl::string_view layout);

// Lists rows through an index: each entry of `spec` names (by IdAt with `layout`) a row of `row_cf` under
// Key(tenant, id); `keep` filters the rows; `out` receives the kept ones. Returns the next page token.
template <typename Row, typename Keep, typename Out>
absl::StatusOr<std::string> ListThroughIndex(const eventstore::EventStore& store, const std::string& tenant,
                                             absl::string_view index_cf, absl::string_view layout,
                                             absl::string_view row_cf, const eventstore::PageSpec& spec, Keep keep,
                                             Out out);

// Lists rows stored directly in `cf` under the tenant prefix (ordered by id).
template <typename Row, typename Keep, typename Out>
absl::StatusOr<std::string> ListRows(const eventstore::EventStore& store, const std::string& tenant,
                                     absl::string_view cf, const std::string& page_token, int page_size, Keep keep,
                                     Out out);

v1::OpportunitySummary Summary(const v1::Opportunity& opportunity);

// ---------------------------------------------------------------------------------------------------
// Implementation.

std::string RowKey(const std::string& tenant, const std::string& id);
std::string TenantPrefixOf(const std::string& tenant);

template <typename Row, typename Keep, typename Out>
absl::StatusOr<std::string> ListThroughIndex(const eventstore::EventStore& store, const std::string& tenant,
                                             absl::string_view index_cf, absl::string_view layout,
                                             absl::string_view row_cf, const eventstore::PageSpec& spec, Keep keep,
                                             Out out) {
  return eventstore::ScanPage(
      store, index_cf, spec, [&](absl::string_view key, absl::string_view) -> absl::StatusOr<bool> {
        absl::StatusOr<std::string> id = IdAt(key, layout);
        if (!id.ok()) return id.status();
        absl::StatusOr<std::optional<Row>> row = eventstore::GetRow<Row>(store, row_cf, RowKey(tenant, *id));
        if (!row.ok()) return row.status();
        if (!row->has_value() || !keep(**row)) return false;
        out(**std::move(row));
        return true;
      });
}

template <typename Row, typename Keep, typename Out>
absl::StatusOr<std::string> ListRows(const eventstore::EventStore& store, const std::string& tenant,
                                     absl::string_view cf, const std::string& page_token, int page_size, Keep keep,
                                     Out out) {
  const std::string prefix = TenantPrefixOf(tenant);
  eventstore::PageSpec spec{{eventstore::PrefixRange(prefix)}, prefix, page_token, page_size};
  return eventstore::ScanPage(store, cf, spec,
                               [&](absl::string_view, absl::string_view value) -> absl::StatusOr<bool> {
                                 Row row;
                                 if (!row.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
                                   return absl::DataLossError(absl::StrCat("unreadable row in ", cf));
                                 }
                                 if (!keep(row)) return false;
                                 out(std::move(row));
                                 return true;
                               });
}

}  // namespace sfa::opportunity

#endif  // SFA_SERVICES_OPPORTUNITY_QUERY_SUPPORT_H_

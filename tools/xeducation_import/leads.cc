#include "tools/xeducation_import/leads.h"

#include <utility>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tools/xeducation_import/columns.h"

namespace sfa::tools::xeducation {
namespace {

// Lead numbers become ids of at most 64 characters ("xedu-<n>"); 40 digits leave ample room.
constexpr size_t kMaxLeadNumberLength = 40;

bool IsLeadNumber(absl::string_view s) {
  return !s.empty() && s.size() <= kMaxLeadNumberLength && absl::c_all_of(s, absl::ascii_isdigit);
}

}  // namespace

const std::string& LeadRow::Get(absl::string_view column) const {
  static const std::string* const kEmpty = new std::string();
  auto it = fields.find(column);
  return it == fields.end() ? *kEmpty : it->second;
}

std::vector<absl::string_view> RequiredColumns() {
  std::vector<absl::string_view> columns = {
      kProspectIdColumn,   kLeadNumberColumn,  kConvertedColumn,     kLeadOriginColumn,
      kLeadSourceColumn,   kTotalVisitsColumn, kTimeOnWebsiteColumn, kPageViewsPerVisitColumn,
      kLastActivityColumn, kCountryColumn,     kCityColumn};
  for (const AttributeColumn& attribute : kAttributeColumns) {
    if (!absl::c_linear_search(columns, attribute.column)) columns.push_back(attribute.column);
  }
  return columns;
}

absl::StatusOr<LeadData> ParseLeads(const maventech::CsvTable& table) {
  for (absl::string_view column : RequiredColumns()) {
    if (!absl::c_linear_search(table.header, column)) {
      return absl::InvalidArgumentError(absl::StrCat("the header has no column \"", column, "\""));
    }
  }
  LeadData data;
  absl::flat_hash_set<std::string> seen;
  for (const maventech::CsvRecord& record : table.records) {
    const int index = data.rows_read++;
    if (record.fields.size() != table.header.size()) {
      data.rejected.push_back(
          {record.line, "", absl::StrCat(record.fields.size(), " fields, the header has ", table.header.size())});
      continue;
    }
    LeadRow row;
    row.line = record.line;
    row.index = index;
    for (size_t i = 0; i < record.fields.size(); ++i) {
      row.fields[table.header[i]] = std::string(absl::StripAsciiWhitespace(record.fields[i]));
    }
    row.lead_number = row.Get(kLeadNumberColumn);
    if (!IsLeadNumber(row.lead_number)) {
      data.rejected.push_back({record.line, row.lead_number,
                               absl::StrCat("Lead Number \"", row.lead_number, "\" is not a number of 1-40 digits")});
      continue;
    }
    const std::string& converted = row.Get(kConvertedColumn);
    if (converted != "0" && converted != "1") {
      data.rejected.push_back(
          {record.line, row.lead_number, absl::StrCat("Converted \"", converted, "\" is not 0 or 1")});
      continue;
    }
    row.converted = converted == "1";
    if (!seen.insert(row.lead_number).second) {
      data.rejected.push_back({record.line, row.lead_number, "Lead Number appears on an earlier row"});
      continue;
    }
    data.rows.push_back(std::move(row));
  }
  return data;
}

absl::StatusOr<LeadData> LoadLeads(const std::string& path) {
  absl::StatusOr<maventech::CsvTable> table = maventech::ReadCsvFile(path);
  if (!table.ok()) return table.status();
  absl::StatusOr<LeadData> data = ParseLeads(*table);
  if (!data.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", data.status().message()));
  return data;
}

}  // namespace sfa::tools::xeducation

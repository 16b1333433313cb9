#ifndef SFA_TOOLS_XEDUCATION_IMPORT_LEADS_H_
#define SFA_TOOLS_XEDUCATION_IMPORT_LEADS_H_

// Leads.csv of the X Education data set as rows the mapping can read: every field by its column name
// (trimmed), the lead number and the outcome checked, and every row that cannot be imported kept with
// the reason instead of being dropped.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/maventech_import/csv.h"

namespace sfa::tools::xeducation {

struct LeadRow {
  int line = 0;   // CSV line the row starts on
  int index = 0;  // 0-based position among the file's data rows (rejected ones included)
  std::string lead_number;
  bool converted = false;
  absl::flat_hash_map<std::string, std::string> fields;  // column name -> trimmed value

  // The trimmed value of `column`; empty when the file has no such column.
  const std::string& Get(absl::string_view column) const;
};

// A row the import cannot use, with the reason.
struct RejectedRow {
  int line = 0;
  std::string key;  // the lead number, or "" when it is what is missing
  std::string reason;
};

struct LeadData {
  int rows_read = 0;  // data rows in the file
  std::vector<LeadRow> rows;
  std::vector<RejectedRow> rejected;
};

// Every column the mapping reads (identity, outcome, channel, behaviour, profile); a file without one of
// them is refused as a whole.
std::vector<absl::string_view> RequiredColumns();

// Checks the header (INVALID_ARGUMENT naming a missing column) and every row: a field count other than
// the header's, an empty or non-numeric Lead Number, a Lead Number seen before, or a Converted other than
// 0 / 1 rejects the row.
absl::StatusOr<LeadData> ParseLeads(const maventech::CsvTable& table);

// Reads and parses the file (RFC 4180; broken quoting refuses the file). Errors name the path.
absl::StatusOr<LeadData> LoadLeads(const std::string& path);

}  // namespace sfa::tools::xeducation

#endif  // SFA_TOOLS_XEDUCATION_IMPORT_LEADS_H_

#ifndef SFA_TOOLS_MAVENTECH_IMPORT_DATA_SET_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_DATA_SET_H_

// The MavenTech "CRM Sales Opportunities" data set as typed rows, read from its four CSV files. A row
// whose values cannot be read as its type is kept as a RowIssue with the reason, never dropped.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "tools/maventech_import/csv.h"

namespace sfa::tools::maventech {

inline constexpr char kAccountsFile[] = "accounts.csv";
inline constexpr char kProductsFile[] = "products.csv";
inline constexpr char kSalesTeamsFile[] = "sales_teams.csv";
inline constexpr char kPipelineFile[] = "sales_pipeline.csv";

// Where a row came from: "sales_pipeline.csv", line 2.
struct SourceRef {
  std::string file;
  int line = 0;
};

// A row that is not imported, and why.
struct RowIssue {
  SourceRef source;
  std::string key;  // what the row is about: an opportunity id, an account or agent name
  std::string reason;
};

struct AccountRow {
  SourceRef source;
  std::string name;
  std::string sector;
  std::optional<int> year_established;
  std::optional<int64_t> revenue_usd_cents;  // the file gives millions of USD
  std::optional<int64_t> employees;
  std::string office_location;
  std::string subsidiary_of;  // the parent's name; empty for a root account
};

struct ProductRow {
  SourceRef source;
  std::string name;
  std::string series;
  int64_t sales_price_usd_cents = 0;
};

struct TeamRow {
  SourceRef source;
  std::string sales_agent;
  std::string manager;
  std::string regional_office;
};

enum class DealStage { kProspecting, kEngaging, kWon, kLost };
inline constexpr int kDealStageCount = 4;
absl::string_view DealStageName(DealStage stage);  // as the file spells it: "Won"

struct DealRow {
  SourceRef source;
  std::string opportunity_id;
  std::string sales_agent;
  std::string product;
  std::string account;  // empty when the deal has no account
  DealStage stage = DealStage::kProspecting;
  std::optional<absl::CivilDay> engage_date;
  std::optional<absl::CivilDay> close_date;
  std::optional<int64_t> close_value_usd_cents;
};

struct DataSet {
  std::string dir;
  std::vector<AccountRow> accounts;
  std::vector<ProductRow> products;
  std::vector<TeamRow> team_rows;
  std::vector<DealRow> deals;
  std::vector<RowIssue> rejected;  // rows whose values could not be read
  int rows_read = 0;               // data rows in all four files, rejected ones included
};

// The contents of the four files, for parsing without a file system.
struct DataFiles {
  std::string accounts;
  std::string products;
  std::string sales_teams;
  std::string sales_pipeline;
};

// Parses the four files. A file that is not CSV or lacks a column is INVALID_ARGUMENT naming the file
// (nothing could be imported right); a row with a wrong field count or a bad value becomes a RowIssue.
// Fields are trimmed of surrounding blanks; columns are found by name, in any order.
absl::StatusOr<DataSet> ParseDataSet(const DataFiles& files);

// Reads the four files from `dir` and parses them.
absl::StatusOr<DataSet> LoadDataSet(const std::string& dir);

// "1100.04" with scale 8 -> 110004000000: a non-negative decimal as an integer of 10^-scale units,
// exactly (no floating point). nullopt when it is not such a number, has more than `scale` decimals,
// or does not fit in an int64.
std::optional<int64_t> ParseScaledDecimal(absl::string_view text, int scale);

// "2017-03-01" -> that day; nullopt for anything else.
std::optional<absl::CivilDay> ParseDay(absl::string_view text);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_DATA_SET_H_

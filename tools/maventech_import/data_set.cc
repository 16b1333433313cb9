#include "tools/maventech_import/data_set.h"

#include <fstream>
#include <initializer_list>
#include <limits>
#include <sstream>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sfa::tools::maventech {
namespace {

// Column positions of one file, found by header name.
class Columns {
 public:
  Columns(absl::string_view file, const std::vector<std::string>& header) : file_(file), header_(header) {}

  // The first column whose header equals one of `names` (ignoring case and surrounding blanks).
  int Find(std::initializer_list<absl::string_view> names) {
    for (size_t i = 0; i < header_.size(); ++i) {
      for (absl::string_view name : names) {
        if (absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(header_[i]), name)) return static_cast<int>(i);
      }
    }
    if (missing_.empty()) missing_ = std::string(*names.begin());
    return -1;
  }

  absl::Status status() const {
    if (missing_.empty()) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(file_, ": no column \"", missing_, "\" in the header (", absl::StrJoin(header_, ","), ")"));
  }

 private:
  std::string file_;
  const std::vector<std::string>& header_;
  std::string missing_;
};

// Reads the typed fields of one record; the first bad value becomes the row's rejection reason.
class RowReader {
 public:
  RowReader(absl::string_view file, const CsvRecord& record) : file_(file), record_(record) {}

  SourceRef source() const { return SourceRef{file_, record_.line}; }
  std::string Text(int column) const { return std::string(absl::StripAsciiWhitespace(record_.fields[column])); }

  std::string Required(int column, absl::string_view name) {
    std::string text = Text(column);
    if (text.empty()) Fail(absl::StrCat(name, " is empty"));
    return text;
  }

  // Empty -> nullopt; a value that is not a number -> nullopt and the row's error.
  std::optional<int64_t> Decimal(int column, absl::string_view name, int scale) {
    const std::string text = Text(column);
    if (text.empty()) return std::nullopt;
    std::optional<int64_t> value = ParseScaledDecimal(text, scale);
    if (!value) Fail(absl::StrCat(name, " \"", text, "\" is not a non-negative number"));
    return value;
  }

  std::optional<absl::CivilDay> Day(int column, absl::string_view name) {
    const std::string text = Text(column);
    if (text.empty()) return std::nullopt;
    std::optional<absl::CivilDay> day = ParseDay(text);
    if (!day) Fail(absl::StrCat(name, " \"", text, "\" is not a date like 2017-03-01"));
    return day;
  }

  void Fail(std::string reason) {
    if (error_.empty()) error_ = std::move(reason);
  }
  const std::string& error() const { return error_; }

 private:
  std::string file_;
  const CsvRecord& record_;
  std::string error_;
};

// Visits each record of a file with a RowReader; records with the wrong field count and records the
// visitor fails are added to `data->rejected` with `key_column`'s text as their key.
template <typename Visit>
void ForEachRow(absl::string_view file, const CsvTable& table, int key_column, DataSet* data, Visit visit) {
  for (const CsvRecord& record : table.records) {
    ++data->rows_read;
    RowReader row(file, record);
    if (record.fields.size() != table.header.size()) {
      const std::string key = key_column < static_cast<int>(record.fields.size()) ? row.Text(key_column) : "";
      data->rejected.push_back(
          RowIssue{row.source(), key,
                   absl::StrCat("has ", record.fields.size(), " fields, the header has ", table.header.size())});
      continue;
    }
    visit(row);
    if (!row.error().empty()) data->rejected.push_back(RowIssue{row.source(), row.Text(key_column), row.error()});
  }
}

absl::StatusOr<CsvTable> ParseFile(absl::string_view file, absl::string_view text) {
  absl::StatusOr<CsvTable> table = ParseCsv(text);
  if (!table.ok()) return absl::InvalidArgumentError(absl::StrCat(file, ": ", table.status().message()));
  return table;
}

absl::Status ParseAccounts(absl::string_view text, DataSet* data) {
  absl::StatusOr<CsvTable> table = ParseFile(kAccountsFile, text);
  if (!table.ok()) return table.status();
  Columns columns(kAccountsFile, table->header);
  const int name = columns.Find({"account"}), sector = columns.Find({"sector"}),
            year = columns.Find({"year_established"}), revenue = columns.Find({"revenue", "revenue (USD millions)"}),
            employees = columns.Find({"employees"}), office = columns.Find({"office_location"}),
            parent = columns.Find({"subsidiary_of"});
  if (absl::Status s = columns.status(); !s.ok()) return s;
  ForEachRow(kAccountsFile, *table, name, data, [&](RowReader& row) {
    AccountRow account;
    account.source = row.source();
    account.name = row.Required(name, "account");
    account.sector = row.Text(sector);
    const std::optional<int64_t> established = row.Decimal(year, "year_established", 0);
    if (established && (*established < 1 || *established > 9999)) row.Fail("year_established is not a year");
    if (established) account.year_established = static_cast<int>(*established);
    account.revenue_usd_cents = row.Decimal(revenue, "revenue", 8);  // millions of USD -> cents
    account.employees = row.Decimal(employees, "employees", 0);
    account.office_location = row.Text(office);
    account.subsidiary_of = row.Text(parent);
    if (row.error().empty()) data->accounts.push_back(std::move(account));
  });
  return absl::OkStatus();
}

absl::Status ParseProducts(absl::string_view text, DataSet* data) {
  absl::StatusOr<CsvTable> table = ParseFile(kProductsFile, text);
  if (!table.ok()) return table.status();
  Columns columns(kProductsFile, table->header);
  const int name = columns.Find({"product"}), series = columns.Find({"series"}), price = columns.Find({"sales_price"});
  if (absl::Status s = columns.status(); !s.ok()) return s;
  ForEachRow(kProductsFile, *table, name, data, [&](RowReader& row) {
    ProductRow product;
    product.source = row.source();
    product.name = row.Required(name, "product");
    product.series = row.Text(series);
    const std::optional<int64_t> cents = row.Decimal(price, "sales_price", 2);
    if (!cents) row.Fail("sales_price is empty");
    if (row.error().empty()) {
      product.sales_price_usd_cents = *cents;
      data->products.push_back(std::move(product));
    }
  });
  return absl::OkStatus();
}

absl::Status ParseSalesTeams(absl::string_view text, DataSet* data) {
  absl::StatusOr<CsvTable> table = ParseFile(kSalesTeamsFile, text);
  if (!table.ok()) return table.status();
  Columns columns(kSalesTeamsFile, table->header);
  const int agent = columns.Find({"sales_agent"}), manager = columns.Find({"manager"}),
            office = columns.Find({"regional_office"});
  if (absl::Status s = columns.status(); !s.ok()) return s;
  ForEachRow(kSalesTeamsFile, *table, agent, data, [&](RowReader& row) {
    TeamRow team;
    team.source = row.source();
    team.sales_agent = row.Required(agent, "sales_agent");
    team.manager = row.Required(manager, "manager");
    team.regional_office = row.Text(office);
    if (row.error().empty()) data->team_rows.push_back(std::move(team));
  });
  return absl::OkStatus();
}

std::optional<DealStage> ParseStage(absl::string_view text) {
  for (DealStage stage : {DealStage::kProspecting, DealStage::kEngaging, DealStage::kWon, DealStage::kLost}) {
    if (absl::EqualsIgnoreCase(text, DealStageName(stage))) return stage;
  }
  return std::nullopt;
}

absl::Status ParsePipeline(absl::string_view text, DataSet* data) {
  absl::StatusOr<CsvTable> table = ParseFile(kPipelineFile, text);
  if (!table.ok()) return table.status();
  Columns columns(kPipelineFile, table->header);
  const int id = columns.Find({"opportunity_id"}), agent = columns.Find({"sales_agent"}),
            product = columns.Find({"product"}), account = columns.Find({"account"}),
            stage = columns.Find({"deal_stage"}), engage = columns.Find({"engage_date"}),
            close = columns.Find({"close_date"}), value = columns.Find({"close_value"});
  if (absl::Status s = columns.status(); !s.ok()) return s;
  ForEachRow(kPipelineFile, *table, id, data, [&](RowReader& row) {
    DealRow deal;
    deal.source = row.source();
    deal.opportunity_id = row.Required(id, "opportunity_id");
    deal.sales_agent = row.Required(agent, "sales_agent");
    deal.product = row.Required(product, "product");
    deal.account = row.Text(account);
    const std::string stage_text = row.Required(stage, "deal_stage");
    const std::optional<DealStage> parsed = ParseStage(stage_text);
    if (!stage_text.empty() && !parsed) row.Fail(absl::StrCat("deal_stage \"", stage_text, "\" is not a stage"));
    deal.stage = parsed.value_or(DealStage::kProspecting);
    deal.engage_date = row.Day(engage, "engage_date");
    deal.close_date = row.Day(close, "close_date");
    deal.close_value_usd_cents = row.Decimal(value, "close_value", 2);
    if (row.error().empty()) data->deals.push_back(std::move(deal));
  });
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be opened"));
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return content.str();
}

}  // namespace

absl::string_view DealStageName(DealStage stage) {
  switch (stage) {
    case DealStage::kProspecting:
      return "Prospecting";
    case DealStage::kEngaging:
      return "Engaging";
    case DealStage::kWon:
      return "Won";
    case DealStage::kLost:
      return "Lost";
  }
  return "?";
}

std::optional<int64_t> ParseScaledDecimal(absl::string_view text, int scale) {
  const size_t dot = text.find('.');
  const absl::string_view whole = text.substr(0, dot);
  const absl::string_view fraction = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  const bool has_dot = dot != absl::string_view::npos;
  if (whole.empty() || (has_dot && fraction.empty()) || fraction.size() > static_cast<size_t>(scale)) {
    return std::nullopt;
  }
  if (!absl::c_all_of(whole, absl::ascii_isdigit) || !absl::c_all_of(fraction, absl::ascii_isdigit)) {
    return std::nullopt;
  }
  const std::string digits = absl::StrCat(whole, fraction, std::string(scale - fraction.size(), '0'));
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t value = 0;
  for (const char c : digits) {
    const int digit = c - '0';
    if (value > (kMax - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::optional<absl::CivilDay> ParseDay(absl::string_view text) {
  absl::CivilDay day;
  // ParseCivilTime also accepts years beyond 4 digits and signs; the files use plain ISO dates.
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  if (absl::FormatCivilTime(day) != text) return std::nullopt;  // "2017-02-30" would roll over to March
  return day;
}

absl::StatusOr<DataSet> ParseDataSet(const DataFiles& files) {
  DataSet data;
  for (absl::Status status : {ParseAccounts(files.accounts, &data), ParseProducts(files.products, &data),
                              ParseSalesTeams(files.sales_teams, &data), ParsePipeline(files.sales_pipeline, &data)}) {
    if (!status.ok()) return status;
  }
  return data;
}

absl::StatusOr<DataSet> LoadDataSet(const std::string& dir) {
  DataFiles files;
  for (auto [name, contents] :
       {std::pair{kAccountsFile, &files.accounts}, std::pair{kProductsFile, &files.products},
        std::pair{kSalesTeamsFile, &files.sales_teams}, std::pair{kPipelineFile, &files.sales_pipeline}}) {
    absl::StatusOr<std::string> text = ReadWholeFile(absl::StrCat(dir, "/", name));
    if (!text.ok()) return text.status();
    *contents = *std::move(text);
  }
  absl::StatusOr<DataSet> data = ParseDataSet(files);
  if (data.ok()) data->dir = dir;
  return data;
}

}  // namespace sfa::tools::maventech

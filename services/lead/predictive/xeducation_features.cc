#include "lead/predictive/xeducation_features.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace sfa::lead::predictive {
namespace {

constexpr absl::string_view kLeadNumber = "Lead Number";
constexpr absl::string_view kConverted = "Converted";
constexpr absl::string_view kLeadSource = "Lead Source";
constexpr absl::string_view kLeadOrigin = "Lead Origin";
constexpr absl::string_view kCountry = "Country";
constexpr absl::string_view kCity = "City";
constexpr absl::string_view kTotalVisits = "TotalVisits";
constexpr absl::string_view kTimeOnWebsite = "Total Time Spent on Website";
constexpr absl::string_view kPageViewsPerVisit = "Page Views Per Visit";
constexpr absl::string_view kLastActivity = "Last Activity";

struct CsvRecord {
  int line = 0;
  std::vector<std::string> fields;
};

// Reads one RFC 4180 record at a time.
class CsvParser {
 public:
  explicit CsvParser(absl::string_view text) : text_(text) {}

  // Fills `*record`; false at the end of the input. Empty lines are skipped.
  absl::StatusOr<bool> Next(CsvRecord* record) {
    while (!AtEnd() && AtLineEnd()) SkipLineEnd();
    if (AtEnd()) return false;
    record->line = line_;
    record->fields.clear();
    while (true) {
      std::string field;
      const absl::Status status = Peek() == '"' ? Quoted(&field) : Unquoted(&field);
      if (!status.ok()) return status;
      record->fields.push_back(std::move(field));
      if (AtEnd() || Peek() != ',') break;
      ++pos_;
    }
    if (!AtEnd()) SkipLineEnd();
    return true;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool AtLineEnd() const { return Peek() == '\n' || Peek() == '\r'; }

  void SkipLineEnd() {
    if (Peek() == '\r') ++pos_;
    if (!AtEnd() && Peek() == '\n') ++pos_;
    ++line_;
  }

  absl::Status Error(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", what));
  }

  absl::Status Unquoted(std::string* field) {
    const size_t start = pos_;
    while (!AtEnd() && Peek() != ',' && !AtLineEnd()) {
      if (Peek() == '"') return Error(line_, "a quote inside an unquoted field");
      ++pos_;
    }
    field->assign(text_.data() + start, pos_ - start);
    return absl::OkStatus();
  }

  absl::Status Quoted(std::string* field) {
    const int start_line = line_;
    ++pos_;
    while (true) {
      if (AtEnd()) return Error(start_line, "a quoted field is not closed");
      const char c = text_[pos_++];
      if (c == '"') {
        if (AtEnd() || Peek() != '"') break;
        ++pos_;  // "" is one quote
      } else if (c == '\n') {
        ++line_;
      }
      field->push_back(c);
    }
    if (!AtEnd() && Peek() != ',' && !AtLineEnd()) return Error(line_, "text after a closing quote");
    return absl::OkStatus();
  }

  absl::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

absl::Status CheckHeader(const std::vector<std::string>& header) {
  std::vector<absl::string_view> required = {kLeadNumber,        kConverted,   kLeadSource,  kLeadOrigin,
                                             kCountry,           kCity,        kTotalVisits, kTimeOnWebsite,
                                             kPageViewsPerVisit, kLastActivity};
  for (const XEducationAttribute& attribute : kXEducationAttributes) required.push_back(attribute.column);
  std::vector<absl::string_view> missing;
  for (const absl::string_view column : required) {
    if (std::find(header.begin(), header.end(), column) == header.end()) missing.push_back(column);
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("line 1: the header lacks ", absl::StrJoin(missing, ", ")));
}

absl::string_view Trimmed(const XEducationRow& row, absl::string_view column) {
  return absl::StripAsciiWhitespace(row.Get(column));
}

// The form's "Select" is the unanswered default.
absl::string_view Answered(const XEducationRow& row, absl::string_view column) {
  const absl::string_view value = Trimmed(row, column);
  return absl::EqualsIgnoreCase(value, "Select") ? absl::string_view() : value;
}

// A finite number small enough to round to int64; nullopt for empty or "NaN" cells.
std::optional<double> Number(const XEducationRow& row, absl::string_view column) {
  double value = 0;
  if (!absl::SimpleAtod(Trimmed(row, column), &value) || !std::isfinite(value) || std::fabs(value) > 1e15) {
    return std::nullopt;
  }
  return value;
}

std::vector<v1::EngagementTotal> Engagement(const XEducationRow& row) {
  std::map<v1::EngagementKind, v1::EngagementTotal> by_kind;  // in enum order
  const auto total = [&](v1::EngagementKind kind) -> v1::EngagementTotal& {
    v1::EngagementTotal& entry = by_kind[kind];
    entry.set_kind(kind);
    return entry;
  };
  const std::optional<double> visits = Number(row, kTotalVisits);
  if (visits.has_value() && *visits > 0) {
    v1::EngagementTotal& visit = total(v1::ENGAGEMENT_KIND_VISIT);
    visit.set_count(std::llround(*visits));
    visit.set_duration_seconds(std::llround(Number(row, kTimeOnWebsite).value_or(0)));
  }
  const std::optional<double> views_per_visit = Number(row, kPageViewsPerVisit);
  if (visits.has_value() && views_per_visit.has_value()) {
    const int64_t page_views = std::llround(*visits * *views_per_visit);
    if (page_views > 0) total(v1::ENGAGEMENT_KIND_PAGE_VIEW).set_count(page_views);
  }
  const v1::EngagementKind last = XEducationActivityKind(Trimmed(row, kLastActivity));
  if (last != v1::ENGAGEMENT_KIND_UNSPECIFIED) {
    v1::EngagementTotal& entry = total(last);
    entry.set_count(entry.count() + 1);
  }
  std::vector<v1::EngagementTotal> totals;
  for (auto& [kind, entry] : by_kind) totals.push_back(std::move(entry));
  return totals;
}

}  // namespace

absl::string_view XEducationRow::Get(absl::string_view column) const {
  const auto it = columns.find(column);
  return it == columns.end() ? absl::string_view() : absl::string_view(it->second);
}

absl::StatusOr<std::vector<XEducationRow>> ParseXEducationCsv(absl::string_view text) {
  absl::ConsumePrefix(&text, "\xEF\xBB\xBF");
  CsvParser parser(text);
  CsvRecord header;
  absl::StatusOr<bool> more = parser.Next(&header);
  if (!more.ok()) return more.status();
  if (!*more) return absl::InvalidArgumentError("no header line: the file is empty");
  if (absl::Status status = CheckHeader(header.fields); !status.ok()) return status;

  std::vector<XEducationRow> rows;
  CsvRecord record;
  while (true) {
    more = parser.Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) return rows;
    if (record.fields.size() != header.fields.size()) {
      return absl::InvalidArgumentError(absl::StrCat("line ", record.line, ": ", record.fields.size(),
                                                     " fields, the header has ", header.fields.size()));
    }
    XEducationRow& row = rows.emplace_back();
    row.line = record.line;
    for (size_t i = 0; i < record.fields.size(); ++i) row.columns[header.fields[i]] = std::move(record.fields[i]);
  }
}

absl::StatusOr<std::vector<XEducationRow>> ReadXEducationCsv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be opened"));
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  absl::StatusOr<std::vector<XEducationRow>> rows = ParseXEducationCsv(content.str());
  if (!rows.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", rows.status().message()));
  return rows;
}

v1::EngagementKind XEducationActivityKind(absl::string_view last_activity) {
  static constexpr std::pair<absl::string_view, v1::EngagementKind> kKinds[] = {
      {"Email Opened", v1::ENGAGEMENT_KIND_EMAIL_OPEN},
      {"Email Link Clicked", v1::ENGAGEMENT_KIND_EMAIL_CLICK},
      {"Form Submitted on Website", v1::ENGAGEMENT_KIND_FORM_SUBMIT},
      {"Converted to Lead", v1::ENGAGEMENT_KIND_FORM_SUBMIT},
      {"Olark Chat Conversation", v1::ENGAGEMENT_KIND_CHAT},
      {"Had a Phone Conversation", v1::ENGAGEMENT_KIND_CALL},
      {"Page Visited on Website", v1::ENGAGEMENT_KIND_PAGE_VIEW},
      {"Visited Booth in Tradeshow", v1::ENGAGEMENT_KIND_VISIT},
  };
  const absl::string_view text = absl::StripAsciiWhitespace(last_activity);
  if (text.empty()) return v1::ENGAGEMENT_KIND_UNSPECIFIED;
  for (const auto& [activity, kind] : kKinds) {
    if (text == activity) return kind;
  }
  return v1::ENGAGEMENT_KIND_OTHER;
}

absl::StatusOr<Example> XEducationExample(const XEducationRow& row) {
  const absl::string_view lead_number = Trimmed(row, kLeadNumber);
  if (lead_number.empty()) return absl::InvalidArgumentError(absl::StrCat("line ", row.line, ": no Lead Number"));
  const absl::string_view converted = Trimmed(row, kConverted);
  if (converted != "0" && converted != "1") {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", row.line, ": Converted is \"", converted, "\", expected 0 or 1"));
  }

  Example example{.lead_id = absl::StrCat("xedu-", lead_number), .converted = converted == "1"};
  v1::OutcomeFeatures& features = example.features;
  features.mutable_source()->set_channel(std::string(Trimmed(row, kLeadSource)));
  features.mutable_source()->set_origin(std::string(Trimmed(row, kLeadOrigin)));
  features.mutable_company()->set_country(std::string(Answered(row, kCountry)));
  features.mutable_company()->set_city(std::string(Answered(row, kCity)));
  for (const XEducationAttribute& attribute : kXEducationAttributes) {
    const absl::string_view value = Answered(row, attribute.column);
    if (!value.empty()) (*features.mutable_attributes())[std::string(attribute.key)] = std::string(value);
  }
  for (v1::EngagementTotal& total : Engagement(row)) *features.add_engagement() = std::move(total);
  return example;
}

}  // namespace sfa::lead::predictive

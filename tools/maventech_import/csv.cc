#include "tools/maventech_import/csv.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sfa::tools::maventech {
namespace {

constexpr absl::string_view kByteOrderMark = "\xEF\xBB\xBF";

// A cursor over the input that reads one record at a time.
class Parser {
 public:
  explicit Parser(absl::string_view text) : text_(text) {}

  // Reads the next record into `*record`; false at the end of the input.
  absl::StatusOr<bool> Next(CsvRecord* record) {
    while (!AtEnd() && AtLineEnd()) SkipLineEnd();
    if (AtEnd()) return false;
    record->line = line_;
    record->fields.clear();
    while (true) {
      std::string field;
      absl::Status status = Peek() == '"' ? QuotedField(&field) : UnquotedField(&field);
      if (!status.ok()) return status;
      record->fields.push_back(std::move(field));
      if (AtEnd()) return true;
      if (Peek() != ',') break;
      ++pos_;
    }
    SkipLineEnd();
    return true;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool AtLineEnd() const { return Peek() == '\n' || Peek() == '\r'; }

  // Consumes "\n", "\r\n" or a lone "\r".
  void SkipLineEnd() {
    if (Peek() == '\r') ++pos_;
    if (!AtEnd() && Peek() == '\n') ++pos_;
    ++line_;
  }

  absl::Status Error(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", what));
  }

  absl::Status UnquotedField(std::string* field) {
    const size_t start = pos_;
    while (!AtEnd() && Peek() != ',' && !AtLineEnd()) {
      if (Peek() == '"') return Error(line_, "a quote inside an unquoted field");
      ++pos_;
    }
    *field = std::string(text_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status QuotedField(std::string* field) {
    const int start_line = line_;
    ++pos_;  // the opening quote
    while (true) {
      if (AtEnd()) return Error(start_line, "a quoted field is not closed");
      const char c = Peek();
      ++pos_;
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

}  // namespace

absl::StatusOr<CsvTable> ParseCsv(absl::string_view text) {
  if (absl::StartsWith(text, kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());
  Parser parser(text);
  CsvTable table;
  CsvRecord record;
  absl::StatusOr<bool> more = parser.Next(&record);
  if (!more.ok()) return more.status();
  if (!*more) return absl::InvalidArgumentError("no header line: the file is empty");
  table.header = std::move(record.fields);
  while (true) {
    more = parser.Next(&record);
    if (!more.ok()) return more.status();
    if (!*more) return table;
    table.records.push_back(std::move(record));
  }
}

absl::StatusOr<CsvTable> ReadCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot be opened"));
  std::stringstream content;
  content << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  absl::StatusOr<CsvTable> table = ParseCsv(content.str());
  if (!table.ok()) return absl::InvalidArgumentError(absl::StrCat(path, ": ", table.status().message()));
  return table;
}

}  // namespace sfa::tools::maventech

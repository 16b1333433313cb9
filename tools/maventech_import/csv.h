#ifndef SFA_TOOLS_MAVENTECH_IMPORT_CSV_H_
#define SFA_TOOLS_MAVENTECH_IMPORT_CSV_H_

// RFC 4180 CSV reading for the MavenTech files: quoted fields ("" escapes a quote, separators and line
// breaks allowed inside), empty fields, LF or CRLF line ends. Every record keeps the line it starts on,
// so a problem can be reported as file:line.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace sfa::tools::maventech {

struct CsvRecord {
  int line = 0;  // 1-based line of the input where the record starts
  std::vector<std::string> fields;
};

struct CsvTable {
  std::vector<std::string> header;
  std::vector<CsvRecord> records;  // the rows after the header
};

// Parses `text` (a leading UTF-8 byte order mark is skipped). Empty lines between records are not
// records. Broken quoting — an unterminated quoted field, text after a closing quote, a quote inside an
// unquoted field — is INVALID_ARGUMENT naming the line: past it, record boundaries cannot be trusted, so
// the whole file is refused rather than guessed at. An empty input is INVALID_ARGUMENT (no header).
absl::StatusOr<CsvTable> ParseCsv(absl::string_view text);

// Reads and parses a file; NOT_FOUND when it cannot be opened. Errors name the path.
absl::StatusOr<CsvTable> ReadCsvFile(const std::string& path);

}  // namespace sfa::tools::maventech

#endif  // SFA_TOOLS_MAVENTECH_IMPORT_CSV_H_

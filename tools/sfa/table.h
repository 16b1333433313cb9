#ifndef SFA_TOOLS_SFA_TABLE_H_
#define SFA_TOOLS_SFA_TABLE_H_

// Aligned text tables for the terminal: a header row, columns padded to their widest cell (counted in
// UTF-8 code points, so "Zürich" lines up), numbers right-aligned, two spaces between columns.

#include <string>
#include <vector>

namespace sfa::tools::cli {

enum class Align { kLeft, kRight };

struct Column {
  std::string header;
  Align align = Align::kLeft;
};

class Table {
 public:
  explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // Missing cells print empty; extra cells are a programming error (asserted).
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  // Header and rows, each line ending in '\n', trailing blanks trimmed; "" for a table without rows
  // when `header_when_empty` is false.
  std::string Render(bool header_when_empty = true) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// Code points in a UTF-8 string (the display width of the scripts the data uses).
size_t DisplayWidth(const std::string& s);

// "label: value" lines with the labels padded to the longest, for one record's details.
class Details {
 public:
  // Skipped when `value` is empty, so optional fields do not print blank lines.
  void Add(std::string label, std::string value);
  std::string Render() const;

 private:
  std::vector<std::pair<std::string, std::string>> lines_;
};

}  // namespace sfa::tools::cli

#endif  // SFA_TOOLS_SFA_TABLE_H_

#include "tools/sfa/table.h"

#include <algorithm>
#include <cassert>

#include "absl/strings/str_cat.h"

namespace sfa::tools::cli {
namespace {

void Pad(std::string* line, const std::string& cell, size_t width, Align align) {
  const size_t fill = width - std::min(width, DisplayWidth(cell));
  if (align == Align::kRight) line->append(fill, ' ');
  line->append(cell);
  if (align == Align::kLeft) line->append(fill, ' ');
}

void TrimRight(std::string* line) {
  while (!line->empty() && line->back() == ' ') line->pop_back();
}

}  // namespace

size_t DisplayWidth(const std::string& s) {
  // Every byte that is not a UTF-8 continuation byte (10xxxxxx) starts a code point.
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

void Table::AddRow(std::vector<std::string> cells) {
  assert(cells.size() <= columns_.size());
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Render(bool header_when_empty) const {
  if (rows_.empty() && !header_when_empty) return "";
  std::vector<size_t> widths(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    widths[c] = DisplayWidth(columns_[c].header);
    for (const auto& row : rows_) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  auto render_line = [&](auto cell_of) {
    std::string line;
    for (size_t c = 0; c < columns_.size(); ++c) {
      if (c > 0) line.append("  ");
      Pad(&line, cell_of(c), widths[c], columns_[c].align);
    }
    TrimRight(&line);
    line.push_back('\n');
    return line;
  };
  std::string out = render_line([&](size_t c) -> const std::string& { return columns_[c].header; });
  for (const auto& row : rows_) {
    absl::StrAppend(&out, render_line([&](size_t c) -> const std::string& { return row[c]; }));
  }
  return out;
}

void Details::Add(std::string label, std::string value) {
  if (value.empty()) return;
  lines_.emplace_back(std::move(label), std::move(value));
}

std::string Details::Render() const {
  size_t width = 0;
  for (const auto& [label, value] : lines_) width = std::max(width, DisplayWidth(label) + 1);
  std::string out;
  for (const auto& [label, value] : lines_) {
    std::string line = label + ":";
    line.append(width - DisplayWidth(line) + 1, ' ');
    absl::StrAppend(&out, line, value, "\n");
  }
  return out;
}

}  // namespace sfa::tools::cli

#include "data/csv_line.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/error.h"

namespace vaelab {

namespace {

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r");
  return s.substr(a, b - a + 1);
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line, char delimiter, const std::string& source,
                                        int64_t line_no) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch == '"' && trim(cell).empty()) {
      quoted = was_quoted = true;
      cell.clear();
    } else if (ch == delimiter) {
      cells.push_back(was_quoted ? cell : trim(cell));
      cell.clear();
      was_quoted = false;
    } else {
      cell += ch;
    }
  }
  if (quoted)
    throw Error(fmt::format("{}:{}:{}: unterminated quoted cell", source, line_no, cells.size() + 1));
  cells.push_back(was_quoted ? cell : trim(cell));
  return cells;
}

bool parse_csv_number(const std::string& cell, double& out) {
  if (cell.empty()) return false;
  const char* begin = cell.c_str();
  char* end = nullptr;
  errno = 0;
  out = std::strtod(begin, &end);
  return end == begin + cell.size() && errno != ERANGE && std::isfinite(out);
}

}  // namespace vaelab

#pragma once
// One line of a CSV file as the CSV loader (data/csv_table.h) reads it, and its numbers: shared by the
// loader and the cheap path check (data/data_path_check.h), so both judge a file the same way.
#include <cstdint>
#include <string>
#include <vector>

namespace vaelab {

// Splits one line at `delimiter`; spaces and tabs around a cell are trimmed, and a cell may be wrapped in
// double quotes ("" for a quote inside), which are removed. Quoted cells may not span lines: numeric data
// never needs that. Throws vaelab::Error "SOURCE:LINE:COLUMN: unterminated quoted cell".
std::vector<std::string> split_csv_line(const std::string& line, char delimiter, const std::string& source,
                                        int64_t line_no);

// A whole cell read as a finite double (strtod; no trailing text, no overflow).
bool parse_csv_number(const std::string& cell, double& out);

}  // namespace vaelab

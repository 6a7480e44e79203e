#include "data/csv_table.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>

#include "core/json_fields.h"
#include "core/error.h"
#include "data/csv_line.h"
#include "data/seeded_permutation.h"

namespace vaelab {

namespace {

struct Row {
  int64_t line;  // 1-based line number in the file
  std::vector<std::string> cells;
};

}  // namespace

DatasetSplit load_csv(const nlohmann::json& spec) {
  json_fields::require_object(spec, "dataset");
  json_fields::only_keys(spec, "dataset",
                         {"name", "path", "header", "delimiter", "label_column", "test_fraction", "split_seed"});
  if (!spec.contains("path")) throw Error("preset key \"dataset.path\": required for csv (the file to read)");
  const std::string path = json_fields::text(spec, "dataset", "path", "");
  const std::string delimiter_text = json_fields::text(spec, "dataset", "delimiter", ",");
  const double test_fraction = json_fields::number(spec, "dataset", "test_fraction", 0.2);
  const int64_t split_seed = json_fields::integer(spec, "dataset", "split_seed", 0);
  if (delimiter_text.size() != 1)
    throw Error(fmt::format("preset key \"dataset.delimiter\": expected one character, got \"{}\"", delimiter_text));
  if (!(test_fraction >= 0.0 && test_fraction < 1.0))
    throw Error(fmt::format("preset key \"dataset.test_fraction\": expected a number in [0, 1), got {}",
                            test_fraction));
  const char delimiter = delimiter_text[0];
  if (spec.contains("label_column") && !spec["label_column"].is_string() && !spec["label_column"].is_number_integer())
    throw Error(fmt::format("preset key \"dataset.label_column\": expected a column name or a 0-based index, got {}",
                            spec["label_column"].dump()));

  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("csv: cannot open {}", path));
  const std::string source = std::filesystem::path(path).filename().string();
  std::vector<Row> rows;
  std::string line;
  for (int64_t line_no = 1; std::getline(in, line); ++line_no) {
    if (line_no == 1 && line.size() >= 3 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // BOM
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank
    rows.push_back({line_no, split_csv_line(line, delimiter, source, line_no)});
  }
  if (rows.empty()) throw Error(fmt::format("{}: no data rows", source));

  // Header: given, or detected from the first row.
  bool header;
  if (spec.contains("header")) {
    header = json_fields::boolean(spec, "dataset", "header", false);
  } else {
    header = false;
    double ignored;
    for (const auto& c : rows.front().cells) header = header || !parse_csv_number(c, ignored);
  }
  std::vector<std::string> names;
  if (header) {
    names = rows.front().cells;
    rows.erase(rows.begin());
  }
  if (rows.empty()) throw Error(fmt::format("{}: a header but no data rows", source));
  const size_t columns = rows.front().cells.size();
  if (names.empty())
    for (size_t c = 0; c < columns; ++c) names.push_back(fmt::format("column {}", c));
  if (names.size() != columns)
    throw Error(fmt::format("{}:{}: expected {} cells (as in the header), got {}", source, rows.front().line,
                            names.size(), columns));

  // Label column.
  int64_t label_col = -1;
  if (spec.contains("label_column")) {
    const auto& lc = spec["label_column"];
    if (lc.is_string()) {
      if (!header)
        throw Error(fmt::format("preset key \"dataset.label_column\": \"{}\" is a column name, but {} has no header",
                                lc.get<std::string>(), source));
      const auto it = std::find(names.begin(), names.end(), lc.get<std::string>());
      if (it == names.end())
        throw Error(fmt::format("preset key \"dataset.label_column\": no column \"{}\" in {} (columns: {})",
                                lc.get<std::string>(), source, fmt::join(names, ", ")));
      label_col = it - names.begin();
    } else {
      label_col = lc.get<int64_t>();
      if (label_col < 0 || label_col >= static_cast<int64_t>(columns))
        throw Error(fmt::format("preset key \"dataset.label_column\": index {} outside 0..{} ({} has {} columns)",
                                label_col, columns - 1, source, columns));
    }
  }
  const int64_t features = static_cast<int64_t>(columns) - (label_col >= 0 ? 1 : 0);
  if (features < 1) throw Error(fmt::format("{}: no feature column besides the label column", source));

  const auto n = static_cast<int64_t>(rows.size());
  auto data = torch::empty({n, features}, torch::kFloat64);
  double* x = data.data_ptr<double>();
  std::vector<std::string> label_cells;
  for (int64_t r = 0; r < n; ++r) {
    const Row& row = rows[r];
    if (row.cells.size() != columns)
      throw Error(fmt::format("{}:{}: expected {} cells, got {}", source, row.line, columns, row.cells.size()));
    int64_t f = 0;
    for (size_t c = 0; c < columns; ++c) {
      if (static_cast<int64_t>(c) == label_col) {
        label_cells.push_back(row.cells[c]);
        continue;
      }
      double v;
      if (!parse_csv_number(row.cells[c], v))
        throw Error(fmt::format("{}:{}:{}: expected a number in column \"{}\", got \"{}\"", source, row.line, c + 1,
                                names[c], row.cells[c]));
      x[r * features + f++] = v;
    }
  }
  // Min-max per column; a constant column maps to 0.
  const auto lo = std::get<0>(data.min(0, true));
  const auto range = std::get<0>(data.max(0, true)) - lo;
  data = torch::where(range > 0, (data - lo) / range.clamp_min(1e-300), torch::zeros_like(data));

  Dataset all;
  all.name = "csv";
  all.shape = DataShape{0, 0, 0, features};
  all.storage = data.to(torch::kFloat32).contiguous();
  if (label_col >= 0) {
    // Distinct values sorted numerically when all are numbers, else as text.
    bool numeric = true;
    double ignored;
    for (const auto& s : label_cells) numeric = numeric && parse_csv_number(s, ignored);
    std::vector<std::string> classes(label_cells);
    std::sort(classes.begin(), classes.end(), [&](const std::string& a, const std::string& b) {
      if (numeric) {
        const double va = std::strtod(a.c_str(), nullptr), vb = std::strtod(b.c_str(), nullptr);
        if (va != vb) return va < vb;
      }
      return a < b;
    });
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    std::map<std::string, int64_t> id;
    for (size_t k = 0; k < classes.size(); ++k) id[classes[k]] = static_cast<int64_t>(k);
    auto labels = torch::empty({n}, torch::kInt64);
    int64_t* y = labels.data_ptr<int64_t>();
    for (int64_t r = 0; r < n; ++r) y[r] = id[label_cells[static_cast<size_t>(r)]];
    all.labels = labels;
    all.class_names = classes;
  }

  const auto parts = split_train_test(n, test_fraction, static_cast<uint64_t>(split_seed));
  DatasetSplit split;
  split.train = all.subset(parts.train);
  split.train.name = "csv/train";
  split.test = all.subset(parts.test);
  split.test.name = "csv/test";
  split.descriptor = {{"name", "csv"},       {"path", path},
                      {"header", header},    {"delimiter", delimiter_text},
                      {"test_fraction", test_fraction}, {"split_seed", split_seed}};
  if (label_col >= 0) split.descriptor["label_column"] = spec["label_column"];
  return split;
}

}  // namespace vaelab

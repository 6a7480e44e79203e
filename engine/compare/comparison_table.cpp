#include "compare/comparison_table.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "core/atomic_write.h"
#include "core/error.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

// Display width of a UTF-8 string in code points (headers hold sigma, mu, ||).
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad(const std::string& s, size_t width, bool right) {
  const size_t w = display_width(s);
  if (w >= width) return s;
  return right ? std::string(width - w, ' ') + s : s + std::string(width - w, ' ');
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

void ComparisonTable::add_provider(std::string name, ColumnProvider provider) {
  providers_.emplace_back(std::move(name), std::move(provider));
}

void ComparisonTable::add_column(ComparisonColumn column) { columns_.push_back(std::move(column)); }

void ComparisonTable::insert_column_after(const std::string& after, ComparisonColumn column) {
  auto it = std::find_if(columns_.begin(), columns_.end(), [&](const auto& c) { return c.key == after; });
  if (it == columns_.end()) columns_.push_back(std::move(column));
  else columns_.insert(it + 1, std::move(column));
}

const nlohmann::json& ComparisonTable::evaluate(const ComparisonContext& run) {
  nlohmann::json row = nlohmann::json::object();
  const EvalModeGuard eval_mode(run.model);
  for (const auto& [name, provider] : providers_) {
    if (run.options.seed >= 0) torch::manual_seed(static_cast<uint64_t>(run.options.seed));
    try {
      provider(run, row);
    } catch (const std::exception& e) {
      // One failing column set must not lose the row: record why and go on.
      row["error_" + name] = e.what();
    }
  }
  rows_.push_back(std::move(row));
  return rows_.back();
}

void ComparisonTable::add_row(nlohmann::json row) { rows_.push_back(std::move(row)); }

void ComparisonTable::add_note(std::string note) { notes_.push_back(std::move(note)); }

std::string ComparisonTable::format_cell(const nlohmann::json& value, int precision) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (!std::isfinite(v)) return "-";
    // Fixed notation for moderate magnitudes, precision significant digits.
    if (v != 0 && (std::abs(v) < 1e-3 || std::abs(v) >= 1e7)) return fmt::format("{:.{}g}", v, precision);
    const int digits = v == 0 ? 0 : static_cast<int>(std::floor(std::log10(std::abs(v)))) + 1;
    return fmt::format("{:.{}f}", v, std::max(0, precision - digits));
  }
  return value.dump();
}

std::string ComparisonTable::to_text() const {
  std::vector<size_t> widths;
  for (const auto& c : columns_) widths.push_back(display_width(c.header));
  std::vector<std::vector<std::string>> cells;
  for (const auto& row : rows_) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& c = columns_[i];
      line.push_back(format_cell(row.contains(c.key) ? row.at(c.key) : nlohmann::json(), c.precision));
      widths[i] = std::max(widths[i], display_width(line.back()));
    }
    cells.push_back(std::move(line));
  }
  std::ostringstream out;
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? "  " : "") << pad(columns_[i].header, widths[i], i > 0);
  out << "\n";
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? "  " : "") << std::string(widths[i], '-');
  out << "\n";
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) out << (i ? "  " : "") << pad(line[i], widths[i], i > 0);
    out << "\n";
  }
  for (const auto& note : notes_) out << note << "\n";
  return out.str();
}

std::string ComparisonTable::to_markdown() const {
  std::ostringstream out;
  out << "|";
  for (const auto& c : columns_) out << " " << c.header << " |";
  out << "\n|";
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? " ---: |" : " --- |");
  out << "\n";
  for (const auto& row : rows_) {
    out << "|";
    for (const auto& c : columns_) {
      std::string cell = format_cell(row.contains(c.key) ? row.at(c.key) : nlohmann::json(), c.precision);
      std::string escaped;
      for (char ch : cell) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
      out << " " << escaped << " |";
    }
    out << "\n";
  }
  for (const auto& note : notes_) out << "\n" << note << "\n";
  return out.str();
}

std::string ComparisonTable::to_csv() const {
  std::ostringstream out;
  for (size_t i = 0; i < columns_.size(); ++i) out << (i ? "," : "") << csv_escape(columns_[i].key);
  out << "\n";
  for (const auto& row : rows_) {
    for (size_t i = 0; i < columns_.size(); ++i) {
      const auto& key = columns_[i].key;
      std::string cell;
      if (row.contains(key) && !row.at(key).is_null()) {
        const auto& v = row.at(key);
        if (v.is_string()) cell = v.get<std::string>();
        else if (v.is_number_float()) cell = fmt::format("{:.17g}", v.get<double>());
        else cell = v.dump();
      }
      out << (i ? "," : "") << csv_escape(cell);
    }
    out << "\n";
  }
  return out.str();
}

void ComparisonTable::write(const std::string& dir) const {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("compare: cannot create {}: {}", dir, ec.message()));
  const auto path = [&](const char* name) { return (fs::path(dir) / name).string(); };
  write_file_atomically(path("compare.csv"), to_csv());
  write_file_atomically(path("compare.md"), to_markdown());
  write_file_atomically(path("compare.json"), nlohmann::json(rows_).dump(2) + "\n");
}

}  // namespace vaelab

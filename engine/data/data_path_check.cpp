#include "data/data_path_check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include "core/error.h"
#include "data/csv_line.h"
#include "data/image_folder.h"

namespace vaelab {
namespace fs = std::filesystem;

namespace {

bool cancelled(const std::atomic<bool>* cancel) { return cancel && cancel->load(std::memory_order_relaxed); }

bool is_hidden(const fs::path& p) { return !p.filename().empty() && p.filename().string()[0] == '.'; }

bool is_image_file(const fs::directory_entry& e) {
  std::error_code ec;
  return is_image_file_name(e.path()) && e.is_regular_file(ec);
}

std::string plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

// Image files under `dir` (recursively or not), counted up to `budget`, which is decreased by the count.
int64_t count_images(const fs::path& dir, bool recursive, int64_t& budget, const std::atomic<bool>* cancel) {
  int64_t n = 0;
  std::error_code ec;
  if (recursive) {
    for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end && budget > 0 && !cancelled(cancel); it.increment(ec))
      if (is_image_file(*it)) ++n, --budget;
  } else {
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end && budget > 0 && !cancelled(cancel);
         it.increment(ec))
      if (is_image_file(*it)) ++n, --budget;
  }
  return n;
}

bool is_number(const std::string& cell) {
  double ignored = 0;
  return parse_csv_number(cell, ignored);
}

bool is_blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

// "a, b, c" of the first `max` names, then ", ..." when there are more.
std::string first_names(const std::vector<std::string>& names, size_t max) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += ", ...";
  return out;
}

}  // namespace

DataPathCheck check_image_folder(const std::string& path, const std::atomic<bool>* cancel, int64_t max_files) {
  DataPathCheck out;
  if (path.empty()) {
    out.line = "choose a folder of .png/.jpg/.jpeg/.bmp images";
    return out;
  }
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    out.line = "no such folder: " + path;
    return out;
  }
  if (!fs::is_directory(st)) {
    out.line = "not a folder: " + path + " (an image folder is a folder of images, or of class folders)";
    return out;
  }
  std::vector<std::string> classes;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code ec2;
    if (!is_hidden(it->path()) && it->is_directory(ec2)) classes.push_back(it->path().filename().string());
  }
  if (ec) {
    out.line = "cannot read " + path + ": " + ec.message();
    return out;
  }
  std::sort(classes.begin(), classes.end());
  int64_t budget = max_files, images = 0, beside = 0;
  if (classes.empty()) {
    images = count_images(path, false, budget, cancel);
  } else {
    int64_t unlimited = max_files;  // images beside the class folders: skipped, so not part of the cap
    beside = count_images(path, false, unlimited, cancel);
    for (const auto& c : classes) images += count_images(fs::path(path) / c, true, budget, cancel);
  }
  if (cancelled(cancel)) {
    out.line = "(cancelled)";
    return out;
  }
  const bool capped = budget <= 0;
  if (images == 0) {
    out.line = classes.empty()
                   ? "no .png/.jpg/.jpeg/.bmp image in " + path
                   : "no .png/.jpg/.jpeg/.bmp image in the " + plural(static_cast<int64_t>(classes.size()), "class folder", "class folders") +
                         " of " + path + " (" + first_names(classes, 4) + ")";
    return out;
  }
  out.ok = true;
  out.line = (capped ? "at least " : "") + plural(images, "image", "images");
  if (classes.empty()) out.line += ", no class folders (unlabelled)";
  else out.line += " in " + plural(static_cast<int64_t>(classes.size()), "class", "classes") + " (" + first_names(classes, 4) + ")";
  if (capped) out.line += "; stopped counting";
  if (beside > 0) out.line += "; " + plural(beside, "image", "images") + " beside the class folders skipped";
  return out;
}

DataPathCheck check_csv_file(const std::string& path, const std::atomic<bool>* cancel, int64_t max_bytes,
                             int64_t checked_rows) {
  DataPathCheck out;
  if (path.empty()) {
    out.line = "choose a .csv file of numeric columns";
    return out;
  }
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) {
    out.line = "no such file: " + path;
    return out;
  }
  if (fs::is_directory(st)) {
    out.line = "a folder, not a CSV file: " + path;
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out.line = "cannot open " + path;
    return out;
  }
  // Errors name the place as the engine's do: file:line:column.
  const std::string source = fs::path(path).filename().string();
  const char delimiter = ',';
  std::string line;
  std::vector<std::string> cells, header;
  size_t columns = 0;
  int64_t rows = 0, bytes = 0;
  bool capped = false, first = true;
  for (int64_t line_no = 1; std::getline(in, line); ++line_no) {
    bytes += static_cast<int64_t>(line.size()) + 1;
    if (line_no == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);  // BOM
    if (is_blank(line)) continue;
    if (rows < checked_rows || first) {
      if (std::any_of(line.begin(), line.end(), [](char c) { return (c >= 0 && c < 0x20 && c != '\t' && c != '\r') || c == 0x7f; })) {
        out.line = "not a text file: " + path;
        return out;
      }
      try {
        cells = split_csv_line(line, delimiter, source, line_no);
      } catch (const Error& e) {
        out.line = e.what();
        return out;
      }
      if (first) {
        first = false;
        columns = cells.size();
        if (!std::all_of(cells.begin(), cells.end(), is_number)) {
          header = cells;
          continue;
        }
      }
      if (cells.size() != columns) {
        out.line = source + ":" + std::to_string(line_no) + ": expected " + std::to_string(columns) + " cells" +
                   (header.empty() ? "" : " (as in the header)") + ", got " + std::to_string(cells.size());
        return out;
      }
      for (size_t c = 0; c < cells.size(); ++c)
        if (!is_number(cells[c])) {
          out.line = source + ":" + std::to_string(line_no) + ":" + std::to_string(c + 1) + ": expected a number, got \"" +
                     cells[c].substr(0, 40) + "\"";
          return out;
        }
    }
    ++rows;
    if (bytes >= max_bytes || cancelled(cancel)) {
      capped = true;
      break;
    }
  }
  if (cancelled(cancel)) {
    out.line = "(cancelled)";
    return out;
  }
  if (rows == 0) {
    out.line = source + (header.empty() ? ": no data rows" : ": a header but no data rows");
    return out;
  }
  out.ok = true;
  out.line = (capped ? "at least " : "") + plural(rows, "row", "rows") + " \u00d7 " +
             plural(static_cast<int64_t>(columns), "column", "columns") +
             (header.empty() ? ", no header" : ", header: " + first_names(header, 6));
  if (capped)
    out.line += "; counted in the first " +
                (max_bytes >= (1 << 20) ? std::to_string(max_bytes >> 20) + " MB" : plural(max_bytes, "byte", "bytes"));
  return out;
}

}  // namespace vaelab

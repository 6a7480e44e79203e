#include "folder_listing.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

fs::path absolute_normal(const std::string& folder) {
  std::error_code ec;
  fs::path p = fs::absolute(folder.empty() ? fs::path(".") : fs::path(folder), ec);
  p = p.lexically_normal();
  // "/a/b/" normalises to "/a/b/" with an empty file name: drop the trailing separator.
  if (p.has_relative_path() && p.filename().empty()) p = p.parent_path();
  return p;
}

}  // namespace

FolderListing list_folder(const std::string& folder) {
  FolderListing out;
  const fs::path dir = absolute_normal(folder);
  out.folder = dir.string();
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    out.error = "cannot read \"" + out.folder + "\": " + ec.message();
    return out;
  }
  for (const fs::directory_entry& e : it) {
    FolderEntry entry;
    entry.name = e.path().filename().string();
    if (entry.name.empty() || entry.name[0] == '.') continue;
    entry.path = e.path().string();
    std::error_code ec2;
    entry.is_folder = e.is_directory(ec2);
    entry.is_run = entry.is_folder && fs::is_regular_file(e.path() / "checkpoint.pt", ec2);
    out.entries.push_back(std::move(entry));
  }
  std::sort(out.entries.begin(), out.entries.end(), [](const FolderEntry& a, const FolderEntry& b) {
    if (a.is_folder != b.is_folder) return a.is_folder;
    const std::string la = lower(a.name), lb = lower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
  return out;
}

std::string parent_folder(const std::string& folder) {
  const fs::path p = absolute_normal(folder);
  return p.has_parent_path() ? p.parent_path().string() : p.string();
}

}  // namespace gui
}  // namespace vaelab

#include "recent_runs.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vaelab {
namespace gui {
namespace fs = std::filesystem;

RecentRuns::RecentRuns(std::string file, size_t capacity) : file_(std::move(file)), capacity_(capacity) {}

void RecentRuns::load() {
  paths_.clear();
  load_error_.clear();
  if (file_.empty()) return;
  std::ifstream in(file_, std::ios::binary);
  if (!in) return;  // no list yet
  std::stringstream text;
  text << in.rdbuf();
  try {
    const nlohmann::json j = nlohmann::json::parse(text.str());
    if (!j.is_object() || !j.contains("recent") || !j["recent"].is_array())
      throw std::runtime_error("expected {\"recent\": [paths]}");
    for (const auto& p : j["recent"]) {
      if (!p.is_string()) throw std::runtime_error("expected {\"recent\": [paths]}");
      if (paths_.size() < capacity_) paths_.push_back(p.get<std::string>());
    }
  } catch (const std::exception& e) {
    paths_.clear();
    load_error_ = "ignored " + file_ + ": " + e.what();
  }
}

bool RecentRuns::add(const std::string& path, std::string& error) {
  std::error_code ec;
  std::string abs = fs::absolute(path, ec).lexically_normal().string();
  if (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  paths_.erase(std::remove(paths_.begin(), paths_.end(), abs), paths_.end());
  paths_.insert(paths_.begin(), abs);
  if (paths_.size() > capacity_) paths_.resize(capacity_);
  return save(error);
}

bool RecentRuns::save(std::string& error) const {
  if (file_.empty()) return true;
  std::error_code ec;
  const fs::path target(file_);
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  // Write a sibling and rename it over the list, so a crash never leaves half a file.
  const std::string tmp = file_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << nlohmann::json{{"recent", paths_}}.dump(2) << "\n";
    if (!out) {
      error = "cannot write \"" + tmp + "\"";
      return false;
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    error = "cannot write \"" + file_ + "\": " + ec.message();
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace gui
}  // namespace vaelab

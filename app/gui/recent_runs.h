#pragma once
// The runs, checkpoints, models and preset files opened or saved in the app, newest first, kept in a
// small JSON file beside imgui.ini (config_dir()/recent-runs.json):
//   {"recent": ["/abs/path/run-a", "/abs/path/model.pt"]}
// A missing file is an empty list; a corrupt one (not JSON, wrong shape) is ignored and replaced by the
// next add(). No ImGui here, so tests link it.
#include <cstddef>
#include <string>
#include <vector>

namespace vaelab {
namespace gui {

class RecentRuns {
 public:
  // `file` "" keeps the list in memory only (headless runs must not change the user's list).
  explicit RecentRuns(std::string file = "", size_t capacity = 10);

  // Reads the file; afterwards load_error() says why a present file was ignored ("" when it was read).
  void load();
  // Puts `path` (made absolute) first, drops an older copy of it and the oldest beyond the capacity, and
  // writes the file. Returns false with `error` when the file cannot be written (the list still changes).
  bool add(const std::string& path, std::string& error);

  const std::vector<std::string>& paths() const { return paths_; }
  const std::string& load_error() const { return load_error_; }
  const std::string& file() const { return file_; }

 private:
  bool save(std::string& error) const;

  std::string file_;
  size_t capacity_;
  std::vector<std::string> paths_;
  std::string load_error_;
};

}  // namespace gui
}  // namespace vaelab

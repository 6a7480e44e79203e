#include "output_folder.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/error.h"

namespace vaelab::cli {

namespace fs = std::filesystem;

void require_writable_folder(const std::string& dir) {
  if (dir.empty()) throw Error("output folder: empty path");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create output folder '{}': {}", dir, ec.message()));
  if (!fs::is_directory(dir, ec)) throw Error(fmt::format("output folder '{}' is not a folder", dir));
  const fs::path probe = fs::path(dir) / ".vaelab-write-probe";
  {
    std::ofstream out(probe);
    out << "probe\n";
    out.flush();
    if (!out) {
      throw Error(fmt::format("cannot write in output folder '{}': {}", dir, std::strerror(errno)));
    }
  }
  fs::remove(probe, ec);
}

std::string checkpoint_path_of(const std::string& run) {
  std::error_code ec;
  if (fs::is_directory(run, ec)) {
    const fs::path file = fs::path(run) / "checkpoint.pt";
    if (!fs::exists(file, ec)) throw Error(fmt::format("run folder '{}' has no checkpoint.pt", run));
    return file.string();
  }
  if (!fs::exists(run, ec)) throw Error(fmt::format("run '{}' does not exist (expected a run folder or a checkpoint file)", run));
  return run;
}

}  // namespace vaelab::cli

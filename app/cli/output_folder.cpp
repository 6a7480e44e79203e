#include "output_folder.h"

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "core/atomic_write.h"
#include "core/error.h"

namespace vaelab::cli {

namespace fs = std::filesystem;

void require_writable_folder(const std::string& dir) {
  if (dir.empty()) throw Error("output folder: empty path");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create output folder '{}': {}", dir, ec.message()));
  if (!fs::is_directory(dir, ec)) throw Error(fmt::format("output folder '{}' is not a folder", dir));
  // A probe of this process's own (two writers never share it), written like every run file.
  const fs::path probe = fs::path(dir) / fmt::format(".vaelab-write-probe.{}", static_cast<long>(::getpid()));
  try {
    write_file_atomically(probe.string(), "probe\n");
  } catch (const Error& e) {
    throw Error(fmt::format("cannot write in output folder '{}': {}", dir, e.what()));
  }
  fs::remove(probe, ec);
}

}  // namespace vaelab::cli

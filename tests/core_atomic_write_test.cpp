// The durable writer (engine/core/atomic_write.h): whole files or none, one clear error naming the file
// and the system's reason on a full disk, a file size limit, a read-only or a vanished folder; the old
// content survives and no temporary file is left behind; concurrent writers never mix their bytes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "core/atomic_write.h"
#include "core/error.h"
#include "file_write_faults.h"
#include "test_support.h"

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// Throws unless write_file_atomically fails with a message naming `path` and `reason`.
void require_write_fails(const fs::path& path, const std::string& bytes, const std::string& reason) {
  try {
    write_file_atomically(path.string(), bytes, "checkpoint");
    FAIL("the write of " << path << " succeeded");
  } catch (const Error& e) {
    const std::string message = e.what();
    CHECK(message.find("cannot write checkpoint \"" + path.string() + "\"") != std::string::npos);
    CHECK(message.find(reason) != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }
}

}  // namespace

TEST_CASE("An atomic write replaces the file whole and leaves no temporary file", "[fast][core]") {
  const auto dir = test::scratch_dir("atomic_write_replace");
  const auto path = dir / "summary.json";
  write_file_atomically(path.string(), "first\n");
  write_file_atomically(path.string(), std::string(100000, 'x'));
  CHECK(contents(path) == std::string(100000, 'x'));
  CHECK(names_in(dir) == std::vector<std::string>{"summary.json"});
  write_file_atomically(path.string(), "");
  CHECK(contents(path).empty());
}

TEST_CASE("A write into a folder that is not there fails naming the file and the reason", "[fast][core]") {
  const auto dir = test::scratch_dir("atomic_write_vanished");
  const auto path = dir / "gone" / "metrics.csv";
  require_write_fails(path, "epoch\n", "No such file or directory");
  try {
    write_file_atomically(path.string(), "epoch\n");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "cannot write \"" + path.string() + "\": No such file or directory");
  }
}

TEST_CASE("A write past the file size limit fails with EFBIG, keeps the old file and removes its temporary",
          "[fast][core]") {
  const auto dir = test::scratch_dir("atomic_write_fsize");
  const auto path = dir / "checkpoint.pt";
  write_file_atomically(path.string(), std::string(3000, 'a'));
  {
    test::FileSizeLimit limit(8192);
    require_write_fails(path, std::string(20000, 'b'), "File too large");
    write_file_atomically((dir / "small.txt").string(), "fits\n");  // under the limit: still fine
  }
  CHECK(contents(path) == std::string(3000, 'a'));
  CHECK(names_in(dir) == std::vector<std::string>{"checkpoint.pt", "small.txt"});
}

TEST_CASE("A write on a full or read-only file system fails naming the file and keeps the old file",
          "[fast][core]") {
  const auto dir = test::scratch_dir("atomic_write_tmpfs");
  test::TmpfsMount disk(dir.string(), "size=64k");
  if (!disk.ok()) {
    WARN(disk.reason());
    return;
  }
  const auto path = dir / "checkpoint.pt";
  write_file_atomically(path.string(), std::string(40000, 'a'));
  require_write_fails(path, std::string(40000, 'b'), "No space left on device");
  CHECK(contents(path) == std::string(40000, 'a'));
  CHECK(names_in(dir) == std::vector<std::string>{"checkpoint.pt"});
  // A smaller file still fits once the failed temporary is gone.
  write_file_atomically((dir / "metrics.csv").string(), std::string(8000, 'm'));

  REQUIRE(disk.make_read_only());
  require_write_fails(path, "c", "Read-only file system");
  CHECK(contents(path) == std::string(40000, 'a'));
}

TEST_CASE("Writers racing on one file never mix their bytes and never share a temporary file", "[fast][core]") {
  const auto dir = test::scratch_dir("atomic_write_race");
  const auto path = dir / "summary.json";
  std::vector<std::string> versions;
  for (char c : std::string("abcd")) versions.push_back(std::string(50000 + (c - 'a') * 1000, c));
  write_file_atomically(path.string(), versions[0]);
  std::atomic<bool> done{false};
  std::atomic<int> torn{0}, reads{0};
  std::thread reader([&] {
    while (!done.load()) {
      const std::string seen = contents(path);
      ++reads;
      if (std::find(versions.begin(), versions.end(), seen) == versions.end()) ++torn;
    }
  });
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (const auto& v : versions)
    writers.emplace_back([&, v] {
      for (int i = 0; i < 40; ++i) {
        try {
          write_file_atomically(path.string(), v);
        } catch (const Error&) {
          ++failures;
        }
      }
    });
  for (auto& w : writers) w.join();
  done.store(true);
  reader.join();
  CHECK(failures.load() == 0);
  CHECK(torn.load() == 0);
  CHECK(reads.load() > 0);
  CHECK(std::find(versions.begin(), versions.end(), contents(path)) != versions.end());
  CHECK(names_in(dir) == std::vector<std::string>{"summary.json"});
}

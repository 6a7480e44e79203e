// One writer per run folder (engine/train/run_folder_lock.h): a second writer is refused naming the
// holder; a lock whose holder died (kill -9) does not block; a dead writer's temporary files go.
#include <catch2/catch.hpp>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "core/error.h"
#include "test_support.h"
#include "train/run_folder_lock.h"

extern char** environ;

using namespace vaelab;
namespace fs = std::filesystem;

namespace {

std::string lock_file_text(const fs::path& dir) {
  std::ifstream in(dir / RunFolderLock::kFileName);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Another process that takes the folder's lock the way a trainer does (flock, "<pid> <name>" in the
// file) and then sleeps holding it. Returns its pid once it holds the lock.
pid_t spawn_lock_holder(const fs::path& dir) {
  const std::string file = (dir / RunFolderLock::kFileName).string();
  const std::string script = "exec 9>>'" + file + "'; flock -n 9 || exit 3; printf '%s sleeper\\n' $$ > '" + file +
                             "'; exec sleep 60";
  const char* argv[] = {"/bin/bash", "-c", script.c_str(), nullptr};
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, "/bin/bash", nullptr, nullptr, const_cast<char**>(argv), environ) == 0);
  const std::string expected = std::to_string(pid) + " sleeper\n";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (lock_file_text(dir) != expected && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(lock_file_text(dir) == expected);
  return pid;
}

}  // namespace

TEST_CASE("A second writer of a run folder is refused with the holder's pid, and gets it once released",
          "[fast][train]") {
  const auto dir = test::scratch_dir("run_folder_lock_twice");
  {
    RunFolderLock first(dir.string());
    CHECK(first.covers(dir.string()));
    CHECK(lock_file_text(dir).rfind(std::to_string(::getpid()) + " ", 0) == 0);
    CHECK_THROWS_WITH(RunFolderLock(dir.string()),
                      Catch::Equals("run folder \"" + dir.string() + "\" is being written by process " +
                                    std::to_string(::getpid()) + " (" + program_invocation_short_name +
                                    "); readers do not need the lock"));
    RunFolderLock moved = std::move(first);
    CHECK(moved.covers(dir.string()));
    CHECK_FALSE(first.covers(dir.string()));  // NOLINT: moved-from is empty by contract
    CHECK_THROWS_AS(RunFolderLock(dir.string()), Error);
  }
  CHECK(lock_file_text(dir).empty());  // released: no stale pid
  RunFolderLock again(dir.string());
  CHECK_FALSE(again.covers((dir / "elsewhere").string()));
}

TEST_CASE("A lock held by another process is refused by name, and a killed holder does not block",
          "[fast][train]") {
  const auto dir = test::scratch_dir("run_folder_lock_killed");
  const pid_t holder = spawn_lock_holder(dir);
  CHECK_THROWS_WITH(RunFolderLock(dir.string()),
                    Catch::Contains("is being written by process " + std::to_string(holder) + " (sleeper)"));
  ::kill(holder, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(holder, &status, 0) == holder);
  REQUIRE(WIFSIGNALED(status));
  // The lock file still names the dead process; the kernel dropped its flock, so it does not block.
  CHECK(lock_file_text(dir) == std::to_string(holder) + " sleeper\n");
  RunFolderLock taken(dir.string());
  CHECK(lock_file_text(dir).rfind(std::to_string(::getpid()) + " ", 0) == 0);
}

TEST_CASE("Taking a run folder's lock removes the temporary files a killed writer left", "[fast][train]") {
  const auto dir = test::scratch_dir("run_folder_lock_leftovers");
  for (const char* name : {"checkpoint.pt.tmp.123.0.0badf00d", "metrics.csv.tmp.9.1.abc", "checkpoint.pt.tmp",
                           "checkpoint.pt", "notes.tmp.1"})
    std::ofstream(dir / name) << "x";
  RunFolderLock lock(dir.string());
  CHECK(fs::exists(dir / "checkpoint.pt"));
  CHECK(fs::exists(dir / "notes.tmp.1"));  // not ours: left alone
  CHECK_FALSE(fs::exists(dir / "checkpoint.pt.tmp.123.0.0badf00d"));
  CHECK_FALSE(fs::exists(dir / "metrics.csv.tmp.9.1.abc"));
  CHECK_FALSE(fs::exists(dir / "checkpoint.pt.tmp"));
}

TEST_CASE("A run folder that cannot hold a lock file is refused naming the folder", "[fast][train]") {
  CHECK_THROWS_WITH(RunFolderLock("/proc/vaelab-no-such-run"), Catch::Contains("/proc/vaelab-no-such-run"));
}

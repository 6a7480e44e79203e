#include "train/run_folder_lock.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "train/run_folder.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

std::string own_command_name() {
#ifdef __GLIBC__
  return program_invocation_short_name;
#else
  return "";
#endif
}

// "process 1234 (vaelab-cli)" from the lock file's "<pid> <command>" line, or "another process".
std::string describe_holder(int fd) {
  char buf[256] = {};
  const ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
  std::string line = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  line = line.substr(0, line.find('\n'));
  const auto space = line.find(' ');
  const std::string pid = line.substr(0, space);
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return "another process";
  const std::string command = space == std::string::npos ? "" : line.substr(space + 1);
  return command.empty() ? fmt::format("process {}", pid) : fmt::format("process {} ({})", pid, command);
}

// Temporary files of the run folder's own files ("checkpoint.pt.tmp.<pid>..."): with the lock held,
// any that exist were left by a writer that died (kill -9) mid-write.
void remove_dead_writers_temporaries(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (const char* file : {RunFolder::kCheckpoint, RunFolder::kMetrics, RunFolder::kSummary}) {
      const std::string prefix = std::string(file) + ".tmp";
      if (name.rfind(prefix, 0) == 0) fs::remove(entry.path(), ec);
    }
  }
}

}  // namespace

RunFolderLock::RunFolderLock(const std::string& dir) : dir_(dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("cannot create run folder \"{}\": {}", dir, ec.message()));
  const std::string file = (fs::path(dir) / kFileName).string();
  fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(fmt::format("cannot lock run folder \"{}\": {}: {}", dir, file, std::strerror(errno)));
  int rc;
  do rc = ::flock(fd_, LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    const std::string holder = err == EWOULDBLOCK ? describe_holder(fd_) : "";
    ::close(fd_);
    fd_ = -1;
    if (err != EWOULDBLOCK)
      throw Error(fmt::format("cannot lock run folder \"{}\": {}: {}", dir, file, std::strerror(err)));
    throw Error(fmt::format("run folder \"{}\" is being written by {}; readers do not need the lock", dir, holder));
  }
  // Who holds it, for the refusal above; best effort (a full disk must not stop the lock itself).
  const std::string line = fmt::format("{} {}\n", static_cast<long>(::getpid()), own_command_name());
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, line.data(), line.size(), 0);
  remove_dead_writers_temporaries(dir);
}

RunFolderLock::~RunFolderLock() { release(); }

RunFolderLock::RunFolderLock(RunFolderLock&& other) noexcept : dir_(std::move(other.dir_)), fd_(other.fd_) {
  other.fd_ = -1;
}

RunFolderLock& RunFolderLock::operator=(RunFolderLock&& other) noexcept {
  if (this != &other) {
    release();
    dir_ = std::move(other.dir_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

bool RunFolderLock::covers(const std::string& dir) const {
  if (fd_ < 0) return false;
  struct stat mine {}, theirs {};
  const std::string file = (fs::path(dir) / kFileName).string();
  return ::fstat(fd_, &mine) == 0 && ::stat(file.c_str(), &theirs) == 0 && mine.st_dev == theirs.st_dev &&
         mine.st_ino == theirs.st_ino;
}

void RunFolderLock::release() noexcept {
  if (fd_ < 0) return;
  (void)!::ftruncate(fd_, 0);  // no stale pid for the next reader of the file
  ::close(fd_);                // drops the flock
  fd_ = -1;
}

}  // namespace vaelab

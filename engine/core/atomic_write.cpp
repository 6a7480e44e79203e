#include "core/atomic_write.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "core/error.h"

namespace vaelab {

namespace fs = std::filesystem;

namespace {

std::atomic<unsigned> g_temp_counter{0};

// Creates a fresh temporary file beside `path` (O_EXCL: never one another writer uses). Returns its fd
// and name, or -1 with errno set.
int create_temp_beside(const std::string& path, std::string& temp) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  for (int attempt = 0; attempt < 100; ++attempt) {
    temp = fmt::format("{}.tmp.{}.{}.{:08x}", path, static_cast<long>(::getpid()), g_temp_counter.fetch_add(1),
                       static_cast<unsigned>(random() & 0xffffffffu));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

// Writes all of `bytes`; false with errno set on failure (a write that makes no progress is ENOSPC).
bool write_all(int fd, const std::string& bytes) {
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      errno = ENOSPC;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

void sync_folder_of(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  const int fd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);  // best effort: the rename is done; some file systems refuse fsync on a folder
  ::close(fd);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& what) {
  const auto fail = [&](int err) {
    return Error(fmt::format("cannot write {}\"{}\": {}", what.empty() ? "" : what + " ", path, std::strerror(err)));
  };
  if (path.empty()) throw Error(fmt::format("cannot write {}: empty path", what.empty() ? "a file" : what));
  std::string temp;
  const int fd = create_temp_beside(path, temp);
  if (fd < 0) throw fail(errno);
  int err = 0;
  if (!write_all(fd, bytes) || ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err != 0) {
    ::unlink(temp.c_str());
    throw fail(err);
  }
  sync_folder_of(path);
}

}  // namespace vaelab

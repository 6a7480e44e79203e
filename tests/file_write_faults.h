#pragma once
// Test fixtures that make file writes fail the way a user's disk does:
// - FileSizeLimit: RLIMIT_FSIZE for this process (SIGXFSZ ignored), so a write past N bytes fails with
//   EFBIG ("File too large"); always available. Restored on scope exit. Catch2 runs test cases one at a
//   time, so no other writer of the process sees the limit.
// - TmpfsMount: a small tmpfs on a folder (a genuinely full or read-only file system). Needs the right
//   to mount (root on CI); where it is refused, ok() is false and reason() says why, and the test skips
//   with a message instead of failing.
#include <sys/mount.h>
#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

namespace vaelab::test {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    previous_handler_ = std::signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &previous_);
    rlimit limit = previous_;
    limit.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    setrlimit(RLIMIT_FSIZE, &previous_);
    std::signal(SIGXFSZ, previous_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit previous_{};
  void (*previous_handler_)(int) = SIG_DFL;
};

class TmpfsMount {
 public:
  // `options` as for mount -o, e.g. "size=64k".
  TmpfsMount(const std::string& dir, const std::string& options) : dir_(dir) {
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) == 0) {
      mounted_ = true;
    } else {
      reason_ = "cannot mount a tmpfs on " + dir + " (" + std::strerror(errno) + "): skipped";
    }
  }
  ~TmpfsMount() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool ok() const { return mounted_; }
  const std::string& reason() const { return reason_; }
  // Makes the file system read-only; false when the remount is refused.
  bool make_read_only() {
    return ::mount("tmpfs", dir_.c_str(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr) == 0;
  }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string reason_;
};

}  // namespace vaelab::test

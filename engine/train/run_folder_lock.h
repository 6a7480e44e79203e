#pragma once
// One writer per run folder: a trainer that writes DIR (the CLI's train --out / resume --run, the app's
// save) holds DIR/.vaelab-lock, an flock(2) lock. Readers (eval, compare, the app viewing a run) never
// take it: every file of the folder is replaced atomically (core/atomic_write.h), so they see the old
// file or the new one.
//
// Contract
// - Taking the lock never waits: when another process (or another RunFolderLock in this process) holds
//   it, the constructor throws vaelab::Error
//   `run folder "DIR" is being written by process 1234 (vaelab-cli); readers do not need the lock`.
// - The kernel drops the lock when its holder dies (kill -9 included), so a lock file left by a dead
//   process never blocks: that is checked by flock itself, not by a timeout or by reading the pid.
// - The lock file holds "<pid> <command>\n" of the holder while it is held (best effort: on a full disk
//   the lock still holds, the refusal just cannot name the process), and is emptied on release; it is
//   never deleted (deleting would let two writers lock two different files).
// - Taking the lock removes the temporary files a dead writer left beside the folder's own files
//   (checkpoint.pt.tmp.*, metrics.csv.tmp.*, summary.json.tmp.*): a kill -9 cannot clean up after itself.
#include <string>

namespace vaelab {

class RunFolderLock {
 public:
  static constexpr const char* kFileName = ".vaelab-lock";

  // Locks `dir`, creating it when missing. Throws vaelab::Error when it is held elsewhere, or when the
  // lock file cannot be created (naming the file and the system's reason).
  explicit RunFolderLock(const std::string& dir);
  ~RunFolderLock();
  RunFolderLock(RunFolderLock&& other) noexcept;
  RunFolderLock& operator=(RunFolderLock&& other) noexcept;
  RunFolderLock(const RunFolderLock&) = delete;
  RunFolderLock& operator=(const RunFolderLock&) = delete;

  // The folder as given, and whether this lock is the one for `dir` (same folder by identity).
  const std::string& dir() const { return dir_; }
  bool covers(const std::string& dir) const;

 private:
  void release() noexcept;
  std::string dir_;
  int fd_ = -1;
};

}  // namespace vaelab

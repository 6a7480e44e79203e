#pragma once
// Whole-file writes that a reader never sees half done and that fail with one clear error: the one
// durable writer of the engine (checkpoints, metrics.csv, summary.json, compare's tables).
//
// Contract
// - The bytes go to a temporary file beside the target, "<name>.tmp.<pid>.<n>.<random>", created with
//   O_EXCL, so no other writer (another thread, process or machine) can share it. Every write(2) is
//   checked (short writes continue, EINTR retries); the file is fsync'ed and closed (both checked), then
//   renamed over the target, and the folder is fsync'ed (best effort: some file systems refuse it).
// - Any failure (full disk, quota, a file size limit, a read-only or vanished folder, ...) throws
//   vaelab::Error naming the target and the system's reason, e.g.
//   `cannot write checkpoint "runs/a/checkpoint.pt": No space left on device`; the temporary file is
//   removed and the previous content of the target is left as it was.
// - A process should ignore SIGXFSZ (both front ends do) so that a file size limit fails the write with
//   EFBIG instead of killing the process.
#include <string>

namespace vaelab {

// Writes `bytes` to `path` atomically. `what` names the kind of file in the error ("checkpoint"), or
// nothing when empty: `cannot write "runs/a/metrics.csv": No space left on device`.
void write_file_atomically(const std::string& path, const std::string& bytes, const std::string& what = "");

}  // namespace vaelab

#pragma once
// The --out / --run folder of a command: created and proven writable before any work starts, so that a
// bad path fails in a second rather than after an hour of training.
#include <string>

namespace vaelab::cli {

// Creates `dir` (and its parents) and writes + removes a probe file in it. Throws vaelab::Error naming
// the folder and the system's reason when either fails.
void require_writable_folder(const std::string& dir);

}  // namespace vaelab::cli

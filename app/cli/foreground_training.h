#pragma once
// Training in the foreground for `train` and `resume`: start the session's trainer, show progress
// until it ends, save the run folder.
//
// Contracts
// - Progress: on a terminal (isatty(stdout)) a bar redrawn ~5x/s plus one line per finished epoch;
//   otherwise (pipes, logs, CI) only the per-epoch lines.
// - Ctrl-C (SIGINT): the signal handler only sets an atomic flag (and restores the default action, so a
//   second Ctrl-C kills at once). The polling loop sees it, stops the trainer (between two batches),
//   saves the run folder and throws CommandExit{130}.
// - The run folder is saved after every finished epoch too (a kill -9 loses one epoch at most), and at
//   the end; the caller holds the folder's writer lock (Session::hold_run_folder), else save_run takes it.
// - Ends: Finished/Stopped -> run saved, returns. Diverged -> the last finite state is saved, then
//   vaelab::Error with the trainer's message. Failed -> vaelab::Error with the trainer's message.
#include <cstdint>
#include <string>

#include "session/session.h"

namespace vaelab::cli {

// `epochs_done`: epochs already in the session's history (a resumed run); only later ones are printed.
void train_in_foreground(Session& session, const std::string& out_dir, int64_t epochs_done = 0);

}  // namespace vaelab::cli

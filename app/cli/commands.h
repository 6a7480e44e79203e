#pragma once
// The subcommands of vaelab-cli. Each lives in its own file (command_<name>.cpp) and adds itself to the
// App with its options and a callback; main.cpp turns every exception a callback throws into one line
// on stderr ("vaelab-cli: error: ...") and exit status 1.
#include <CLI/CLI.hpp>

namespace vaelab::cli {

// Thrown by a command that has already reported what happened and must end with a particular exit
// status (e.g. 130 after Ctrl-C, once the checkpoint is saved). main() returns `status` as is.
struct CommandExit {
  int status = 0;
};

}  // namespace vaelab::cli

void register_train_command(CLI::App& app);    // train --preset NAME|FILE --out DIR   (command_train.cpp)
void register_resume_command(CLI::App& app);   // resume --run DIR [--epochs N]        (command_resume.cpp)
void register_eval_command(CLI::App& app);     // eval --run DIR -> one JSON object     (command_eval.cpp)
void register_list_commands(CLI::App& app);    // presets, datasets, variants           (command_list.cpp)
void register_compare_command(CLI::App& app);  // compare runs                          (command_compare.cpp)
void register_export_command(CLI::App& app);     // export --run DIR --out FILE (PyTorch) (command_export.cpp)
void register_reproduce_command(CLI::App& app);  // reproduce PAPER -> report.md      (command_reproduce.cpp)

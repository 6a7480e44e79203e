// vaelab-cli export --run DIR --out FILE.pt
// Writes the run's model for PyTorch (train/pytorch_export.h): torch.jit.load(FILE).state_dict() holds the
// weights under their module names, its vaelab_spec / vaelab_preset attributes the description;
// tools/load_vaelab.py rebuilds the model there. Prints one line naming the file and what it holds.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "commands.h"
#include "train/checkpoint.h"
#include "train/pytorch_export.h"
#include "train/run_folder.h"

namespace {

struct ExportArgs {
  std::string run;
  std::string out;
};

}  // namespace

void register_export_command(CLI::App& app) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand("export", "write a run's model for PyTorch (torch.jit.load; tools/load_vaelab.py)");
  cmd->add_option("--run", args->run, "run folder (holding checkpoint.pt) or checkpoint file")->required();
  cmd->add_option("--out", args->out, "the file to write (.pt)")->required();
  cmd->callback([args] {
    vaelab::export_for_pytorch(args->run, args->out);
    const vaelab::CheckpointMeta meta = vaelab::read_checkpoint_meta(vaelab::locate_run(args->run).checkpoint);
    std::cout << fmt::format("wrote {}: {} at step {} (load in PyTorch with tools/load_vaelab.py)", args->out,
                             vaelab::describe_spec(meta.spec), meta.step)
              << std::endl;
  });
}

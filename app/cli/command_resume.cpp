// vaelab-cli resume --run DIR [--epochs N] [--device D] [--threads T]
// Trains a saved run N more epochs (default: up to its preset's epoch count), continuing its metric
// history, and writes the run folder again.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "commands.h"
#include "option_checks.h"
#include "core/device.h"
#include "core/error.h"
#include "foreground_training.h"
#include "output_folder.h"
#include "session/session.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"
#include "train/run_folder_lock.h"

namespace {

struct ResumeArgs {
  std::string run;
  int64_t epochs = 0;  // more epochs; 0: up to the preset's count
  std::string device;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

void run_resume(const ResumeArgs& args) {
  const vaelab::RunLocation run = vaelab::locate_run(args.run);
  const std::string& checkpoint = run.checkpoint;
  const std::string out = run.folder;
  vaelab::cli::require_writable_folder(out);
  vaelab::RunFolderLock lock(out);  // before reading the checkpoint: another writer may be replacing it
  vaelab::set_threads(args.threads);

  const vaelab::CheckpointMeta meta = vaelab::read_checkpoint_meta(checkpoint);
  int64_t target = 0;
  if (args.epochs > 0) {
    target = meta.epoch + args.epochs;
  } else {
    target = meta.preset.value("epochs", int64_t{0});
    if (meta.epoch >= target)
      throw vaelab::Error(fmt::format("run '{}' has already trained {} of its {} epochs; pass --epochs N to train N more",
                                      args.run, meta.epoch, target));
  }

  vaelab::SessionOptions options;
  options.overrides.push_back(fmt::format("epochs={}", target));
  options.trainer.threads = args.threads;
  options.trainer.device = args.device;
  auto session = vaelab::Session::open(checkpoint, options);
  session->hold_run_folder(std::move(lock));
  std::printf("resuming %s at epoch %lld (step %lld), training to epoch %lld -> %s\n", args.run.c_str(),
              static_cast<long long>(meta.epoch), static_cast<long long>(meta.step), static_cast<long long>(target),
              out.c_str());
  std::fflush(stdout);
  vaelab::cli::train_in_foreground(*session, out, meta.epoch);
}

}  // namespace

void register_resume_command(CLI::App& app) {
  auto args = std::make_shared<ResumeArgs>();
  CLI::App* cmd = app.add_subcommand("resume", "train a saved run further; rewrites its folder");
  cmd->add_option("--run", args->run, "run folder (holding checkpoint.pt) or checkpoint file")->required();
  cmd->add_option("--epochs", args->epochs, "epochs to add (default: up to the preset's epoch count)")
      ->check(vaelab::cli::integer_at_least(1));
  cmd->add_option("--device", args->device, "auto | cpu | cuda (default: the preset's)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--threads", args->threads, "CPU threads for torch (default: hardware threads)")
      ->capture_default_str()
      ->check(vaelab::cli::integer_at_least(1));
  cmd->callback([args] { run_resume(*args); });
}

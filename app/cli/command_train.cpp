// vaelab-cli train --preset NAME|FILE [--set key=value]... [--epochs N] [--device D] [--seed S]
//                  [--threads T] --out DIR
// Trains a preset and writes DIR/checkpoint.pt, DIR/metrics.csv and DIR/summary.json.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "option_checks.h"
#include "core/device.h"
#include "foreground_training.h"
#include "output_folder.h"
#include "session/session.h"
#include "train/run_folder_lock.h"

namespace {

struct TrainArgs {
  std::string preset;
  std::vector<std::string> overrides;
  int64_t epochs = 0;  // 0: the preset's
  int64_t seed = -1;   // < 0: the preset's
  std::string device;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string out;
};

void run_train(const TrainArgs& args) {
  // Before anything slow (dataset, model): an unwritable --out must fail at once.
  vaelab::cli::require_writable_folder(args.out);
  vaelab::RunFolderLock lock(args.out);  // one writer per run folder (train/run_folder_lock.h)
  vaelab::set_threads(args.threads);

  vaelab::SessionOptions options;
  options.overrides = args.overrides;
  if (args.epochs > 0) options.overrides.push_back(fmt::format("epochs={}", args.epochs));
  if (args.seed >= 0) options.overrides.push_back(fmt::format("seed={}", args.seed));
  if (!args.device.empty()) options.overrides.push_back("device=" + args.device);
  options.trainer.threads = args.threads;

  auto session = vaelab::Session::open(args.preset, options);
  session->hold_run_folder(std::move(lock));
  const auto& preset = session->preset();
  std::printf("training %s (%s, latent %lld) on %s for %lld epochs, batch %lld, %d threads -> %s\n",
              preset.name.c_str(), session->spec().variant.c_str(), static_cast<long long>(session->spec().latent),
              session->data()->train.name.c_str(), static_cast<long long>(preset.epochs),
              static_cast<long long>(preset.batch_size), args.threads, args.out.c_str());
  std::fflush(stdout);
  vaelab::cli::train_in_foreground(*session, args.out);
}

}  // namespace

void register_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  CLI::App* cmd = app.add_subcommand("train", "train a preset; writes DIR/checkpoint.pt, metrics.csv, summary.json");
  cmd->add_option("--preset", args->preset, "preset name (see `vaelab-cli presets`) or preset JSON file")
      ->required();
  cmd->add_option("--set", args->overrides,
                  "override a preset key, e.g. --set optimizer.lr=3e-4 (repeatable; value parsed as JSON "
                  "when it parses)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--epochs", args->epochs, "number of epochs (overrides the preset)")->check(vaelab::cli::integer_at_least(1));
  cmd->add_option("--device", args->device, "auto | cpu | cuda (overrides the preset)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--seed", args->seed, "random seed (overrides the preset)")->check(vaelab::cli::integer_at_least(0));
  cmd->add_option("--threads", args->threads, "CPU threads for torch (default: hardware threads)")
      ->capture_default_str()
      ->check(vaelab::cli::integer_at_least(1));
  cmd->add_option("--out", args->out, "run folder to write")->required();
  cmd->callback([args] { run_train(*args); });
}

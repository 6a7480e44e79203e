// vaelab-cli eval --run DIR [--iwae-k K] [--split test|train] [--limit N] [--batch-size B] [--seed S]
//                 [--dequantize auto|on|off] [--device D] [--threads T]
// Prints ONE JSON object on stdout (the README's "eval JSON keys" lists them). Progress goes to stderr,
// and only on a terminal, so stdout stays machine-readable.
// The likelihood pass (nelbo, terms, IWAE) sees the data as the run trained on it: dequantised
// (data/dequantization.h, noise seeded by --seed) when the run's saved "dequantize" setting applies to
// its likelihood and data (analysis/likelihood_kind.h); --dequantize on|off overrides the setting.
// -log p is then reported in nats and bits per dimension (analysis/likelihood_units.h). Indicators and
// health look at the stored inputs.
#include <fmt/format.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "analysis/evaluation.h"
#include "analysis/indicators.h"
#include "analysis/likelihood_kind.h"
#include "analysis/likelihood_units.h"
#include "analysis/model_health.h"
#include "commands.h"
#include "option_checks.h"
#include "core/device.h"
#include "core/error.h"
#include "models/registry.h"
#include "data/dataset_registry.h"
#include "train/checkpoint.h"
#include "train/preset.h"
#include "train/run_folder.h"

namespace {

struct EvalArgs {
  std::string run;
  int64_t iwae_k = 0;
  std::string split = "test";
  int64_t limit = 0;
  int64_t batch_size = 256;
  int64_t seed = 0;
  std::string dequantize = "auto";
  std::string device;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

void run_eval(const EvalArgs& args) {
  const std::string checkpoint = vaelab::locate_run(args.run).checkpoint;
  vaelab::set_threads(args.threads);

  // Everything comes from the checkpoint: the spec to build the model, the dataset descriptor to
  // recreate the data. No trainer is involved, so nothing here depends on when one publishes snapshots.
  const vaelab::CheckpointMeta meta = vaelab::read_checkpoint_meta(checkpoint);
  const nlohmann::json dataset_spec =
      meta.dataset.is_object() && !meta.dataset.empty() ? meta.dataset : meta.preset.value("dataset", nlohmann::json());
  const vaelab::DatasetSplit split = vaelab::load_dataset(dataset_spec);
  const vaelab::Dataset& data = args.split == "train" ? split.train : split.test;

  auto model = vaelab::make_model(meta.spec);
  std::string device_choice = args.device;
  if (device_choice.empty() && meta.preset.contains("device") && meta.preset["device"].is_string())
    device_choice = meta.preset["device"].get<std::string>();
  const torch::Device device = vaelab::resolve_device(device_choice.empty() ? "auto" : device_choice);
  model->to(device);
  vaelab::load_checkpoint(checkpoint, *model, meta.spec, nullptr);
  model->eval();

  const bool tty = isatty(STDERR_FILENO) == 1;
  vaelab::EvaluationOptions options;
  options.iwae_k = args.iwae_k;
  options.limit = args.limit;
  options.batch_size = args.batch_size;
  options.seed = args.seed;
  const bool dequantize_setting =
      args.dequantize == "auto" ? vaelab::dequantize_setting_of_saved_preset(meta.preset) : args.dequantize == "on";
  options.dequantize = vaelab::dequantization_applies(dequantize_setting, meta.spec, data);
  auto progress = [tty](int64_t done, int64_t total) {
    if (tty) std::fprintf(stderr, "\r\x1b[Kevaluating %lld/%lld", static_cast<long long>(done), static_cast<long long>(total));
    return true;
  };
  const vaelab::Evaluation evaluation = vaelab::evaluate_likelihood(*model, data, options, progress);
  if (tty) std::fprintf(stderr, "\r\x1b[K");

  nlohmann::json out = evaluation.to_json();
  out["run"] = args.run;
  out["split"] = args.split;
  out["dataset"] = data.name;
  out["variant"] = meta.spec.variant;
  out["epoch"] = meta.epoch;
  out["step"] = meta.step;
  out.update(vaelab::likelihood_units(evaluation, meta.spec, data).to_json());
  // Further modules append their keys here (out.update(...)); see the README's "eval JSON keys".
  out.update(vaelab::indicators_json(*model, data, vaelab::IndicatorOptions{0.8, 0.5, args.batch_size, args.limit}));
  vaelab::HealthOptions health_options;
  health_options.batch_size = args.batch_size;
  health_options.limit = args.limit;
  health_options.seed = args.seed;
  const vaelab::ModelHealth health = vaelab::evaluate_model_health(*model, data, health_options);
  out["health"] = health.to_json();
  if (tty) std::fprintf(stderr, "health: %s\n", health.verdict.sentence.c_str());
  std::cout << out.dump(2) << std::endl;
}

}  // namespace

void register_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "evaluate a saved run; prints one JSON object");
  cmd->add_option("--run", args->run, "run folder (holding checkpoint.pt) or checkpoint file")->required();
  cmd->add_option("--iwae-k", args->iwae_k, "importance samples per input for the IWAE -log p(x) estimate (0: skip)")
      ->check(vaelab::cli::integer_at_least(0));
  cmd->add_option("--split", args->split, "which view to evaluate")
      ->capture_default_str()
      ->check(CLI::IsMember({"test", "train"}));
  cmd->add_option("--limit", args->limit, "evaluate only the first N inputs (0: all)")->check(vaelab::cli::integer_at_least(0));
  cmd->add_option("--batch-size", args->batch_size, "inputs per forward pass")
      ->capture_default_str()
      ->check(vaelab::cli::integer_at_least(1));
  cmd->add_option("--seed", args->seed, "seed for the posterior samples and the dequantisation noise")
      ->capture_default_str();
  cmd->add_option("--dequantize", args->dequantize,
                  "dequantise 8-bit images for a continuous likelihood: auto (as the run trained) | on | off")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "on", "off"}));
  cmd->add_option("--device", args->device, "auto | cpu | cuda (default: the preset's)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cmd->add_option("--threads", args->threads, "CPU threads for torch (default: hardware threads)")
      ->capture_default_str()
      ->check(vaelab::cli::integer_at_least(1));
  cmd->callback([args] { run_eval(*args); });
}

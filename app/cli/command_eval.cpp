// vaelab-cli eval --run DIR | --model FILE.pt --dataset NAME [--iwae-k K] [--split test|train] [--limit N] [--batch-size B] [--seed S]
//                 [--dequantize auto|on|off] [--device D] [--threads T]
// --model opens a VAE trained in PyTorch (a TorchScript file, models/torchscript_model.h) and evaluates it on
// the named dataset: indicators and health always, nelbo, terms and IWAE when the file names a likelihood.
// With --run, --dataset NAME evaluates on that data set instead of the run's own (same input shape).
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
#include "models/torchscript_model.h"
#include "data/dataset_registry.h"
#include "train/checkpoint.h"
#include "train/preset.h"
#include "train/run_folder.h"

namespace {

struct EvalArgs {
  std::string run;
  std::string model;
  std::string dataset;
  int64_t iwae_k = 0;
  std::string split = "test";
  int64_t limit = 0;
  int64_t batch_size = 256;
  int64_t seed = 0;
  std::string dequantize = "auto";
  std::string device;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
};

bool is_tty() { return isatty(STDERR_FILENO) == 1; }

vaelab::EvaluationProgress terminal_progress() {
  const bool tty = is_tty();
  return [tty](int64_t done, int64_t total) {
    if (tty) std::fprintf(stderr, "\r\x1b[Kevaluating %lld/%lld", static_cast<long long>(done), static_cast<long long>(total));
    return true;
  };
}

// The likelihood pass: nelbo, terms, IWAE, -log p in nats and bits per dimension.
void add_likelihood(nlohmann::json& out, vaelab::Model& model, const vaelab::ModelSpec& spec, const vaelab::Dataset& data,
                    const EvalArgs& args, bool dequantize_setting) {
  vaelab::EvaluationOptions options;
  options.iwae_k = args.iwae_k;
  options.limit = args.limit;
  options.batch_size = args.batch_size;
  options.seed = args.seed;
  options.dequantize = vaelab::dequantization_applies(dequantize_setting, spec, data);
  const vaelab::Evaluation evaluation = vaelab::evaluate_likelihood(model, data, options, terminal_progress());
  if (is_tty()) std::fprintf(stderr, "\r\x1b[K");
  out.update(evaluation.to_json());
  out.update(vaelab::likelihood_units(evaluation, spec, data).to_json());
}

// Indicators and health: need only encode/decode.
void add_indicators_and_health(nlohmann::json& out, vaelab::Model& model, const vaelab::Dataset& data, const EvalArgs& args) {
  // Further modules append their keys here (out.update(...)); see the README's "eval JSON keys".
  out.update(vaelab::indicators_json(model, data, vaelab::IndicatorOptions{0.8, 0.5, args.batch_size, args.limit}));
  vaelab::HealthOptions health_options;
  health_options.batch_size = args.batch_size;
  health_options.limit = args.limit;
  health_options.seed = args.seed;
  const vaelab::ModelHealth health = vaelab::evaluate_model_health(model, data, health_options);
  out["health"] = health.to_json();
  if (is_tty()) std::fprintf(stderr, "health: %s\n", health.verdict.sentence.c_str());
}

void run_eval(const EvalArgs& args) {
  const std::string checkpoint = vaelab::locate_run(args.run).checkpoint;
  vaelab::set_threads(args.threads);

  // Everything comes from the checkpoint: the spec to build the model, the dataset descriptor to
  // recreate the data. No trainer is involved, so nothing here depends on when one publishes snapshots.
  const vaelab::CheckpointMeta meta = vaelab::read_checkpoint_meta(checkpoint);
  const nlohmann::json dataset_spec =
      meta.dataset.is_object() && !meta.dataset.empty() ? meta.dataset : meta.preset.value("dataset", nlohmann::json());
  // --dataset evaluates the run on another data set of the same shape (e.g. the whole of the one it
  // trained on a subsample of).
  const vaelab::DatasetSplit split =
      vaelab::load_dataset(args.dataset.empty() ? dataset_spec : nlohmann::json{{"name", args.dataset}});
  const vaelab::Dataset& data = args.split == "train" ? split.train : split.test;
  if (!(data.shape == meta.spec.shape))
    throw vaelab::Error(fmt::format("dataset {} holds {} inputs, the run's model takes {}", data.name, data.shape.str(),
                                    meta.spec.shape.str()));

  auto model = vaelab::make_model(meta.spec);
  std::string device_choice = args.device;
  if (device_choice.empty() && meta.preset.contains("device") && meta.preset["device"].is_string())
    device_choice = meta.preset["device"].get<std::string>();
  const torch::Device device = vaelab::resolve_device(device_choice.empty() ? "auto" : device_choice);
  model->to(device);
  vaelab::load_checkpoint(checkpoint, *model, meta.spec, nullptr);
  model->eval();

  nlohmann::json out = nlohmann::json::object();
  const bool dequantize_setting =
      args.dequantize == "auto" ? vaelab::dequantize_setting_of_saved_preset(meta.preset) : args.dequantize == "on";
  add_likelihood(out, *model, meta.spec, data, args, dequantize_setting);
  out["run"] = args.run;
  out["split"] = args.split;
  out["dataset"] = data.name;
  out["variant"] = meta.spec.variant;
  out["epoch"] = meta.epoch;
  out["step"] = meta.step;
  add_indicators_and_health(out, *model, data, args);
  std::cout << out.dump(2) << std::endl;
}

// A model trained elsewhere: no run, no epoch; the dataset comes from --dataset. A continuous likelihood
// dequantises 8-bit images only with --dequantize on (the file does not say how it was trained).
void run_eval_torchscript(const EvalArgs& args) {
  vaelab::set_threads(args.threads);
  const torch::Device device = vaelab::resolve_device(args.device.empty() ? "auto" : args.device);
  auto model = vaelab::TorchScriptModel::load(args.model, device);
  const vaelab::DatasetSplit split = vaelab::load_dataset(nlohmann::json{{"name", args.dataset}});
  const vaelab::Dataset& data = args.split == "train" ? split.train : split.test;
  model->bind_data(data.shape, data.name);
  model->eval();

  nlohmann::json out = nlohmann::json::object();
  if (model->likelihood()) {
    add_likelihood(out, *model, model->spec(), data, args, args.dequantize == "on");
  } else {
    out["nelbo"] = nullptr;
    out["why_no_nelbo"] = "the file names no likelihood (attribute 'likelihood': \"bernoulli\" or \"gaussian:<sigma2>\")";
  }
  out["model"] = args.model;
  out["name"] = model->name();
  out["trained_elsewhere"] = true;
  out["likelihood"] = model->likelihood_text().empty() ? nlohmann::json() : nlohmann::json(model->likelihood_text());
  out["split"] = args.split;
  out["dataset"] = data.name;
  out["variant"] = model->variant();
  out["latent_dim"] = model->latent_dim();
  add_indicators_and_health(out, *model, data, args);
  std::cout << out.dump(2) << std::endl;
}

}  // namespace

void register_eval_command(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  CLI::App* cmd = app.add_subcommand("eval", "evaluate a saved run or a PyTorch (TorchScript) VAE; prints one JSON object");
  auto* run = cmd->add_option("--run", args->run, "run folder (holding checkpoint.pt) or checkpoint file");
  auto* model = cmd->add_option("--model", args->model,
                                "a VAE trained in PyTorch: a TorchScript file with encode/decode/latent_dim (README)");
  auto* dataset = cmd->add_option("--dataset", args->dataset, "the data set to evaluate on (vaelab-cli datasets): needed with --model; with --run, instead of the run's own (same shape)");
  run->excludes(model);
  model->excludes(run);
  model->needs(dataset);
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
  cmd->callback([args] {
    if (!args->model.empty()) run_eval_torchscript(*args);
    else if (!args->run.empty()) run_eval(*args);
    else throw CLI::RequiredError("--run or --model");
  });
}

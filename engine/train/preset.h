#pragma once
// A preset: everything needed to start a run (assets/presets/*.json). Layout:
// {
//   "name": "fashion-vae", "description": "...",
//   "variant": "vae",
//   "dataset": {"name": "fashion-mnist", ...loader options},
//   "latent": 20,
//   "architecture": {"type": "mlp", "hidden": [512, 256]},
//   "likelihood": {"type": "bernoulli"},
//   "options": {"beta": 1.0},                 // the variant's Options (paper defaults when absent)
//   "optimizer": {"type": "adam", "lr": 0.001, "weight_decay": 0, "momentum": 0.9,
//                 "schedule": {"type": "constant" | "exponential" | "step", "gamma": 0.995, "step_size": 10}},
//   "batch_size": 128, "epochs": 10, "seed": 1, "device": "auto",
//   "dequantize": true
// }
// "dequantize" (default true): train and evaluate a continuous likelihood (Gaussian, Laplace, noise-vae's
// learned or mixture noise, PH-VAE's squared error, MoG-VAE's implied Laplace) on 8-bit images
// dequantised, y = (k + u)/256 with u ~ U(0, 1) per pixel (data/dequantization.h), so that its density
// is bounded and converts to bits per dimension of the 8-bit data (analysis/likelihood_units.h). false
// trains on x = k/255 as stored. No effect on vector data or on discrete (Bernoulli) likelihoods
// (analysis/likelihood_kind.h decides). Training draws fresh noise every batch from the run's random
// stream; the per-epoch test pass and `eval`/`compare` draw seeded noise. The key is saved with the
// run (checkpoint, summary.json), so resume, eval and compare use the run's own setting; a run saved
// before the key existed was trained on undequantised data and is evaluated so
// (dequantize_setting_of_saved_preset).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/model_spec.h"
#include "optim/optimizer_spec.h"

namespace vaelab {

struct Preset {
  std::string name;
  std::string description;
  nlohmann::json dataset;  // resolved by load_dataset()
  ModelSpec model;         // shape and num_classes are filled in once the dataset is known
  OptimizerSpec optimizer;
  int64_t batch_size = 128;
  int64_t epochs = 10;
  uint64_t seed = 1;
  std::string device = "auto";  // auto | cpu | cuda
  bool dequantize = true;        // see above

  // Validates every key; errors name the key path and the expected type.
  static Preset from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

// The "dequantize" setting of a preset as saved with a run (CheckpointMeta::preset): its value, or false
// when the key is absent (a run saved before the option existed, which trained on undequantised data).
bool dequantize_setting_of_saved_preset(const nlohmann::json& saved_preset);

// Folder holding presets/ and the other assets: $VAELAB_ASSETS, else the build-time source assets/,
// else ../share/vaelab next to the executable.
std::string assets_dir();
// Names of the presets under assets/presets, sorted.
std::vector<std::string> preset_names();
// Raw JSON of a preset by name or by file path; throws vaelab::Error when missing or unparsable.
nlohmann::json read_preset_json(const std::string& name_or_file);
// Applies one "--set a.b.c=value" override; value is parsed as JSON when it parses, else as a string.
void apply_override(nlohmann::json& j, const std::string& assignment);
// The preset that `j` with `overrides` applied in order trains, validated (Preset::from_json): what
// `train --preset P --set ...`, a comparison entry "P@k=v" and a reproduction's run all resolve through.
Preset preset_with_overrides(nlohmann::json j, const std::vector<std::string>& overrides);

}  // namespace vaelab

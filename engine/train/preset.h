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
//   "batch_size": 128, "epochs": 10, "seed": 1, "device": "auto"
// }
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

  // Validates every key; errors name the key path and the expected type.
  static Preset from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

// Folder holding presets/ and the other assets: $VAELAB_ASSETS, else the build-time source assets/,
// else ../share/vaelab next to the executable.
std::string assets_dir();
// Names of the presets under assets/presets, sorted.
std::vector<std::string> preset_names();
// Raw JSON of a preset by name or by file path; throws vaelab::Error when missing or unparsable.
nlohmann::json read_preset_json(const std::string& name_or_file);
// Applies one "--set a.b.c=value" override; value is parsed as JSON when it parses, else as a string.
void apply_override(nlohmann::json& j, const std::string& assignment);

}  // namespace vaelab

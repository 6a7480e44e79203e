#pragma once
// The optimiser section of a preset: which optimiser, its rate and the per-epoch schedule.
//   "optimizer": {"type": "adam", "lr": 0.001, "weight_decay": 0, "momentum": 0.9,
//                 "schedule": {"type": "constant" | "exponential" | "step", "gamma": 0.995, "step_size": 10}}
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace vaelab {

struct OptimizerSpec {
  std::string type = "adam";  // adam | adamw | sgd
  double lr = 1e-3;
  double weight_decay = 0.0;
  double momentum = 0.0;           // sgd
  std::string schedule = "constant";  // constant | exponential (x gamma per epoch) | step (x gamma every step_size epochs)
  double gamma = 1.0;
  int64_t step_size = 1;

  static OptimizerSpec from_json(const nlohmann::json& j, const std::string& path = "optimizer");
  nlohmann::json to_json() const;
  // Learning rate in effect during `epoch` (0-based).
  double lr_at_epoch(int64_t epoch) const;
};

}  // namespace vaelab

#pragma once
// Observation models p(x | decoder output), spec §1. The decoder emits a raw output; the likelihood
// turns it into a per-sample negative log-likelihood (summed over data dims) and into the mean image.
#include <torch/types.h>

#include <nlohmann/json.hpp>
#include <string>

namespace vaelab {

struct Likelihood {
  enum class Kind { Bernoulli, Gaussian, Laplace };
  Kind kind = Kind::Bernoulli;
  double sigma2 = 1.0;  // Gaussian: fixed variance
  double scale = 1.0;   // Laplace: b

  // -log p(x | out) per sample {B}: Bernoulli takes logits; Gaussian/Laplace take the mean.
  torch::Tensor nll(const torch::Tensor& x, const torch::Tensor& out) const;
  // Mean of p(x | out) in data range: sigmoid(logits) for Bernoulli, out otherwise.
  torch::Tensor mean(const torch::Tensor& out) const;
  std::string name() const;  // "bernoulli" | "gaussian" | "laplace"

  // {"type": "bernoulli"|"gaussian"|"laplace", "sigma2": 1.0, "scale": 1.0}; errors name path and key.
  static Likelihood from_json(const nlohmann::json& j, const std::string& path = "likelihood");
  nlohmann::json to_json() const;
};

}  // namespace vaelab

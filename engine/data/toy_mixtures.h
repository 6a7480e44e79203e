#pragma once
// The 2-D Gaussian-mixture toy sets of PH-VAE §3.1 (spec VARIANTS.md §2), generated from a seed.
// Vector data: float32 [N, 2]; labels = the mixture component each point was drawn from.
#include <nlohmann/json.hpp>

#include <array>
#include <vector>

#include "data/dataset.h"

namespace vaelab {

// One 2-D Gaussian component: mean, covariance [[xx, xy], [xy, yy]], mixture weight.
struct GaussianComponent2D {
  std::array<double, 2> mean;
  std::array<double, 3> cov;  // xx, xy, yy
  double weight;
};

// The five components of "toy-gmm5" and the three of "toy-gmm3", exactly as the paper lists them
// (toy-gmm3's weights are not given there: equal weights 1/3 are our choice).
const std::vector<GaussianComponent2D>& toy_gmm5_components();
const std::vector<GaussianComponent2D>& toy_gmm3_components();

// spec: {"name": "toy-gmm5", "n": 10000, "seed": 0, "test_fraction": 0.2, "distort": true,
// "normalize": true}. Draws u from the mixture, then x = tanh(u) + 0.1 sin(2u) element-wise ("distort":
// false keeps u). "normalize" (both sets) then min-max scales each coordinate over all n points to [0, 1],
// as PH-VAE §3.1 "transformed and normalized" and spec §2 say; false keeps the raw values.
DatasetSplit load_toy_gmm5(const nlohmann::json& spec);

// spec: {"name": "toy-gmm3", "n": 10000, "seed": 0, "test_fraction": 0.2, "distort": true,
// "noise_std": 0.05, "normalize": true}. Draws u, then x = u + 0.1 sin(u) + e with e ~ N(0, noise_std^2)
// per coordinate.
// The paper names "noise and sinusoidal distortion 0.1 sin(u)" without a size: we chose std 0.05,
// small next to the unit-scale components so the three clusters keep their shapes.
DatasetSplit load_toy_gmm3(const nlohmann::json& spec);

}  // namespace vaelab

#pragma once
// Residual maps (noise-modelling paper Fig. 9, 15, 16; spec §6): inputs, reconstructions x^ = G(mu(x)),
// |x - x^| per pixel, and, for the mixture-of-Gaussians noise model, the per-pixel component membership
// argmax_k gamma_dk with the learned sigma_k^2 and pi_k. Plus a histogram of the residuals and the noise
// density to overlay on it.
//
// Contracts
// - residual_maps() runs the model under NoGradGuard on its device, without changing its mode (pass a
//   published snapshot). Results are CPU tensors in data shape.
// - The noise density comes from the model when it has a learned noise model (NoiseVae: Gaussian with
//   sigma^2, or MoG with sigma_k^2, pi_k); otherwise it is a zero-mean Gaussian fitted to these
//   residuals (sigma^2 = mean r^2) and `noise_fitted_here` says so.
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "models/model.h"

namespace vaelab {

struct ResidualMaps {
  torch::Tensor inputs;           // float32, data shape [B, ...], CPU
  torch::Tensor reconstructions;  // float32, data shape, CPU
  torch::Tensor residuals;        // x - x^, signed
  torch::Tensor membership;       // int64 data shape: argmax_k gamma_dk; undefined without a MoG model
  torch::Tensor noise_variances;  // float64 {K}: sigma_k^2 (K = 1 for a Gaussian)
  torch::Tensor noise_weights;    // float64 {K}: pi_k
  bool noise_learned = false;     // true when the model has a learned noise model (NoiseVae)
  bool noise_fitted_here = false; // Gaussian fitted to these residuals (no learned noise model)
  std::string noise_label;        // e.g. "MoG-2 (learned)", "Gaussian fit to residuals"
};

ResidualMaps residual_maps(Model& model, const Batch& batch);

// Density histogram of values (any shape) over [lo, hi] in `bins` equal bins: bin centres and densities
// (count / (total * width)) so that sum(density) * width = fraction of values inside [lo, hi].
struct Histogram {
  double lo = 0, hi = 1, width = 1;
  std::vector<double> centers;
  std::vector<double> density;
};
Histogram density_histogram(const torch::Tensor& values, int64_t bins, double lo, double hi);

// sum_k pi_k N(r; 0, sigma_k^2) at each r.
std::vector<double> zero_mean_mixture_density(const std::vector<double>& r, const torch::Tensor& weights,
                                              const torch::Tensor& variances);

}  // namespace vaelab

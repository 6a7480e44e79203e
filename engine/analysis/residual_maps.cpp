#include "analysis/residual_maps.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include <cmath>

#include "analysis/latent_grid.h"
#include "core/error.h"
#include "models/noise_vae.h"

namespace vaelab {

ResidualMaps residual_maps(Model& model, const Batch& batch_in) {
  if (!batch_in.x.defined() || batch_in.x.size(0) == 0) throw Error("residual maps: empty batch");
  torch::NoGradGuard no_grad;
  const auto device = model.device();
  Batch batch{batch_in.x.to(device), batch_in.y.defined() ? batch_in.y.to(device) : torch::Tensor()};
  ResidualMaps out;
  auto recon = model.reconstruct(batch);
  out.inputs = batch.x.to(torch::kCPU, torch::kFloat);
  out.reconstructions = recon.reshape(batch.x.sizes()).to(torch::kCPU, torch::kFloat);
  out.residuals = out.inputs - out.reconstructions;
  if (auto* noise = dynamic_cast<NoiseVae*>(&model)) {
    out.noise_learned = true;
    out.noise_variances = noise->noise_variances().to(torch::kCPU, torch::kDouble).flatten();
    out.noise_weights = noise->noise_weights().to(torch::kCPU, torch::kDouble).flatten();
    const int64_t k = out.noise_variances.numel();
    if (k > 1) {
      out.membership = noise->membership(batch).to(torch::kCPU, torch::kLong);
      out.noise_label = fmt::format("MoG-{} (learned)", k);
    } else {
      out.noise_label = "Gaussian (learned)";
    }
  } else {
    out.noise_fitted_here = true;
    out.noise_variances = torch::full({1}, out.residuals.to(torch::kDouble).pow(2).mean().item<double>(), torch::kDouble);
    out.noise_weights = torch::ones({1}, torch::kDouble);
    out.noise_label = "Gaussian fit to these residuals";
  }
  return out;
}

Histogram density_histogram(const torch::Tensor& values, int64_t bins, double lo, double hi) {
  if (bins < 1 || !(hi > lo)) throw Error(fmt::format("histogram: need bins >= 1 and hi > lo, got {} bins over [{}, {}]", bins, lo, hi));
  auto v = values.detach().to(torch::kCPU, torch::kDouble).flatten().contiguous();
  Histogram h;
  h.lo = lo;
  h.hi = hi;
  h.width = (hi - lo) / static_cast<double>(bins);
  h.centers.resize(static_cast<size_t>(bins));
  h.density.assign(static_cast<size_t>(bins), 0.0);
  for (int64_t b = 0; b < bins; ++b) h.centers[static_cast<size_t>(b)] = lo + (static_cast<double>(b) + 0.5) * h.width;
  const double* p = v.data_ptr<double>();
  const int64_t n = v.numel();
  for (int64_t i = 0; i < n; ++i) {
    if (!(p[i] >= lo && p[i] <= hi)) continue;
    int64_t b = static_cast<int64_t>((p[i] - lo) / h.width);
    if (b >= bins) b = bins - 1;  // hi itself falls in the last bin
    h.density[static_cast<size_t>(b)] += 1.0;
  }
  if (n > 0)
    for (auto& d : h.density) d /= static_cast<double>(n) * h.width;
  return h;
}

std::vector<double> zero_mean_mixture_density(const std::vector<double>& r, const torch::Tensor& weights,
                                              const torch::Tensor& variances) {
  auto w = weights.to(torch::kCPU, torch::kDouble).flatten().contiguous();
  auto s2 = variances.to(torch::kCPU, torch::kDouble).flatten().contiguous();
  if (w.numel() != s2.numel()) throw Error("noise density: weights and variances differ in length");
  std::vector<double> out(r.size(), 0.0);
  const double two_pi = 2.0 * M_PI;
  for (int64_t k = 0; k < w.numel(); ++k) {
    const double pk = w.data_ptr<double>()[k], vk = std::max(s2.data_ptr<double>()[k], 1e-300);
    const double norm = pk / std::sqrt(two_pi * vk);
    for (size_t i = 0; i < r.size(); ++i) out[i] += norm * std::exp(-0.5 * r[i] * r[i] / vk);
  }
  return out;
}

}  // namespace vaelab

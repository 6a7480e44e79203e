#include "stats/pca.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include "core/error.h"

namespace vaelab {

PcaResult pca(const torch::Tensor& x_in, int64_t components) {
  if (!x_in.defined() || x_in.dim() != 2) throw Error("pca: expected a 2-D tensor [N, D] of points");
  if (x_in.size(0) == 0 || x_in.size(1) == 0) throw Error("pca: no points (empty tensor)");
  if (components < 1) throw Error(fmt::format("pca: components must be at least 1, got {}", components));
  torch::NoGradGuard no_grad;
  auto x = x_in.detach().to(torch::kCPU, torch::kDouble);
  const int64_t n = x.size(0), d = x.size(1);
  auto mean = x.mean(0);
  auto centered = x - mean;
  auto cov = torch::matmul(centered.t(), centered) / static_cast<double>(std::max<int64_t>(1, n - 1));
  // eigh returns ascending eigenvalues; flip to descending.
  auto [values, vectors] = torch::linalg_eigh(cov, "L");
  values = values.flip(0).clamp_min(0.0);
  vectors = vectors.flip(1);  // columns are eigenvectors

  const int64_t kept = std::min(components, d);
  auto comps = torch::zeros({components, d}, torch::kDouble);
  auto variance = torch::zeros({components}, torch::kDouble);
  for (int64_t c = 0; c < kept; ++c) {
    auto v = vectors.select(1, c);
    const int64_t big = v.abs().argmax().item<int64_t>();
    if (v[big].item<double>() < 0) v = -v;
    comps[c].copy_(v);
    variance[c] = values[c];
  }
  PcaResult result;
  result.mean = mean.to(torch::kFloat);
  result.components = comps.to(torch::kFloat);
  result.explained_variance = variance.to(torch::kFloat);
  result.projection = torch::matmul(centered, comps.t()).to(torch::kFloat);
  result.total_variance = cov.trace().item<double>();
  return result;
}

}  // namespace vaelab

#include "analysis/code_covariance.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "core/error.h"

namespace vaelab {

CodeCovariance code_covariance(const torch::Tensor& mu) {
  if (!mu.defined() || mu.dim() != 2 || mu.size(0) < 2 || mu.size(1) < 1)
    throw Error("code covariance: expected codes [M >= 2, H >= 1]");
  torch::NoGradGuard no_grad;
  const auto x = mu.detach().to(torch::kCPU, torch::kFloat64);
  const int64_t m = x.size(0), h = x.size(1);
  const auto centred = x - x.mean(0, true);
  const auto cov = (centred.t().matmul(centred) / static_cast<double>(m)).contiguous();
  CodeCovariance out;
  out.dims = h;
  out.samples = m;
  out.covariance.assign(cov.data_ptr<double>(), cov.data_ptr<double>() + h * h);
  out.identity_frobenius = (cov - torch::eye(h, cov.options())).pow(2).sum().sqrt().item<double>();
  out.correlation.assign(static_cast<size_t>(h * h), std::numeric_limits<double>::quiet_NaN());
  out.max_abs_off_diagonal_correlation = std::numeric_limits<double>::quiet_NaN();
  double best = -1.0;
  for (int64_t j = 0; j < h; ++j) {
    for (int64_t k = 0; k < h; ++k) {
      const double vj = out.cov(j, j), vk = out.cov(k, k);
      if (!(vj > 0) || !(vk > 0)) continue;
      const double r = out.cov(j, k) / std::sqrt(vj * vk);
      out.correlation[static_cast<size_t>(j * h + k)] = r;
      if (j < k && std::abs(r) > best) {
        best = std::abs(r);
        out.max_pair_row = j;
        out.max_pair_col = k;
      }
    }
  }
  if (best >= 0) out.max_abs_off_diagonal_correlation = best;
  return out;
}

}  // namespace vaelab

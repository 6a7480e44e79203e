#include "analysis/latent_grid.h"

#include <cmath>
#include <limits>
#include <string>

#include "core/error.h"

namespace vaelab {

namespace {
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
}  // namespace

double normal_quantile(double p) {
  if (!(p >= 0.0 && p <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  // Phi is increasing; [-40, 40] brackets every double p in (0,1) that is not 0 or 1.
  double lo = -40.0, hi = 40.0;
  for (int i = 0; i < 80 && hi - lo > 1e-10; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (normal_cdf(mid) < p) lo = mid;
    else hi = mid;
  }
  double x = 0.5 * (lo + hi);
  for (int i = 0; i < 3; ++i) {  // Newton: x -= (Phi(x) - p) / phi(x)
    const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    if (pdf < 1e-300) break;
    const double next = x - (normal_cdf(x) - p) / pdf;
    if (!std::isfinite(next)) break;
    x = next;
  }
  return x;
}

std::vector<double> normal_quantile_grid(int64_t n, double p_lo, double p_hi) {
  if (n < 1) throw Error("manifold grid size must be >= 1, got " + std::to_string(n));
  if (!(p_lo > 0.0 && p_lo < p_hi && p_hi < 1.0))
    throw Error("manifold grid needs 0 < p_lo < p_hi < 1, got " + std::to_string(p_lo) + ", " +
                std::to_string(p_hi));
  std::vector<double> q(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double p = n == 1 ? 0.5 * (p_lo + p_hi) : p_lo + (p_hi - p_lo) * static_cast<double>(i) / (n - 1);
    q[static_cast<size_t>(i)] = normal_quantile(p);
  }
  return q;
}

torch::Tensor manifold_codes(const torch::Tensor& base, int64_t dim_x, int64_t dim_y, int64_t n, double p_lo,
                             double p_hi) {
  if (base.dim() != 1) throw Error("manifold base code must be a vector {H}");
  const int64_t H = base.size(0);
  if (dim_x < 0 || dim_x >= H)
    throw Error("manifold x dimension " + std::to_string(dim_x) + " is outside 0.." + std::to_string(H - 1));
  if (dim_y >= H)
    throw Error("manifold y dimension " + std::to_string(dim_y) + " is outside 0.." + std::to_string(H - 1));
  if (dim_y == dim_x) throw Error("manifold x and y dimensions must differ");
  const auto q = normal_quantile_grid(n, p_lo, p_hi);
  const int64_t rows = dim_y < 0 ? 1 : n;
  auto codes = base.detach().to(torch::kCPU, torch::kFloat32).unsqueeze(0).repeat({rows * n, 1}).contiguous();
  auto acc = codes.accessor<float, 2>();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < n; ++c) {
      acc[r * n + c][dim_x] = static_cast<float>(q[static_cast<size_t>(c)]);
      if (dim_y >= 0) acc[r * n + c][dim_y] = static_cast<float>(q[static_cast<size_t>(n - 1 - r)]);
    }
  }
  return codes.to(base.device());
}

ImageBytes decode_to_images(Model& model, const torch::Tensor& z, const torch::Tensor& y, int64_t chunk) {
  torch::NoGradGuard no_grad;
  const auto device = model.device();
  std::vector<torch::Tensor> parts;
  for (int64_t b = 0; b < z.size(0); b += chunk) {
    const int64_t e = std::min(z.size(0), b + chunk);
    auto zz = z.slice(0, b, e).to(device, torch::kFloat32);
    torch::Tensor yy;
    if (y.defined()) yy = y.slice(0, b, e).to(device, torch::kLong);
    auto x = model.decode(zz, yy);
    if (x.dim() != 4) throw Error("decode_to_images: the model decodes vectors, not images");
    parts.push_back(x.to(torch::kCPU));
  }
  if (parts.empty()) return {};
  return to_image_bytes(torch::cat(parts, 0));
}

torch::Tensor decode_vectors(Model& model, const torch::Tensor& z, const torch::Tensor& y) {
  torch::NoGradGuard no_grad;
  const auto device = model.device();
  torch::Tensor yy;
  if (y.defined()) yy = y.to(device, torch::kLong);
  auto x = model.decode(z.to(device, torch::kFloat32), yy);
  return x.reshape({x.size(0), -1}).to(torch::kCPU, torch::kFloat32);
}

}  // namespace vaelab

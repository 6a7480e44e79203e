#include "analysis/latent_bimodality.h"

#include <fmt/format.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/task.h"

namespace vaelab {
namespace {

constexpr double kLog2Pi = 1.8378770664093454836;  // log(2 pi)

// A codes tensor as a contiguous CPU float64 [M, H] matrix.
torch::Tensor as_cpu_double(const torch::Tensor& mu, const char* what) {
  if (!mu.defined() || mu.dim() != 2 || mu.size(0) < 2 || mu.size(1) < 1)
    throw Error(fmt::format("{}: expected codes [M >= 2, H >= 1]", what));
  return mu.detach().to(torch::kCPU, torch::kFloat64).contiguous();
}

struct TwoGaussians {
  double w[2], m[2], v[2];
  double log_likelihood = 0.0;  // sum over the codes, at w, m, v
  int64_t iterations = 0;
};

// EM on standardised values z (mean 0, variance 1), as the header describes.
TwoGaussians fit_two_gaussians(const std::vector<double>& z, const LatentBimodalityOptions& o) {
  const size_t n = z.size();
  const double floor = o.relative_variance_floor;
  TwoGaussians g{};
  {
    std::vector<double> sorted = z;
    std::sort(sorted.begin(), sorted.end());
    const size_t half = n / 2;
    for (int c = 0; c < 2; ++c) {
      const size_t b = c == 0 ? 0 : half, e = c == 0 ? half : n;
      double s = 0, s2 = 0;
      for (size_t i = b; i < e; ++i) s += sorted[i];
      const double cnt = static_cast<double>(e - b), mean = s / cnt;
      for (size_t i = b; i < e; ++i) s2 += (sorted[i] - mean) * (sorted[i] - mean);
      g.w[c] = 0.5;
      g.m[c] = mean;
      g.v[c] = std::max(s2 / cnt, floor);
    }
  }
  std::vector<double> r0(n);  // responsibility of component 0
  double previous = -std::numeric_limits<double>::infinity();
  for (int64_t it = 0;; ++it) {
    // E step, and the log-likelihood at the current parameters.
    double c0 = std::log(g.w[0]) - 0.5 * (kLog2Pi + std::log(g.v[0]));
    double c1 = std::log(g.w[1]) - 0.5 * (kLog2Pi + std::log(g.v[1]));
    double ll = 0;
    for (size_t i = 0; i < n; ++i) {
      const double a = c0 - 0.5 * (z[i] - g.m[0]) * (z[i] - g.m[0]) / g.v[0];
      const double b = c1 - 0.5 * (z[i] - g.m[1]) * (z[i] - g.m[1]) / g.v[1];
      const double top = std::max(a, b);
      const double lse = top + std::log(std::exp(a - top) + std::exp(b - top));
      r0[i] = std::exp(a - lse);
      ll += lse;
    }
    g.log_likelihood = ll;
    g.iterations = it;
    if (it >= o.max_iter || std::abs(ll - previous) < o.tolerance * static_cast<double>(n)) break;
    previous = ll;
    // M step. A component left with (almost) no codes keeps its mean and variance at weight ~0.
    double nk[2] = {0, 0}, sx[2] = {0, 0};
    for (size_t i = 0; i < n; ++i) {
      nk[0] += r0[i];
      sx[0] += r0[i] * z[i];
      sx[1] += (1.0 - r0[i]) * z[i];
    }
    nk[1] = static_cast<double>(n) - nk[0];
    double mean[2], sq[2] = {0, 0};
    for (int c = 0; c < 2; ++c) mean[c] = nk[c] > 1e-12 ? sx[c] / nk[c] : g.m[c];
    for (size_t i = 0; i < n; ++i) {
      sq[0] += r0[i] * (z[i] - mean[0]) * (z[i] - mean[0]);
      sq[1] += (1.0 - r0[i]) * (z[i] - mean[1]) * (z[i] - mean[1]);
    }
    for (int c = 0; c < 2; ++c) {
      g.w[c] = std::max(nk[c] / static_cast<double>(n), 1e-300);
      if (nk[c] > 1e-12) {
        g.m[c] = mean[c];
        g.v[c] = std::max(sq[c] / nk[c], floor);
      }
    }
  }
  return g;
}

}  // namespace

LatentBimodality latent_bimodality(const torch::Tensor& mu, const LatentBimodalityOptions& options,
                                   const std::function<bool(int64_t, int64_t)>& progress) {
  const auto x = as_cpu_double(mu, "latent bimodality");
  if (!(options.max_iter >= 0) || !(options.tolerance >= 0) || !(options.relative_variance_floor > 0) ||
      !(options.min_weight >= 0 && options.min_weight < 0.5))
    throw Error("latent bimodality: expected max_iter >= 0, tolerance >= 0, relative_variance_floor > 0 and "
                "min_weight in [0, 0.5)");
  const int64_t m = x.size(0), h = x.size(1);
  const double* data = x.data_ptr<double>();
  const double log_m = std::log(static_cast<double>(m));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  LatentBimodality out;
  out.dims = h;
  out.samples = m;
  out.options = options;
  out.per_dim.resize(static_cast<size_t>(h));
  std::vector<double> z(static_cast<size_t>(m));
  for (int64_t d = 0; d < h; ++d) {
    DimensionBimodality& r = out.per_dim[static_cast<size_t>(d)];
    double s = 0;
    for (int64_t i = 0; i < m; ++i) {
      const double v = data[i * h + d];
      if (!std::isfinite(v)) throw Error(fmt::format("latent bimodality: code {} of dimension {} is not finite", i, d));
      s += v;
    }
    const double mean = s / static_cast<double>(m);
    double s2 = 0;
    for (int64_t i = 0; i < m; ++i) s2 += (data[i * h + d] - mean) * (data[i * h + d] - mean);
    const double sd = std::sqrt(s2 / static_cast<double>(m));
    r.mean = mean;
    r.sd = sd;
    if (!(sd > 1e-12 * std::max(1.0, std::abs(mean)))) {  // does not vary (beyond rounding)
      r.bic1 = r.bic2 = r.delta_bic = nan;
      r.weights[0] = 1.0;
      r.means[0] = r.means[1] = mean;
      r.separation = 0.0;
      r.dip_ratio = std::numeric_limits<double>::infinity();
    } else {
      for (int64_t i = 0; i < m; ++i) z[static_cast<size_t>(i)] = (data[i * h + d] - mean) / sd;
      const TwoGaussians g = fit_two_gaussians(z, options);
      // Log-likelihoods in the codes' units: the standardisation's Jacobian, -M log s, enters both.
      const double jacobian = -static_cast<double>(m) * std::log(sd);
      const double ll1 = -0.5 * static_cast<double>(m) * (kLog2Pi + 1.0) + jacobian;
      const double ll2 = g.log_likelihood + jacobian;
      r.bic1 = -2.0 * ll1 + 2.0 * log_m;
      r.bic2 = -2.0 * ll2 + 5.0 * log_m;
      r.delta_bic = r.bic1 - r.bic2;
      const int lo = g.m[0] <= g.m[1] ? 0 : 1;
      for (int c = 0; c < 2; ++c) {
        const int src = c == 0 ? lo : 1 - lo;
        r.weights[c] = g.w[src];
        r.means[c] = mean + sd * g.m[src];
        r.sds[c] = sd * std::sqrt(g.v[src]);
      }
      r.separation = std::sqrt(2.0) * std::abs(g.m[1] - g.m[0]) / std::sqrt(g.v[0] + g.v[1]);
      r.iterations = g.iterations;
      // The dip: codes near the midpoint against codes near each mean (standardised units).
      const double lo_mean = std::min(g.m[0], g.m[1]), hi_mean = std::max(g.m[0], g.m[1]);
      const double half_width = (hi_mean - lo_mean) / 8.0, mid = 0.5 * (lo_mean + hi_mean);
      int64_t near_lo = 0, near_mid = 0, near_hi = 0;
      for (double v : z) {
        near_lo += std::abs(v - lo_mean) <= half_width;
        near_mid += std::abs(v - mid) <= half_width;
        near_hi += std::abs(v - hi_mean) <= half_width;
      }
      const int64_t near_mode = std::min(near_lo, near_hi);
      r.dip_ratio = near_mode > 0 ? static_cast<double>(near_mid) / static_cast<double>(near_mode)
                                  : std::numeric_limits<double>::infinity();
      r.bimodal = r.delta_bic > options.delta_bic_threshold && r.separation > options.separation_threshold &&
                  r.dip_ratio < options.dip_ratio_threshold && std::min(r.weights[0], r.weights[1]) >= options.min_weight;
    }
    out.bimodal_count += r.bimodal ? 1 : 0;
    if (progress && !progress(d + 1, h)) throw TaskCancelled();
  }
  return out;
}

JointHistogram latent_joint_histogram(const torch::Tensor& mu, int64_t j, int64_t k, const JointHistogramOptions& options) {
  const auto x = as_cpu_double(mu, "latent joint histogram");
  const int64_t m = x.size(0), h = x.size(1);
  if (j < 0 || k < 0 || j >= h || k >= h || j == k)
    throw Error(fmt::format("latent joint histogram: expected two different dimensions in [0, {}), got {} and {}", h, j, k));
  if (options.bins < 1) throw Error(fmt::format("latent joint histogram: expected bins >= 1, got {}", options.bins));
  if (options.fixed_range && !(options.x0 < options.x1 && options.y0 < options.y1))
    throw Error("latent joint histogram: expected a fixed range with x0 < x1 and y0 < y1");
  const double* data = x.data_ptr<double>();
  for (int64_t i = 0; i < m; ++i)
    if (!std::isfinite(data[i * h + j]) || !std::isfinite(data[i * h + k]))
      throw Error(fmt::format("latent joint histogram: code {} is not finite in dimension {} or {}", i, j, k));
  JointHistogram out;
  out.dim_x = j;
  out.dim_y = k;
  out.bins = options.bins;
  out.samples = m;
  if (options.fixed_range) {
    out.x0 = options.x0, out.x1 = options.x1, out.y0 = options.y0, out.y1 = options.y1;
  } else {
    const auto range = [&](int64_t d, double& lo, double& hi) {
      lo = hi = data[d];
      for (int64_t i = 1; i < m; ++i) lo = std::min(lo, data[i * h + d]), hi = std::max(hi, data[i * h + d]);
      if (!(hi > lo)) lo -= 0.5, hi += 0.5;
    };
    range(j, out.x0, out.x1);
    range(k, out.y0, out.y1);
  }
  const int64_t b = out.bins;
  out.counts.assign(static_cast<size_t>(b * b), 0);
  out.marginal_x.assign(static_cast<size_t>(b), 0);
  out.marginal_y.assign(static_cast<size_t>(b), 0);
  // The bin of v on [lo, hi] (the upper edge in the last bin); -1 outside.
  const auto bin = [b](double v, double lo, double hi) -> int64_t {
    if (v < lo || v > hi) return -1;
    return std::min<int64_t>(b - 1, static_cast<int64_t>(std::floor((v - lo) / (hi - lo) * static_cast<double>(b))));
  };
  for (int64_t i = 0; i < m; ++i) {
    const int64_t ix = bin(data[i * h + j], out.x0, out.x1), iy = bin(data[i * h + k], out.y0, out.y1);
    if (ix < 0 || iy < 0) {
      ++out.outside;
      continue;
    }
    ++out.counts[static_cast<size_t>(iy * b + ix)];
    ++out.marginal_x[static_cast<size_t>(ix)];
    ++out.marginal_y[static_cast<size_t>(iy)];
  }
  return out;
}

}  // namespace vaelab

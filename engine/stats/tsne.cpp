#include "stats/tsne.h"

#include <torch/torch.h>

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "stats/barnes_hut_tree.h"
#include "core/error.h"
#include "core/task.h"

namespace vaelab {

namespace {

// Attractive part: sum_j P_ij w_ij (y_i - y_j), w_ij = 1 / (1 + |y_i - y_j|^2), added into grad.
void add_attraction(const SparseRows& p, const std::vector<double>& y, double exaggeration,
                    std::vector<double>& grad) {
  at::parallel_for(0, p.rows, 256, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double fx = 0, fy = 0;
      for (int64_t e = p.row_ptr[i]; e < p.row_ptr[i + 1]; ++e) {
        const int64_t j = p.col[e];
        const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
        const double w = exaggeration * p.value[e] / (1.0 + dx * dx + dy * dy);
        fx += w * dx;
        fy += w * dy;
      }
      grad[2 * i] += 4.0 * fx;
      grad[2 * i + 1] += 4.0 * fy;
    }
  });
}

double kl_divergence(const SparseRows& p, const std::vector<double>& y, double z) {
  double kl = 0.0;
  for (int64_t i = 0; i < p.rows; ++i)
    for (int64_t e = p.row_ptr[i]; e < p.row_ptr[i + 1]; ++e) {
      const int64_t j = p.col[e];
      if (p.value[e] <= 0) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
      const double q = 1.0 / ((1.0 + dx * dx + dy * dy) * z);
      kl += p.value[e] * std::log(p.value[e] / std::max(q, 1e-300));
    }
  return kl;
}

}  // namespace

double tsne_exact_gradient(const SparseRows& p, const std::vector<double>& y, double exaggeration,
                           std::vector<double>& grad) {
  const int64_t n = p.rows;
  grad.assign(2 * n, 0.0);
  std::vector<double> rep(2 * n, 0.0);
  double z = 0.0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
      const double w = 1.0 / (1.0 + dx * dx + dy * dy);
      z += w;
      rep[2 * i] += w * w * dx;
      rep[2 * i + 1] += w * w * dy;
    }
  add_attraction(p, y, exaggeration, grad);
  for (int64_t k = 0; k < 2 * n; ++k) grad[k] -= 4.0 * rep[k] / z;
  return z;
}

double tsne_barnes_hut_gradient(const SparseRows& p, const std::vector<double>& y, double exaggeration,
                                double theta, std::vector<double>& grad) {
  const int64_t n = p.rows;
  grad.assign(2 * n, 0.0);
  BarnesHutTree tree(y.data(), n);
  std::vector<double> rep(2 * n, 0.0), sum_q(n, 0.0);
  at::parallel_for(0, n, 64, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      double f[2] = {0.0, 0.0};
      sum_q[i] = tree.repulsion(i, theta, f);
      rep[2 * i] = f[0];
      rep[2 * i + 1] = f[1];
    }
  });
  // Sequential sum: the same result whatever the thread count.
  const double z = std::accumulate(sum_q.begin(), sum_q.end(), 0.0);
  add_attraction(p, y, exaggeration, grad);
  for (int64_t k = 0; k < 2 * n; ++k) grad[k] -= 4.0 * rep[k] / z;
  return z;
}

TsneResult tsne(const torch::Tensor& x_in, const TsneOptions& o, const TsneProgress& progress) {
  if (!x_in.defined() || x_in.dim() != 2) throw Error("t-SNE: expected a 2-D tensor [N, D] of points");
  if (!(o.perplexity > 0)) throw Error(fmt::format("t-SNE: perplexity must be positive, got {}", o.perplexity));
  if (o.iterations < 1) throw Error(fmt::format("t-SNE: iterations must be at least 1, got {}", o.iterations));
  if (o.max_points < 4) throw Error(fmt::format("t-SNE: max_points must be at least 4, got {}", o.max_points));
  const int64_t total = x_in.size(0);
  if (total < 4) throw Error(fmt::format("t-SNE: needs at least 4 points, got {}", total));

  torch::NoGradGuard no_grad;
  std::mt19937_64 rng(o.seed);
  TsneResult result;
  torch::Tensor x = x_in.detach().to(torch::kCPU, torch::kFloat);
  if (total > o.max_points) {
    // Seeded subset (partial Fisher-Yates), sorted so row order follows the input.
    std::vector<int64_t> all(total);
    std::iota(all.begin(), all.end(), 0);
    for (int64_t i = 0; i < o.max_points; ++i) {
      std::uniform_int_distribution<int64_t> pick(i, total - 1);
      std::swap(all[i], all[pick(rng)]);
    }
    all.resize(o.max_points);
    std::sort(all.begin(), all.end());
    result.index = torch::tensor(all, torch::kLong);
    result.subsampled = true;
    x = x.index_select(0, result.index);
  } else {
    result.index = torch::arange(total, torch::kLong);
  }
  x = x.contiguous();
  const int64_t n = x.size(0);

  auto report = [&](int64_t it, const std::string& status) {
    if (progress && !progress(it, o.iterations, status)) throw TaskCancelled();
  };
  report(0, "neighbours");
  const SparseRows p = tsne_affinities(x, o.perplexity, [&](double f) {
    return !progress || progress(0, o.iterations, fmt::format("neighbours {:.0f}%", 100.0 * f));
  });

  // Initial embedding: N(0, 1e-4 I), as in the reference implementation.
  std::vector<double> y(2 * n), update(2 * n, 0.0), gains(2 * n, 1.0), grad;
  std::normal_distribution<double> normal(0.0, 1e-2);
  for (auto& v : y) v = normal(rng);

  const double lr = o.learning_rate > 0 ? o.learning_rate
                                        : std::max(static_cast<double>(n) / std::max(o.exaggeration, 1.0), 50.0);
  double z = 1.0;
  for (int64_t it = 0; it < o.iterations; ++it) {
    const bool early = it < o.exaggeration_iterations;
    const double exaggeration = early ? o.exaggeration : 1.0;
    const double momentum = early ? o.initial_momentum : o.final_momentum;
    z = o.theta > 0 ? tsne_barnes_hut_gradient(p, y, exaggeration, o.theta, grad)
                    : tsne_exact_gradient(p, y, exaggeration, grad);
    for (int64_t k = 0; k < 2 * n; ++k) {
      // Gains grow where the gradient keeps pointing against the running update (progress is steady),
      // shrink where it flips (Jacobs 1988 delta-bar-delta, as in the reference implementation).
      const bool same_sign = (grad[k] > 0) == (update[k] > 0);
      gains[k] = same_sign ? gains[k] * 0.8 : gains[k] + 0.2;
      gains[k] = std::max(gains[k], o.min_gain);
      update[k] = momentum * update[k] - lr * gains[k] * grad[k];
      y[k] += update[k];
    }
    double mx = 0, my = 0;
    for (int64_t i = 0; i < n; ++i) {
      mx += y[2 * i];
      my += y[2 * i + 1];
    }
    mx /= n;
    my /= n;
    for (int64_t i = 0; i < n; ++i) {
      y[2 * i] -= mx;
      y[2 * i + 1] -= my;
    }
    result.iterations = it + 1;
    if (progress) report(it + 1, fmt::format("iteration {}/{}", it + 1, o.iterations));
  }
  result.kl_divergence = kl_divergence(p, y, z);
  result.embedding = torch::tensor(y, torch::kDouble).view({n, 2}).to(torch::kFloat);
  return result;
}

}  // namespace vaelab

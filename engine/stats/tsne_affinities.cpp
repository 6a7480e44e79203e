#include "stats/tsne_affinities.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "stats/squared_distances.h"
#include "core/error.h"
#include "core/task.h"

namespace vaelab {

void nearest_neighbours(const torch::Tensor& x_in, int64_t k, torch::Tensor& index, torch::Tensor& d2,
                        const AffinityProgress& keep_going) {
  torch::NoGradGuard no_grad;
  auto x = x_in.detach().to(torch::kCPU, torch::kFloat).contiguous();
  const int64_t n = x.size(0);
  if (k < 1 || k >= n) throw Error(fmt::format("t-SNE: neighbour count must be in [1, {}), got {}", n, k));
  index = torch::empty({n, k}, torch::kLong);
  d2 = torch::empty({n, k}, torch::kDouble);
  // ~32 MB of float distances per block.
  const int64_t chunk = std::max<int64_t>(64, (8 << 20) / std::max<int64_t>(n, 1));
  for (int64_t begin = 0; begin < n; begin += chunk) {
    const int64_t end = std::min(n, begin + chunk);
    auto dist = squared_distances(x.slice(0, begin, end), x);
    // Exclude the point itself (its distance may round to a tiny positive value, not exactly 0).
    auto rows = torch::arange(0, end - begin, torch::kLong);
    dist.index_put_({rows, rows + begin}, std::numeric_limits<float>::infinity());
    auto [values, arg] = dist.topk(k, /*dim=*/1, /*largest=*/false, /*sorted=*/true);
    index.slice(0, begin, end).copy_(arg);
    d2.slice(0, begin, end).copy_(values.to(torch::kDouble));
    if (keep_going && !keep_going(static_cast<double>(end) / n)) throw TaskCancelled();
  }
}

SparseRows conditional_affinities(const torch::Tensor& index_in, const torch::Tensor& d2_in, double perplexity,
                                  std::vector<double>* betas, double tolerance) {
  if (!(perplexity > 0)) throw Error(fmt::format("t-SNE: perplexity must be positive, got {}", perplexity));
  auto index = index_in.to(torch::kLong).contiguous();
  auto d2 = d2_in.to(torch::kDouble).contiguous();
  const int64_t n = index.size(0), k = index.size(1);
  const double target = std::log(perplexity);
  SparseRows p;
  p.rows = n;
  p.row_ptr.resize(n + 1);
  p.col.resize(n * k);
  p.value.resize(n * k);
  if (betas) betas->assign(n, 1.0);
  const int64_t* idx = index.data_ptr<int64_t>();
  const double* dist = d2.data_ptr<double>();
  std::vector<double> row(k);
  for (int64_t i = 0; i < n; ++i) {
    p.row_ptr[i] = i * k;
    const double* di = dist + i * k;
    // Shifting distances by the row minimum leaves p unchanged and keeps exp() from underflowing.
    const double dmin = *std::min_element(di, di + k);
    double beta = 1.0, lo = 0.0, hi = std::numeric_limits<double>::infinity();
    for (int step = 0; step < 200; ++step) {
      double sum = 0.0, weighted = 0.0;
      for (int64_t j = 0; j < k; ++j) {
        const double shifted = di[j] - dmin;
        row[j] = std::exp(-beta * shifted);
        sum += row[j];
        weighted += shifted * row[j];
      }
      // H = log sum + beta * E[d - dmin]  (entropy of the normalised row, in nats)
      const double entropy = std::log(sum) + beta * weighted / sum;
      for (int64_t j = 0; j < k; ++j) row[j] /= sum;
      const double diff = entropy - target;
      if (std::abs(diff) < tolerance) break;
      if (diff > 0) {  // too flat: sharpen
        lo = beta;
        beta = std::isinf(hi) ? beta * 2.0 : 0.5 * (beta + hi);
      } else {
        hi = beta;
        beta = 0.5 * (beta + lo);
      }
    }
    for (int64_t j = 0; j < k; ++j) {
      p.col[i * k + j] = idx[i * k + j];
      p.value[i * k + j] = row[j];
    }
    if (betas) (*betas)[i] = beta;
  }
  p.row_ptr[n] = n * k;
  return p;
}

SparseRows joint_affinities(const SparseRows& c) {
  const int64_t n = c.rows;
  // Every entry (i, j, v) contributes v to P_ij and to P_ji; gather both, sort by (row, col), merge.
  std::vector<std::tuple<int64_t, int64_t, double>> entries;
  entries.reserve(2 * c.col.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t e = c.row_ptr[i]; e < c.row_ptr[i + 1]; ++e) {
      entries.emplace_back(i, c.col[e], c.value[e]);
      entries.emplace_back(c.col[e], i, c.value[e]);
    }
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    return std::get<0>(a) != std::get<0>(b) ? std::get<0>(a) < std::get<0>(b) : std::get<1>(a) < std::get<1>(b);
  });
  SparseRows p;
  p.rows = n;
  p.row_ptr.assign(n + 1, 0);
  const double scale = 1.0 / (2.0 * static_cast<double>(n));
  for (size_t e = 0; e < entries.size();) {
    const auto [i, j, v0] = entries[e];
    double v = 0.0;
    while (e < entries.size() && std::get<0>(entries[e]) == i && std::get<1>(entries[e]) == j) {
      v += std::get<2>(entries[e]);
      ++e;
    }
    p.col.push_back(j);
    p.value.push_back(v * scale);
    p.row_ptr[i + 1]++;
    (void)v0;
  }
  for (int64_t i = 0; i < n; ++i) p.row_ptr[i + 1] += p.row_ptr[i];
  return p;
}

SparseRows tsne_affinities(const torch::Tensor& x, double perplexity, const AffinityProgress& keep_going) {
  const int64_t n = x.size(0);
  if (n < 2) throw Error(fmt::format("t-SNE: needs at least 2 points, got {}", n));
  const int64_t k = std::min<int64_t>(n - 1, std::max<int64_t>(1, static_cast<int64_t>(3.0 * perplexity)));
  torch::Tensor index, d2;
  nearest_neighbours(x, k, index, d2, keep_going);
  return joint_affinities(conditional_affinities(index, d2, perplexity));
}

}  // namespace vaelab

#include "stats/kmeans.h"

#include <torch/torch.h>

#include <fmt/format.h>

#include <limits>
#include <random>
#include <vector>

#include "stats/squared_distances.h"
#include "core/error.h"

namespace vaelab {

namespace {

// Rows per distance block: keeps the [rows, k] block small for 70k points and large k.
constexpr int64_t kChunk = 8192;

// For every row of x: the squared distance to its nearest center and that center's index.
void nearest_centers(const torch::Tensor& x, const torch::Tensor& centers, torch::Tensor& min_d2,
                     torch::Tensor& index) {
  const int64_t n = x.size(0);
  min_d2 = torch::empty({n}, x.options());
  index = torch::empty({n}, torch::TensorOptions().dtype(torch::kLong));
  for (int64_t begin = 0; begin < n; begin += kChunk) {
    const int64_t end = std::min(n, begin + kChunk);
    auto d2 = squared_distances(x.slice(0, begin, end), centers);
    auto [values, arg] = d2.min(1);
    min_d2.slice(0, begin, end).copy_(values);
    index.slice(0, begin, end).copy_(arg);
  }
}

// Draws an index with probability proportional to weights (float64, non-negative); uniform when all
// weights are zero (every point coincides with a chosen center).
int64_t draw_weighted(const torch::Tensor& weights, std::mt19937_64& rng) {
  const int64_t n = weights.size(0);
  const double* w = weights.data_ptr<double>();
  double total = 0.0;
  for (int64_t i = 0; i < n; ++i) total += w[i];
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  if (!(total > 0.0)) return std::min<int64_t>(n - 1, static_cast<int64_t>(uniform(rng) * n));
  const double target = uniform(rng) * total;
  double cumulative = 0.0;
  for (int64_t i = 0; i < n; ++i) {
    cumulative += w[i];
    if (cumulative > target && w[i] > 0.0) return i;
  }
  for (int64_t i = n - 1; i >= 0; --i)  // rounding left target at the very top
    if (w[i] > 0.0) return i;
  return n - 1;
}

torch::Tensor kmeans_plus_plus(const torch::Tensor& x, int64_t k, std::mt19937_64& rng) {
  const int64_t n = x.size(0);
  auto centers = torch::empty({k, x.size(1)}, x.options());
  std::uniform_int_distribution<int64_t> first(0, n - 1);
  centers[0].copy_(x[first(rng)]);
  auto min_d2 = squared_distances(x, centers.slice(0, 0, 1)).squeeze(1).contiguous();
  for (int64_t c = 1; c < k; ++c) {
    const int64_t pick = draw_weighted(min_d2, rng);
    centers[c].copy_(x[pick]);
    min_d2 = torch::minimum(min_d2, squared_distances(x, centers.slice(0, c, c + 1)).squeeze(1)).contiguous();
  }
  return centers;
}

}  // namespace

KMeansResult kmeans(const torch::Tensor& x_in, int64_t k, uint64_t seed, int64_t max_iter,
                    const std::function<bool(int64_t)>& keep_going) {
  if (!x_in.defined() || x_in.dim() != 2)
    throw Error("kmeans: expected a 2-D tensor [N, D] of points");
  const int64_t n = x_in.size(0);
  if (n == 0 || x_in.size(1) == 0) throw Error("kmeans: no points to cluster (empty tensor)");
  if (k < 1 || k > n) throw Error(fmt::format("kmeans: k must be in [1, {}] (number of points), got {}", n, k));
  if (max_iter < 1) throw Error(fmt::format("kmeans: max_iter must be at least 1, got {}", max_iter));

  torch::NoGradGuard no_grad;
  auto x = x_in.detach().to(torch::kCPU, torch::kDouble).contiguous();
  std::mt19937_64 rng(seed);
  auto centers = kmeans_plus_plus(x, k, rng);

  KMeansResult result;
  torch::Tensor min_d2, assign, previous;
  nearest_centers(x, centers, min_d2, assign);
  for (int64_t iter = 1; iter <= max_iter; ++iter) {
    // Update: each center becomes the mean of its points.
    auto sums = torch::zeros_like(centers).index_add_(0, assign, x);
    auto counts = torch::bincount(assign, /*weights=*/{}, k).to(torch::kDouble);
    auto count_ptr = counts.data_ptr<double>();
    for (int64_t c = 0; c < k; ++c) {
      if (count_ptr[c] > 0) {
        centers[c].copy_(sums[c] / count_ptr[c]);
      } else {
        // Empty cluster: move it to the point currently worst served, and stop that point from
        // being chosen again for another empty cluster in this pass.
        const int64_t far = min_d2.argmax().item<int64_t>();
        centers[c].copy_(x[far]);
        min_d2[far] = 0.0;
      }
    }
    previous = assign;
    nearest_centers(x, centers, min_d2, assign);
    result.iterations = iter;
    if (torch::equal(previous, assign)) {
      result.converged = true;
      break;
    }
    if (keep_going && !keep_going(iter)) break;
  }
  // centers, assignments and inertia are mutually consistent: assignments are the nearest centers.
  result.centers = centers.to(torch::kFloat);
  result.assignments = assign;
  result.inertia = min_d2.sum().item<double>();
  return result;
}

KMeansResult kmeans_best_of(const torch::Tensor& x, int64_t k, uint64_t seed, int64_t restarts, int64_t max_iter) {
  if (restarts < 1) throw Error(fmt::format("kmeans: restarts must be at least 1, got {}", restarts));
  KMeansResult best = kmeans(x, k, seed, max_iter);
  for (int64_t r = 1; r < restarts; ++r) {
    KMeansResult next = kmeans(x, k, seed + static_cast<uint64_t>(r), max_iter);
    if (next.inertia < best.inertia) best = std::move(next);
  }
  return best;
}

}  // namespace vaelab

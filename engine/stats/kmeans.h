#pragma once
// k-means clustering (Lloyd's algorithm with k-means++ seeding), used by the clusters view and by
// variants that initialise a mixture from clusters (VaDE).
//
// Contracts
// - x is a float tensor [N, D] on any device; the work is done on the CPU in float64 (N up to ~70k
//   and D up to a few hundred are cheap) so that the result is identical on every machine for the same
//   seed. Results are CPU tensors: centers float32 [k, D], assignments int64 [N].
// - Seeding is k-means++ (Arthur & Vassilvitskii 2007): first center uniform, each next one drawn with
//   probability proportional to the squared distance to the nearest chosen center. The random draws
//   come from a private std::mt19937_64 seeded with `seed`, never from torch's global generator.
// - Lloyd iterations stop when no assignment changes or after max_iter iterations. A cluster that
//   becomes empty is re-seeded with the point farthest from its current center, so every cluster ends
//   non-empty whenever N >= k.
// - inertia = sum over points of the squared distance to the assigned center.
// - Throws vaelab::Error when x is not 2-D, is empty, or k is not in [1, N].
// - `keep_going`, when set, is called after every iteration with the iteration count; returning false
//   stops early (the result is then the last complete iteration, `converged` false).
#include <torch/types.h>

#include <cstdint>
#include <functional>

namespace vaelab {

struct KMeansResult {
  torch::Tensor centers;      // float32 [k, D], CPU
  torch::Tensor assignments;  // int64 [N], CPU, values in [0, k)
  double inertia = 0.0;       // sum of squared distances to the assigned centers
  int64_t iterations = 0;     // Lloyd iterations run
  bool converged = false;     // assignments stopped changing before max_iter
};

KMeansResult kmeans(const torch::Tensor& x, int64_t k, uint64_t seed, int64_t max_iter = 100,
                    const std::function<bool(int64_t iteration)>& keep_going = {});

// The best of `restarts` k-means runs (lowest inertia; the first wins a tie), run r seeded with
// seed + r: k-means++ seeding can land two centres in one true cluster, and a restart is the usual
// cure (scikit-learn's n_init). restarts >= 1, else vaelab::Error; restarts = 1 is kmeans(x, k, seed).
constexpr int64_t kKMeansRestarts = 10;  // what the app's clusterings use (scikit-learn's n_init)
KMeansResult kmeans_best_of(const torch::Tensor& x, int64_t k, uint64_t seed, int64_t restarts,
                            int64_t max_iter = 100);

}  // namespace vaelab

#pragma once
// t-SNE (van der Maaten & Hinton 2008) with the Barnes-Hut gradient (van der Maaten 2014): sparse input
// affinities from 3*perplexity exact neighbours, a quadtree for the repulsive forces, early exaggeration,
// momentum and per-coordinate gains. Our own implementation, for the clusters view.
//
// Contracts
// - x is float [N, D] on any device; the work is on the CPU (float64 embedding). When N > max_points a
//   seeded random subset of max_points rows is embedded (exact neighbour search is O(N^2)); the result
//   says which rows (`index`), and `subsampled` is true so the caller can say so.
// - Deterministic for a given seed: the initial embedding and the subset come from a private
//   std::mt19937_64, and the gradient is computed per point (parallel over points, no reductions whose
//   order depends on threads).
// - progress(iteration, iterations, status) is called during affinity computation (iteration 0) and after
//   every iteration; returning false stops the run by throwing TaskCancelled (core/task.h), so a run
//   inside a Task ends "cancelled". Cancel latency is one iteration (tens of ms at N = 20k, theta 0.5).
// - Throws vaelab::Error for N < 4 or non-positive perplexity/iterations.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stats/tsne_affinities.h"

namespace vaelab {

struct TsneOptions {
  double perplexity = 30.0;
  double theta = 0.5;                   // Barnes-Hut accuracy; 0 = exact repulsion (O(N^2))
  int64_t iterations = 1000;
  int64_t exaggeration_iterations = 250;
  double exaggeration = 12.0;
  double learning_rate = 0.0;           // <= 0: automatic, max(N / exaggeration, 50) (Belkina et al. 2019)
  double initial_momentum = 0.5;        // during early exaggeration
  double final_momentum = 0.8;
  double min_gain = 0.01;
  int64_t max_points = 20000;           // larger inputs are subsampled (seeded)
  uint64_t seed = 0;
};

struct TsneResult {
  torch::Tensor embedding;  // float32 [n, 2], n = min(N, max_points), centred
  torch::Tensor index;      // int64 [n]: row of the input each embedded point came from (ascending)
  bool subsampled = false;
  int64_t iterations = 0;   // iterations run
  double kl_divergence = 0.0;  // KL(P || Q) of the final embedding (BH estimate of Z)
};

using TsneProgress = std::function<bool(int64_t iteration, int64_t iterations, const std::string& status)>;

TsneResult tsne(const torch::Tensor& x, const TsneOptions& options = {}, const TsneProgress& progress = {});

// --- pieces exposed for tests ---

// Gradient of KL(P || Q) w.r.t. the embedding y (n x 2 interleaved), exactly (O(n^2)), into grad (n*2).
// p is the joint affinity matrix (sparse rows); `exaggeration` multiplies P. Returns Z = sum_{i!=j} (1+d_ij^2)^-1.
double tsne_exact_gradient(const SparseRows& p, const std::vector<double>& y, double exaggeration,
                           std::vector<double>& grad);
// The same gradient with Barnes-Hut repulsion (accuracy theta).
double tsne_barnes_hut_gradient(const SparseRows& p, const std::vector<double>& y, double exaggeration,
                                double theta, std::vector<double>& grad);

}  // namespace vaelab

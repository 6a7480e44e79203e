#pragma once
// The input-space affinities P of t-SNE (van der Maaten 2014, "Accelerating t-SNE using tree-based
// algorithms", §3): sparse, from the K = floor(3 * perplexity) nearest neighbours of every point.
//
// Contracts
// - Neighbours are exact (brute force in chunks of rows, O(N^2 D) work, O(chunk * N) memory); that is
//   fine up to ~20k points, which is why tsne() subsamples larger sets.
// - conditional_affinities(): row i holds p_{j|i} = exp(-beta_i d_ij^2) / sum_k exp(-beta_i d_ik^2) over
//   its K neighbours, with beta_i found by bisection so that the row's entropy -sum p log p (natural log)
//   equals log(perplexity) within `tolerance` (or the search ran out of its 200 steps). Rows sum to 1.
// - joint_affinities(): P_ij = (p_{j|i} + p_{i|j}) / (2N), symmetric, summing to 1, in CSR form.
// - Both run on the CPU in float64. `keep_going(fraction)` is polled between chunks; false -> the call
//   throws TaskCancelled (core/task.h) so callers inside a Task end "cancelled".
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <vector>

namespace vaelab {

// Compressed sparse rows: row i's entries are col[row_ptr[i] .. row_ptr[i+1]).
struct SparseRows {
  int64_t rows = 0;
  std::vector<int64_t> row_ptr;  // rows + 1
  std::vector<int64_t> col;
  std::vector<double> value;
};

using AffinityProgress = std::function<bool(double fraction)>;

// K nearest neighbours (excluding the point itself) by squared Euclidean distance: indices int64 [N, K]
// and squared distances float64 [N, K], nearest first. Requires 1 <= K < N.
void nearest_neighbours(const torch::Tensor& x, int64_t k, torch::Tensor& index, torch::Tensor& d2,
                        const AffinityProgress& keep_going = {});

// Conditional p_{j|i} from the neighbour lists; also returns each row's beta_i = 1 / (2 sigma_i^2).
SparseRows conditional_affinities(const torch::Tensor& index, const torch::Tensor& d2, double perplexity,
                                  std::vector<double>* betas = nullptr, double tolerance = 1e-5);

SparseRows joint_affinities(const SparseRows& conditional);

// Everything above for a point cloud x [N, D]: K = min(N - 1, floor(3 * perplexity)).
SparseRows tsne_affinities(const torch::Tensor& x, double perplexity, const AffinityProgress& keep_going = {});

}  // namespace vaelab

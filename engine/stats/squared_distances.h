#pragma once
// Pairwise squared Euclidean distances, shared by k-means and the t-SNE neighbour search.
#include <torch/types.h>

namespace vaelab {

// ||a_i - b_j||^2 for rows of a [N, D] and b [M, D] -> [N, M], same dtype and device as a.
// Uses ||a||^2 - 2 a.b + ||b||^2 (one matmul) and clamps the rounding negatives to 0.
torch::Tensor squared_distances(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace vaelab

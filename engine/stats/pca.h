#pragma once
// Principal component analysis of a point cloud (latent means), for 2-D projections in the clusters view.
//
// Contracts
// - x is float [N, D] on any device; work is done on the CPU in float64 via the eigen-decomposition of
//   the D x D sample covariance (D is a latent size: small), so N = 70k costs one [D, N] x [N, D] product.
// - Components are unit vectors sorted by explained variance (descending). Each component's sign is fixed
//   so that its largest-magnitude entry is positive, so results do not flip between runs or machines.
// - When D < components the missing components are zero vectors with zero variance, and the projection
//   has zero columns there (a 1-D latent still plots as a line).
// - explained_variance uses the unbiased covariance (divides by N - 1; by 1 when N = 1).
// - Throws vaelab::Error when x is not 2-D, has no rows, or components < 1.
#include <torch/types.h>

#include <cstdint>

namespace vaelab {

struct PcaResult {
  torch::Tensor mean;                // float32 [D]
  torch::Tensor components;          // float32 [components, D], rows orthonormal (or zero, see above)
  torch::Tensor explained_variance;  // float32 [components]
  torch::Tensor projection;          // float32 [N, components]: (x - mean) * components^T
  double total_variance = 0.0;       // trace of the covariance, for "explained %" labels
};

PcaResult pca(const torch::Tensor& x, int64_t components = 2);

}  // namespace vaelab

#pragma once
// Moving latent codes in the units of their prior (issue 14): what the sliders, traversals and manifold
// views and the indicators share. Everything goes through the standardised coordinates
// u = Model::to_prior_units(z): one unit of u_h is one standard deviation of dimension h's prior at the
// code (N(0,1): z itself; Ladder: p(z_l | z_{l+1}) at the code's own upper layer; VaDE: the mixture's
// per-dimension moments or a chosen cluster; HEBAE: its empirical prior of the codes). Changing u_h and
// mapping back with Model::from_prior_units moves z_h by that many standard deviations and, for a
// hierarchical prior, carries every layer below along with its standardised position kept, so a change
// in an upper layer reaches the decoder (the Ladder decodes from z_1 only).
//
// All functions run the model (its top-down path for the Ladder) on the codes' device; call them under
// NoGradGuard on a model no other thread trains.
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "models/model.h"

namespace vaelab {

// z {B, H} with dimension `dim` set to `values` {B} (in z units), the layers below following in prior
// units. For priors that do not depend on the code this is z with one column replaced.
torch::Tensor move_latent(Model& model, const torch::Tensor& z, int64_t dim, const torch::Tensor& values,
                          int64_t component = -1);

// Traversal codes {S * dims.size() * offsets.size(), H} in the layout of analysis/traversal.h (seed-major,
// then dimension, then step): seed s with u_h moved by each offset, i.e. z_h = z_seed,h + offset *
// scale_h(seed), the layers below following. Throws vaelab::Error for a dimension out of range.
torch::Tensor prior_traversal_codes(Model& model, const torch::Tensor& seeds, const std::vector<int64_t>& dims,
                                    const std::vector<double>& offsets, int64_t component = -1);

// The 2-D manifold grid in prior units: codes {n*n, H} (dim_y < 0: {n, H}), row 0 at the top, cell (r, c)
// = base {H} with u[dim_x] = quantiles[c] and u[dim_y] = quantiles[n-1-r], quantiles ascending (e.g.
// Phi^-1 of an even grid, analysis/latent_grid.h): cells equally likely under each dimension's prior in
// its Gaussian units. Throws vaelab::Error for a dimension out of range or dim_x == dim_y.
torch::Tensor prior_grid_codes(Model& model, const torch::Tensor& base, int64_t dim_x, int64_t dim_y,
                               const std::vector<double>& quantiles, int64_t component = -1);

// The posterior in its prior's units: mu' = (mu - centre) / scale, logvar' = logvar - 2 log scale
// (logvar stays undefined for deterministic encoders). KL is invariant under this map, so
// KL(q' || N(0, I)) = KL(q || N(centre, scale^2)) per dimension.
Posterior standardise(const PosteriorAgainstPrior& qp);

// KL(q(z_h | x) || prior_h) per input and dimension, {B, H}, closed form between the Gaussians of
// standardise(); for a deterministic encoder the variance of the standardised means over the batch
// repeated over rows instead (a ranking, not a KL). Used to pick the "most informative" dimensions.
torch::Tensor kl_against_prior_per_dim(const PosteriorAgainstPrior& qp);

}  // namespace vaelab

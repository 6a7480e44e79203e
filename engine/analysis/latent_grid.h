#pragma once
// Latent-space grids for the manifold and slider views, and decoding codes to 8-bit images.
//
// The 2-D manifold (Kingma & Welling 2014, Fig. 4): decode a grid whose coordinates are the inverse
// standard-normal CDF of an evenly spaced grid in (0,1)^2, so that cells are equally probable under the
// N(0,1) prior on the two chosen dimensions; every other dimension stays at a chosen base code.
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "data/image_bytes.h"
#include "models/model.h"

namespace vaelab {

// Phi^-1(p) for p in (0,1): bisection on std::erfc polished by Newton steps (|error| < 1e-12).
// Returns -inf / +inf at p = 0 / 1 and NaN outside [0,1].
double normal_quantile(double p);

// n evenly spaced probabilities from p_lo to p_hi (inclusive; n = 1 gives their midpoint), mapped by
// Phi^-1. Requires 0 < p_lo < p_hi < 1. Ascending.
std::vector<double> normal_quantile_grid(int64_t n, double p_lo = 0.05, double p_hi = 0.95);

// Codes {n*n, H}: row-major cells, row 0 at the TOP (largest value of dim_y), column 0 at the left
// (smallest value of dim_x); cell (r, c) = base with base[dim_x] = q[c], base[dim_y] = q[n-1-r].
// dim_y < 0 gives a single row {n, H} over dim_x. base is {H} (float32, any device).
// Throws vaelab::Error when a dimension is out of range or dim_x == dim_y.
torch::Tensor manifold_codes(const torch::Tensor& base, int64_t dim_x, int64_t dim_y, int64_t n,
                             double p_lo = 0.05, double p_hi = 0.95);

// Decodes codes {B,H} with the model (under NoGradGuard, on the model's device, in chunks of `chunk`)
// into 8-bit images (to_image_bytes); y is int64 {B} for conditional models (else undefined). For
// vector data (no spatial dims) use decode_vectors instead. Throws vaelab::Error for non-image models.
ImageBytes decode_to_images(Model& model, const torch::Tensor& z, const torch::Tensor& y = {},
                            int64_t chunk = 256);

// Decoder means for codes {B,H} as float32 {B,D} on the CPU (vector data).
torch::Tensor decode_vectors(Model& model, const torch::Tensor& z, const torch::Tensor& y = {});

}  // namespace vaelab

#pragma once
// How sharp images are: the gradient energy, the mean squared finite-difference gradient
//   E(x) = mean over images, channels and the (H-1) x (W-1) grid of
//          (x[i, j+1] - x[i, j])^2 + (x[i+1, j] - x[i, j])^2
// (forward differences, both taken at the same top-left pixel). Squared, so that blur lowers it: a step
// of height 1 contributes 1; spread over two pixels as two steps of 1/2 it contributes 1/2 (the mean
// absolute gradient would not change, since blur keeps a monotone edge's total variation).
// The sharpness ratio E(reconstructions) / E(inputs) is 1 for a perfect reconstruction and falls as
// reconstructions blur ("How to train your VAE": the PatchGAN term is there against blur).
#include <torch/types.h>

namespace vaelab {

// images: [B, C, H, W] with H, W >= 2; returns the sum over images of each image's gradient energy
// (so that batches add up), in double precision.
double gradient_energy_sum(const torch::Tensor& images);

// E(reconstructions) / E(inputs) over one set of images (same shape); NaN when the inputs are flat.
double sharpness_ratio(const torch::Tensor& reconstructions, const torch::Tensor& inputs);

}  // namespace vaelab

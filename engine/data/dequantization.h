#pragma once
// Dequantisation of 8-bit image data (Theis, van den Oord & Bethge 2016, "A note on the evaluation of
// generative models", §3.1): the one place where training and evaluation batches get uniform noise of
// one grey level before a continuous density sees them.
//
// Why: images are stored as 8-bit values k in 0..255 and reach the models as x = k / 255 (data/dataset.h).
// A continuous density (Gaussian, learned or mixture noise, Laplace, PH-VAE's squared error) on such
// data can put an arbitrarily narrow peak on every value that occurs, so its -log p(x) goes to -infinity
// as sigma -> 0 (a mixture-of-Gaussians noise model gains about a thousand nats per MNIST digit that
// way). On dequantised data y = (k + u) / 256, u ~ U(0, 1) per pixel, the density of y integrates to a
// discrete probability of k over the pixel's bin [k/256, (k+1)/256):
//   P(k) = integral over the bin of p(y) dy = 256^-D E_u[p((k + u)/256)],
//   -log P(k) = -log E_u[p(y)] + D ln 256 <= E_u[-log p(y)] + D ln 256     (Jensen),
// so the expected continuous -log p(y) plus D ln 256 is an upper bound on the -log-probability of the
// 8-bit data, bounded below by 0: no gain from collapsing sigma survives (analysis/likelihood_units.h
// converts it to bits per dimension).
//
// The map: y = (k + u) / 256 with k = round(255 x) recovered from the float batch, so y lies in
// [k/256, (k+1)/256) for every pixel (u is kept below 1 - 2^-15 so that float rounding never lands y on
// the next bin's edge). Only 8-bit image data is touched (holds_8bit_images); vector data passes
// through unchanged. Whether a run dequantises at all (its preset's "dequantize" key, its likelihood
// and its data) is decided above this layer (analysis/likelihood_kind.h); this file only applies it.
//
// Noise: training draws fresh u for every batch from torch's CPU generator as it stands (the trainer
// swaps its own stream in, so a run is reproducible and resumable). Evaluation draws seeded noise: row r
// of the evaluated view gets the SplitMix64 stream of mix_seeds(seed, r) (data/seeded_permutation.h), so
// an input sees the same u whatever the batching and in every pass (negative ELBO, IWAE), on every
// machine. Noise is drawn on the CPU and the batch is moved to the device after, as Dataset::batch does.
#include <torch/types.h>
#include <c10/core/Device.h>

#include <cstdint>

#include "data/dataset.h"

namespace vaelab {

// Bins per unit of the dequantised scale: 8-bit data has 256 values.
constexpr double kDequantizationBins = 256.0;

// True when `data` holds 8-bit images (image shape, uint8 storage): the data dequantisation applies to.
bool holds_8bit_images(const Dataset& data);
// True when `data` holds 8-bit images whose every value is 0 or 255 (binary images such as shapes).
bool holds_binary_images(const Dataset& data);

// y = (round(255 x) + u) / 256 element-wise; x float in [0, 1] (k / 255), u float in [0, 1), same shape.
torch::Tensor dequantize_values(const torch::Tensor& x, const torch::Tensor& u);

// How batches are drawn: as stored (enabled = false) or dequantised.
struct Dequantization {
  bool enabled = false;
  // >= 0: seeded noise, row r of the view gets the stream mix_seeds(seed, r) (evaluation);
  // < 0: fresh noise from torch's CPU generator as it stands (training).
  int64_t seed = -1;

  // The rows [begin, end) (or the int64 `rows`) of `data` as Dataset::batch gives them, dequantised when
  // enabled and `data` holds 8-bit images; labels untouched. The one way training and likelihood
  // evaluation draw a batch.
  Batch batch(const Dataset& data, int64_t begin, int64_t end, const torch::Device& device) const;
  Batch batch(const Dataset& data, const torch::Tensor& rows, const torch::Device& device) const;
};

// Uniform noise in [0, 1) of shape {rows.numel(), shape...}: row i is drawn from the SplitMix64 stream of
// mix_seeds(seed, rows[i]) alone. float32 on the CPU. Exposed for tests.
torch::Tensor seeded_row_noise(const torch::Tensor& rows, const DataShape& shape, uint64_t seed);

}  // namespace vaelab

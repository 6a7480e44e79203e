#pragma once
// Latent traversals (noise-modelling paper Fig. 5/7; spec §6): for each seed code and each chosen latent
// dimension h, decode the seed with z_h swept over z_seed,h - R .. z_seed,h + R in `steps` even steps,
// every other dimension held at the seed's value.
//
// Layout everywhere: seed-major, then dimension (in the order given), then step. Row index of
// (seed s, dim d, step t) = (s * dims.size() + d) * steps + t.
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "analysis/indicators.h"
#include "analysis/latent_grid.h"
#include "models/model.h"

namespace vaelab {

struct TraversalOptions {
  double radius = 3.0;   // R: sweep half-width in latent units
  int64_t steps = 7;     // images per sweep (>= 2; the sweep includes both ends)
};

// The offsets -R + 2R t / (steps - 1), t = 0..steps-1.
std::vector<double> traversal_offsets(const TraversalOptions& options);

// Codes {S * dims.size() * steps, H} in the layout above. seeds is {S, H} (any device; the result is on
// the same device). Throws vaelab::Error when a dim is out of range or options are invalid.
torch::Tensor traversal_codes(const torch::Tensor& seeds, const std::vector<int64_t>& dims,
                              const TraversalOptions& options);

// traversal_codes decoded to 8-bit images (decode_to_images: NoGradGuard, the model's device). For
// conditional models, labels {S} gives each seed's class (repeated along its sweeps).
ImageBytes decode_traversals(Model& model, const torch::Tensor& seeds, const std::vector<int64_t>& dims,
                             const TraversalOptions& options, const torch::Tensor& labels = {});

// Which dimensions to traverse, in which order: the dimensions of `group` (a latent_groups() entry; the
// Ladder VAE picks a layer), sorted by I~(x; z_h) descending (indicators.dims_by_influence()), keeping
// only those with I~(x; z_h) > threshold when only_influential. A deterministic encoder has no I~, so
// only_influential is ignored there and the order is by the variance of mu. At most max_dims are kept
// (0 = all).
std::vector<int64_t> traversal_dims(const Indicators& indicators, const LatentGroup& group,
                                    bool only_influential, double threshold = 0.5, int64_t max_dims = 0);

}  // namespace vaelab

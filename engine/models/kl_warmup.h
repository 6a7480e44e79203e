#pragma once
// KL warm-up (Sønderby et al. 2016, the Ladder VAE paper; Bowman et al. 2016): the KL weight ramps
// linearly from ~0 to its full value over the first `warmup_steps` optimiser steps, so the decoder
// learns to use z before the KL pulls every posterior onto the prior (the early "mean image" plateau
// of a VAE on sparse images). Factor to multiply the KL weight by at global step `step` (0-based):
// min(1, (step + 1) / warmup_steps); 1 when warmup_steps <= 0. Variants apply it in training only, so
// test terms and nelbo always use the full weight.
#include <algorithm>
#include <cstdint>

namespace vaelab {

inline double kl_warmup_factor(int64_t step, int64_t warmup_steps) {
  if (warmup_steps <= 0) return 1.0;
  return std::min(1.0, static_cast<double>(step + 1) / static_cast<double>(warmup_steps));
}

}  // namespace vaelab

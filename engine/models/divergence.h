#pragma once
// Closed-form divergences shared by the variants.
#include <torch/types.h>

namespace vaelab {

// KLstd(mu, sigma^2) = 1/2 sum_h (mu^2 + sigma^2 - 1 - log sigma^2), per sample {B} (spec notation).
torch::Tensor kl_standard_normal(const torch::Tensor& mu, const torch::Tensor& logvar);
// Per-dimension version {B, H} (indicators, traversal ordering).
torch::Tensor kl_standard_normal_per_dim(const torch::Tensor& mu, const torch::Tensor& logvar);
// log N(z; mu, diag exp(logvar)) summed over the last dim, {B}.
torch::Tensor log_normal_diag(const torch::Tensor& z, const torch::Tensor& mu, const torch::Tensor& logvar);
// log N(z; 0, I) summed over the last dim, {B}.
torch::Tensor log_standard_normal(const torch::Tensor& z);

}  // namespace vaelab

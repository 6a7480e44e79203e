#pragma once
// The latent dimensions that carry information about x, for fitting a clustering model to encoder means
// (the "VAE+GMM" baseline, compare/metric_columns). Ours: dimension d is informative when its encoder
// means vary across the data more than the encoder's own posterior variance,
//   Var_x(mu_d(x)) > E_x[sigma_d^2(x)],
// i.e. when two codes differ there by more than the noise the model itself puts on them. A VAE that lets a
// dimension collapse towards the prior leaves its means nearly constant (Var_x ~ 0.001-0.1, sigma^2 ~ 0.9);
// a diagonal GMM fitted with those dimensions models their tiny, label-free structure with tight
// components and loses the classes (measured on vae-gmm-mnist: cluster accuracy 0.199 with all 10
// dimensions, 0.5965 with the 6 informative ones).
//
// Contracts
// - mu and logvar are {N, D}, N >= 2; logvar may be undefined (deterministic encoders): then every
//   dimension counts. Returns the int64 indices of the informative dimensions, ascending, on the CPU;
//   all of 0..D-1 when none qualifies (nothing to choose from is not a reason to fail).
// - Throws vaelab::Error on mismatched shapes.
#include <torch/types.h>

namespace vaelab {

torch::Tensor informative_dimensions(const torch::Tensor& mu, const torch::Tensor& logvar);

}  // namespace vaelab

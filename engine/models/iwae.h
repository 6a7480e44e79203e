#pragma once
// IWAE, importance-weighted autoencoder (Burda et al. 2016; vae-lecture.md "Approximate expectation by
// generating k samples"; spec §7). Same p and q as the VAE (standard-normal prior, diagonal Gaussian
// posterior); the training objective is the k-sample bound
//   L_k(x) = E[ log (1/k) sum_i w_i ],  w_i = p(x, z_i) / q(z_i | x),  z_i ~ q(z | x) i.i.d.,
// which is <= log p(x), non-decreasing in k, and equals the ELBO at k = 1. Its gradient weights each
// sample's d log w_i by the normalised weight w_i / sum_j w_j (autograd through logsumexp does exactly this).
//
// Named terms: "iwae_bound" = -L_k (nats, the minimised total), "recon" and "kl" = the single-sample
// reconstruction NLL and the closed-form KLstd of the first sample (for display next to the VAE's).
// Options: {"k": 5}.
#include <nlohmann/json.hpp>

#include "models/vae.h"

namespace vaelab {

struct IwaeOptions {
  int64_t k = 5;  // importance samples per input in the training bound (Burda et al. use 5 and 50)

  static IwaeOptions from_json(const nlohmann::json& j);
};

class Iwae : public Vae {
 public:
  Iwae(const ModelSpec& spec, const IwaeOptions& options);

  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  // Per-input k-sample bound L_k, {B} (nats); differentiable. Exposed for tests and evaluation.
  torch::Tensor bound(const Batch& batch, int64_t k);
  int64_t k() const { return iwae_.k; }

 private:
  struct Samples {
    Posterior q;
    torch::Tensor log_px;  // {k * B}, sample-major (row s * B + i)
    torch::Tensor log_w;   // {k, B}
  };
  Samples weighted_samples(const Batch& batch, int64_t k);

  IwaeOptions iwae_;
};

}  // namespace vaelab

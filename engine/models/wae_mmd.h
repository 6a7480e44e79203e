#pragma once
// WAE-MMD, the Wasserstein autoencoder with an MMD penalty (spec §5; the baseline in hebae.txt §2.3).
//   Deterministic code z = mu(x) (Posterior::logvar is left undefined).
//   Loss = recon + lambda MMD^2(z batch, prior batch), the prior batch drawn from N(0, I) with the same
//   size; inverse-multiquadratic kernel k(a, b) = C / (C + ||a - b||^2), C = 2H; unbiased estimator.
// Named terms: "recon", "mmd" (MMD^2, unweighted).
//
// What nelbo() reports (WAE has no ELBO): the negative ELBO of a FIXED Gaussian proposal around the code,
// q(z|x) = N(mu(x), s^2 I) with s = options.proposal_std:  -log p(x|z) + KLstd(mu, s^2), z ~ q.
// It is a valid upper bound on -log p(x) under the decoder's likelihood with the N(0, I) prior, so it is
// on the same scale as the other variants' nelbo, but WAE never trained this proposal (a loose bound).
// log_importance_weight uses the same proposal, so IWAE-k gives a consistent estimate of -log p(x) as k
// grows. sample_posterior() returns mu (the code), log_posterior() throws (no density).
//
// Options: lambda (default 10), kernel_c (C; default 0 = 2H), proposal_std (default 0.1).
#include <nlohmann/json.hpp>
#include <torch/nn/modules/container/sequential.h>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct WaeMmdOptions {
  double lambda = 10.0;
  double kernel_c = 0.0;  // 0 -> 2H
  double proposal_std = 0.1;

  static WaeMmdOptions from_json(const nlohmann::json& j);
};

// Unbiased MMD^2 between samples a {N,H} and b {M,H} (N, M >= 2) with k(u, v) = c / (c + ||u - v||^2):
// mean over i != j of k(a_i, a_j) + mean over i != j of k(b_i, b_j) - 2 mean over i, j of k(a_i, b_j).
torch::Tensor mmd2_imq_unbiased(const torch::Tensor& a, const torch::Tensor& b, double c);

class WaeMmd : public Model {
 public:
  WaeMmd(const ModelSpec& spec, const WaeMmdOptions& options);

  std::string variant() const override { return "wae-mmd"; }
  int64_t latent_dim() const override { return spec_.latent; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;
  torch::Tensor log_importance_weight(const Batch& batch) override;
  torch::Tensor nelbo(const Batch& batch) override;

  double kernel_c() const { return options_.kernel_c > 0 ? options_.kernel_c : 2.0 * static_cast<double>(spec_.latent); }
  const WaeMmdOptions& options() const { return options_; }

 private:
  torch::Tensor decoder_output(const torch::Tensor& z) { return decoder_->forward(z); }

  ModelSpec spec_;
  WaeMmdOptions options_;
  torch::nn::Sequential encoder_{nullptr};  // x -> mu {B,H}
  torch::nn::Sequential decoder_{nullptr};
};

}  // namespace vaelab

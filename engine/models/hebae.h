#pragma once
// HEBAE, the hierarchical empirical Bayes autoencoder (spec §4; hebae.txt §3, Appendix A).
//   Batch empirical prior on the encoder means: beta_hat = (1/M) sum_i mu_i,
//   Sigma_hat = (1/M) sum_i (mu_i - beta_hat)(mu_i - beta_hat)^T + jitter I, R = chol(Sigma_hat).
//   Sampling: z_i = mu_i + sigma_i * (R eps_i).
//   Loss = recon + lambda [tr(Sigma_hat) - H - log|Sigma_hat| + beta_hat^T beta_hat], the bracket once per
//   batch (= 2 KL(N(beta_hat, Sigma_hat) || N(0, I))). sigma_i does not enter the KL term.
// Named terms: "recon", "kl_bracket" (the bracket, unweighted).
//
// A per-input posterior is needed for nelbo()/IWAE and views, but Sigma_hat is a batch statistic. The
// model therefore keeps running estimates (buffers "running_mean", "running_cov", updated in training
// mode with momentum `running_momentum`) and, outside loss(), uses
//   q(z | x_i) = N(mu_i, D_i Sigma_run D_i),  D_i = diag(sigma_i)   (hebae.txt eq. 6)
// for sample_posterior / log_posterior / nelbo (closed-form KL of that full-covariance Gaussian).
// encode() reports its diagonal: logvar_h = log(sigma_ih^2 * Sigma_run,hh).
//
// Prior units (issue 14; Model::prior_scale): the empirical prior of the codes, N(running_mean,
// running_cov) (the running estimate of the batch prior beta_hat, Sigma_hat above), per dimension: centre
// running_mean_h, scale sqrt(running_cov_hh); prior_variance() = diag(running_cov). The views move codes
// and the indicators measure q(z|x) in these units.
//
// Options, defaults from the paper:
//   lambda            weight of the bracket (default 1)
//   sigma             "vector": sigma_i is an H-vector (the paper's encoders output H x 2) |
//                     "scalar": one sigma_i per input. Default vector.
//   jitter            added to Sigma_hat's diagonal before the Cholesky factorisation (default 1e-5)
//   running_momentum  weight of the newest batch in running_mean/running_cov (default 0.05)
#include <nlohmann/json.hpp>
#include <torch/nn/modules/container/sequential.h>

#include <string>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct HebaeOptions {
  double lambda = 1.0;
  std::string sigma = "vector";
  double jitter = 1e-5;
  double running_momentum = 0.05;

  static HebaeOptions from_json(const nlohmann::json& j);
};

// The once-per-batch statistics of the encoder means.
struct EmpiricalPrior {
  torch::Tensor mean;      // beta_hat {H}
  torch::Tensor cov;       // Sigma_hat {H,H} with jitter
  torch::Tensor cholesky;  // R, lower triangular
  torch::Tensor bracket;   // tr(Sigma_hat) - H - log|Sigma_hat| + beta_hat^T beta_hat (scalar)
};
// Computed in float64 for the factorisation, returned in mu's dtype. Throws vaelab::Error when
// Sigma_hat is not positive definite (name the jitter option).
EmpiricalPrior empirical_prior(const torch::Tensor& mu, double jitter);

class Hebae : public Model {
 public:
  Hebae(const ModelSpec& spec, const HebaeOptions& options);

  std::string variant() const override { return "hebae"; }
  int64_t latent_dim() const override { return spec_.latent; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;
  torch::Tensor sample_posterior(const Posterior& q) override;
  torch::Tensor log_posterior(const torch::Tensor& z, const Posterior& q) override;
  torch::Tensor nelbo(const Batch& batch) override;
  torch::Tensor prior_variance() const override;
  bool regularises_posterior_variance() const override { return false; }
  PriorScale prior_scale(const torch::Tensor& z, int64_t component = -1) override;

  // Encoder means and log sigma_i^2 ({B,H}; the scalar option broadcasts one value over H).
  Posterior encode_raw(const Batch& batch);
  const HebaeOptions& options() const { return options_; }

 private:
  torch::Tensor decoder_output(const torch::Tensor& z) { return decoder_->forward(z); }
  torch::Tensor running_cholesky() const;

  ModelSpec spec_;
  HebaeOptions options_;
  torch::nn::Sequential encoder_{nullptr};  // x -> [mu (H), log sigma^2 (H or 1)]
  torch::nn::Sequential decoder_{nullptr};
  torch::Tensor running_mean_;  // {H}
  torch::Tensor running_cov_;   // {H,H}
};

}  // namespace vaelab

#pragma once
// VAE and beta-VAE (spec §1; vae-lecture.md; noise-modeling-vae.txt §3.2).
//   z = mu + sigma * eps,  loss = recon(x, x_hat) + beta * KLstd(mu, sigma^2)
// recon is the likelihood's negative log-likelihood (Bernoulli / Gaussian fixed sigma^2 / Laplace).
// beta = 1 is the VAE. Other variants with a diagonal Gaussian encoder and a plain decoder may derive
// from Vae and reuse encoder_/decoder_ (iwae, factor-vae do).
#include <nlohmann/json.hpp>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct VaeOptions {
  double beta = 1.0;  // weight of the KL term; > 1 favours disentanglement (beta-VAE)
  int64_t warmup_steps = 0;  // KL warm-up over the first steps (models/kl_warmup.h); 0: none

  static VaeOptions from_json(const nlohmann::json& j, double default_beta = 1.0,
                              const std::vector<std::string>& extra_keys = {});
};

class Vae : public Model {
 public:
  // `name` is the variant identifier this instance reports ("vae" or "beta-vae").
  Vae(const ModelSpec& spec, const VaeOptions& options, std::string name = "vae");

  std::string variant() const override { return name_; }
  int64_t latent_dim() const override { return spec_.latent; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;

  const ModelSpec& spec() const { return spec_; }
  double beta() const { return options_.beta; }
  std::optional<double> kl_weight() const override { return options_.beta; }

 protected:
  // Raw decoder output (logits for Bernoulli) for codes z.
  torch::Tensor decoder_output(const torch::Tensor& z) { return decoder_->forward(z); }

  ModelSpec spec_;
  VaeOptions options_;
  std::string name_;
  torch::nn::Sequential encoder_{nullptr};  // x -> {B, 2H}: [mu, logvar]
  torch::nn::Sequential decoder_{nullptr};  // z -> raw output in data shape
};

}  // namespace vaelab

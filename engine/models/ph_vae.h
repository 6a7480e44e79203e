#pragma once
// PH-VAE, the polynomial hierarchical VAE (spec §2; ph-vae.txt §2).
//   Inputs x^s, s = 1..S (element-wise powers). Per order: h^s = g(W^s x^s + b^s),
//   mu_s = W_mu h^s + b_mu, log sigma_s^2 = W_sigma h^s + b_sigma.
//   Combined posterior: mu = (1/S) sum_s mu_s, sigma^2 = (1/S) sum_s sigma_s^2.
//   Sampling with amplitude A: z = mu + A sigma eps; the decoder reconstructs x^1 only.
//   Loss = recon(x^1, x_hat) + (1/S) sum_s KLstd(mu_s, sigma_s^2)   (the "polynomial divergence").
// Named terms: "recon", "kl_1".."kl_S" (each order's KLstd), "kl" (the polynomial divergence).
//
// encode() returns the distribution z is actually drawn from, N(mu, A^2 sigma^2): with A = 1 that is the
// spec's combined posterior; orders() gives the per-order posteriors and the combined one without A.
// nelbo() is the usual negative ELBO (beta = 1) of that posterior: -log p(x|z) + KLstd(mu, A^2 sigma^2),
// which is not the training loss (the polynomial divergence is not the KL of the combined posterior).
//
// Options ("options" in the preset), paper defaults:
//   orders          S, 1..5 (default 3; the paper uses 3 on toy data, 5 on images)
//   encoder_sharing "separate" (each order its own trunk W^s, shared heads; ph-vae.txt text) |
//                   "shared" (one encoder for every order; the paper's listing). Default separate.
//   amplitude       A > 0 (default 1)
//   recon           "sse": summed squared error sum_d (x_d - x_hat_d)^2 (the listing's
//                   mse_loss(reduction='sum'); as a likelihood it is N(x_hat, 1/2), so log_likelihood adds
//                   the constant D/2 log pi) | "likelihood": the preset's likelihood. Default sse.
//   beta            weight of the polynomial divergence (default 1, the paper)
//   warmup_steps    KL warm-up (models/kl_warmup.h), training only; default 0 (the paper uses none). With
//                   the summed squared error on MNIST and no warm-up, the MLP model of ph-vae-mnist sits on
//                   the mean-image plateau and every KL goes to ~1e-4 nats (posterior collapse, issue 14);
//                   the same happens with S = 1, so it is the SSE likelihood's plateau, not the orders.
#include <nlohmann/json.hpp>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <string>
#include <vector>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct PhVaeOptions {
  int64_t orders = 3;
  std::string encoder_sharing = "separate";
  double amplitude = 1.0;
  std::string recon = "sse";
  double beta = 1.0;
  int64_t warmup_steps = 0;

  // Validates every key; errors name "options.<key>".
  static PhVaeOptions from_json(const nlohmann::json& j);
};

class PhVae : public Model {
 public:
  PhVae(const ModelSpec& spec, const PhVaeOptions& options);

  std::string variant() const override { return "ph-vae"; }
  // 2: the decoder ends in a sigmoid (data in [0, 1]); revision-1 weights decoded unbounded.
  int64_t revision() const override { return 2; }
  std::optional<double> kl_weight() const override { return options_.beta; }
  int64_t latent_dim() const override { return spec_.latent; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;

  struct OrderPosteriors {
    std::vector<Posterior> orders;  // q_s(z | x^s), s = 1..S
    Posterior combined;             // mean mu_s, log of the mean sigma_s^2 (no amplitude)
  };
  OrderPosteriors orders(const Batch& batch);
  const PhVaeOptions& options() const { return options_; }

 private:
  // The decoder's raw output; x_hat = sigmoid(raw) in every recon mode (spec §2).
  torch::Tensor decoder_output(const torch::Tensor& z) { return decoder_->forward(z); }
  // -log p(x^1 | raw decoder output), {B}.
  torch::Tensor recon_nll(const torch::Tensor& x, const torch::Tensor& out) const;

  ModelSpec spec_;
  PhVaeOptions options_;
  std::vector<torch::nn::Sequential> trunks_;  // separate: one per order; shared: one
  torch::nn::Linear head_{nullptr};            // shared heads [mu, logvar] (undefined when trunks end in 2H)
  torch::nn::Sequential decoder_{nullptr};
};

}  // namespace vaelab

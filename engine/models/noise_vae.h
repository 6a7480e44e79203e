#pragma once
// Noise-modelling VAE: learned Gaussian or mixture-of-Gaussians pixel noise (spec §6;
// noise-modeling-vae.txt §3.3). x = G(z) + noise, r = x - G(z), G(z) = the decoder's mean.
//
//   gaussian  noise ~ N(0, sigma^2). Network step loss: sum_d r_d^2/(2 sigma^2) + D/2 log 2 pi sigma^2
//             + beta KLstd. sigma^2 is learned either in closed form, sigma^2 = sum ||r||^2 / (D M) over
//             the batch ("closed_form", default), or by the main optimiser on log sigma ("gradient").
//   mog       noise ~ sum_k pi_k N(0, sigma_k^2), K components (default 2), one EM iteration per step
//             with the networks fixed: E-step gamma_dk = pi_k N(r_d; 0, sigma_k^2) / sum_k' (...),
//             normalised over k per pixel; M-step N_k = sum gamma_dk, pi_k = N_k / sum N_k,
//             sigma_k^2 = sum gamma_dk r_d^2 / N_k clipped at >= min_sigma2. Network step loss (eq. 16/17,
//             as a negative bound): sum_dk gamma_dk [r_d^2/(2 sigma_k^2) + 1/2 log 2 pi sigma_k^2 - log pi_k]
//             + sum_dk gamma_dk log gamma_dk + beta KLstd; gamma, pi, sigma^2 held fixed.
//   The closed-form updates (sigma^2, EM) happen inside loss() in training mode, on the residuals of the
//   same forward pass and just before the network step: the paper's alternation, with the noise update
//   first, at no extra forward pass. In eval mode loss() changes nothing.
//
// Named terms: "recon" = the noise NLL -sum_d log sum_k pi_k N(r_d; 0, sigma_k^2) (per sample),
// "kl" = KLstd, "evlb" = -recon - kl (beta = 1, the paper's EVLB), and the noise state after the update:
// "sigma2" (gaussian) or "sigma2_k" and "pi_k" for k = 0..K-1 (mog).
// nelbo() (the Model default) is -log_likelihood + KLstd = -EVLB with the learned noise.
// Learned state: buffers "sigma2" {K} and "pi" {K} (gaussian: K = 1, pi = 1); with sigma2_update =
// "gradient" the parameter "log_sigma" {1} replaces the buffer "sigma2".
//
// Options: noise gaussian|mog (default gaussian), components K (default 2, mog), beta (default 1),
// sigma2_update closed_form|gradient (gaussian, default closed_form), sigma2_init (default 0.1; mog
// component k starts at sigma2_init * 0.1^k, pi uniform), min_sigma2 (default 1e-4),
// decoder_output sigmoid|identity (G(z) = sigmoid(decoder) keeps the mean in the data range; default
// sigmoid), max_sigma2 (mog; default none): the upper clip matching the paper's lower one; see the
// presets' notes in docs/presets.md for why the CPU presets set it, noise_warmup_steps (mog; default 0): for the first N training steps the noise is one Gaussian
// with the closed-form variance (every component holds it, pi uniform), so the decoder learns the strokes
// before EM may explain them away; on step N-1 the components are initialised by splitting that step's
// squared residuals at their K-quantiles (sigma2_k = mean r^2 of quantile group k, pi_k = 1/K), the usual
// data-driven start for EM, and EM runs from step N on. Without it, EM from the fixed initial variances on
// MNIST let one broad component (sigma2 ~0.5) absorb every stroke while the decoder output the
// background (R^2 -0.76, issue 14).
#include <nlohmann/json.hpp>
#include <torch/nn/modules/container/sequential.h>

#include <limits>
#include <string>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct NoiseVaeOptions {
  std::string noise = "gaussian";
  int64_t components = 2;
  double beta = 1.0;
  std::string sigma2_update = "closed_form";
  double sigma2_init = 0.1;
  double min_sigma2 = 1e-4;
  double max_sigma2 = std::numeric_limits<double>::infinity();
  std::string decoder_output = "sigmoid";
  int64_t noise_warmup_steps = 0;

  static NoiseVaeOptions from_json(const nlohmann::json& j);
  // Number of noise components the model holds (1 for gaussian).
  int64_t k() const { return noise == "mog" ? components : 1; }
};

// log sum_k pi_k N(r; 0, sigma2_k) element-wise; r any shape, pi and sigma2 {K}. Returns r's shape.
torch::Tensor mixture_log_density(const torch::Tensor& r, const torch::Tensor& pi, const torch::Tensor& sigma2);

struct NoiseEmStep {
  torch::Tensor gamma;   // responsibilities, r's shape + {K}, summing to 1 over the last dim
  torch::Tensor pi;      // {K} after the M-step
  torch::Tensor sigma2;  // {K} after the M-step, >= min_sigma2
};
// One EM iteration of the zero-mean mixture on residuals r (any shape) from (pi, sigma2). No autograd.
// Variances are clipped to [min_sigma2, max_sigma2].
NoiseEmStep noise_em_step(const torch::Tensor& r, const torch::Tensor& pi, const torch::Tensor& sigma2,
                          double min_sigma2, double max_sigma2 = std::numeric_limits<double>::infinity());

// The warm-up's split: squared residuals of r sorted and cut into k equal groups; sigma2_k = the group's
// mean (>= min_sigma2), pi_k = its share (1/k up to rounding). gamma is left undefined. No autograd.
NoiseEmStep noise_quantile_split(const torch::Tensor& r, int64_t k, double min_sigma2,
                                 double max_sigma2 = std::numeric_limits<double>::infinity());

class NoiseVae : public Model {
 public:
  NoiseVae(const ModelSpec& spec, const NoiseVaeOptions& options);

  std::string variant() const override { return "noise-vae"; }
  std::optional<double> kl_weight() const override { return options_.beta; }
  int64_t latent_dim() const override { return spec_.latent; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;

  // Current noise state {K} (detached): variances and weights.
  torch::Tensor noise_variances() const;
  torch::Tensor noise_weights() const { return pi_.detach(); }
  // Membership map argmax_k gamma_dk of the residuals x - G(mu(x)), int64 in data shape (Fig. 9).
  torch::Tensor membership(const Batch& batch);
  const NoiseVaeOptions& options() const { return options_; }

 private:
  torch::Tensor mean_of(const torch::Tensor& z);  // G(z) in data shape
  torch::Tensor sigma2_for_loss() const;          // {K}; carries grad in gradient mode

  ModelSpec spec_;
  NoiseVaeOptions options_;
  torch::nn::Sequential encoder_{nullptr};
  torch::nn::Sequential decoder_{nullptr};
  torch::Tensor sigma2_;     // buffer {K} (closed form / EM)
  torch::Tensor log_sigma_;  // parameter {1} (gradient mode)
  torch::Tensor pi_;         // buffer {K}
};

}  // namespace vaelab

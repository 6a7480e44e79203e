#pragma once
// Mixture-of-Gaussians posterior VAE with a PatchGAN discriminator: "How to train your VAE" §3,
// spec §3. Generator (encoder + decoder, the trainer's optimiser) and discriminator (own Adam, stepped in
// after_step) train alternately, one step each per batch (Algorithm 1).
//
//   x_hat   = likelihood.mean(decoder(z)),  z = mu + sigma * eps
//   mu_bar  = mean_i mu_i,  sigma_bar^2 = mean_i (z_i - mu_bar)^2          (eq. 18-19, z sampled)
//   KL_G    = 1/2 sum_j (sigma_bar_j^2 + mu_bar_j^2 - 1 - log sigma_bar_j^2)   once per batch (eq. 20)
//   KL_I    = sum_j (sigma_ij^2 - 1 - log sigma_ij^2), mean over samples, no 1/2 (eq. 21)
//   L1      = |x - x_hat| (per-element mean by default), ADV = BCE(D(x_hat), 1) (patch mean by default)
//   generator     = b1 KL_G + b2 KL_I + b3 L1 + b4 ADV        defaults (b1..b4) = (1, 0.5, 5000, 100)
//   discriminator = b4 (BCE(D(x), 1) + BCE(D(x_hat), 0))      (eq. 24)
// Named terms: "kl_g", "kl_i", "l1", "adv" are the *unweighted* values above; "disc" (added by
// after_step in training; by loss() itself in eval mode) is the discriminator loss as minimised, b4 included.
//
// The link from decoder output to x_hat is the preset's likelihood (Bernoulli -> sigmoid, the sensible
// choice for [0,1] images; Gaussian/Laplace -> identity). The density used by log_likelihood() (hence
// nelbo() and IWAE, the yardstick shared with the other variants) is the option "density":
//   "likelihood"      the preset's likelihood on the decoder output, as for every other variant (default);
//   "implied-laplace" Laplace(x | x_hat, b) with the scale the L1 term implies: b3 * L1 equals the Laplace
//                     negative log-likelihood up to a constant when b = D / b3 (l1 "mean") or 1 / b3
//                     (l1 "sum"); D = number of pixels x channels.
// sigma_bar^2 is floored at 1e-8 before the log so that a batch of one (or identical codes) stays finite.
// The discriminator is excluded from trainable_parameters(); its Adam state goes through
// save_extra/load_extra. Needs image data of at least 8x8 (the PatchGAN map is floor(H/8) x floor(W/8)).
#include <torch/optim/adam.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "models/vae.h"
#include "nn/patchgan.h"

namespace vaelab {

struct MogVaeOptions {
  double beta1 = 1.0;     // KL_G weight
  double beta2 = 0.5;     // KL_I weight
  double beta3 = 5000.0;  // L1 weight
  double beta4 = 100.0;   // adversarial weight (generator and discriminator)
  std::string l1_reduction = "mean";   // Choice: mean (per element, spec) | sum (per sample, over pixels)
  std::string adv_reduction = "mean";  // Choice: mean (over patches, spec) | sum (per sample, over patches)
  std::string density = "likelihood";  // likelihood | implied-laplace (see above)
  double disc_lr = 1e-4;               // discriminator Adam learning rate (paper: 1e-4)
  int64_t disc_channels = 64;          // PatchGAN first width (pix2pix: 64)
  std::string disc_norm = "batch";     // PatchGAN normalisation: batch | instance | none

  // Every key optional; unknown keys and wrong types throw vaelab::Error naming "options.<key>".
  static MogVaeOptions from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

// KL_G of eq. 20 from the batch's means {B, H} and sampled codes {B, H}: a scalar.
torch::Tensor mixture_kl(const torch::Tensor& mu, const torch::Tensor& z);
// KL_I of eq. 21 per sample {B} from log sigma^2 {B, H}.
torch::Tensor individual_kl(const torch::Tensor& logvar);
// |x - x_hat|: "mean" over every element, or "sum" over each sample's elements then mean over the batch.
torch::Tensor l1_term(const torch::Tensor& x, const torch::Tensor& x_hat, const std::string& reduction);
// BCE(sigmoid(logits), target) over a PatchGAN map {B, 1, h, w}: "mean" over all patches, or "sum" over
// each sample's patches then mean over the batch.
torch::Tensor patch_bce_term(const torch::Tensor& logits, double target, const std::string& reduction);

// The paper's δσ variants (Fig. 4) are analysis/delta_sigma_variants.h, for every variant.

class MogVae : public Vae {
 public:
  MogVae(const ModelSpec& spec, const MogVaeOptions& options);
  std::optional<double> kl_weight() const override { return std::nullopt; }  // beta1..beta4 instead

  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;
  std::vector<torch::Tensor> trainable_parameters() override;
  // One discriminator step on (x, x_hat of the generator pass that preceded it); adds "disc".
  void after_step(const Batch& batch, const StepInfo& info, LossTerms& terms) override;
  void save_extra(torch::serialize::OutputArchive& archive) override;
  void load_extra(torch::serialize::InputArchive& archive) override;

  // b4 (BCE(D(x), 1) + BCE(D(x_hat), 0)) with the current discriminator (grad flows into D only).
  torch::Tensor discriminator_loss(const torch::Tensor& x, const torch::Tensor& x_hat);
  const MogVaeOptions& options() const { return mog_; }
  PatchGAN& discriminator() { return discriminator_; }

 private:
  MogVaeOptions mog_;
  PatchGAN discriminator_{nullptr};
  std::unique_ptr<torch::optim::Adam> disc_optimizer_;
  // x_hat (detached) of the last training-mode loss() and the input it came from, for after_step().
  torch::Tensor last_input_, last_fake_;
};

}  // namespace vaelab

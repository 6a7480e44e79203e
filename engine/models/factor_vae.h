#pragma once
// FactorVAE (Kim & Mnih 2018; vae-lecture.md "total correlation"; spec §7):
//   loss = recon + beta * KLstd + gamma * TC,   TC(z) = KL(q(z) || prod_j q(z_j)) ~= E_q[log D(z) / (1 - D(z))]
// D is an MLP discriminator telling codes z ~ q(z) (label 1) from codes with every dimension permuted
// independently across the batch (label 0), which samples prod_j q(z_j). With D = sigmoid(logit),
// log D/(1-D) = logit, so TC is the batch mean of D's logit; its gradient reaches the encoder through z.
// D is trained alternately: one step of its own Adam in after_step() on the codes sampled in the
// generator pass (detached) and their permutation, loss = 1/2 (BCE(D(z), 1) + BCE(D(perm z), 0)).
// Choice: the paper draws the permuted codes from a second batch; we permute the same batch's codes
// (no second encoder pass, same estimator in expectation).
// Named terms: "recon", "kl", "tc" (unweighted), and "disc" (added by after_step in training; by loss()
// itself in eval mode, where no step follows).
// D is excluded from trainable_parameters(); its Adam state goes through save_extra/load_extra.
#include <torch/optim/adam.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "models/vae.h"

namespace vaelab {

struct FactorVaeOptions {
  double beta = 1.0;    // KL weight (the paper keeps the plain VAE KL)
  int64_t warmup_steps = 0;  // KL warm-up (models/kl_warmup.h); 0: none, as the paper
  double gamma = 10.0;  // TC weight. The paper's best on dSprites is ~35, 3D shapes ~6.4; 10 sits between
  // Discriminator MLP widths; the paper uses 6 layers of 1000 (hidden = 5 x 1000), smaller here for the CPU.
  std::vector<int64_t> disc_hidden = {256, 256, 256};
  double disc_lr = 1e-4;    // paper: Adam 1e-4
  double disc_beta1 = 0.5;  // paper: (0.5, 0.9)
  double disc_beta2 = 0.9;

  static FactorVaeOptions from_json(const nlohmann::json& j);
  nlohmann::json to_json() const;
};

// Each column of z {B, H} permuted independently across the batch (uses torch's RNG): the result has the
// same marginals, and dependence between columns is broken.
torch::Tensor permute_dims(const torch::Tensor& z);

class FactorVae : public Vae {
 public:
  FactorVae(const ModelSpec& spec, const FactorVaeOptions& options);
  std::optional<double> kl_weight() const override { return std::nullopt; }  // weighted by gamma TC

  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  std::vector<torch::Tensor> trainable_parameters() override;
  void after_step(const Batch& batch, const StepInfo& info, LossTerms& terms) override;
  void save_extra(torch::serialize::OutputArchive& archive) override;
  void load_extra(torch::serialize::InputArchive& archive) override;

  // Batch mean of D's logit on z {B, H}: the TC estimate (grad flows into z and D).
  torch::Tensor total_correlation(const torch::Tensor& z);
  // 1/2 (BCE(D(z), 1) + BCE(D(z_perm), 0)) with inputs detached.
  torch::Tensor discriminator_loss(const torch::Tensor& z, const torch::Tensor& z_perm);
  const FactorVaeOptions& options() const { return factor_; }
  torch::nn::Sequential& discriminator() { return discriminator_; }

 private:
  FactorVaeOptions factor_;
  torch::nn::Sequential discriminator_{nullptr};  // z {B, H} -> logit {B, 1}
  std::unique_ptr<torch::optim::Adam> disc_optimizer_;
  torch::Tensor last_input_, last_codes_;  // of the last training-mode loss(), for after_step()
};

}  // namespace vaelab

#pragma once
// Conditional VAE (Sohn et al. 2015; vae-lecture.md "Conditional VAE"; spec §7).
//   q(z | x, y) = N(mu(x, y), diag sigma^2(x, y)),  p(z | y) = N(0, I),  p(x | z, y) = decoder(z, y)
//   loss = recon(x, decoder(z, y)) + beta * KLstd(mu, sigma^2)
// y enters as a one-hot vector of num_classes entries concatenated to the inputs:
// - encoder, "mlp" architecture or vector data: [flatten(x), onehot(y)] -> MLP -> [mu, logvar];
//   "conv"/"resnet": onehot(y) broadcast to num_classes constant image channels appended to x.
// - decoder (every architecture): [z, onehot(y)] -> the usual decoder.
// Labels are required by encode(), decode() and loss() (vaelab::Error naming the call otherwise);
// sample_prior ignores y (the prior does not depend on the label). Named terms: "recon", "kl".
// Options: {"beta": 1.0}.
#include <torch/nn/modules/container/sequential.h>

#include <nlohmann/json.hpp>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct CvaeOptions {
  double beta = 1.0;

  static CvaeOptions from_json(const nlohmann::json& j);
};

class Cvae : public Model {
 public:
  // Throws vaelab::Error when spec.num_classes < 2 (the dataset has no labels).
  Cvae(const ModelSpec& spec, const CvaeOptions& options);

  std::string variant() const override { return "cvae"; }
  int64_t latent_dim() const override { return spec_.latent; }
  bool is_conditional() const override { return true; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;

  int64_t num_classes() const { return spec_.num_classes; }
  // float one-hot {B, num_classes} of y on `like`'s device/dtype; throws for labels out of range.
  torch::Tensor one_hot(const torch::Tensor& y, const torch::Tensor& like, const char* caller) const;

 private:
  torch::Tensor decoder_output(const torch::Tensor& z, const torch::Tensor& y);

  ModelSpec spec_;
  CvaeOptions options_;
  bool flat_encoder_ = true;                // mlp / vector data: concatenate to the flattened input
  torch::nn::Sequential encoder_{nullptr};  // -> {B, 2H}
  torch::nn::Sequential decoder_{nullptr};  // {B, H + C} -> raw output in data shape
};

}  // namespace vaelab

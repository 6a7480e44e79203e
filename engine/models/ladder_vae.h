#pragma once
// Ladder VAE (Sønderby et al. 2016; vae-lecture.md "Ladder VAE"; spec §7). L stochastic layers
// z_1 (bottom, next to x) .. z_L (top):
//   generative   p(z_L) = N(0, I),  p(z_l | z_{l+1}) = N(mu_p,l(z_{l+1}), sigma_p,l^2(z_{l+1})),  p(x | z_1)
//   bottom-up    d_1 = trunk(x), d_l = act(Linear(d_{l-1})); mu^_q,l = Linear(d_l),
//                sigma^_q,l^2 = softplus(Linear(d_l))   (deterministic, one pass)
//   top-down     q(z_L | x) = N(mu^_q,L, sigma^_q,L^2); for l < L the estimate of the data (mu^_q,l) and
//                the prior's estimate from the sampled z_{l+1} (mu^_p,l) merge by precision:
//                  mu_q = (mu^_q sigma^_q^-2 + mu^_p sigma^_p^-2) / (sigma^_q^-2 + sigma^_p^-2)
//                  sigma_q^2 = 1 / (sigma^_q^-2 + sigma^_p^-2)
//   loss = recon(x, decoder(z_1)) + w * sum_l kl_l, with
//     kl_L = KL(q(z_L|x) || N(0, I)),  kl_l = KL(q(z_l | z_{l+1}, x) || p(z_l | z_{l+1})) for l < L,
//   both closed form between diagonal Gaussians at the sampled z_{l+1} (one-sample estimate of the
//   expectation over the upper layers); w = beta, ramped linearly from 0 over `warmup_steps` when > 0
//   (the paper's KL warm-up).
// Named terms: "recon", "kl_1" .. "kl_L" (unweighted), "kl" (their sum).
//
// The latent vector is the concatenation [z_1, z_2, ..., z_L] (latent_groups() names "z1".."zL").
// - encode() runs the top-down pass with each z_{l+1} at its posterior mean (no noise) and returns the
//   merged means/variances of every layer: a deterministic summary for views. The true posterior is a
//   chain, not this diagonal Gaussian, so the inherited sample_posterior()/log_posterior() on it are
//   approximations; log_importance_weight(), nelbo() and loss() sample the chain exactly.
// - log_prior(z) is the hierarchical p(z_L) prod p(z_l | z_{l+1}); sample_prior() samples it ancestrally.
// - decode(z) uses the layers from option decode_from = m (default 1) upwards: z_m..z_L are taken from z,
//   the layers below m are replaced by the top-down prior means computed from them, then the decoder maps
//   z_1 to x. With m = 1 this is exactly the generative mean of p(x | z_1) (upper layers are ignored);
//   with m = L a traversal of the top layer shows its effect through the whole hierarchy.
// Prior units (issue 14; Model::prior_scale): layer l < L is measured in p(z_l | z_{l+1}) at the code's own
// z_{l+1} (centre mu_p,l, scale sigma_p,l from the top-down network), the top layer in N(0, 1);
// from_prior_units() maps standardised coordinates back top-down (z_l = mu_p,l(z_{l+1}) + sigma_p,l u_l),
// so moving an upper layer in the views carries the layers below along and reaches the decoder whatever
// decode_from is. prior_variance() is each dimension's marginal variance under ancestral sampling (4096
// draws from a fixed-seed generator of its own). posterior_against_prior() samples the chain once (own
// fixed-seed generator) and pairs each layer's q(z_l | z_{l+1}, x) with p(z_l | z_{l+1}) at that sample:
// the indicators' D~ of layer l is then the per-input KL its loss term kl_l estimates.
// Options: {"sizes": [H, H/2] (bottom to top; default: `layers` sizes starting at the preset's latent,
//   halving, at least 1), "layers": 2, "deterministic": [256, 128] (width of d_l), "top_down_hidden": 128,
//   "beta": 1.0, "warmup_steps": 0, "decode_from": 1}.
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct LadderVaeOptions {
  std::vector<int64_t> sizes;          // latent size per layer, bottom (z_1) to top (z_L)
  std::vector<int64_t> deterministic;  // width of d_l per layer
  int64_t top_down_hidden = 128;
  double beta = 1.0;
  int64_t warmup_steps = 0;
  int64_t decode_from = 1;  // 1-based layer

  // `latent` is the preset's latent size (used for default sizes).
  static LadderVaeOptions from_json(const nlohmann::json& j, int64_t latent);
};

// Precision-weighted merge of two diagonal Gaussian estimates (variances, not log-variances).
struct GaussianEstimate {
  torch::Tensor mu;
  torch::Tensor var;
};
GaussianEstimate merge_by_precision(const GaussianEstimate& data, const GaussianEstimate& prior);
// KL(N(a) || N(b)) between diagonal Gaussians, summed over the last dim, {B}.
torch::Tensor kl_diagonal_gaussians(const GaussianEstimate& a, const GaussianEstimate& b);

class LadderVae : public Model {
 public:
  LadderVae(const ModelSpec& spec, const LadderVaeOptions& options);

  std::string variant() const override { return "ladder-vae"; }
  int64_t latent_dim() const override { return latent_dim_; }
  std::vector<LatentGroup> latent_groups() const override;
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;
  torch::Tensor sample_prior(int64_t n, const torch::Tensor& y = {},
                             const c10::optional<at::Generator>& generator = c10::nullopt) override;
  torch::Tensor log_prior(const torch::Tensor& z) override;
  torch::Tensor log_importance_weight(const Batch& batch) override;
  torch::Tensor nelbo(const Batch& batch) override;
  torch::Tensor prior_variance() const override;
  PriorScale prior_scale(const torch::Tensor& z, int64_t component = -1) override;
  torch::Tensor from_prior_units(const torch::Tensor& u, int64_t component = -1) override;
  PosteriorAgainstPrior posterior_against_prior(const Batch& batch) override;

  int64_t layers() const { return static_cast<int64_t>(options_.sizes.size()); }
  const LadderVaeOptions& options() const { return options_; }

  // One pass through the ladder. Index l = 0 is z_1. prior[l] is undefined for the top layer (N(0, I)).
  struct Pass {
    std::vector<GaussianEstimate> posterior;  // merged q per layer
    std::vector<GaussianEstimate> prior;      // p(z_l | z_{l+1}) per layer
    std::vector<torch::Tensor> z;             // sampled (or mean) code per layer
  };
  // With `generator` defined the noise comes from it (drawn on the CPU), else from torch's global stream.
  Pass run(const torch::Tensor& x, bool sample, const c10::optional<at::Generator>& generator = c10::nullopt);
  // p(z_l | z_{l+1}) from the top-down network of layer l (0-based, l < L-1).
  GaussianEstimate top_down(int64_t l, const torch::Tensor& z_above);

 private:
  std::vector<torch::Tensor> split(const torch::Tensor& z) const;
  torch::Tensor activate(const torch::Tensor& t) const;

  ModelSpec spec_;
  LadderVaeOptions options_;
  int64_t latent_dim_ = 0;
  std::vector<torch::nn::Sequential> bottom_up_;  // d_l
  std::vector<torch::nn::Linear> q_heads_;         // d_l -> [mu^_q, raw var]
  std::vector<torch::nn::Sequential> top_down_;    // z_{l+1} -> [mu^_p, raw var], l < L-1
  torch::nn::Sequential decoder_{nullptr};         // z_1 -> raw output
};

}  // namespace vaelab

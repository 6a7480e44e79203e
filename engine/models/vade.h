#pragma once
// VaDE, variational deep embedding (Jiang et al., IJCAI 2017; vae-lecture.md "The Generative Process of
// VADE"; spec §7). A VAE whose prior is a Gaussian mixture, so that clusters appear in the latent space:
//   p(c) = Cat(pi),  p(z | c) = N(mu_c, diag sigma_c^2),  p(x | z) = decoder(z)
//   q(z, c | x) = q(z | x) q(c | x),  q(z | x) = N(mu~, diag sigma~^2) (encoder),
//   q(c | x) = gamma_c = p(c | z) = pi_c N(z; mu_c, sigma_c^2) / sum_c' pi_c' N(z; mu_c', sigma_c'^2)
//              evaluated at the sampled z (the paper approximates q(c|x) by p(c|z) at one sample).
// Closed-form ELBO (the paper's L_ELBO with gamma as above; J = latent dims, one z sample for the
// reconstruction term; derived here from the lecture's E_q[log p(x|z) + log p(z|c) + log p(c)
// - log q(z|x) - log q(c|x)] with the Gaussian expectations in closed form):
//   L(x) = log p(x | z)
//        - 1/2 sum_c gamma_c sum_j [ log sigma_cj^2 + sigma~_j^2 / sigma_cj^2 + (mu~_j - mu_cj)^2 / sigma_cj^2 ]
//        + sum_c gamma_c log(pi_c / gamma_c)
//        + 1/2 sum_j (1 + log sigma~_j^2)
// (the J/2 log 2 pi of E_q log p(z|c) and of -E_q log q(z|x) cancel). Named terms: "recon" = -log p(x|z),
// "kl" = everything else with its sign flipped (prior_kl() below, = KL(q(z,c|x) || p(z,c)) for the given
// gamma), and "pretrain" (1 during autoencoder pre-training, 0 after: shows the switch on the chart).
// gamma keeps its gradient (a function of the sampled z and the prior); Choice: not detached.
//
// Training schedule (the paper pre-trains a stacked autoencoder, then fits a GMM to its codes):
// - while the prior is not initialised the loss is the plain autoencoder's recon(x, decoder(mu~));
//   in training mode the encoder means mu~ of the last `init_samples` inputs seen are kept (a ring
//   buffer, CPU memory, not part of the state: with >= one epoch of inputs it holds the codes of the
//   whole last pre-training epoch).
// - at the first training-mode loss() with StepInfo::epoch >= pretrain_epochs, k-means++ (analysis/
//   kmeans, best of 10 restarts) then diagonal GMM EM (stats/gmm_em) on the kept codes set pi,
//   mu_c, sigma_c^2 (init "tsne": see Options below), and the loss becomes -L(x). initialize_prior(codes) does the same on codes the caller provides (e.g. the
//   encoder means of the whole training set); after it, pre-training is over whatever the epoch.
//   With pretrain_epochs = 0 the first training batch's codes (an untrained encoder) are all it gets.
// - whether the prior is initialised is a registered buffer, so snapshots and checkpoints carry it. A
//   checkpoint saved during pre-training loses the ring buffer; the GMM is then fitted on the codes
//   gathered after the restore (at least the current batch).
// Probabilistic interface: log_prior(z) = log sum_c pi_c N(z; mu_c, sigma_c^2) (c marginalised exactly,
// so IWAE-k through the default log_importance_weight is right); sample_prior draws c then z;
// nelbo() = recon + prior_kl at one z sample.
// Prior units (issue 14; Model::prior_scale): the mixture's per-dimension moments, centre m_h = sum_c pi_c
// mu_ch and variance sum_c pi_c (sigma_ch^2 + mu_ch^2) - m_h^2 (what prior_variance() returns too), or with
// component = k (prior_components() = K) cluster k's Gaussian N(mu_k, sigma_k^2). The indicators measure
// q(z|x) against the mixture's moments (the mixture itself has no closed-form KL).
// Options: {"clusters": 10, "pretrain_epochs": 10, "init_samples": 10000, "init_seed": 0,
//           "pretrain": "ae" | "dae" | "vae", "pretrain_noise": 0.2, "init": "kmeans" | "tsne",
//           "init_em_iterations": 100, "init_perplexity": 30, "init_maps": 1, "init_refine_steps": 0}
//   ae: plain autoencoder recon(x, decoder(mu~(x))); dae: denoising autoencoder as in DEC's stacked-AE
//   pre-training, the encoder sees x with a fraction pretrain_noise of its entries zeroed (dropout
//   corruption) and the decoder reconstructs the clean x; vae: recon + KLstd.
//   init kmeans: k-means++ (best of 10) on the codes groups them. init tsne (ours, after N2D, McConville
//   et al. 2019): k-means on a 2-D Barnes-Hut t-SNE map of the codes groups them; on MNIST codes the
//   map's islands follow the digits far better than the raw codes (measured: 0.89 against 0.63 accuracy
//   on 8000 training digits); init_perplexity sets the map's perplexity. The fit costs ~40 s at 8000
//   codes on 2 cores; inside a trainer step it stops when the trainer is asked to
//   (core/step_cancellation.h). Either way a Gaussian is fitted per group (one M-step), then
//   init_em_iterations of EM; 0 keeps the groups' Gaussians (EM drifts back towards the raw codes'
//   own clusters).
//   init_maps (tsne, ours): the map depends on its seed (k-means on maps of one set of MNIST codes from
//   seeds 0-4: 0.77, 0.86, 0.85, 0.83, 0.84 accuracy) and neither the map's KL nor the k-means inertia
//   ranks them, so init_maps maps are made and the grouping that agrees most with the others (mean NMI,
//   stats/consensus_partition) is used: there the 0.86 one; on a second set of codes (0.82-0.85)
//   the 0.84 one.
//   init_refine_steps (ours): one diagonal Gaussian per group reproduces only part of the groups in the
//   codes (86 % of a t-SNE map's groups on MNIST), and q(c|x) starts from that GMM; that many full-batch
//   Adam steps on -log p(group | code) (stats/gmm_label_refinement) move the GMM's boundaries onto
//   the groups (94 %) before VaDE's ELBO takes over. Applied after the EM iterations.
#include <torch/nn/modules/container/sequential.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "models/model.h"
#include "models/model_spec.h"

namespace vaelab {

struct VadeOptions {
  int64_t clusters = 10;         // K, mixture components (MNIST: 10)
  int64_t pretrain_epochs = 10;  // autoencoder epochs before the GMM initialisation
  int64_t init_samples = 10000;  // codes kept for the initial GMM fit
  uint64_t init_seed = 0;        // k-means++ seed
  std::string pretrain = "ae";   // ae | dae | vae
  double pretrain_noise = 0.2;   // dae: dropout rate of the input corruption
  std::string init = "kmeans";   // kmeans | tsne: how the codes are grouped before the GMM fit
  int64_t init_em_iterations = 100;  // EM iterations after the M-step on those groups (0: none)
  double init_perplexity = 30.0;     // tsne: perplexity of the map
  int64_t init_maps = 1;             // tsne: maps made (seeds init_seed + m); the medoid grouping is used
  int64_t init_refine_steps = 0;     // conditional-likelihood steps fitting the GMM to the groups (0: none)

  static VadeOptions from_json(const nlohmann::json& j);
};

class Vade : public Model {
 public:
  Vade(const ModelSpec& spec, const VadeOptions& options);

  std::string variant() const override { return "vade"; }
  int64_t latent_dim() const override { return spec_.latent; }
  Posterior encode(const Batch& batch) override;
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) override;
  LossTerms loss(const Batch& batch, const StepInfo& info) override;
  torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) override;
  torch::Tensor sample_prior(int64_t n, const torch::Tensor& y = {},
                             const c10::optional<at::Generator>& generator = c10::nullopt) override;
  torch::Tensor log_prior(const torch::Tensor& z) override;
  torch::Tensor nelbo(const Batch& batch) override;
  torch::Tensor prior_variance() const override;
  PriorScale prior_scale(const torch::Tensor& z, int64_t component = -1) override;
  int64_t prior_components() const override { return options_.clusters; }

  // --- VaDE specifics ---
  int64_t clusters() const { return options_.clusters; }
  const VadeOptions& options() const { return options_; }
  // q(c | x) for the clusters view: gamma at the encoder mean mu~(x) (deterministic), {B, K}, rows sum
  // to 1. x is a batch in data shape on the model's device.
  torch::Tensor cluster_probabilities(const torch::Tensor& x);
  // log pi_c + log N(z; mu_c, sigma_c^2), {B, K}.
  torch::Tensor log_joint_clusters(const torch::Tensor& z);
  // gamma = p(c | z), {B, K}.
  torch::Tensor responsibilities(const torch::Tensor& z);
  // E_q(z,c|x)[log q(z,c|x) - log p(z,c)] in closed form for the given gamma {B, K}: the "kl" term, {B}.
  torch::Tensor prior_kl(const Posterior& q, const torch::Tensor& gamma);
  // Fits pi, mu_c, sigma_c^2 to codes {N, H} (N >= K): groups from k-means++ on the codes (init
  // "kmeans") or on their t-SNE map (init "tsne"), a Gaussian per group, then init_em_iterations of
  // diagonal GMM EM. Ends pre-training. keep_going (t-SNE only, checked every iteration) returning
  // false throws TaskCancelled and changes nothing.
  void initialize_prior(const torch::Tensor& codes, const std::function<bool()>& keep_going = {});
  bool prior_initialized() const;
  torch::Tensor mixture_weights();    // pi {K}
  torch::Tensor mixture_means() { return mu_c_; }           // {K, H}
  torch::Tensor mixture_log_variances() { return logvar_c_; }  // {K, H}

 private:
  torch::Tensor decoder_output(const torch::Tensor& z) { return decoder_->forward(z); }
  void keep_codes(const torch::Tensor& mu);

  ModelSpec spec_;
  VadeOptions options_;
  torch::nn::Sequential encoder_{nullptr};  // x -> {B, 2H}: [mu~, log sigma~^2]
  torch::nn::Sequential decoder_{nullptr};  // z -> raw output
  torch::Tensor pi_logits_;   // {K} parameter, pi = softmax
  torch::Tensor mu_c_;        // {K, H} parameter
  torch::Tensor logvar_c_;    // {K, H} parameter, log sigma_c^2
  torch::Tensor initialized_; // {} float buffer: 1 once the prior was fitted
  std::deque<torch::Tensor> kept_codes_;  // CPU {b, H} chunks, newest last
  int64_t kept_rows_ = 0;
};

}  // namespace vaelab

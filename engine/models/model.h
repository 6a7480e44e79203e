#pragma once
// The one interface every VAE variant implements, so that every trainer path, analysis and GUI view
// works with every variant.
//
// Contracts
// - Batches are float32 in the dataset's shape ({B,C,H,W} or {B,D}); labels int64 {B} or undefined.
// - encode() gives the (combined) posterior q(z|x) = N(mu, diag exp(logvar)) over the full latent vector
//   of size latent_dim(). Deterministic encoders (WAE-MMD) leave logvar undefined.
// - decode() returns the decoder's *mean* in data range (probabilities for Bernoulli), in data shape.
// - loss() returns what the main optimiser minimises (total, with grad) plus every named term, each a
//   per-sample mean in nats (terms defined once per batch are added once). When the module is in
//   training mode loss() may also update closed-form state (EM, sigma^2) held in registered buffers.
// - after_step() runs after the main optimiser step: adversarial discriminator steps, closed-form
//   updates. Variants that need an optimiser of their own create and own it; its state goes through
//   save_extra()/load_extra() so checkpoints restore it.
// - All learned state (weights, buffers such as sigma_k^2, pi_k, GMM parameters) is registered with the
//   module, so copying named_parameters()+named_buffers() makes an exact snapshot (copy_state()).
// Thread-safety: a Model is used by one thread at a time. The trainer publishes copies (snapshots) for
// other threads; those copies are only read (forward under NoGradGuard), never trained.
#include <torch/nn/module.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.h"

namespace vaelab {

struct Posterior {
  torch::Tensor mu;      // {B, H}
  torch::Tensor logvar;  // {B, H}; undefined for deterministic encoders
};

// A named block of the latent vector (Ladder VAE layers; one "z" group for flat variants).
struct LatentGroup {
  std::string name;
  int64_t offset = 0;
  int64_t size = 0;
};

// The prior each latent dimension is measured in, at given codes (issue 14; spec §6, §9): per code and
// dimension a centre and a standard deviation, plus one line per latent group naming the units. Views
// set slider, traversal and manifold ranges in these units and the indicators measure every group
// against it. Hierarchical priors (Ladder) give the conditional p(z_l | z_{l+1}) at the code's own upper
// layer, so the centre and scale of a dimension depend on the rest of the code.
struct PriorScale {
  torch::Tensor centre;  // {B, H}
  torch::Tensor scale;   // {B, H}, > 0: the standard deviation
  std::vector<std::string> units;  // one per latent_groups() entry, e.g. "N(0,1)", "p(z1|z2) at the current code"

  // "z1: p(z1|z2) at the current code; z2: N(0,1)" (only the line when there is one group).
  std::string describe(const std::vector<LatentGroup>& groups) const;
};

// A posterior and, per input and dimension, the prior it is measured against (the indicators' D~, I~).
struct PosteriorAgainstPrior {
  Posterior posterior;
  PriorScale prior;
};

struct LossTerms {
  torch::Tensor total;  // scalar, requires grad during training
  std::vector<std::pair<std::string, torch::Tensor>> terms;  // named scalars (reported, detached ok)

  void add(const std::string& name, const torch::Tensor& value) { terms.emplace_back(name, value); }
  // The named values as doubles, in insertion order (total first, as "loss").
  std::vector<std::pair<std::string, double>> values() const;
};

struct StepInfo {
  int64_t step = 0;   // global optimiser step (0-based)
  int64_t epoch = 0;  // 0-based
};

class Model : public torch::nn::Module {
 public:
  ~Model() override = default;

  virtual std::string variant() const = 0;
  // What this build computes for the variant, as a number that rises whenever a change makes weights
  // trained before it mean something else with the same tensor names and shapes (e.g. PH-VAE's decoder
  // gaining its output sigmoid: revision 2). Saved in checkpoints; a checkpoint of another revision is
  // refused by name instead of loading into a model that would silently compute something else.
  virtual int64_t revision() const { return 1; }
  // Where the model lives: the device of its first parameter, else of its first buffer, else the CPU
  // (a model without state).
  torch::Device device() const;
  virtual int64_t latent_dim() const = 0;
  virtual std::vector<LatentGroup> latent_groups() const { return {{"z", 0, latent_dim()}}; }
  // The weight beta of KLstd in the training objective, for variants whose objective is recon + beta KL
  // (vae, beta-vae, iwae, ph-vae, noise-vae); nullopt for objectives weighted otherwise (FactorVAE's
  // gamma, the MoG-VAE's beta1..beta4, VaDE, HEBAE, WAE-MMD, Ladder, CVAE). Read from the parsed options.
  virtual std::optional<double> kl_weight() const { return std::nullopt; }
  // True when encode/decode need labels (conditional VAE).
  virtual bool is_conditional() const { return false; }

  virtual Posterior encode(const Batch& batch) = 0;
  virtual torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y = {}) = 0;
  virtual LossTerms loss(const Batch& batch, const StepInfo& info) = 0;

  // Parameters the trainer's main optimiser updates (default: all). Adversarial variants leave out
  // their discriminator.
  virtual std::vector<torch::Tensor> trainable_parameters() { return parameters(); }
  virtual void after_step(const Batch& /*batch*/, const StepInfo& /*info*/, LossTerms& /*terms*/) {}
  virtual void save_extra(torch::serialize::OutputArchive& /*archive*/) {}
  virtual void load_extra(torch::serialize::InputArchive& /*archive*/) {}

  // --- probabilistic pieces, defaults for a standard-normal prior and diagonal Gaussian posterior ---
  // n draws of p(z), {n, H} on the model's device. With `generator` the noise comes from it (drawn on
  // the CPU, then moved), so views draw without consuming torch's global stream, which a seeded training
  // run on another thread depends on; without it, from the global stream.
  virtual torch::Tensor sample_prior(int64_t n, const torch::Tensor& y = {},
                                     const c10::optional<at::Generator>& generator = c10::nullopt);
  // Variance of the prior p(z) per latent dimension, {latent_dim()}, positive, any device: the unit in
  // which model health measures active units and posterior-variance collapse (analysis/model_health.h).
  // Default: ones, the N(0, I) prior; hierarchical, mixture and empirical priors override it.
  // Overrides keep it the marginal variance of the prior in prior_scale()'s units (Ladder: of z_l under
  // ancestral sampling; VaDE: of the mixture; HEBAE: diag of the empirical prior's covariance).
  virtual torch::Tensor prior_variance() const { return torch::ones({latent_dim()}); }
  // Whether the objective puts a divergence on the posterior variance. False for HEBAE, whose sigma_i
  // enters no KL term by design (spec §4): its posteriors shrink to points and its prior is fitted to
  // the codes, so model health does not call that variance collapse.
  virtual bool regularises_posterior_variance() const { return true; }
  // The prior of every dimension at codes z {B, H} (model's device): centre and standard deviation, see
  // PriorScale. component >= 0 picks one component of a mixture prior (VaDE's cluster k, k <
  // prior_components()); -1 the prior itself. Default: N(0, I), units "N(0,1)".
  virtual PriorScale prior_scale(const torch::Tensor& z, int64_t component = -1);
  // Components a view may pick in prior_scale() (VaDE: K); 0 when the prior is not a mixture.
  virtual int64_t prior_components() const { return 0; }
  // Standardised coordinates: u = (z - centre(z)) / scale(z) with prior_scale() at z itself, and the
  // inverse. For priors whose centre and scale do not depend on the code the inverse is centre + scale u
  // (the default); hierarchical priors (Ladder) invert top-down, each layer from the layer above it
  // already mapped back. Moving u_h and mapping back moves z_h in units of its prior's standard deviation
  // and carries every layer below along in its own prior (prior_units.h).
  torch::Tensor to_prior_units(const torch::Tensor& z, int64_t component = -1);
  virtual torch::Tensor from_prior_units(const torch::Tensor& u, int64_t component = -1);
  // The posterior of a batch and the prior each of its dimensions is measured against: default encode()
  // and prior_scale(mu). Ladder: one pass with z_{l+1} sampled (from a fixed-seed generator of its own,
  // never torch's global stream), q(z_l | z_{l+1}, x) and p(z_l | z_{l+1}) at that sample, so the KL
  // of layer l is the one its loss term kl_l estimates.
  virtual PosteriorAgainstPrior posterior_against_prior(const Batch& batch);
  virtual torch::Tensor sample_posterior(const Posterior& q);  // reparameterised: mu + sigma*eps
  virtual torch::Tensor log_prior(const torch::Tensor& z);     // {B}
  virtual torch::Tensor log_posterior(const torch::Tensor& z, const Posterior& q);  // {B}
  // log p(x|z) per sample {B}, summed over data dims.
  virtual torch::Tensor log_likelihood(const Batch& batch, const torch::Tensor& z) = 0;
  // One importance sample's log w = log p(x,z) - log q(z|x), {B}. IWAE-k for any variant uses this.
  virtual torch::Tensor log_importance_weight(const Batch& batch);
  // Per-sample negative ELBO with beta = 1 (nats, {B}): -log p(x|z) + KL(q||p), closed form where known.
  virtual torch::Tensor nelbo(const Batch& batch);
  // Decoder mean of the posterior mean code: what "reconstruction" shows.
  virtual torch::Tensor reconstruct(const Batch& batch);
};

// Puts a model in eval mode for a scope and gives it its previous mode back on every exit path
// (evaluation may throw or be cancelled).
class EvalModeGuard {
 public:
  explicit EvalModeGuard(Model& model) : model_(model), was_training_(model.is_training()) { model_.eval(); }
  ~EvalModeGuard() {
    if (was_training_) model_.train();
  }
  EvalModeGuard(const EvalModeGuard&) = delete;
  EvalModeGuard& operator=(const EvalModeGuard&) = delete;

 private:
  Model& model_;
  bool was_training_;
};

// Copies every parameter and buffer of `from` into `to` (same variant and shapes), without autograd.
// Throws vaelab::Error naming both when the two do not match.
void copy_state(Model& from, Model& to);

}  // namespace vaelab

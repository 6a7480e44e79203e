#pragma once
// Disentanglement indicators of the noise-modelling paper (noise-modeling-vae.txt §4.4, Definitions 1-7;
// spec VARIANTS.md §6), computed from the posteriors q(z|x_m) = N(mu_m, diag sigma_m^2) of M evaluation
// inputs, plus ||Cov(mu) - I||_F.
//
// Which prior (issue 14). The paper's model has the prior N(0, I); here every latent group is measured
// against its own prior, p_m = N(c_m, diag s_m^2) per input (Model::posterior_against_prior, the centre and
// scale of Model::prior_scale): N(0, I) for the flat variants (the paper's definitions unchanged), the
// Ladder's p(z_l | z_{l+1}) at the z_{l+1} sampled from q for that input (so D~ of layer l is the KL its
// loss term kl_l estimates, no longer KL(q(z_1|x) || N(0, I)), which counted the offset of the conditional
// prior as information: 496 nats for a z1 whose KL to its own prior was 12), VaDE's mixture moments, HEBAE's
// empirical prior of the codes. The definitions below are applied to the standardised posteriors
// mu'_m = (mu_m - c_m) / s_m, sigma'_m = sigma_m / s_m, against N(0, I): KL is invariant under that map,
// so D~ is exactly (1/M) sum_m KL(q(z|x_m) || p_m), and q*, I~, Def. 5 and the mean posterior variance are
// in the prior's units (q* is the aggregate posterior's spread in those units). compute_indicators(mu,
// logvar) is the N(0, I) case. ||Cov(mu) - I||_F stays on the raw codes (HEBAE's Fig. 2 question).
//
// Definitions (all in nats; h = 1..H, m = 1..M; mu, sigma standardised as above):
//   D~            = (1/M) sum_m KL(q(z|x_m) || N(0,I))                                   (Def. 1)
//   q*(z)         = N(0, diag s^2), s_h^2 = (1/M) sum_m (mu_mh^2 + sigma_mh^2)  -- the minimiser of
//                   (1/M) sum_m KL(q(z|x_m) || Q) over factorised zero-mean Gaussians Q (eq. 27/28)
//   I~(x; z_h)    = (1/M) sum_m KL(q(z_h|x_m) || q*(z_h))                                 (Def. 3)
//   I~(x; z)      = sum_h I~(x; z_h)                                                       (Def. 2)
//   KL(q(z)||p)   ~ D~ - I~                                                                (Def. 4)
//                 ~ KL(q* || N(0,I)) = 1/2 sum_h (s_h^2 - 1 - log s_h^2)                   (Def. 5)
//   With the closed-form q*, Def. 4 and Def. 5 agree exactly (the paper reports "the same results");
//   both are reported so a user can see it.
//   mean posterior variance sigma^2_{z_h} = (1/M) sum_m sigma_mh^2;  #(sigma^2_{z_h} > 0.8) counts
//   near-prior (unused) factors, #(I~(x;z_h) > 0.5) influential ones (thresholds are options).
//   ||Cov(mu) - I||_F: Frobenius distance of the (biased, 1/M) covariance of the raw means from I.
//
// Deterministic encoders (Posterior::logvar undefined, e.g. WAE-MMD): sigma^2 = 0 makes every KL
// infinite, so the KL-based values are NaN (JSON null) and the counts -1; s^2, the mean posterior
// variance (0) and ||Cov(mu) - I||_F are still reported.
//
// Thread-safety: compute_indicators is a pure function of its inputs. evaluate_indicators uses the model
// on the calling thread only (pass a snapshot copy when a trainer is running), under NoGradGuard in eval
// mode, restoring the model's train/eval mode on return.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "models/model.h"

namespace vaelab {

struct IndicatorOptions {
  double inactive_variance = 0.8;   // sigma^2_{z_h} above this -> near-prior factor
  double influential_information = 0.5;  // I~(x; z_h) above this -> influential factor
  int64_t batch_size = 256;         // evaluate_indicators: inputs per forward pass
  int64_t limit = 0;                // evaluate_indicators: only the first `limit` inputs; 0 = all
};

struct Indicators {
  int64_t samples = 0;  // M
  int64_t latent = 0;   // H
  bool deterministic = false;  // the encoder gave no logvar

  double average_kl = 0.0;                 // D~ (Def. 1)
  std::vector<double> average_kl_per_dim;  // D~_h, sums to D~
  std::vector<double> qstar_variance;      // s_h^2
  double mutual_information = 0.0;         // I~(x; z) (Def. 2)
  std::vector<double> mutual_information_per_dim;  // I~(x; z_h) (Def. 3)
  double aggregate_kl_def4 = 0.0;          // D~ - I~ (Def. 4)
  double aggregate_kl_def5 = 0.0;          // KL(q* || p) (Def. 5)
  std::vector<double> mean_posterior_variance;     // sigma^2_{z_h}
  int64_t inactive_count = 0;      // #(sigma^2_{z_h} > options.inactive_variance), -1 if deterministic
  int64_t influential_count = 0;   // #(I~(x;z_h) > options.influential_information), -1 if deterministic
  double cov_mu_identity_frobenius = 0.0;  // ||Cov(mu) - I||_F
  std::string prior_units = "N(0,1)";      // the prior measured against (PriorScale::describe)

  // Latent dimensions sorted by I~(x; z_h), largest first (ties by index). For a deterministic encoder
  // (no I~) sorted by the variance of mu instead, i.e. by s_h^2.
  std::vector<int64_t> dims_by_influence() const;
  // Only the dimensions with I~(x; z_h) > threshold, in dims_by_influence() order (traversals show these).
  std::vector<int64_t> influential_dims(double threshold = 0.5) const;

  // Keys: "indicators": {"samples", "latent", "average_kl", "mutual_information", "aggregate_kl_def4",
  // "aggregate_kl_def5", "inactive_count", "influential_count", "cov_mu_identity_frobenius", "prior_units",
  // "inactive_variance_threshold", "influential_information_threshold", "average_kl_per_dim": [...],
  // "qstar_variance": [...], "mutual_information_per_dim": [...], "mean_posterior_variance": [...]}
  // (NaN -> null). This returns the inner object.
  nlohmann::json to_json() const;
  double inactive_variance_threshold = 0.8;
  double influential_information_threshold = 0.5;
};

// From posterior parameters mu {M,H} and logvar {M,H} (or undefined). Any device; computed in float64.
// Throws vaelab::Error on mismatched shapes or M == 0.
Indicators compute_indicators(const torch::Tensor& mu, const torch::Tensor& logvar,
                              const IndicatorOptions& options = {});

// The same for posteriors measured against their own priors (see the header): the KL-based values use the
// standardised posteriors, ||Cov(mu) - I||_F the raw means; prior_units from qp.prior.describe(groups).
Indicators compute_indicators(const PosteriorAgainstPrior& qp, const std::vector<LatentGroup>& groups,
                              const IndicatorOptions& options = {});

// Posterior parameters and the priors they are measured against (Model::posterior_against_prior) of every
// input of `data` (or its first options.limit inputs), on the CPU. `progress` as below.
PosteriorAgainstPrior collect_posteriors_against_prior(Model& model, const Dataset& data,
                                                       const IndicatorOptions& options = {},
                                                       const std::function<bool(int64_t, int64_t)>& progress = {});

// Posterior parameters of every input of `data` (or its first options.limit inputs), on the CPU:
// mu {M,H}, logvar {M,H} or undefined. `progress` (done, total) may return false to cancel; the
// result then covers the inputs done so far.
Posterior collect_posteriors(Model& model, const Dataset& data, const IndicatorOptions& options = {},
                             const std::function<bool(int64_t, int64_t)>& progress = {});

// collect_posteriors_against_prior + compute_indicators: each group against its own prior.
Indicators evaluate_indicators(Model& model, const Dataset& data, const IndicatorOptions& options = {},
                               const std::function<bool(int64_t, int64_t)>& progress = {});

// What `vaelab-cli eval` adds to its JSON: {"indicators": Indicators::to_json()}; merge it into the
// evaluation object with json.update(indicators_json(...)).
nlohmann::json indicators_json(Model& model, const Dataset& data, const IndicatorOptions& options = {});

}  // namespace vaelab
